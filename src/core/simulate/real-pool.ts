import { baselinePairs } from '../design/baselines';
import type { ExactConstraints } from '../design/constraints';
import { throwIfAborted } from '../design/cooperative';
import { policyMatrix } from '../design/policy';
import { createProblem, pairTotal, type DesignProblem } from '../design/problem';
import { sampleDesign } from '../design/rounding';
import { runDesign } from '../design/run-design';
import { seededRandom } from '../design/seeded-random';
import {
  DEFAULT_DESIGN_SETTINGS,
  type BaselineName,
  type CriterionName,
  type ProgressFn,
} from '../design/types';
import { fitDpo } from './dpo-fit';
import { drawLabels, labelDraws } from './labels';
import { ALL_METHODS, BASELINE_METHODS, type SimulationMethod } from './methods';
import { expectedScore, heldOutAccuracy } from './real-pool-metrics';
import type { ScoredPool } from './scored-pool';
import { estimate, type Estimate } from './statistics';
import { streamSeed } from './streams';
import { project } from './world';

export interface RealPoolSettings {
  budgets: number[];
  /** Replications: label draws and randomized designs from seed + k. */
  seeds: number;
  seed: number;
  /** DPO temperature. */
  beta: number;
  /** Ridge of the designs and of the fit. */
  ridge: number;
  /** Bradley-Terry temperature T: P(a preferred to b) = sigma((score_a - score_b) / T). */
  temperature: number;
}

export const DEFAULT_REAL_POOL_SETTINGS: RealPoolSettings = {
  budgets: [25, 50, 100, 200, 400],
  seeds: 10,
  seed: 0,
  beta: 0.1,
  ridge: 1e-3,
  temperature: 1,
};

export interface RealPoolCurve {
  /** Share of held-out pairs of unequal score that the fitted reward orders as the score does. */
  accuracy: Estimate[];
  /** Expected score of the fitted policy, mean over prompts. */
  expectedScore: Estimate[];
}

export interface RealPoolResult {
  settings: RealPoolSettings;
  pool: {
    prompts: number;
    completions: number;
    pairs: number;
    /** Pairs whose two scores differ: the pairs accuracy is measured on. */
    orderedPairs: number;
    droppedCompletions: number;
    droppedPrompts: number;
    referencePolicy: 'uniform' | 'logp_ref';
  };
  /** Yardsticks: pi_0, the score's own argmax, pi* = pi_0 exp(score / (T beta)), all labelled. */
  references: {
    referenceScore: number;
    bestScore: number;
    optimalScore: number;
    allPairsAccuracy: number;
    allPairsScore: number;
  };
  curves: Record<SimulationMethod, RealPoolCurve>;
  elapsedMs: number;
}

/**
 * The semi-synthetic check on a real pool, with its score field as the oracle: every method
 * picks its pairs on the pool's features, the pairs get Bradley-Terry labels drawn from score
 * differences at temperature T, DPO's linear reward is fitted on them (ridge as the designs),
 * and the fitted reward r_hat = theta_hat' x is judged by (1) pairwise accuracy on every
 * held-out pair of unequal score and (2) the expected score of its DPO policy
 *
 *     pi_hat(j|i) = pi_0(j|i) exp(r_hat_ij / beta) / Z_i      over each prompt's pool,
 *     expected score = (1/N) sum_i sum_j pi_hat(j|i) score_ij.
 *
 * Deterministic designs (greedy, round, d, oracle) are computed once per budget; the sampled
 * design and the randomized baselines are drawn again for each replication.
 */
