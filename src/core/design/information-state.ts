import {
  addOuter,
  dot,
  multiply,
  multiplyVector,
  projectRows,
  spdInverse,
  symmetrize,
  transformRows,
} from './dense';
import { pairCurvature, pairTotal, pairVector, type DesignProblem } from './problem';

/**
 * The information matrix of a design being built, with every candidate pair's quadratic forms
 * kept current under rank-one changes:
 *
 *     Sigma = base + sum_e n_e s_e g_e g_e'
 *     q_e   = g_e' Sigma^-1 g_e
 *     t_e   = g_e' Sigma^-1 T Sigma^-1 g_e          (trace criteria only)
 *
 * Adding `rho` labels of pair h changes Sigma^-1 by -alpha v v' with v = Sigma^-1 g_h and
 * alpha = rho s_h / (1 + rho s_h q_h) (Sherman-Morrison), so with b_e = v'g_e and
 * c_e = (Sigma^-1 T v)'g_e every pair updates in O(1) from per-completion projections:
 *
 *     q_e -= alpha b_e^2
 *     t_e += alpha^2 b_e^2 (v'T v) - 2 alpha b_e c_e
 *
 * One update costs O(n r + P) instead of the O(n r^2 + P r) of a full recomputation.
 */
export class InformationState {
  readonly sigma: Float64Array;
  sigmaInverse: Float64Array = new Float64Array(0);
  /** tr(T Sigma^-1) for trace criteria. */
  trace = 0;
  logDet = 0;
  readonly q: Float64Array;
  readonly t: Float64Array;
  /** Pair curvatures s_e. */
  readonly s: Float64Array;
  updatesSinceRecompute = 0;

  private readonly rowsV: Float64Array;
  private readonly rowsU: Float64Array;
  private readonly g: Float64Array;

  /** `sigma` (r x r) is copied; pass the base plus any labels already counted. */
  constructor(
    readonly problem: DesignProblem,
    sigma: Float64Array,
    /** Recompute from scratch after this many rank-one updates, to bound round-off. */
    readonly recomputeEvery = 256,
  ) {
    const total = pairTotal(problem);
    this.sigma = sigma.slice();
    this.q = new Float64Array(total);
    this.t = new Float64Array(problem.kind === 'trace' ? total : 0);
    this.s = new Float64Array(total);
    for (let e = 0; e < total; e++) this.s[e] = pairCurvature(problem, e);
    this.rowsV = new Float64Array(problem.n);
    this.rowsU = new Float64Array(problem.n);
    this.g = new Float64Array(problem.r);
    this.recompute();
  }

  /** The criterion being minimised: tr(T Sigma^-1), or -log det Sigma. */
  get value(): number {
    return this.problem.kind === 'trace' ? this.trace : -this.logDet;
  }

  /** Directional derivative d_e = -df/dn_e: s_e t_e, or s_e q_e for log det. */
  derivative(e: number): number {
    return this.problem.kind === 'trace' ? this.s[e] * this.t[e] : this.s[e] * this.q[e];
  }

  /** Exact drop of the criterion from `mass` more labels of pair e. */
  gain(e: number, mass = 1): number {
    const sq = this.s[e] * this.q[e] * mass;
    if (this.problem.kind === 'logdet') return Math.log1p(sq);
    return (this.s[e] * this.t[e] * mass) / (1 + sq);
  }

  /** Recomputes Sigma^-1 and every q_e, t_e from Sigma directly (O(n r^2 + P r)). */
  recompute(): void {
    const { r, x, pairA, pairB } = this.problem;
    symmetrize(this.sigma, r);
    const { inverse, logDet } = spdInverse(this.sigma, r);
    this.sigmaInverse = inverse;
    this.logDet = logDet;

    // z = Sigma^-1 x row by row: q_e = (x_a - x_b)'(z_a - z_b).
    const z = transformRows(x, r, inverse);
    const total = pairTotal(this.problem);
    for (let e = 0; e < total; e++) {
      const a = pairA[e] * r;
      const b = pairB[e] * r;
      let sum = 0;
      for (let j = 0; j < r; j++) sum += (x[a + j] - x[b + j]) * (z[a + j] - z[b + j]);
      this.q[e] = sum;
    }

    if (this.problem.kind === 'trace') {
      // w = T^(1/2) Sigma^-1 x row by row: t_e = |w_a - w_b|^2.
      const w = transformRows(x, r, multiply(this.problem.targetRoot, inverse, r));
      for (let e = 0; e < total; e++) {
        const a = pairA[e] * r;
        const b = pairB[e] * r;
        let sum = 0;
        for (let j = 0; j < r; j++) {
          const diff = w[a + j] - w[b + j];
          sum += diff * diff;
        }
        this.t[e] = sum;
      }
      let trace = 0;
      const target = this.problem.target;
      for (let i = 0; i < r * r; i++) trace += target[i] * inverse[i];
      this.trace = trace;
    }
    this.updatesSinceRecompute = 0;
  }

  /** Adds `mass` labels of pair h (negative `mass` removes them). */
  update(h: number, mass: number): void {
    const { r, kind, target } = this.problem;
    const g = pairVector(this.problem, h, this.g);
    const rho = mass * this.s[h];
    const v = multiplyVector(this.sigmaInverse, g, r);
    const qh = dot(g, v, r);
    const denominator = 1 + rho * qh;
    if (!(denominator > 0)) throw new Error('Update would make the information matrix singular');
    const alpha = rho / denominator;

    projectRows(this.problem.x, r, v, this.rowsV);
    const total = pairTotal(this.problem);
    const { pairA, pairB } = this.problem;
    if (kind === 'trace') {
      const tv = multiplyVector(target, v, r);
      const vtv = dot(v, tv, r);
      const u = multiplyVector(this.sigmaInverse, tv, r);
      projectRows(this.problem.x, r, u, this.rowsU);
      const alpha2vtv = alpha * alpha * vtv;
      for (let e = 0; e < total; e++) {
        const b = this.rowsV[pairA[e]] - this.rowsV[pairB[e]];
        const c = this.rowsU[pairA[e]] - this.rowsU[pairB[e]];
        this.q[e] -= alpha * b * b;
        this.t[e] += alpha2vtv * b * b - 2 * alpha * b * c;
      }
      this.trace -= alpha * vtv;
    } else {
      for (let e = 0; e < total; e++) {
        const b = this.rowsV[pairA[e]] - this.rowsV[pairB[e]];
        this.q[e] -= alpha * b * b;
      }
    }
    this.logDet += Math.log1p(rho * qh);
    addOuter(this.sigmaInverse, v, -alpha, r);
    addOuter(this.sigma, g, rho, r);

    this.updatesSinceRecompute++;
    if (this.updatesSinceRecompute >= this.recomputeEvery) this.recompute();
  }
}
