import {
  addOuter,
  dotAt,
  dot,
  multiply,
  multiplyVector,
  projectRows,
  projectRowsTwice,
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

  private projection: Projection | undefined;
  private readonly rowsV: Float64Array;
  private readonly rowsU: Float64Array;
  private readonly g: Float64Array;

  /** `sigma` (r x r) is copied; pass the base plus any labels already counted. */
  constructor(
    readonly problem: DesignProblem,
    sigma: Float64Array,
    /** Recompute from scratch after this many rank-one updates, to bound round-off. */
    readonly recomputeEvery = 512,
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

    // z = Sigma^-1 x row by row: q_e = x_a'z_a + x_b'z_b - 2 x_a'z_b (Sigma^-1 symmetric).
    const z = transformRows(x, r, inverse);
    const total = pairTotal(this.problem);
    const self = rowProducts(x, z, r);
    const q = this.q;
    for (let e = 0; e < total; e++) {
      const a = pairA[e];
      const b = pairB[e];
      q[e] = self[a] + self[b] - 2 * dotAt(x, z, a * r, b * r, r);
    }

    if (this.problem.kind === 'trace') {
      // w = T^(1/2) Sigma^-1 x row by row: t_e = |w_a - w_b|^2 = |w_a|^2 + |w_b|^2 - 2 w_a'w_b.
      const w = transformRows(x, r, multiply(this.problem.targetRoot, inverse, r));
      const norms = rowProducts(w, w, r);
      const t = this.t;
      for (let e = 0; e < total; e++) {
        const a = pairA[e];
        const b = pairB[e];
        t[e] = Math.max(0, norms[a] + norms[b] - 2 * dotAt(w, w, a * r, b * r, r));
      }
      let trace = 0;
      const target = this.problem.target;
      for (let i = 0; i < r * r; i++) trace += target[i] * inverse[i];
      this.trace = trace;
    }
    this.updatesSinceRecompute = 0;
    this.projection = undefined;
  }

  /**
   * Projections of pair h against the current Sigma^-1: v = Sigma^-1 g_h, u = Sigma^-1 T v,
   * and for every completion row x_c . v and x_c . u, so that b_e = v'g_e and c_e = u'g_e cost
   * O(1) a pair. Kept until the next change of Sigma.
   */
  private project(h: number): Projection {
    if (this.projection?.pair === h) return this.projection;
    const { r, kind, target, x } = this.problem;
    const g = pairVector(this.problem, h, this.g);
    const v = multiplyVector(this.sigmaInverse, g, r);
    let vtv = 0;
    if (kind === 'trace') {
      const tv = multiplyVector(target, v, r);
      vtv = dot(v, tv, r);
      const u = multiplyVector(this.sigmaInverse, tv, r);
      projectRowsTwice(x, r, v, u, this.rowsV, this.rowsU);
    } else {
      projectRows(x, r, v, this.rowsV);
    }
    this.projection = { pair: h, g, v, q: dot(g, v, r), vtv };
    return this.projection;
  }

  /** Adds `mass` labels of pair h (negative `mass` removes them). */
  update(h: number, mass: number): void {
    const { r, kind } = this.problem;
    const { g, v, q: qh, vtv } = this.project(h);
    const rho = mass * this.s[h];
    const denominator = 1 + rho * qh;
    if (!(denominator > 0)) throw new Error('Update would make the information matrix singular');
    const alpha = rho / denominator;

    const total = pairTotal(this.problem);
    const { pairA, pairB } = this.problem;
    const rowsV = this.rowsV;
    const rowsU = this.rowsU;
    const q = this.q;
    const t = this.t;
    if (kind === 'trace') {
      const alpha2vtv = alpha * alpha * vtv;
      const twoAlpha = 2 * alpha;
      for (let e = 0; e < total; e++) {
        const a = pairA[e];
        const c = pairB[e];
        const b = rowsV[a] - rowsV[c];
        const bb = b * b;
        q[e] -= alpha * bb;
        t[e] += alpha2vtv * bb - twoAlpha * b * (rowsU[a] - rowsU[c]);
      }
      this.trace -= alpha * vtv;
    } else {
      for (let e = 0; e < total; e++) {
        const b = rowsV[pairA[e]] - rowsV[pairB[e]];
        q[e] -= alpha * b * b;
      }
    }
    this.logDet += Math.log1p(rho * qh);
    addOuter(this.sigmaInverse, v, -alpha, r);
    addOuter(this.sigma, g, rho, r);
    this.projection = undefined;

    this.updatesSinceRecompute++;
    if (this.updatesSinceRecompute >= this.recomputeEvery) this.recompute();
  }

  /**
   * The criterion after swapping one label of pair h for one of pair e, for every pair e, into
   * `out` (length P), without changing the state. With U = [g_e, g_h] and D = diag(s_e, -s_h),
   * Woodbury gives f - tr((I + D G)^-1 D H) (or f - log det(I + D G)), where G and H hold
   * q_e, q_h, t_e, t_h and the cross terms b_e = g_e' Sigma^-1 g_h, c_e = g_e' M g_h.
   */
  swapValues(h: number, out: Float64Array): void {
    const { kind, pairA, pairB } = this.problem;
    const { q: qh } = this.project(h);
    const sh = this.s[h];
    const th = kind === 'trace' ? this.t[h] : 0;
    const value = this.value;
    const total = pairTotal(this.problem);
    for (let e = 0; e < total; e++) {
      const se = this.s[e];
      const b = this.rowsV[pairA[e]] - this.rowsV[pairB[e]];
      const n11 = 1 + se * this.q[e];
      const n12 = se * b;
      const n21 = -sh * b;
      const n22 = 1 - sh * qh;
      const det = n11 * n22 - n12 * n21;
      if (kind === 'logdet') {
        out[e] = value - Math.log(det);
        continue;
      }
      const c = this.rowsU[pairA[e]] - this.rowsU[pairB[e]];
      const drop = (n22 * se * this.t[e] + (n12 * sh - n21 * se) * c - n11 * sh * th) / det;
      out[e] = value - drop;
    }
  }
}

/** out[c] = a_c . b_c for the rows of two n x r matrices. */
function rowProducts(a: Float64Array, b: Float64Array, r: number): Float64Array {
  const n = a.length / r;
  const out = new Float64Array(n);
  for (let c = 0; c < n; c++) out[c] = dotAt(a, b, c * r, c * r, r);
  return out;
}

interface Projection {
  pair: number;
  g: Float64Array;
  v: Float64Array;
  q: number;
  vtv: number;
}
