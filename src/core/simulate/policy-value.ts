/**
 * Policies over finite completion pools and their KL-regularised value. A policy is one
 * probability per completion (length n), normalised within each prompt; `offsets[i]` is the
 * first completion of prompt `i` and `offsets[N] = n`.
 */

/**
 * The tilted policy pi(j|i) = pi0(j|i) exp(reward_ij / beta) / Z_i: the maximiser of J for
 * `reward`, and the DPO policy of a fitted reward. `pi0` and `reward` have length n.
 */
export function tiltedPolicy(
  pi0: Float64Array,
  reward: Float64Array,
  beta: number,
  offsets: Int32Array,
): Float64Array {
  const pi = new Float64Array(pi0.length);
  for (let i = 0; i + 1 < offsets.length; i++) {
    let max = -Infinity;
    for (let c = offsets[i]; c < offsets[i + 1]; c++) {
      pi[c] = pi0[c] > 0 ? Math.log(pi0[c]) + reward[c] / beta : -Infinity;
      max = Math.max(max, pi[c]);
    }
    let sum = 0;
    for (let c = offsets[i]; c < offsets[i + 1]; c++) sum += pi[c] = Math.exp(pi[c] - max);
    for (let c = offsets[i]; c < offsets[i + 1]; c++) pi[c] /= sum;
  }
  return pi;
}

/**
 * The KL-regularised value of a policy over the pools:
 *
 *     J(pi) = (1/N) sum_i [ sum_j pi_ij r_ij - beta sum_j pi_ij log(pi_ij / pi0_ij) ]
 *
 * with 0 log 0 = 0. `pi`, `pi0` and `reward` have length n. A policy that puts mass where `pi0`
 * has none has value -Infinity.
 */
export function policyValue(
  pi: Float64Array,
  pi0: Float64Array,
  reward: Float64Array,
  beta: number,
  offsets: Int32Array,
): number {
  const prompts = offsets.length - 1;
  let total = 0;
  for (let i = 0; i < prompts; i++) {
    let value = 0;
    for (let c = offsets[i]; c < offsets[i + 1]; c++) {
      if (pi[c] === 0) continue;
      value += pi[c] * (reward[c] - beta * Math.log(pi[c] / pi0[c]));
    }
    total += value;
  }
  return total / prompts;
}

/**
 * The exact suboptimality of a fitted policy, J(pi*) - J(pi_hat), where pi* = pi0 exp(r* / beta)
 * / Z is the maximiser of J for the true reward r* and pi_hat = pi0 exp(r_hat / beta) / Z the
 * DPO policy of the fitted reward r_hat (both per completion, length n). It equals
 * beta * (1/N) sum_i KL(pi_hat_i || pi*_i), so it is never negative (up to round-off).
 */
export function suboptimality(
  pi0: Float64Array,
  trueReward: Float64Array,
  fittedReward: Float64Array,
  beta: number,
  offsets: Int32Array,
): number {
  const best = tiltedPolicy(pi0, trueReward, beta, offsets);
  const fitted = tiltedPolicy(pi0, fittedReward, beta, offsets);
  return (
    policyValue(best, pi0, trueReward, beta, offsets) -
    policyValue(fitted, pi0, trueReward, beta, offsets)
  );
}
