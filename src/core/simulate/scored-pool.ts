import { referencePolicy } from '../design/policy';
import type { PreparedPool } from '../engine';

/**
 * The part of a featurized pool that a score can judge: only completions with a score, and only
 * prompts with at least two of them, so that every candidate pair can get a label.
 */
export interface ScoredPool {
  /** n x r, row-major: the kept completions' features (computed on the whole pool). */
  features: Float64Array;
  r: number;
  /** offsets[i] is the first kept completion of kept prompt i; offsets[N] = n. */
  offsets: Int32Array;
  /** Per kept completion: the file's score, and pi_0 within its prompt. */
  scores: Float64Array;
  pi0: Float64Array;
  referencePolicy: 'uniform' | 'logp_ref';
  promptIds: string[];
  droppedCompletions: number;
  droppedPrompts: number;
}

/**
 * Keeps the scored completions of a prepared pool. pi_0 is estimated again on what is kept, as
 * the engine does for a whole pool: uniform, or from reference log-probabilities.
 */
export function scoredSubpool(prepared: PreparedPool): ScoredPool {
  const { matrix, offsets } = prepared.features;
  const r = matrix.cols;
  const rows: number[] = [];
  const kept: number[] = [0];
  const promptIds: string[] = [];
  let droppedPrompts = 0;
  prepared.pool.prompts.forEach((prompt, i) => {
    const scored: number[] = [];
    prompt.completions.forEach((completion, j) => {
      if (completion.score !== undefined && Number.isFinite(completion.score)) {
        scored.push(offsets[i] + j);
      }
    });
    if (scored.length < 2) {
      droppedPrompts++;
      return;
    }
    rows.push(...scored);
    kept.push(rows.length);
    promptIds.push(prompt.id);
  });
  if (rows.length === 0) {
    throw new Error('The pool has no prompt with two scored completions to check against');
  }

  const completions = prepared.pool.prompts.flatMap((p) => p.completions);
  const features = new Float64Array(rows.length * r);
  rows.forEach((row, c) => features.set(matrix.data.subarray(row * r, (row + 1) * r), c * r));
  const subOffsets = Int32Array.from(kept);
  const scores = Float64Array.from(rows, (row) => completions[row].score as number);
  const logp = Float64Array.from(rows, (row) => completions[row].logpRef ?? NaN);
  const reference = referencePolicy(features, r, subOffsets, logp);
  return {
    features,
    r,
    offsets: subOffsets,
    scores,
    pi0: reference.pi0,
    referencePolicy: reference.source,
    promptIds,
    droppedCompletions: completions.length - rows.length,
    droppedPrompts,
  };
}
