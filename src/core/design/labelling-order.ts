import { addOuter, dot, dotAt, multiplyVector, spdInverse } from './dense';
import { pairCurvature, pairVector, type DesignProblem } from './problem';

/**
 * Orders a chosen design for labelling: greedily, each next label the one of largest exact gain
 * given the labels before it. A curator who stops early then holds the best prefix the design
 * offers, not the order in which a solver happened to settle. Keeps only Sigma^-1 (r x r) and,
 * for each label left, q_k = g_k' Sigma^-1 g_k and t_k = g_k' Sigma^-1 T Sigma^-1 g_k under
 * Sherman-Morrison updates: O(B r^2 + B^2 r) for B labels.
 */
export function labellingOrder(
  problem: DesignProblem,
  base: Float64Array,
  chosen: number[],
): number[] {
  const { r, target, kind } = problem;
  const count = chosen.length;
  const inverse = spdInverse(base, r).inverse;
  const g = new Float64Array(count * r);
  const s = new Float64Array(count);
  const q = new Float64Array(count);
  const t = new Float64Array(count);
  const one = new Float64Array(r);
  for (let k = 0; k < count; k++) {
    pairVector(problem, chosen[k], one);
    g.set(one, k * r);
    s[k] = pairCurvature(problem, chosen[k]);
    const z = multiplyVector(inverse, one, r);
    q[k] = dot(one, z, r);
    if (kind === 'trace') t[k] = dot(z, multiplyVector(target, z, r), r);
  }

  const left = Array.from({ length: count }, (_, k) => k);
  const order: number[] = [];
  const gh = new Float64Array(r);
  while (left.length > 0) {
    let at = 0;
    let best = -Infinity;
    for (let i = 0; i < left.length; i++) {
      const k = left[i];
      const sq = s[k] * q[k];
      const gain = kind === 'trace' ? (s[k] * t[k]) / (1 + sq) : Math.log1p(sq);
      if (gain > best) {
        best = gain;
        at = i;
      }
    }
    const h = left[at];
    left.splice(at, 1);
    order.push(chosen[h]);

    gh.set(g.subarray(h * r, h * r + r));
    const v = multiplyVector(inverse, gh, r);
    const alpha = s[h] / (1 + s[h] * dot(gh, v, r));
    const tv = multiplyVector(target, v, r);
    const vtv = dot(v, tv, r);
    const u = multiplyVector(inverse, tv, r);
    for (const k of left) {
      const b = dotAt(g, v, k * r, 0, r);
      q[k] -= alpha * b * b;
      if (kind === 'trace') {
        const c = dotAt(g, u, k * r, 0, r);
        t[k] += alpha * alpha * b * b * vtv - 2 * alpha * b * c;
      }
    }
    addOuter(inverse, v, -alpha, r);
  }
  return order;
}
