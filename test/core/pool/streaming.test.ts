import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parsePoolText, readPoolFile } from '../../../src/core/pool/index';
import { parseJson } from '../../../src/core/pool/json-text';
import {
  ArraySplitter,
  JsonDocumentSplitter,
  LineSplitter,
  type PieceSink,
  type TextSplitter,
} from '../../../src/core/pool/json-splitters';

/** Collects what a splitter emits. */
function collector() {
  const pieces: string[] = [];
  const broken: string[] = [];
  const sink: PieceSink = {
    piece: (text, line) => pieces.push(`${line}:${text.trim()}`),
    broken: (line, message) => broken.push(`${line}:${message}`),
  };
  return { sink, pieces, broken };
}

/** Feed `text` in chunks of `size` characters. */
function feed(splitter: TextSplitter, text: string, size: number): void {
  for (let i = 0; i < text.length; i += size) splitter.push(text.slice(i, i + size));
  splitter.end();
}

const ARRAY = `[
  {"a": "x, y", "b": [1, {"c": "]"}]},
  {"a": "quote \\" and brace }"},

  "text with \\\\ backslash",
  42,
]`;

describe('splitting text that arrives in chunks', () => {
  it('cuts JSONL into lines whatever the chunk boundaries', () => {
    const text = '{"a": "é"}\r\n\n  \n{"b": 2}\n{"c": 3}';
    const whole = collector();
    feed(new LineSplitter(whole.sink), text, text.length);
    assert.deepEqual(whole.pieces, ['1:{"a": "é"}', '4:{"b": 2}', '5:{"c": 3}']);

    for (const size of [1, 2, 3, 5, 7]) {
      const chunked = collector();
      feed(new LineSplitter(chunked.sink), text, size);
      assert.deepEqual(chunked.pieces, whole.pieces, `chunks of ${size}`);
    }
  });

  it('cuts a JSON array into elements, brackets and commas inside strings included', () => {
    const whole = collector();
    feed(new ArraySplitter(whole.sink), ARRAY, ARRAY.length);
    assert.deepEqual(whole.pieces, [
      '2:{"a": "x, y", "b": [1, {"c": "]"}]}',
      '3:{"a": "quote \\" and brace }"}',
      '5:"text with \\\\ backslash"',
      '6:42',
    ]);
    assert.deepEqual(whole.broken, []);

    for (const size of [1, 2, 3, 4, 9]) {
      const chunked = collector();
      feed(new ArraySplitter(chunked.sink), ARRAY, size);
      assert.deepEqual(chunked.pieces, whole.pieces, `chunks of ${size}`);
    }
  });

  it('reports text around the array once', () => {
    const got = collector();
    feed(new ArraySplitter(got.sink), '[{"a": 1}]\n junk ] more', 4);
    assert.deepEqual(got.pieces, ['1:{"a": 1}']);
    assert.deepEqual(got.broken, ['2:unexpected text after the closing `]`; it is ignored']);
  });

  it('decides between array and lines on the first non-blank character', () => {
    const lines = collector();
    const document = new JsonDocumentSplitter(lines.sink);
    feed(document, '\n\n{"a": 1}\n{"a": 2}\n', 1);
    assert.equal(document.format, 'jsonl');
    assert.deepEqual(lines.pieces, ['3:{"a": 1}', '4:{"a": 2}']);

    const array = collector();
    const arrayDocument = new JsonDocumentSplitter(array.sink);
    feed(arrayDocument, '\n [{"a": 1}]', 2);
    assert.equal(arrayDocument.format, 'json');
    assert.deepEqual(array.pieces, ['2:{"a": 1}']);
  });

  it('reads bare NaN and Infinity (as Python writes them) as those numbers', () => {
    const text = '{"s": NaN, "t": -Infinity, "u": "NaN", "v": [Infinity], "w": "NaN in text"}';
    assert.deepEqual(parseJson(text), {
      ok: true,
      value: { s: Number.NaN, t: -Infinity, u: 'NaN', v: [Infinity], w: 'NaN in text' },
    });
    assert.equal(parseJson('{"s": NaNa}').ok, false);
    const nul = parseJson('\u0000{"s": 1}');
    assert.ok(!nul.ok && nul.reason.includes('U+0000') && !nul.reason.includes('\u0000'));
  });
});

describe('reading large files from disk', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pair-curator-pool-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** `prompts` prompts of 4 completions, each with a short embedding and non-ASCII text. */
  function writePool(name: string, prompts: number, csv: boolean): string {
    const lines: string[] = csv ? ['prompt_id,prompt,completion,embedding'] : [];
    for (let p = 0; p < prompts; p++) {
      for (let c = 0; c < 4; c++) {
        const text = `réponse ${c} à la question ${p} — ${'ü'.repeat(c + 1)}`;
        const embedding = [p % 7, c, (p * c) % 5];
        lines.push(
          csv
            ? `q${p},"Question ${p}?","${text}","${JSON.stringify(embedding)}"`
            : JSON.stringify({
                prompt_id: `q${p}`,
                prompt: `Question ${p}?`,
                completion: text,
                embedding,
              }),
        );
      }
    }
    const path = join(dir, name);
    writeFileSync(path, lines.join('\n') + '\n');
    return path;
  }

  it('reads a multi-megabyte file across chunks, characters split between them', async () => {
    for (const csv of [false, true]) {
      const path = writePool(csv ? 'big.csv' : 'big.jsonl', 20_000, csv);
      const pool = await readPoolFile(path);
      assert.equal(pool.prompts.length, 20_000);
      assert.equal(pool.records, 80_000);
      assert.deepEqual(pool.problems, []);
      const last = pool.prompts.at(-1)!.completions.at(-1)!;
      assert.equal(last.text, 'réponse 3 à la question 19999 — üüüü');
      assert.equal(last.line, csv ? 80_001 : 80_000);
    }
  });

  it('stops a read in progress when its signal is aborted', async () => {
    for (const name of ['abort.jsonl', 'abort.csv']) {
      const path = writePool(name, 20_000, name.endsWith('.csv'));
      const controller = new AbortController();
      const reading = readPoolFile(path, { signal: controller.signal });
      setImmediate(() => controller.abort());
      await assert.rejects(reading, { name: 'AbortError' });
    }
  });

  it('gives the same pool from disk and from memory', async () => {
    const path = writePool('same.jsonl', 500, false);
    assert.deepEqual(parsePoolText(readFileSync(path, 'utf8'), path), await readPoolFile(path));
  });
});
