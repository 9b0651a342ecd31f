import type { PairIndex } from './labels';
import { tiltedPolicy } from './policy-value';

/**
 * Share of the candidate pairs not in `labelled` whose two scores differ that the fitted reward
 * orders as the score does; a tie of the fitted reward counts one half. `fitted` and `scores`
 * are per completion (length n).
 */
export function heldOutAccuracy(
  index: PairIndex,
  fitted: Float64Array,
  scores: Float64Array,
  labelled: ArrayLike<number>,
): number {
  const skip = new Set<number>(Array.from(labelled));
  let right = 0;
  let count = 0;
  for (let e = 0; e < index.pairA.length; e++) {
    if (skip.has(e)) continue;
    const truth = scores[index.pairA[e]] - scores[index.pairB[e]];
    if (truth === 0) continue;
    const guess = fitted[index.pairA[e]] - fitted[index.pairB[e]];
    count++;
    if (guess === 0) right += 0.5;
    else if (guess > 0 === truth > 0) right++;
  }
  return count > 0 ? right / count : NaN;
}

/**
 * Expected score of the DPO policy of a fitted reward over each prompt's pool:
 * (1/N) sum_i sum_j pi(j|i) score_ij with pi = pi_0 exp(fitted / beta) / Z (all length n).
 */
export function expectedScore(
  pi0: Float64Array,
  fitted: Float64Array,
  beta: number,
  offsets: Int32Array,
  scores: Float64Array,
): number {
  const pi = tiltedPolicy(pi0, fitted, beta, offsets);
  let total = 0;
  for (let c = 0; c < pi.length; c++) total += pi[c] * scores[c];
  return total / (offsets.length - 1);
}
