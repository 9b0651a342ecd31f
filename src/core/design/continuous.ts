import { checkpointFor } from './cooperative';
import { certify, type CertificateValues } from './certificate';
import { dot, multiplyVector } from './dense';
import { designInformation } from './criterion';
import { InformationState } from './information-state';
import { pairTotal, pairVector, type DesignProblem } from './problem';

export interface ContinuousOptions {
  /** Total mass of the design: the budget in labels (1 for a probability design). */
  mass: number;
  /** Largest mass one pair may carry (1 when pairs are not repeated; Infinity otherwise). */
  cap: number;
  /** Stop once the certificate proves this efficiency. */
  targetEfficiency: number;
  maxIterations: number;
  /** Certify every this many exchange steps. */
  checkEvery?: number;
  signal?: AbortSignal;
  progress?: (fraction: number) => void;
  /**
   * A lower bound already proven another way: once the design's value falls below it, its own
   * certificate can no longer improve on it, and the solver stops.
   */
  floor?: number;
  /**
   * Start from these masses (length P, summing to `mass`, within the caps), for example an
   * exact design, instead of building a sequential start.
   */
  start?: Float64Array;
}

export interface ContinuousDesign extends CertificateValues {
  /** Mass on each candidate pair (length P), summing to `mass`. */
  weights: Float64Array;
  value: number;
  iterations: number;
  converged: boolean;
  state: InformationState;
}

/**
 * Minimises the criterion over designs of total mass `mass` with per-pair caps, by pairwise
 * Frank-Wolfe (the vertex-exchange method): each step moves mass from the supported pair with
 * the smallest derivative d_e to the pair with the largest one, with an exact line search on
 * the 2 x 2 Woodbury form of the criterion. Every step is two rank-one updates, so a step costs
 * O(n r + P) and the iteration count, not the pool size, sets the run time. The start is a
 * sequential design: mass added in equal portions to the pair of largest gain.
 */
export async function solveContinuous(
  problem: DesignProblem,
  options: ContinuousOptions,
  base: Float64Array = problem.base,
): Promise<ContinuousDesign> {
  const total = pairTotal(problem);
  const { mass, cap } = options;
  if (Number.isFinite(cap) && mass > cap * total + 1e-9) {
    throw new Error(`Budget ${mass} exceeds the ${total} candidate pairs`);
  }
  const checkpoint = checkpointFor(options.signal);
  let state: InformationState;
  let weights: Float64Array;
  if (options.start) {
    weights = options.start.slice();
    const support = Array.from(weights.keys()).filter((e) => weights[e] > 0);
    const masses = support.map((e) => weights[e]);
    state = new InformationState(problem, designInformation(problem, support, masses, base));
  } else {
    state = new InformationState(problem, base);
    weights = new Float64Array(total);
    await seedSequentially(state, weights, options, checkpoint);
  }

  const checkEvery = options.checkEvery ?? 50;
  let certificate = certify(state, weights, mass, cap, base);
  let iterations = 0;
  const floor = options.floor ?? -Infinity;
  while (
    certificate.efficiency < options.targetEfficiency &&
    iterations < options.maxIterations &&
    !(state.value < floor)
  ) {
    await checkpoint();
    const moved = exchangeStep(state, weights, cap);
    iterations++;
    if (!moved || iterations % checkEvery === 0) {
      certificate = certify(state, weights, mass, cap, base);
      options.progress?.(Math.min(1, iterations / options.maxIterations));
      if (!moved) break;
    }
  }
  state.recompute();
  certificate = certify(state, weights, mass, cap, base);
  return {
    ...certificate,
    weights,
    value: state.value,
    iterations,
    converged: certificate.efficiency >= options.targetEfficiency,
    state,
  };
}

async function seedSequentially(
  state: InformationState,
  weights: Float64Array,
  options: ContinuousOptions,
  checkpoint: () => Promise<void>,
): Promise<void> {
  const { mass, cap } = options;
  const r = state.problem.r;
  const steps = Number.isFinite(cap) ? Math.ceil(mass / cap - 1e-9) : Math.max(1, 2 * r);
  const portion = mass / steps;
  for (let step = 0; step < steps; step++) {
    await checkpoint();
    let best = -1;
    let bestGain = -Infinity;
    for (let e = 0; e < weights.length; e++) {
      if (weights[e] + portion > cap + 1e-9) continue;
      const gain = state.gain(e, portion);
      if (gain > bestGain) {
        bestGain = gain;
        best = e;
      }
    }
    if (best < 0) throw new Error('No pair can take more mass');
    weights[best] += portion;
    state.update(best, portion);
  }
}

