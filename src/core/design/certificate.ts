import { EigenvalueDecomposition } from 'ml-matrix';
import { multiply, toMatrix, traceProduct } from './dense';
import type { InformationState } from './information-state';
import { pairTotal, type DesignProblem } from './problem';

/**
 * The optimality certificate of a continuous design n (masses summing to `mass`, each at most
 * `cap`). With M = Sigma^-1 T Sigma^-1 and d_e = s_e g_e' M g_e, convexity of X -> tr(T X^-1)
 * at the scaled point tau Sigma gives, for every design v of the same mass and caps,
 *
 *     f(v) >= f(n)^2 / (D + tr(M base))          D = max_v sum_e v_e d_e
 *
 * (for base = 0 and one unit of mass, DESIGN.md's f* >= f^2 / max_e d_e). For -log det the same
 * argument gives log det Sigma_v <= log det Sigma_n + r log(T / r), T = D + tr(Sigma^-1 base).
 * D is the linear maximisation over the capped simplex: fill the largest d_e up to their caps.
 */
export interface CertificateValues {
  /** Proven lower bound on the criterion of every design of this mass and caps. */
  lowerBound: number;
  /** Proven efficiency of the design itself (see `efficiencyOf`). */
  efficiency: number;
  /** Frank-Wolfe gap: D - sum_e n_e d_e, zero exactly at the optimum. */
  gap: number;
}

export function certify(
  state: InformationState,
  weights: Float64Array,
  mass: number,
  cap: number,
  base: Float64Array = state.problem.base,
): CertificateValues {
  const problem = state.problem;
  const total = pairTotal(problem);
  const d = new Float64Array(total);
  let inner = 0;
  for (let e = 0; e < total; e++) {
    d[e] = state.derivative(e);
    inner += weights[e] * d[e];
  }
  const best = linearMaximum(d, mass, cap);
  const r = problem.r;
  const value = state.value;

  let lowerBound: number;
  if (problem.kind === 'trace') {
    const m = multiply(multiply(state.sigmaInverse, problem.target, r), state.sigmaInverse, r);
    lowerBound = (value * value) / (best + traceProduct(m, base, r));
  } else {
    const bound = best + traceProduct(state.sigmaInverse, base, r);
    lowerBound = value - r * Math.log(bound / r);
  }
  return {
    lowerBound,
    efficiency: efficiencyOf(problem.kind, value, lowerBound, r),
    gap: Math.max(0, best - inner),
  };
}

/**
 * Efficiency of a design of criterion `value` against a lower bound on the optimum: f* / f for
 * trace criteria, and (det Sigma / det Sigma*)^(1/r) for log det.
 */
export function efficiencyOf(
  kind: 'trace' | 'logdet',
  value: number,
  lowerBound: number,
  r: number,
): number {
  const efficiency = kind === 'trace' ? lowerBound / value : Math.exp((lowerBound - value) / r);
  return Math.min(1, Math.max(0, efficiency));
}

/** max sum_e v_e d_e over 0 <= v_e <= cap, sum v_e = mass. */
export function linearMaximum(d: Float64Array, mass: number, cap: number): number {
  if (!Number.isFinite(cap)) {
    let max = -Infinity;
    for (let e = 0; e < d.length; e++) if (d[e] > max) max = d[e];
    return mass * max;
  }
  const sorted = d.slice().sort();
  let remaining = mass;
  let sum = 0;
  for (let e = sorted.length - 1; e >= 0 && remaining > 0; e--) {
    const take = Math.min(cap, remaining);
    sum += take * sorted[e];
    remaining -= take;
  }
  return sum;
}

/**
 * A second lower bound, for trace criteria and budgets below the dimension, where the
 * relaxation spreads mass over more directions than `labels` pairs can reach. Any exact design
 * has Sigma = ridge Id + A with rank A <= labels (the budget plus prior labels), so Sigma equals
 * ridge Id on a subspace V of dimension at least r - labels, and
 *
 *     tr(T Sigma^-1) >= tr(T P_V) / ridge
 *                    >= (sum of the r - labels smallest eigenvalues of T) / ridge
 *
 * (Ky Fan). Zero when labels >= r, or for log det.
 */
export function rankBound(problem: DesignProblem, labels: number, ridge: number): number {
  const { r, kind, target } = problem;
  if (kind !== 'trace' || labels >= r || !(ridge > 0)) return 0;
  const eig = new EigenvalueDecomposition(toMatrix(target, r), { assumeSymmetric: true });
  const values = eig.realEigenvalues.map((v) => Math.max(0, v)).sort((a, b) => a - b);
  let sum = 0;
  for (let k = 0; k < r - labels; k++) sum += values[k];
  return sum / ridge;
}
