import { addOuter, dot, multiplyVector, spdInverse } from './dense';
import { pairCurvature, pairVector, type DesignProblem } from './problem';

export interface SequenceValues {
  /** Exact drop of the criterion from each label, given the labels before it in the order. */
  gains: Float64Array;
  /** The criterion after the first `checkpoints[k]` labels. */
  values: number[];
}

/**
 * Walks pairs in the order to label, keeping only Sigma^-1 (r x r) current by Sherman-Morrison:
 * O(r^2) a label, so budget curves and per-label gains cost nothing next to the design.
 */
export function evaluateSequence(
  problem: DesignProblem,
  base: Float64Array,
  order: ArrayLike<number>,
  checkpoints: number[] = [],
): SequenceValues {
  const { r, target, kind } = problem;
  const start = spdInverse(base, r);
  const inverse = start.inverse;
  let logDet = start.logDet;
  let trace = 0;
  for (let i = 0; i < r * r; i++) trace += target[i] * inverse[i];

  const gains = new Float64Array(order.length);
  const values: number[] = [];
  const wanted = new Map<number, number[]>();
  checkpoints.forEach((c, k) => wanted.set(c, [...(wanted.get(c) ?? []), k]));
  const record = (count: number) => {
    for (const k of wanted.get(count) ?? []) values[k] = kind === 'trace' ? trace : -logDet;
  };
  record(0);

  const g = new Float64Array(r);
  for (let i = 0; i < order.length; i++) {
    const e = order[i];
    const s = pairCurvature(problem, e);
    pairVector(problem, e, g);
    const v = multiplyVector(inverse, g, r);
    const q = dot(g, v, r);
    const alpha = s / (1 + s * q);
    if (kind === 'trace') {
      const vtv = dot(v, multiplyVector(target, v, r), r);
      gains[i] = alpha * vtv;
      trace -= alpha * vtv;
    } else {
      gains[i] = Math.log1p(s * q);
    }
    logDet += Math.log1p(s * q);
    addOuter(inverse, v, -alpha, r);
    record(i + 1);
  }
  return { gains, values };
}

/** Budgets at which a curve is drawn: about `points` steps up to `budget`, always ending there. */
export function curveBudgets(budget: number, points = 12): number[] {
  const budgets = new Set<number>();
  for (let k = 1; k <= points; k++) budgets.add(Math.max(1, Math.round((budget * k) / points)));
  return [...budgets].sort((a, b) => a - b);
}
