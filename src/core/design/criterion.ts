import { addOuter, spdInverse, traceProduct } from './dense';
import { pairCurvature, pairTotal, pairVector, type DesignProblem } from './problem';

/**
 * Information of an explicit design: Sigma = base + sum_e count_e s_e g_e g_e' (r x r).
 * `pairs` may repeat a pair; `counts` (same length) scales each entry, default 1; `base`
 * defaults to the problem's ridge.
 */
export function designInformation(
  problem: DesignProblem,
  pairs: ArrayLike<number>,
  counts?: ArrayLike<number>,
  base: Float64Array = problem.base,
): Float64Array {
  const { r } = problem;
  const sigma = base.slice();
  const g = new Float64Array(r);
  for (let i = 0; i < pairs.length; i++) {
    const e = pairs[i];
    const mass = counts ? counts[i] : 1;
    if (mass === 0) continue;
    pairVector(problem, e, g);
    addOuter(sigma, g, mass * pairCurvature(problem, e), r);
  }
  return sigma;
}

/**
 * Information of the uniform design with total mass `mass` spread over every candidate pair:
 * base + (mass / P) sum_e s_e g_e g_e'. With constant s this uses, per prompt,
 * sum_{a<b} (x_a - x_b)(x_a - x_b)' = K sum_a x_a x_a' - (sum_a x_a)(sum_a x_a)'.
 */
export function uniformInformation(problem: DesignProblem, mass: number): Float64Array {
  const { r, x, offsets } = problem;
  const total = pairTotal(problem);
  if (total === 0) throw new Error('The pool has no candidate pair');
  if (problem.margin) {
    const all = new Int32Array(total);
    for (let e = 0; e < total; e++) all[e] = e;
    const sigma = designInformation(problem, all, new Float64Array(total).fill(mass / total));
    return sigma;
  }

  const sigma = problem.base.slice();
  const scale = (0.25 * mass) / total;
  const sum = new Float64Array(r);
  const row = new Float64Array(r);
  for (let i = 0; i + 1 < offsets.length; i++) {
    const k = offsets[i + 1] - offsets[i];
    sum.fill(0);
    for (let c = offsets[i]; c < offsets[i + 1]; c++) {
      for (let j = 0; j < r; j++) {
        row[j] = x[c * r + j];
        sum[j] += row[j];
      }
      addOuter(sigma, row, scale * k, r);
    }
    addOuter(sigma, sum, -scale, r);
  }
  return sigma;
}

/** The criterion of an information matrix: tr(T Sigma^-1), or -log det Sigma. */
export function criterionValue(problem: DesignProblem, sigma: Float64Array): number {
  const { inverse, logDet } = spdInverse(sigma, problem.r);
  if (problem.kind === 'logdet') return -logDet;
  return traceProduct(problem.target, inverse, problem.r);
}
