import { throwIfAborted } from '../design/cooperative';
import { criterionValue, designInformation } from '../design/criterion';
import { policyMatrix } from '../design/policy';
import { createProblem, pairTotal, type DesignProblem } from '../design/problem';
import { runDesign } from '../design/run-design';
import { seededRandom } from '../design/seeded-random';
import { DEFAULT_DESIGN_SETTINGS, type CriterionName } from '../design/types';
import { fitDpo } from './dpo-fit';
import { drawLabels, labelDraws } from './labels';
import { ALL_METHODS, type SimulationMethod } from './methods';
import { suboptimality } from './policy-value';
import { streamSeed } from './streams';
import { project, type SyntheticWorld } from './world';

/** One world's results, by method, one entry per budget (NaN where a method ran out of pairs). */
export interface ReplicationResult {
  seed: number;
  /** Gap of the reference policy itself (no labels): beta * mean_i KL(pi_0 || pi*). */
  referenceGap: number;
  /** J(pi*) - J(pi_hat) of the DPO fit on each method's labels. */
  gaps: Record<SimulationMethod, number[]>;
  /** The `dpo` criterion tr(I Sigma^-1) of each method's pairs (s_e = 1/4, the design's view). */
  criterion: Record<SimulationMethod, number[]>;
  /** Fits run, and fits that stopped before Newton's method converged. */
  fits: number;
  unconverged: number;
}

/**
 * Runs every method at every budget on one world: each method chooses its pairs, the pairs get
 * Bradley-Terry labels from the world's reward (common random numbers across methods), DPO is
 * fitted on them with the design's ridge, and the fitted policy's gap is computed exactly. The
 * fit runs on x = beta * phi, where r* = delta' x: its theta estimates delta = theta* - theta_0
 * itself, and the ridge is the penalty (ridge / 2) ||theta||^2 on that estimate.
 * Every design sees the world as a curator would: the features, pi_0 (as from reference
 * log-probabilities) and, for the score baselines, the noisy score; only `oracle` sees r*.
 */
export async function runReplication(
  world: SyntheticWorld,
  budgets: number[],
  options: { ridge: number; signal?: AbortSignal },
): Promise<ReplicationResult> {
  const { beta } = world.settings;
  const problems = worldProblems(world, options.ridge);
  const draws = labelDraws(pairTotal(problems.dpo), seededRandom(streamSeed(world.seed, 'labels')));
  const gaps = emptyTable(budgets.length);
  const criterion = emptyTable(budgets.length);
  let fits = 0;
  let unconverged = 0;

  for (let k = 0; k < budgets.length; k++) {
    throwIfAborted(options.signal);
    const orders = await methodOrders(world, problems, budgets[k], options.signal);
    for (const method of ALL_METHODS) {
      const order = orders.get(method);
      if (!order || order.length < budgets[k]) continue;
      const labels = drawLabels(order, problems.dpo, world.reward, draws);
      const fit = fitDpo(problems.dpo.x, world.d, labels, options.ridge);
      fits++;
      if (!fit.converged) unconverged++;
      const fitted = project(problems.dpo.x, world.d, fit.theta);
      gaps[method][k] = suboptimality(world.pi0, world.reward, fitted, beta, world.offsets);
      const sigma = designInformation(problems.dpo, order);
      criterion[method][k] = criterionValue(problems.dpo, sigma);
    }
  }
  const none = new Float64Array(world.n);
  const referenceGap = suboptimality(world.pi0, world.reward, none, beta, world.offsets);
  return { seed: world.seed, referenceGap, gaps, criterion, fits, unconverged };
}

interface WorldProblems {
  dpo: DesignProblem;
  d: DesignProblem;
  oracle: DesignProblem;
}

/** The design problems of a world: x = beta * phi, I from the world's pi_0. */
function worldProblems(world: SyntheticWorld, ridge: number): WorldProblems {
  const policy = policyMatrix(world.features, world.d, world.offsets, world.pi0);
  const problem = (criterion: CriterionName, margin?: Float64Array) =>
    createProblem({
      features: world.features,
      r: world.d,
      offsets: world.offsets,
      beta: world.settings.beta,
      ridge,
      criterion,
      policy,
      margin,
    });
  return { dpo: problem('dpo'), d: problem('d'), oracle: problem('dpo', world.reward) };
}

/** The pairs each method labels at one budget, in labelling order. */
async function methodOrders(
  world: SyntheticWorld,
  problems: WorldProblems,
  budget: number,
  signal?: AbortSignal,
): Promise<Map<SimulationMethod, number[]>> {
  const seed = streamSeed(world.seed, `designs-${budget}`);
  const design = (problem: DesignProblem, criterion: CriterionName) =>
    runDesign({
      problem,
      settings: { ...DEFAULT_DESIGN_SETTINGS, criterion, budget, beta: world.settings.beta, seed },
      scores: world.score,
      pi0: world.pi0,
      signal,
    });
  const dpo = await design(problems.dpo, 'dpo');
  const d = await design(problems.d, 'd');
  const oracle = await design(problems.oracle, 'dpo');

  const orders = new Map<SimulationMethod, number[]>();
  for (const outcome of dpo.methods)
    orders.set(`dpo-${outcome.name}` as SimulationMethod, outcome.order);
  orders.set('d', d.order);
  orders.set('oracle', oracle.order);
  for (const baseline of dpo.baselines)
    orders.set(baseline.name as SimulationMethod, baseline.order);
  return orders;
}

function emptyTable(length: number): Record<SimulationMethod, number[]> {
  const table = {} as Record<SimulationMethod, number[]>;
  for (const method of ALL_METHODS) table[method] = new Array<number>(length).fill(NaN);
  return table;
}
