import type { DesignProblem } from './problem';

/**
 * The per-pair and per-prompt limits of an exact design: each pair at most once unless repeats
 * are allowed, at most `maxPerPrompt` pairs of a prompt (0: no limit), and the prompts that must
 * be covered at least once.
 */
export interface ExactConstraints {
  budget: number;
  allowRepeats: boolean;
  maxPerPrompt: number;
  /** Prompt indices that need at least one chosen pair. */
  cover: number[];
}

/** Counts of a design under construction, with the checks the constraints impose. */
export class DesignCounts {
  readonly pair: Int32Array;
  readonly prompt: Int32Array;

  constructor(
    readonly problem: DesignProblem,
    readonly constraints: ExactConstraints,
  ) {
    this.pair = new Int32Array(problem.pairA.length);
    this.prompt = new Int32Array(problem.offsets.length - 1);
  }

  /** Whether one more label of pair e keeps within the limits. */
  allows(e: number): boolean {
    if (!this.constraints.allowRepeats && this.pair[e] > 0) return false;
    const limit = this.constraints.maxPerPrompt;
    return limit <= 0 || this.prompt[this.problem.pairPrompt[e]] < limit;
  }

  add(e: number, count = 1): void {
    this.pair[e] += count;
    this.prompt[this.problem.pairPrompt[e]] += count;
  }
}

/** Checks that a budget can be met at all; throws a message naming the limit otherwise. */
export function checkFeasible(problem: DesignProblem, constraints: ExactConstraints): void {
  const { budget, allowRepeats, maxPerPrompt, cover } = constraints;
  if (!Number.isInteger(budget) || budget < 1) {
    throw new Error(`Budget must be a positive whole number of labels, got ${budget}`);
  }
  const prompts = problem.offsets.length - 1;
  if (allowRepeats) {
    if (maxPerPrompt > 0 && budget > maxPerPrompt * prompts) {
      throw new Error(
        `Budget ${budget} exceeds ${maxPerPrompt} pairs for each of ${prompts} prompts`,
      );
    }
  } else {
    let available = 0;
    for (let i = 0; i < prompts; i++) {
      const pairs = problem.pairOffsets[i + 1] - problem.pairOffsets[i];
      available += maxPerPrompt > 0 ? Math.min(pairs, maxPerPrompt) : pairs;
    }
    if (budget > available) {
      throw new Error(
        `Budget ${budget} exceeds the ${available} distinct pairs available; ` +
          'lower the budget, raise the pairs per prompt, or allow repeats',
      );
    }
  }
  if (cover.length > budget) {
    throw new Error(`Covering ${cover.length} prompts needs a budget of at least ${cover.length}`);
  }
}
