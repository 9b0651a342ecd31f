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
 * information state). Exchange passes then consider, for each chosen pair in turn, swapping
 * it for every allowed pair, each swap priced exactly in O(1) from one projection, and make the
 * best swap that lowers the criterion, until a pass makes none (Fedorov-style exchange).
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
  const swapped = new Float64Array(counts.pair.length);
  let passes = 0;
  let swaps = 0;
  for (; passes < maxPasses; passes++) {
    let made = 0;
    const before = state.value;
    for (let position = 0; position < order.length; position++) {
      await checkpoint();
      const out = order[position];
      counts.add(out, -1);
      const prompt = problem.pairPrompt[out];
      const mustStay = covered.has(prompt) && counts.prompt[prompt] === 0;
      state.swapValues(out, swapped);
      let into = -1;
      let best = state.value - 1e-12 * Math.abs(state.value);
      for (let e = 0; e < swapped.length; e++) {
        if (e === out || swapped[e] >= best || !counts.allows(e)) continue;
        if (mustStay && problem.pairPrompt[e] !== prompt) continue;
        best = swapped[e];
        into = e;
      }
      if (into < 0) {
        counts.add(out);
        continue;
      }
      state.update(out, -1);
      state.update(into, 1);
      counts.add(into);
      order[position] = into;
      made++;
    }
    swaps += made;
    // A pass that gains less than 0.01 % is not worth another full pass.
    if (made === 0 || before - state.value < 1e-4 * Math.abs(before)) {
      passes++;
      break;
    }
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
