/**
 * The language server's diagnostics for the named dataset shapes: one per problem the reader
 * finds, on the problem's line, and on the value of its field when the problem names one.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { parsePoolText } from '../../src/core/pool';
import { getPath } from '../../src/core/pool/record-fields';
import { type Harness, startHarness } from './harness';

const DATASETS = join(import.meta.dirname, '..', 'fixtures', 'pools', 'datasets');

describe('diagnostics of the named dataset shapes', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ dim: 2 });
  });
  after(() => h.close());

  const files = readdirSync(DATASETS).filter((name) => name.endsWith('.jsonl'));
  it('has JSONL fixtures to check', () => assert.ok(files.length >= 8));

  for (const name of files) {
    it(`${name}: every problem at its line and field`, async () => {
      const text = readFileSync(join(DATASETS, name), 'utf8');
      const uri = `file:///datasets/${name}`;
      const expected = parsePoolText(text, `/datasets/${name}`).problems;
      assert.ok(expected.length > 0, 'each fixture holds at least one problem');

      h.open(uri, text);
      const diagnostics = await h.diagnostics(uri, 1);
      assert.equal(diagnostics.length, expected.length);
      const lines = text.split('\n');
      expected.forEach((problem, k) => {
        const diagnostic = diagnostics[k];
        assert.equal(diagnostic.code, problem.code);
        assert.equal(diagnostic.range.start.line, problem.line - 1, problem.message);
        const line = lines[problem.line - 1];
        const { start, end } = diagnostic.range;
        const shown = line.slice(start.character, end.character);
        if (problem.field === undefined) return;
        // A problem about a field underlines that field's value, which reads back as the value.
        const record = JSON.parse(line) as Record<string, unknown>;
        const value = getPath(record, problem.field);
        if (value === undefined) return;
        assert.deepEqual(JSON.parse(shown), value, `${problem.field} on line ${problem.line}`);
      });
    });
  }
});