export async function checkRealPool(
  scored: ScoredPool,
  settings: RealPoolSettings,
  options: { progress?: ProgressFn; signal?: AbortSignal } = {},
): Promise<RealPoolResult> {
  const started = performance.now();
  const { r, offsets, scores, pi0 } = scored;
  const { beta, ridge, temperature } = settings;
  const logits = scores.map((s) => s / temperature);
  const policy = policyMatrix(scored.features, r, offsets, pi0);
  const problem = (criterion: CriterionName, margin?: Float64Array) =>
    createProblem({
      features: scored.features,
      r,
      offsets,
      beta,
      ridge,
      criterion,
      policy,
      margin,
    });
  const dpo = problem('dpo');
  const d = problem('d');
  const oracle = problem('dpo', logits);
  const total = pairTotal(dpo);
  if (settings.budgets[settings.budgets.length - 1] > total) {
    throw new Error(`Budget exceeds the ${total} pairs of scored completions`);
  }

  const values = {} as Record<SimulationMethod, { accuracy: number[][]; score: number[][] }>;
  for (const method of ALL_METHODS) {
    values[method] = {
      accuracy: settings.budgets.map(() => []),
      score: settings.budgets.map(() => []),
    };
  }
  const steps = settings.budgets.length * (settings.seeds + 1);
  let step = 0;
  for (let k = 0; k < settings.budgets.length; k++) {
    const budget = settings.budgets[k];
    options.progress?.('designing', step++ / steps);
    const design = (p: DesignProblem, criterion: CriterionName) =>
      runDesign({
        problem: p,
        settings: {
          ...DEFAULT_DESIGN_SETTINGS,
          criterion,
          budget,
          beta,
          ridge,
          seed: streamSeed(settings.seed, `designs-${budget}`),
        },
        scores,
        pi0,
        signal: options.signal,
      });
    const dpoRun = await design(dpo, 'dpo');
    const fixed = new Map<SimulationMethod, number[]>([
      ['dpo-greedy', dpoRun.methods.find((m) => m.name === 'greedy')!.order],
      ['dpo-round', dpoRun.methods.find((m) => m.name === 'round')!.order],
      ['d', (await design(d, 'd')).order],
      ['oracle', (await design(oracle, 'dpo')).order],
    ]);
    const constraints: ExactConstraints = {
      budget,
      allowRepeats: false,
      maxPerPrompt: 0,
      cover: [],
    };

    for (let rep = 0; rep < settings.seeds; rep++) {
      throwIfAborted(options.signal);
      options.progress?.('fitting', step++ / steps);
      const seed = settings.seed + rep;
      const orders = new Map(fixed);
      orders.set(
        'dpo-sample',
        sampleDesign(
          dpo,
          dpoRun.weights,
          constraints,
          seededRandom(streamSeed(seed, `sample-${budget}`)),
        ),
      );
      for (const name of BASELINE_METHODS) {
        const order = baselinePairs(name as BaselineName, {
          problem: dpo,
          constraints,
          random: seededRandom(streamSeed(seed, `${name}-${budget}`)),
          scores,
          pi0,
        });
        if (order) orders.set(name, order);
      }
      const draws = labelDraws(total, seededRandom(streamSeed(seed, 'labels')));
      for (const [method, order] of orders) {
        if (order.length < budget) continue;
        const fit = fitDpo(dpo.x, r, drawLabels(order, dpo, logits, draws), ridge);
        const fitted = project(dpo.x, r, fit.theta);
        values[method].accuracy[k].push(heldOutAccuracy(dpo, fitted, scores, order));
        values[method].score[k].push(expectedScore(pi0, fitted, beta, offsets, scores));
      }
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
  options.progress?.('fitting', 1);

  const curves = {} as Record<SimulationMethod, RealPoolCurve>;
  for (const method of ALL_METHODS) {
    curves[method] = {
      accuracy: values[method].accuracy.map(estimate),
      expectedScore: values[method].score.map(estimate),
    };
  }
  return {
    settings,
    pool: {
      prompts: offsets.length - 1,
      completions: scores.length,
      pairs: total,
      orderedPairs: countOrdered(dpo, scores),
      droppedCompletions: scored.droppedCompletions,
      droppedPrompts: scored.droppedPrompts,
      referencePolicy: scored.referencePolicy,
    },
    references: references(dpo, scored, settings, logits),
    curves,
    elapsedMs: Math.round(performance.now() - started),
  };
}

/** The yardsticks of the check, including a fit on every pair labelled once (seed's draws). */
function references(
  dpo: DesignProblem,
  scored: ScoredPool,
  settings: RealPoolSettings,
  logits: Float64Array,
): RealPoolResult['references'] {
  const { offsets, scores, pi0, r } = scored;
  const { beta, ridge } = settings;
  const all = Array.from({ length: pairTotal(dpo) }, (_, e) => e);
  const draws = labelDraws(all.length, seededRandom(streamSeed(settings.seed, 'labels')));
  const fit = fitDpo(dpo.x, r, drawLabels(all, dpo, logits, draws), ridge);
  const fitted = project(dpo.x, r, fit.theta);
  let best = 0;
  for (let i = 0; i + 1 < offsets.length; i++) {
    let max = -Infinity;
    for (let c = offsets[i]; c < offsets[i + 1]; c++) max = Math.max(max, scores[c]);
    best += max / (offsets.length - 1);
  }
  return {
    referenceScore: expectedScore(pi0, new Float64Array(scores.length), beta, offsets, scores),
    bestScore: best,
    optimalScore: expectedScore(pi0, logits, beta, offsets, scores),
    allPairsAccuracy: heldOutAccuracy(dpo, fitted, scores, []),
    allPairsScore: expectedScore(pi0, fitted, beta, offsets, scores),
  };
}

function countOrdered(problem: DesignProblem, scores: Float64Array): number {
  let count = 0;
  for (let e = 0; e < problem.pairA.length; e++) {
    if (scores[problem.pairA[e]] !== scores[problem.pairB[e]]) count++;
  }
  return count;
}
