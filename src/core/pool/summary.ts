/** Counts that describe a pool at a glance, for reports, the CLI and the side panel. */
import { pairCount, type Pool, type ProblemCode } from './pool';

/** How big a pool is and what was skipped reading it. */
export interface PoolSummary {
  prompts: number;
  completions: number;
  /** Candidate pairs: the sum over prompts of k(k-1)/2 for k completions. */
  pairs: number;
  /** Pairs the file already labels. */
  labels: number;
  problemsByCode: Partial<Record<ProblemCode, number>>;
}

/** Count the prompts, completions, candidate pairs, prior labels and problems of a pool. */
export function summarisePool(pool: Pool): PoolSummary {
  let completions = 0;
  let pairs = 0;
  for (const prompt of pool.prompts) {
    completions += prompt.completions.length;
    pairs += pairCount(prompt.completions.length);
  }

  const problemsByCode: Partial<Record<ProblemCode, number>> = {};
  for (const { code } of pool.problems) problemsByCode[code] = (problemsByCode[code] ?? 0) + 1;

  return {
    prompts: pool.prompts.length,
    completions,
    pairs,
    labels: pool.labels.length,
    problemsByCode,
  };
}
