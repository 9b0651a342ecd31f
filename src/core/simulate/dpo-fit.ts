import { CholeskyDecomposition, Matrix } from 'ml-matrix';

/** Labelled pairs as completion rows: in pair l, row winners[l] was preferred to losers[l]. */
export interface PairLabels {
  winners: Int32Array;
  losers: Int32Array;
}

export interface DpoFit {
  /** Length r: the fitted theta - theta_0, in the coordinates of `x`. */
  theta: Float64Array;
  /** The penalised loss at `theta`, and the largest absolute entry of its gradient. */
  loss: number;
  gradientNorm: number;
  iterations: number;
  converged: boolean;
}

/**
 * DPO on a log-linear policy: the ridge-regularised logistic regression
 *
 *     minimise  sum_l log(1 + exp(-theta' g_l)) + (ridge / 2) ||theta||^2
 *     g_l = x_winner - x_loser
 *
 * solved by Newton's method (IRLS) with the Hessian H = sum_l p_l (1 - p_l) g_l g_l' + ridge Id
 * factored by Cholesky, and a backtracking line search until the Newton decrement
 * grad' H^-1 grad is small, full steps after. The objective is strictly convex, so the iteration
 * converges to the unique minimiser; it stops when the decrement falls below `tolerance` (or
 * stops falling at the round-off floor). `x` is n x r row-major (beta times the features,
 * as in a design problem), so theta'(x_a - x_b) is the fitted reward difference, in logits.
 */
export function fitDpo(
  x: Float64Array,
  r: number,
  labels: PairLabels,
  ridge: number,
  options: { tolerance?: number; maxIterations?: number } = {},
): DpoFit {
  const tolerance = options.tolerance ?? 1e-20;
  const maxIterations = options.maxIterations ?? 100;
  if (!(ridge > 0)) throw new Error('The DPO fit needs a positive ridge');
  const m = labels.winners.length;
  const g = new Float64Array(m * r);
  for (let l = 0; l < m; l++) {
    const w = labels.winners[l] * r;
    const o = labels.losers[l] * r;
    for (let j = 0; j < r; j++) g[l * r + j] = x[w + j] - x[o + j];
  }

  const theta = new Float64Array(r);
  const margins = new Float64Array(m);
  const gradient = new Float64Array(r);
  const hessian = new Float64Array(r * r);
  let loss = lossAt(theta);
  let iterations = 0;
  let converged = false;
  let previous = Infinity;
  for (; iterations < maxIterations; iterations++) {
    derivatives(theta);
    const step = solve(hessian, gradient, r);
    let decrement = 0;
    for (let j = 0; j < r; j++) decrement += gradient[j] * step[j];
    // Round-off floors the decrement; once it stops falling near zero, that floor is reached.
    if (decrement < tolerance || (decrement < 1e-10 && decrement >= previous)) {
      converged = true;
      break;
    }
    previous = decrement;
    if (decrement < QUADRATIC_REGION) {
      // Newton's full step converges quadratically here, and the loss is too flat for a line
      // search to tell steps apart in floating point.
      for (let j = 0; j < r; j++) theta[j] -= step[j];
      loss = lossAt(theta);
      continue;
    }
    let size = 1;
    const trial = new Float64Array(r);
    let trialLoss = Infinity;
    for (let halvings = 0; halvings < 60; halvings++, size /= 2) {
      for (let j = 0; j < r; j++) trial[j] = theta[j] - size * step[j];
      trialLoss = lossAt(trial);
      if (trialLoss <= loss - 0.25 * size * decrement) break;
    }
    if (!(trialLoss < loss)) break;
    theta.set(trial);
    loss = trialLoss;
  }
  derivatives(theta);
  let gradientNorm = 0;
  for (let j = 0; j < r; j++) gradientNorm = Math.max(gradientNorm, Math.abs(gradient[j]));
  return { theta, loss, gradientNorm, iterations, converged };

  function lossAt(t: Float64Array): number {
    let sum = 0;
    let norm = 0;
    for (let l = 0; l < m; l++) {
      let u = 0;
      for (let j = 0; j < r; j++) u += t[j] * g[l * r + j];
      margins[l] = u;
      sum += softplus(-u);
    }
    for (let j = 0; j < r; j++) norm += t[j] * t[j];
    return sum + 0.5 * ridge * norm;
  }

  /** Gradient and Hessian at t; needs `margins` from lossAt(t). */
  function derivatives(t: Float64Array): void {
    lossAt(t);
    for (let j = 0; j < r; j++) gradient[j] = ridge * t[j];
    hessian.fill(0);
    for (let j = 0; j < r; j++) hessian[j * r + j] = ridge;
    for (let l = 0; l < m; l++) {
      const p = 1 / (1 + Math.exp(-margins[l]));
      const weight = p * (1 - p);
      const row = l * r;
      for (let a = 0; a < r; a++) {
        const ga = g[row + a];
        gradient[a] -= (1 - p) * ga;
        const wa = weight * ga;
        if (wa === 0) continue;
        for (let b = 0; b <= a; b++) hessian[a * r + b] += wa * g[row + b];
      }
    }
    for (let a = 0; a < r; a++) {
      for (let b = 0; b < a; b++) hessian[b * r + a] = hessian[a * r + b];
    }
  }
}

/** Newton decrement below which full steps are taken without a line search. */
const QUADRATIC_REGION = 1e-4;

/** log(1 + exp(u)) without overflow. */
function softplus(u: number): number {
  return u > 0 ? u + Math.log1p(Math.exp(-u)) : Math.log1p(Math.exp(u));
}

/** Solves H s = b for a symmetric positive definite r x r H by Cholesky. */
function solve(hessian: Float64Array, b: Float64Array, r: number): Float64Array {
  const h = new Matrix(r, r);
  for (let a = 0; a < r; a++) {
    for (let c = 0; c < r; c++) h.set(a, c, hessian[a * r + c]);
  }
  const cholesky = new CholeskyDecomposition(h);
  if (!cholesky.isPositiveDefinite()) throw new Error('DPO Hessian is not positive definite');
  const solution = cholesky.solve(Matrix.columnVector(Array.from(b)));
  return Float64Array.from(solution.getColumn(0));
}