/** One pairwise Frank-Wolfe step. Returns false when no exchange improves the criterion. */
function exchangeStep(state: InformationState, weights: Float64Array, cap: number): boolean {
  let toward = -1;
  let away = -1;
  let high = -Infinity;
  let low = Infinity;
  for (let e = 0; e < weights.length; e++) {
    const d = state.derivative(e);
    if (weights[e] < cap && d > high) {
      high = d;
      toward = e;
    }
    if (weights[e] > 0 && d < low) {
      low = d;
      away = e;
    }
  }
  if (toward < 0 || away < 0 || toward === away) return false;
  if (!(high - low > 1e-12 * Math.abs(high))) return false;

  const limit = Math.min(weights[away], cap - weights[toward]);
  const step = lineSearch(state, toward, away, limit);
  if (!(step > 0)) return false;
  state.update(toward, step);
  state.update(away, -step);
  weights[toward] += step;
  weights[away] -= step;
  if (weights[away] < 1e-12 * limit) weights[away] = 0;
  return true;
}

/**
 * Exact minimiser over delta in [0, limit] of the criterion after moving delta from pair u to
 * pair v. With U = [g_v, g_u] and D = diag(delta s_v, -delta s_u), Woodbury gives
 * f(delta) = f - tr((I + D G)^-1 D H) with G = U' Sigma^-1 U and H = U' Sigma^-1 T Sigma^-1 U,
 * or f - log det(I + D G) for log det. Both are convex in delta: golden-section search.
 */
function lineSearch(state: InformationState, v: number, u: number, limit: number): number {
  const problem = state.problem;
  const r = problem.r;
  const gv = pairVector(problem, v);
  const gu = pairVector(problem, u);
  const zv = multiplyVector(state.sigmaInverse, gv, r);
  const zu = multiplyVector(state.sigmaInverse, gu, r);
  const qv = state.q[v];
  const qu = state.q[u];
  const quv = dot(gu, zv, r);
  const sv = state.s[v];
  const su = state.s[u];
  let tv = 0;
  let tu = 0;
  let tuv = 0;
  if (problem.kind === 'trace') {
    const tzv = multiplyVector(problem.target, zv, r);
    tv = state.t[v];
    tu = state.t[u];
    tuv = dot(zu, tzv, r);
  }

  const drop = (delta: number): number => {
    const a = delta * sv;
    const b = -delta * su;
    // N = I + D G, D = diag(a, b).
    const n11 = 1 + a * qv;
    const n12 = a * quv;
    const n21 = b * quv;
    const n22 = 1 + b * qu;
    const det = n11 * n22 - n12 * n21;
    if (!(det > 0)) return -Infinity;
    if (problem.kind === 'logdet') return Math.log(det);
    // X = N^-1 D; drop = tr(X H).
    const x11 = (n22 * a) / det;
    const x12 = (-n12 * b) / det;
    const x21 = (-n21 * a) / det;
    const x22 = (n11 * b) / det;
    return x11 * tv + x12 * tuv + x21 * tuv + x22 * tu;
  };

  const ratio = (Math.sqrt(5) - 1) / 2;
  let lo = 0;
  let hi = limit;
  let m1 = hi - ratio * (hi - lo);
  let m2 = lo + ratio * (hi - lo);
  let f1 = drop(m1);
  let f2 = drop(m2);
  for (let i = 0; i < 60 && hi - lo > 1e-12 * limit; i++) {
    if (f1 < f2) {
      lo = m1;
      m1 = m2;
      f1 = f2;
      m2 = lo + ratio * (hi - lo);
      f2 = drop(m2);
    } else {
      hi = m2;
      m2 = m1;
      f2 = f1;
      m1 = hi - ratio * (hi - lo);
      f1 = drop(m1);
    }
  }
  const inside = (lo + hi) / 2;
  const atLimit = drop(limit);
  const best = atLimit >= drop(inside) ? limit : inside;
  return drop(best) > 0 ? best : 0;
}
