import { baselinePairs } from './baselines';
import { efficiencyOf, rankBound } from './certificate';
import { checkFeasible, type ExactConstraints } from './constraints';
import { solveContinuous } from './continuous';
import { throwIfAborted } from './cooperative';
import { criterionValue, designInformation } from './criterion';
import { greedyDesign } from './greedy';
import { labellingOrder } from './labelling-order';
import { pairTotal, type DesignProblem } from './problem';
import { roundDesign, sampleDesign } from './rounding';
import { seededRandom } from './seeded-random';
import { curveBudgets, evaluateSequence } from './sequence';
import type { BaselineName, DesignSettings, ExactMethod, ProgressFn } from './types';

type Method = Exclude<ExactMethod, 'auto'>;

export interface DesignInput {
  problem: DesignProblem;
  settings: DesignSettings;
  /** Information every design starts from: the ridge plus prior labels (default: the ridge). */
  base?: Float64Array;
  /** Number of labels already in `base`, and the ridge in it, for the rank bound. */
  priorLabels?: number;
  ridge?: number;
  /** Prompt indices to cover. */
  cover?: number[];
  /** Per-completion file score (NaN where absent), for the score baselines. */
  scores?: Float64Array;
  /** Per-completion reference probability within its prompt. */
  pi0: Float64Array;
  signal?: AbortSignal;
  progress?: ProgressFn;
}

export interface SeriesOutcome {
  name: Method | BaselineName;
  /** Pairs in the order to label. */
  order: number[];
  value: number;
  efficiency: number;
}

export interface DesignOutcome {
  method: Method;
  /** The reported design, with each label's marginal gain in labelling order. */
  order: number[];
  gains: Float64Array;
  value: number;
  /** Every exact method tried. */
  methods: SeriesOutcome[];
  baselines: SeriesOutcome[];
  /** Continuous design: mass per pair (summing to the budget), value and certificate. */
  weights: Float64Array;
  continuousValue: number;
  lowerBound: number;
  efficiency: number;
  gap: number;
  iterations: number;
  converged: boolean;
  /** Criterion after the first `budgets[k]` labels of each series, in labelling order. */
  curve: { budgets: number[]; series: Record<string, number[]> };
  timingsMs: Record<string, number>;
}

const BASELINES: BaselineName[] = [
  'uniform',
  'pi0-weighted',
  'first-two',
  'best-vs-worst',
  'best-vs-random',
];

/**
 * A budgeted design: the continuous optimum over designs of `budget` labels (each pair at most
 * once unless repeats are allowed) with its certificate, the exact designs of the requested
 * method (or all three for `auto`, keeping the best), and every baseline on the same budget.
 * The certificate's lower bound holds for any exact design, so every series gets a proven
 * efficiency.
 */
