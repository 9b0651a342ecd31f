import { CholeskyDecomposition, Matrix } from 'ml-matrix';

/**
 * The reference policy pi_0 over each prompt's completions, and the policy-relevant matrix
 *
 *     I = (1/N) sum_i Cov_{y ~ pi_0(.|i)} [phi(i, y)]          (r x r)
 *
 * of DESIGN.md, estimated from the pool itself.
 */
export interface ReferencePolicy {
  /** Per-completion probability within its prompt (length n). */
  pi0: Float64Array;
  source: 'uniform' | 'logp_ref';
}

/**
 * pi_0 uniform over each prompt's completions, or, when every completion has a reference
 * log-probability, the softmax over the prompt's pool of a ridge fit
 * logp_ij ~ theta_0' phi_ij + c_i (the prompt constants removed by centring within prompts).
 * `features` is n x r row-major; `logp` has NaN where the file has none.
 */
export function referencePolicy(
  features: Float64Array,
  r: number,
  offsets: Int32Array,
  logp?: Float64Array,
): ReferencePolicy {
  const n = offsets[offsets.length - 1];
  const pi0 = new Float64Array(n);
  const complete = logp !== undefined && logp.every((v) => Number.isFinite(v));
  if (!complete) {
    for (let i = 0; i + 1 < offsets.length; i++) {
      const k = offsets[i + 1] - offsets[i];
      for (let c = offsets[i]; c < offsets[i + 1]; c++) pi0[c] = 1 / k;
    }
    return { pi0, source: 'uniform' };
  }

  const theta = fitLogProbabilities(features, r, offsets, logp);
  for (let i = 0; i + 1 < offsets.length; i++) {
    let max = -Infinity;
    for (let c = offsets[i]; c < offsets[i + 1]; c++) {
      let u = 0;
      for (let j = 0; j < r; j++) u += theta[j] * features[c * r + j];
      pi0[c] = u;
      max = Math.max(max, u);
    }
    let sum = 0;
    for (let c = offsets[i]; c < offsets[i + 1]; c++) sum += pi0[c] = Math.exp(pi0[c] - max);
    for (let c = offsets[i]; c < offsets[i + 1]; c++) pi0[c] /= sum;
  }
  return { pi0, source: 'logp_ref' };
}

/** Ridge regression of prompt-centred log-probabilities on prompt-centred features. */
function fitLogProbabilities(
  features: Float64Array,
  r: number,
  offsets: Int32Array,
  logp: Float64Array,
): Float64Array {
  const gram = new Matrix(r, r);
  const rhs = new Matrix(r, 1);
  const mean = new Float64Array(r);
  const row = new Float64Array(r);
  for (let i = 0; i + 1 < offsets.length; i++) {
    const k = offsets[i + 1] - offsets[i];
    mean.fill(0);
    let meanLogp = 0;
    for (let c = offsets[i]; c < offsets[i + 1]; c++) {
      for (let j = 0; j < r; j++) mean[j] += features[c * r + j] / k;
      meanLogp += logp[c] / k;
    }
    for (let c = offsets[i]; c < offsets[i + 1]; c++) {
      for (let j = 0; j < r; j++) row[j] = features[c * r + j] - mean[j];
      const y = logp[c] - meanLogp;
      for (let a = 0; a < r; a++) {
        rhs.set(a, 0, rhs.get(a, 0) + row[a] * y);
        for (let b = 0; b < r; b++) gram.set(a, b, gram.get(a, b) + row[a] * row[b]);
      }
    }
  }
  let trace = 0;
  for (let j = 0; j < r; j++) trace += gram.get(j, j);
  const ridge = 1e-3 * Math.max(trace / r, 1e-12);
  for (let j = 0; j < r; j++) gram.set(j, j, gram.get(j, j) + ridge);
  const solution = new CholeskyDecomposition(gram).solve(rhs);
  return Float64Array.from(solution.getColumn(0));
}

/** I = (1/N) sum_i sum_j pi0_ij (phi_ij - mu_i)(phi_ij - mu_i)', mu_i the pi_0 mean (r x r). */
export function policyMatrix(
  features: Float64Array,
  r: number,
  offsets: Int32Array,
  pi0: Float64Array,
): Float64Array {
  const prompts = offsets.length - 1;
  const out = new Float64Array(r * r);
  const mean = new Float64Array(r);
  const row = new Float64Array(r);
  for (let i = 0; i < prompts; i++) {
    mean.fill(0);
    for (let c = offsets[i]; c < offsets[i + 1]; c++) {
      for (let j = 0; j < r; j++) mean[j] += pi0[c] * features[c * r + j];
    }
    for (let c = offsets[i]; c < offsets[i + 1]; c++) {
      for (let j = 0; j < r; j++) row[j] = features[c * r + j] - mean[j];
      const weight = pi0[c] / prompts;
      for (let a = 0; a < r; a++) {
        const wa = weight * row[a];
        if (wa === 0) continue;
        for (let b = 0; b < r; b++) out[a * r + b] += wa * row[b];
      }
    }
  }
  return out;
}
