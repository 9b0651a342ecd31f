import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';

import { OutputError, writeFilesAtomic } from '../../src/core/report/atomic-write';

test('a failure while writing leaves every output as it was, and no stray file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pair-curator-write-'));
  const first = join(dir, 'pairs.jsonl');
  const second = join(dir, 'report.json');
  writeFileSync(first, 'OLD PAIRS\n');
  function* failing(): Generator<string> {
    yield 'half of a report';
    throw new Error('the disk went away');
  }
  await assert.rejects(
    writeFilesAtomic([
      { path: first, text: 'NEW PAIRS\n' },
      { path: second, text: failing() },
    ]),
    (error: unknown) =>
      error instanceof OutputError &&
      /Cannot write .*report\.json: the disk went away/.test(error.message),
  );
  assert.equal(readFileSync(first, 'utf8'), 'OLD PAIRS\n');
  assert.deepEqual(readdirSync(dir), ['pairs.jsonl']);
});

test('outputs replace old ones together, in pieces, gzip-compressed when named .gz', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pair-curator-write-'));
  const plain = join(dir, 'scores.jsonl');
  const packed = join(dir, 'scores.jsonl.gz');
  writeFileSync(plain, 'OLD\n');
  const lines = Array.from({ length: 5000 }, (_, i) => `{"rank":${i + 1}}\n`);
  function* pieces(): Generator<string> {
    for (let i = 0; i < lines.length; i += 1000) yield lines.slice(i, i + 1000).join('');
  }
  await writeFilesAtomic([
    { path: plain, text: pieces() },
    { path: packed, text: pieces() },
  ]);
  assert.equal(readFileSync(plain, 'utf8'), lines.join(''));
  assert.equal(gunzipSync(readFileSync(packed)).toString('utf8'), lines.join(''));
  assert.deepEqual(readdirSync(dir).sort(), ['scores.jsonl', 'scores.jsonl.gz']);
});

test('a folder in the way is named as the output, not as a temporary file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pair-curator-write-'));
  await assert.rejects(
    writeFilesAtomic([{ path: dir, text: 'x' }]),
    (error: unknown) =>
      error instanceof OutputError &&
      error.message === `Cannot write ${dir}: it is a folder; name a file`,
  );
  await assert.rejects(
    writeFilesAtomic([{ path: join(dir, 'missing', 'r.json'), text: 'x' }]),
    /Cannot write .*missing\/r\.json: its folder does not exist/,
  );
});