export async function runDesign(input: DesignInput): Promise<DesignOutcome> {
  const { problem, settings } = input;
  const base = input.base ?? problem.base;
  const constraints: ExactConstraints = {
    budget: settings.budget,
    allowRepeats: settings.allowRepeats,
    maxPerPrompt: settings.maxPerPrompt,
    cover: input.cover ?? [],
  };
  checkFeasible(problem, constraints);
  const timings: Record<string, number> = {};
  const timed = async <T>(stage: string, run: () => T | Promise<T>): Promise<T> => {
    const started = performance.now();
    const result = await run();
    timings[stage] = Math.round(performance.now() - started);
    return result;
  };
  const report = (stage: string, fraction: number) => input.progress?.(stage, fraction);

  const evaluate = (order: number[]) =>
    criterionValue(problem, designInformation(problem, order, undefined, base));
  const methods: SeriesOutcome[] = [];
  const wanted: Method[] =
    settings.method === 'auto' ? ['greedy', 'round', 'sample'] : [settings.method];
  const greedy = async (start?: number[]) =>
    greedyDesign(problem, base, constraints, {
      start,
      signal: input.signal,
      progress: (f) => report('greedy design', f),
    });

  // The greedy design comes first: it is a good warm start for the continuous solver.
  let greedyRun: { order: number[]; value: number } | undefined;
  if (wanted.includes('greedy')) {
    report('greedy design', 0);
    greedyRun = await timed('greedy', () => greedy());
  }

  report('continuous design', 0);
  const cap = settings.allowRepeats ? Infinity : 1;
  const labels = settings.budget + (input.priorLabels ?? 0);
  const rankFloor = rankBound(problem, labels, input.ridge ?? problem.base[0]);
  const continuous = await timed('continuous', () =>
    solveContinuous(
      problem,
      {
        mass: settings.budget,
        cap,
        targetEfficiency: settings.targetEfficiency,
        maxIterations: settings.maxIterations,
        signal: input.signal,
        progress: (f) => report('continuous design', f),
        start: greedyRun ? massesOf(greedyRun.order, pairTotal(problem)) : undefined,
        floor: rankFloor,
      },
      base,
    ),
  );
  const lowerBound = Math.max(continuous.lowerBound, rankFloor);
  const efficiency = (value: number) => efficiencyOf(problem.kind, value, lowerBound, problem.r);

  for (const method of wanted) {
    throwIfAborted(input.signal);
    let order: number[];
    if (method === 'greedy') {
      // Exchange passes stop at a local optimum: run them again from the rounded continuous
      // design and keep the better of the two.
      const rounded = roundDesign(problem, continuous.weights, constraints);
      const second = await timed('greedy-from-rounding', () => greedy(rounded));
      order = second.value < greedyRun!.value ? second.order : greedyRun!.order;
    } else if (method === 'round') {
      order = await timed('round', () => roundDesign(problem, continuous.weights, constraints));
    } else {
      const random = seededRandom(settings.seed);
      order = await timed('sample', () =>
        sampleDesign(problem, continuous.weights, constraints, random),
      );
    }
    const value = evaluate(order);
    methods.push({ name: method, order, value, efficiency: efficiency(value) });
  }
  const winner = methods.reduce((a, b) => (b.value < a.value ? b : a));
  const best = { ...winner, order: labellingOrder(problem, base, winner.order) };

  report('baselines', 0);
  const baselines: SeriesOutcome[] = await timed('baselines', () => {
    const outcomes: SeriesOutcome[] = [];
    for (const name of BASELINES) {
      const order = baselinePairs(name, {
        problem,
        constraints,
        random: seededRandom(settings.seed + 1 + BASELINES.indexOf(name)),
        scores: input.scores,
        pi0: input.pi0,
      });
      if (!order || order.length === 0) continue;
      const value = evaluate(order);
      outcomes.push({ name, order, value, efficiency: efficiency(value) });
    }
    return outcomes;
  });

  const budgets = curveBudgets(settings.budget);
  const series: Record<string, number[]> = {};
  let gains: Float64Array = new Float64Array(0);
  await timed('curve', () => {
    for (const outcome of [best, ...baselines]) {
      const walked = evaluateSequence(problem, base, outcome.order, budgets);
      series[outcome.name] = walked.values.map((v, k) =>
        budgets[k] <= outcome.order.length ? v : NaN,
      );
      if (outcome === best) gains = walked.gains;
    }
  });

  return {
    method: best.name as Method,
    order: best.order,
    gains,
    value: best.value,
    methods,
    baselines,
    weights: continuous.weights,
    continuousValue: continuous.value,
    lowerBound,
    efficiency: best.efficiency,
    gap: continuous.gap,
    iterations: continuous.iterations,
    converged: continuous.converged,
    curve: { budgets, series },
    timingsMs: timings,
  };
}

function massesOf(order: number[], total: number): Float64Array {
  const masses = new Float64Array(total);
  for (const e of order) masses[e] += 1;
  return masses;
}
