import { addOuter } from './design/dense';
import { uniformInformation } from './design/criterion';
import { InformationState } from './design/information-state';
import { policyMatrix, referencePolicy } from './design/policy';
import {
  createProblem,
  pairIndex,
  pairRef,
  pairTotal,
  pairVector,
  type DesignProblem,
} from './design/problem';
import { runDesign } from './design/run-design';
import type { ChosenPair, DesignResult, DesignSettings, PairRef, ProgressFn } from './design/types';
import { featurize } from './features';
import type { FeatureOptions, Features } from './features/feature-matrix';
import { PoolError, type Pool } from './pool/pool';

/**
 * The engine's front door, shared by the CLI and the language server: a pool is featurized and
 * indexed once (`preparePool`), then scored (`scorePool`) and designed (`designPool`) under any
 * settings.
 */
export interface PreparedPool {
  pool: Pool;
  features: Features;
  /** Per-completion reference probability within its prompt. */
  pi0: Float64Array;
  referencePolicy: 'uniform' | 'logp_ref';
  /** I of DESIGN.md in feature space (r x r). */
  policy: Float64Array;
  /** Per-completion file score, NaN where absent; undefined when the file has none. */
  scores?: Float64Array;
  problems: Map<string, DesignProblem>;
}

export interface PoolScores {
  /** One score per candidate pair, in pair order (prompts in order, then (a, b), a < b). */
  scores: Float64Array;
  /** First pair index of each prompt, and the pair count at the end. */
  pairOffsets: Int32Array;
  /** The criterion of the uniform design over all candidates, at which the scores are taken. */
  uniformValue: number;
  pairAt(index: number): PairRef;
  indexOf(prompt: number, a: number, b: number): number;
}

/**
 * Featurizes a pool and estimates pi_0 and I. The projected features are scaled so that their
 * variance, averaged over the r dimensions, is one: the PCA scores of standardised inputs carry
 * variances that grow with the input width (4096 hashed n-grams, or the embedding size), and
 * without this the ridge would mean a different amount of information in every pool.
 */
export function preparePool(pool: Pool, options: FeatureOptions = {}): PreparedPool {
  const features = featurize(pool, options);
  const { rows, cols, data } = features.matrix;
  if (cols === 0 || !normaliseScale(data, rows, cols)) {
    throw new PoolError(
      'The completions do not differ in their features, so no pair carries information; ' +
        'check the embeddings, or use longer texts',
      pool.file,
    );
  }
  const completions = pool.prompts.flatMap((p) => p.completions);
  const logp = Float64Array.from(completions, (c) => c.logpRef ?? NaN);
  const reference = referencePolicy(data, cols, features.offsets, logp);
  const scores = Float64Array.from(completions, (c) => c.score ?? NaN);
  return {
    pool,
    features,
    pi0: reference.pi0,
    referencePolicy: reference.source,
    policy: policyMatrix(data, cols, features.offsets, reference.pi0),
    scores: scores.some((s) => !isNaN(s)) && rows > 0 ? scores : undefined,
    problems: new Map(),
  };
}

/**
 * Scales an n x r matrix in place so that its centred rows have mean squared norm r; false when
 * the rows do not vary at all.
 */
function normaliseScale(data: Float64Array, rows: number, cols: number): boolean {
  if (rows < 2 || cols === 0) return false;
  const mean = new Float64Array(cols);
  for (let c = 0; c < rows; c++) {
    for (let j = 0; j < cols; j++) mean[j] += data[c * cols + j] / rows;
  }
  let total = 0;
  for (let c = 0; c < rows; c++) {
    for (let j = 0; j < cols; j++) {
      const d = data[c * cols + j] - mean[j];
      total += d * d;
    }
  }
  const variance = total / (rows * cols);
  if (!(variance > 1e-300)) return false;
  const scale = 1 / Math.sqrt(variance);
  for (let i = 0; i < rows * cols; i++) data[i] *= scale;
  return true;
}

