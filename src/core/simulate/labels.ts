import type { Random } from '../design/seeded-random';
import type { PairLabels } from './dpo-fit';

/** The candidate pairs of a pool: pair e compares completion rows pairA[e] and pairB[e]. */
export interface PairIndex {
  pairA: Int32Array;
  pairB: Int32Array;
}

/**
 * One uniform draw per candidate pair (length P). Labels are read off these draws, so that
 * two methods that choose the same pair get the same label (common random numbers): the
 * differences between methods come from the pairs they chose, not from label luck.
 */
export function labelDraws(pairs: number, random: Random): Float64Array {
  return Float64Array.from({ length: pairs }, () => random());
}

/**
 * Bradley-Terry labels for the chosen pairs: completion a of pair e is preferred when
 * draws[e] < sigma(reward_a - reward_b). `reward` (length n) is in logits.
 */
export function drawLabels(
  order: ArrayLike<number>,
  index: PairIndex,
  reward: Float64Array,
  draws: Float64Array,
): PairLabels {
  const winners = new Int32Array(order.length);
  const losers = new Int32Array(order.length);
  for (let l = 0; l < order.length; l++) {
    const e = order[l];
    const a = index.pairA[e];
    const b = index.pairB[e];
    const first = draws[e] < 1 / (1 + Math.exp(reward[b] - reward[a]));
    winners[l] = first ? a : b;
    losers[l] = first ? b : a;
  }
  return { winners, losers };
}
