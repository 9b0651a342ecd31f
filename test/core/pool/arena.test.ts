import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  describeReading,
  readPoolFile,
  summarisePool,
  type Pool,
} from '../../../src/core/pool/index';
import { content } from './helpers';

/** The real pool lives beside the repository, not in it; without it these tests skip. */
const ARENA = join('..', 'shared', 'data', 'arena-pool');
const LONG = join(ARENA, 'arena-bench-v1.long.jsonl');
const WIDE = join(ARENA, 'arena-bench-v1.wide.jsonl');
const MISSING = existsSync(LONG) && existsSync(WIDE) ? false : `no arena pool at ${ARENA}`;

/** 300 prompts x 17 models, before empty and duplicate completions are dropped. */
const PROMPTS = 300;
const GENERATED = 5_100;
const OFFERED = { prompts: PROMPTS, completions: GENERATED, pairs: PROMPTS * ((17 * 16) / 2) };
/** What remains once 27 empty and 5 duplicate completions are dropped. */
const KEPT = { completions: 5_068, pairs: 40_294 };
/** How many completions the prompts keep: the fewest, the most, and the median. */
const SIZES = '13 to 17 completions a prompt (median 17)';

function check(pool: Pool): void {
  const summary = summarisePool(pool);
  assert.equal(summary.prompts, PROMPTS);
  assert.equal(summary.labels, 0);
  assert.deepEqual(summary.offered, { prompts: 300, completions: 5_100, pairs: 40_800 });
  assert.deepEqual(summary.offered, OFFERED);
  assert.deepEqual({ completions: summary.completions, pairs: summary.pairs }, KEPT);

  // Everything dropped is accounted for by a problem, and nothing else went wrong.
  const { 'missing-text': empty = 0, 'duplicate-completion': repeated = 0 } =
    summary.problemsByCode;
  assert.deepEqual(Object.keys(summary.problemsByCode).sort(), [
    'duplicate-completion',
    'missing-text',
  ]);
  assert.equal(summary.completions, GENERATED - empty - repeated);
  for (const prompt of pool.prompts) assert.ok(prompt.completions.length >= 2);
}

describe('the real arena pool', () => {
  it('reads the long file: one completion a line', { skip: MISSING }, async () => {
    const pool = await readPoolFile(LONG);
    assert.equal(pool.shape, 'long');
    assert.equal(pool.dataset, undefined);
    assert.equal(pool.records, GENERATED);
    check(pool);
    assert.equal(
      describeReading(pool),
      'read as long (one completion a record): prompt_id = prompt_id, prompt = prompt, ' +
        `completion = completion, completion_id = model, score = score; ${SIZES}`,
    );
  });

  it('reads the wide file to exactly the same pool', { skip: MISSING }, async () => {
    const long = await readPoolFile(LONG);
    const wide = await readPoolFile(WIDE);
    assert.equal(wide.shape, 'wide');
    assert.equal(wide.dataset, 'scored-generations');
    assert.equal(wide.records, PROMPTS);
    check(wide);
    assert.equal(
      describeReading(wide),
      'read as scored generations (one prompt a record): prompt_id = prompt_id, ' +
        'prompt = prompt, completion = all_generated_responses, completion_id = models, ' +
        `score = all_rm_scores; ${SIZES}`,
    );

    // Same prompts, same completions with the same model ids, texts and grades.
    assert.deepEqual(content(wide), content(long));
    const summary = summarisePool(long);
    const { 'missing-text': empty, 'duplicate-completion': repeated } = summary.problemsByCode;
    console.log(
      `arena pool: ${summary.prompts} prompts, ${summary.completions} completions ` +
        `(${GENERATED} generated, ${empty} empty, ${repeated} duplicates), ` +
        `${summary.pairs} candidate pairs`,
    );
  });
});