/** The design problem of a prepared pool for a criterion, beta and ridge (cached). */
export function problemFor(prepared: PreparedPool, settings: DesignSettings): DesignProblem {
  const key = `${settings.criterion}|${settings.beta}|${settings.ridge}`;
  let problem = prepared.problems.get(key);
  if (!problem && settings.criterion === 'dpo') {
    let trace = 0;
    const r = prepared.features.matrix.cols;
    for (let j = 0; j < r; j++) trace += prepared.policy[j * r + j];
    if (!(trace > 1e-12 * r)) {
      throw new PoolError(
        'The reference policy puts all its weight on one completion of every prompt ' +
          `(pi_0 from ${prepared.referencePolicy}), so no label can move the policy and the dpo ` +
          'criterion is zero; check logp_ref, or use --criterion d or a',
        prepared.pool.file,
      );
    }
  }
  if (!problem) {
    const { matrix, offsets } = prepared.features;
    problem = createProblem({
      features: matrix.data,
      r: matrix.cols,
      offsets,
      beta: settings.beta,
      ridge: settings.ridge,
      criterion: settings.criterion,
      policy: prepared.policy,
    });
    prepared.problems.set(key, problem);
  }
  return problem;
}

/** The ridge plus the information of the pairs the file already labels (r x r). */
export function priorInformation(prepared: PreparedPool, problem: DesignProblem): Float64Array {
  const base = problem.base.slice();
  const g = new Float64Array(problem.r);
  for (const label of prepared.pool.labels) {
    const e = pairIndex(problem, label.prompt, label.chosen, label.rejected);
    addOuter(base, pairVector(problem, e, g), 0.25, problem.r);
  }
  return base;
}

/**
 * Every candidate pair's informativeness: the exact drop of the criterion from one more label
 * of it, added to the uniform design over all candidates (weights summing to one) plus the
 * ridge and any prior labels.
 */
export function scorePool(prepared: PreparedPool, settings: DesignSettings): PoolScores {
  const problem = problemFor(prepared, settings);
  const prior = priorInformation(prepared, problem);
  const sigma = uniformInformation(problem, 1);
  for (let i = 0; i < sigma.length; i++) sigma[i] += prior[i] - problem.base[i];
  const state = new InformationState(problem, sigma);
  const total = pairTotal(problem);
  const scores = new Float64Array(total);
  for (let e = 0; e < total; e++) scores[e] = state.gain(e);
  return {
    scores,
    pairOffsets: problem.pairOffsets,
    uniformValue: state.value,
    pairAt: (index) => pairRef(problem, index),
    indexOf: (prompt, a, b) => pairIndex(problem, prompt, a, b),
  };
}

/** Runs a budgeted design on a prepared pool; see `runDesign` for what it computes. */
export async function designPool(
  prepared: PreparedPool,
  settings: DesignSettings,
  options: { progress?: ProgressFn; signal?: AbortSignal } = {},
): Promise<DesignResult> {
  const problem = problemFor(prepared, settings);
  const ids = new Map(prepared.pool.prompts.map((p, i) => [p.id, i]));
  const cover = settings.coverPrompts.map((id) => {
    const index = ids.get(id);
    if (index === undefined) throw new Error(`Prompt to cover is not in the pool: ${id}`);
    return index;
  });
  const outcome = await runDesign({
    problem,
    settings,
    base: priorInformation(prepared, problem),
    priorLabels: prepared.pool.labels.length,
    ridge: settings.ridge,
    cover,
    scores: prepared.scores,
    pi0: prepared.pi0,
    signal: options.signal,
    progress: options.progress,
  });

  const times = new Map<number, number>();
  for (const e of outcome.order) times.set(e, (times.get(e) ?? 0) + 1);
  const chosen: ChosenPair[] = outcome.order.map((e, position) => ({
    ...pairRef(problem, e),
    score: outcome.gains[position],
    rank: position + 1,
    weight: outcome.weights[e],
    count: times.get(e) ?? 1,
  }));
  const series: Record<string, number[]> = { design: outcome.curve.series[outcome.method] };
  for (const baseline of outcome.baselines)
    series[baseline.name] = outcome.curve.series[baseline.name];

  return {
    criterion: settings.criterion,
    method: outcome.method,
    methods: Object.fromEntries(outcome.methods.map((m) => [m.name, m.value])),
    value: outcome.value,
    chosen,
    certificate: {
      lowerBound: outcome.lowerBound,
      efficiency: outcome.efficiency,
      gap: outcome.gap,
      iterations: outcome.iterations,
      converged: outcome.converged,
    },
    baselines: outcome.baselines.map((b) => ({
      name: b.name as DesignResult['baselines'][number]['name'],
      criterion: b.value,
      efficiency: b.efficiency,
      pairs: b.order.length,
    })),
    continuousValue: outcome.continuousValue,
    curve: { budgets: outcome.curve.budgets, series },
    referencePolicy: prepared.referencePolicy,
    timingsMs: outcome.timingsMs,
  };
}

export { buildReport, renderPairs } from './report/outputs';
