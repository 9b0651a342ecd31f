import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { csvCells, csvHeader, jsonFieldSpan, scanValue } from '../../src/server/field-range';

describe('field ranges', () => {
  const line =
    '{"prompt": "a \\"quoted\\" [x]", "completions": ["one", {"content": "two"}], "n": 3}';
  const slice = (path: string) => {
    const span = jsonFieldSpan(line, path);
    return span && line.slice(span.start, span.end);
  };

  it('finds a top-level value, an array element and a nested member', () => {
    assert.equal(slice('prompt'), '"a \\"quoted\\" [x]"');
    assert.equal(slice('completions.0'), '"one"');
    assert.equal(slice('completions.1'), '{"content": "two"}');
    assert.equal(slice('completions.1.content'), '"two"');
    assert.equal(slice('n'), '3');
  });

  it('falls back to the longest existing prefix, or nothing', () => {
    assert.equal(slice('completions.7'), '["one", {"content": "two"}]');
    assert.equal(slice('missing'), undefined);
    assert.equal(jsonFieldSpan('not json', 'prompt'), undefined);
    assert.equal(jsonFieldSpan('{"prompt": "unterminated', 'prompt'), undefined);
  });

  it('scans values to their end', () => {
    assert.equal(scanValue('[1, [2, "]"], 3] tail', 0), 16);
    assert.equal(scanValue('  -1.5e3,', 0), 8);
    assert.equal(scanValue('"open', 0), -1);
  });

  it('splits CSV lines with quotes and finds header names', () => {
    const row = 'p1,"a, ""quoted"" text",3';
    const cells = csvCells(row, ',');
    assert.deepEqual(
      cells.map((c) => row.slice(c.start, c.end)),
      ['p1', '"a, ""quoted"" text"', '3'],
    );
    assert.deepEqual(csvHeader('prompt_id,"completion",score', ','), [
      'prompt_id',
      'completion',
      'score',
    ]);
  });
});
