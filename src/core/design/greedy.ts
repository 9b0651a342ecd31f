import { checkpointFor } from './cooperative';
import { DesignCounts, type ExactConstraints } from './constraints';
import { InformationState } from './information-state';
import type { DesignProblem } from './problem';

export interface GreedyResult {
  /** Chosen pairs in the order to label (a pair appears more than once only with repeats). */
  order: number[];
  value: number;
  /** Exchange passes run, and swaps made in them. */
  passes: number;
  swaps: number;
}

/**
 * Greedy design with exchange passes. Prompts that must be covered get their best pair first;
 * then each step adds the allowed pair of largest exact gain (rank-one updates of the
 * information state). Exchange passes then take each chosen pair out in turn and put back the
 * allowed pair of largest gain, keeping the swap only when the criterion drops, until a pass
 * makes no swap (Fedorov-style exchange on the exact criterion).
 */
export async function greedyDesign(
  problem: DesignProblem,
  base: Float64Array,
  constraints: ExactConstraints,
  options: {
    maxPasses?: number;
    signal?: AbortSignal;
    progress?: (f: number) => void;
    /** Start the exchange passes from this design instead of building one greedily. */
    start?: number[];
  } = {},
): Promise<GreedyResult> {
  const checkpoint = checkpointFor(options.signal);
  const state = new InformationState(problem, base);
  const counts = new DesignCounts(problem, constraints);
  const order: number[] = [];
  const uncovered = new Set(constraints.cover);

  for (const e of options.start ?? []) {
    take(e);
    uncovered.delete(problem.pairPrompt[e]);
  }
  while (uncovered.size > 0) {
    const best = bestPair(state, counts, (e) => uncovered.has(problem.pairPrompt[e]));
    if (best < 0) throw new Error('A prompt to cover has no allowed pair');
    take(best);
    uncovered.delete(problem.pairPrompt[best]);
  }
  while (order.length < constraints.budget) {
    await checkpoint();
    const best = bestPair(state, counts);
    if (best < 0) throw new Error('No allowed pair is left for the budget');
    take(best);
    options.progress?.(order.length / constraints.budget);
  }

  const covered = new Set(constraints.cover);
  const maxPasses = options.maxPasses ?? 5;
  let passes = 0;
  let swaps = 0;
  for (; passes < maxPasses; passes++) {
    let swapped = 0;
    for (let position = 0; position < order.length; position++) {
      await checkpoint();
      const out = order[position];
      const before = state.value;
      state.update(out, -1);
      counts.add(out, -1);
      const prompt = problem.pairPrompt[out];
      const mustStay = covered.has(prompt) && counts.prompt[prompt] === 0;
      const into = bestPair(
        state,
        counts,
        mustStay ? (e) => problem.pairPrompt[e] === prompt : undefined,
      );
      const improves =
        into >= 0 &&
        into !== out &&
        state.value - state.gain(into) < before - 1e-12 * Math.abs(before);
      const chosen = improves ? into : out;
      state.update(chosen, 1);
      counts.add(chosen);
      order[position] = chosen;
      if (improves) swapped++;
    }
    swaps += swapped;
    if (swapped === 0) break;
  }
  state.recompute();
  return { order, value: state.value, passes, swaps };

  function take(e: number): void {
    state.update(e, 1);
    counts.add(e);
    order.push(e);
  }
}

/** The allowed pair of largest gain for one more label, among those `filter` keeps. */
export function bestPair(
  state: InformationState,
  counts: DesignCounts,
  filter?: (e: number) => boolean,
): number {
  let best = -1;
  let bestGain = -Infinity;
  const total = counts.pair.length;
  for (let e = 0; e < total; e++) {
    if (!counts.allows(e)) continue;
    if (filter && !filter(e)) continue;
    const gain = state.gain(e);
    if (gain > bestGain) {
      bestGain = gain;
      best = e;
    }
  }
  return best;
}
