import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { featurize } from '../../../src/core/features/featurize';
import {
  cacheFileName,
  cacheKey,
  embedPool,
  type EmbeddingRun,
  FeatureCache,
  type TextEmbedder,
} from '../../../src/core/features/semantic';
import type { Pool } from '../../../src/core/pool/pool';
import { makePool } from './helpers';

/** A stand-in model: a vector from the text's character codes, and a log of what it was asked. */
function fakeEmbedder(identity = 'fake\nv1', dim = 6): TextEmbedder & { calls: string[][] } {
  const calls: string[][] = [];
  return {
    featurizer: 'use',
    model: `fake ${identity}`,
    identity,
    batchSize: 2,
    calls,
    embed: async (texts) => {
      calls.push(texts);
      return texts.map((text) =>
        Float32Array.from({ length: dim }, (_, j) => Math.sin(text.length * (j + 1)) + j / 10),
      );
    },
  };
}

const TEXTS = [
  ['Paris is the capital of France.', 'It is Lyon.', 'Paris.'],
  ['Water boils at 100 C.', 'At 212 F.', 'Depends on pressure, mostly.'],
];

function setUp(): { dir: string; pool: ReturnType<typeof makePool> } {
  const dir = mkdtempSync(join(tmpdir(), 'pair-curator-cache-'));
  const pool = makePool(TEXTS.map((prompt) => prompt.map((text) => ({ text }))));
  pool.file = join(dir, 'pool.jsonl');
  writeFileSync(pool.file, '');
  return { dir, pool };
}

test('a second run reads every vector from the cache and gives the same features', async () => {
  const { dir, pool } = setUp();
  const embedder = fakeEmbedder();
  const first = await embedPool(pool, { featurizer: 'use', embedder });
  assert.equal(embedder.calls.length, 3, 'six texts in batches of two');
  assert.deepEqual(first.cache, {
    hits: 0,
    misses: 6,
    file: join(dir, '.pair-curator-cache', cacheFileName(embedder)),
  });

  const second = await embedPool(pool, { featurizer: 'use', embedder });
  assert.equal(embedder.calls.length, 3, 'nothing embedded again');
  assert.equal(second.cache.hits, 6);
  assert.equal(second.cache.misses, 0);
  assert.deepEqual(second.rows, first.rows);
  const a = featurize(pool, { featurizer: 'use', embeddings: first, dim: 3 });
  const b = featurize(pool, { featurizer: 'use', embeddings: second, dim: 3 });
  assert.deepEqual(a.matrix, b.matrix);

  const names = readdirSync(join(dir, '.pair-curator-cache')).sort();
  assert.deepEqual(names, ['.gitignore', 'CACHEDIR.TAG', cacheFileName(embedder)]);
});

test('the cache key and file change with the model; another model misses', async () => {
  const { pool } = setUp();
  assert.notEqual(cacheKey('use\nmodel@1', 'text'), cacheKey('use\nmodel@2', 'text'));
  assert.notEqual(cacheKey('a', 'b\0c'), cacheKey('a\0b', 'c'));
  const one = fakeEmbedder('fake\nv1');
  const two = fakeEmbedder('fake\nv2');
  assert.notEqual(cacheFileName(one), cacheFileName(two));

  await embedPool(pool, { featurizer: 'use', embedder: one });
  const other = await embedPool(pool, { featurizer: 'use', embedder: two });
  assert.equal(other.cache.hits, 0);
  assert.equal(two.calls.flat().length, 6);
});

/**
 * Writes `bytes` over the cache file, runs again, and checks that the file was refused with one
 * warning matching `warning`, every vector recomputed as before, and the file rewritten whole.
 */
async function expectRewritten(
  setup: { pool: Pool; embedder: ReturnType<typeof fakeEmbedder>; first: EmbeddingRun },
  bytes: Buffer,
  warning: RegExp,
  label: string,
): Promise<void> {
  const { pool, embedder, first } = setup;
  const file = first.cache.file!;
  const good = readFileSync(file);
  writeFileSync(file, bytes);
  const warnings: string[] = [];
  const run = await embedPool(pool, {
    featurizer: 'use',
    embedder,
    warn: (message) => warnings.push(message),
  });
  assert.equal(run.cache.hits, 0, label);
  assert.equal(warnings.length, 1, label);
  assert.match(warnings[0], warning, label);
  assert.deepEqual(run.rows, first.rows, label);
  assert.deepEqual(readFileSync(file), good, `${label}: rewritten`);
}

test('a corrupt, truncated or foreign cache file: a warning, then rewritten', async () => {
  const { dir, pool } = setUp();
  const embedder = fakeEmbedder();
  const first = await embedPool(pool, { featurizer: 'use', embedder });
  const file = first.cache.file!;
  const good = readFileSync(file);

  const foreign = fakeEmbedder('fake\nother');
  await embedPool(pool, { featurizer: 'use', embedder: foreign });
  const foreignBytes = readFileSync(join(dir, '.pair-curator-cache', cacheFileName(foreign)));

  for (const [label, bytes] of [
    ['garbage', Buffer.from('{"not": "a cache"}')],
    ['truncated', good.subarray(0, good.length - 5)],
    ['damaged header', Buffer.concat([good.subarray(0, 12), Buffer.from('}{'), good.subarray(14)])],
    ['another model', foreignBytes],
  ] as const) {
    const rewritten = /^Ignoring the feature cache .*\.features: .*; it will be rewritten$/;
    await expectRewritten({ pool, embedder, first }, bytes, rewritten, label);
  }
});

test('a changed byte in the keys or vectors fails the checksum: a warning, then rewritten', async () => {
  const { pool } = setUp();
  const embedder = fakeEmbedder();
  const first = await embedPool(pool, { featurizer: 'use', embedder });
  const file = first.cache.file!;
  const good = readFileSync(file);
  const bodyAt = 12 + good.readUInt32LE(8);

  for (const [label, at] of [
    ['a key', bodyAt + 3],
    ['a vector', good.length - 2],
  ] as const) {
    const bytes = Buffer.from(good);
    bytes[at] ^= 0x10;
    const damaged = /: it is damaged \(its checksum does not match\); it will be/;
    await expectRewritten({ pool, embedder, first }, bytes, damaged, label);
  }
});

test('a file of the format before checksums is outdated: a warning, then rewritten', async () => {
  const { pool } = setUp();
  const embedder = fakeEmbedder();
  const first = await embedPool(pool, { featurizer: 'use', embedder });
  const file = first.cache.file!;
  const good = readFileSync(file);
  const headerBytes = good.readUInt32LE(8);
  const header = JSON.parse(good.subarray(12, 12 + headerBytes).toString('utf8'));
  const old = Buffer.from(
    JSON.stringify({
      version: 1,
      featurizer: 'use',
      identity: embedder.identity,
      model: embedder.model,
      dim: header.dim,
      count: header.count,
    }),
  );
  const length = Buffer.alloc(4);
  length.writeUInt32LE(old.length);
  writeFileSync(
    file,
    Buffer.concat([good.subarray(0, 8), length, old, good.subarray(12 + headerBytes)]),
  );
  const warnings: string[] = [];
  const run = await embedPool(pool, {
    featurizer: 'use',
    embedder,
    warn: (message) => warnings.push(message),
  });
  assert.equal(run.cache.hits, 0);
  assert.match(warnings.join('\n'), /it is of format version 1, not 2; it will be rewritten/);
  assert.deepEqual(readFileSync(file), good);
  assert.ok(!good.toString('latin1').includes(embedder.identity), 'the identity as a hash only');
});

test("runs sharing a cache folder keep each other's vectors", async () => {
  const { dir, pool } = setUp();
  const other = makePool([[{ text: 'Another pool.' }, { text: 'Its second answer.' }]]);
  other.file = join(dir, 'other.jsonl');
  const cacheDir = join(dir, 'shared-cache');

  // The second run opens the cache, then waits while the first embeds and saves.
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const slow = fakeEmbedder();
  const waiting: TextEmbedder = {
    ...slow,
    embed: async (texts, context) => {
      await gate;
      return slow.embed(texts, context);
    },
  };
  let opened!: () => void;
  const started = new Promise<void>((resolve) => (opened = resolve));
  const second = embedPool(other, {
    featurizer: 'use',
    embedder: waiting,
    cacheDir,
    progress: (done) => done === 0 && opened(),
  });
  await started;
  await embedPool(pool, { featurizer: 'use', embedder: fakeEmbedder(), cacheDir });
  release();
  await second;

  const cache = await FeatureCache.open(cacheDir, fakeEmbedder());
  assert.equal(cache.size, 8, 'six vectors of one pool, two of the other');
  const embedder = fakeEmbedder();
  const both = makePool(
    [...pool.prompts, ...other.prompts].map((p) => p.completions.map(({ text }) => ({ text }))),
  );
  both.file = join(dir, 'both.jsonl');
  const run = await embedPool(both, { featurizer: 'use', embedder, cacheDir });
  assert.equal(run.cache.hits, 8);
  assert.equal(embedder.calls.length, 0);

  const one = await FeatureCache.open(cacheDir, fakeEmbedder());
  const two = await FeatureCache.open(cacheDir, fakeEmbedder());
  one.set(cacheKey('fake\nv1', 'only in one'), new Float32Array(6).fill(1));
  two.set(cacheKey('fake\nv1', 'only in two'), new Float32Array(6).fill(2));
  await one.save();
  await two.save();
  const after = await FeatureCache.open(cacheDir, fakeEmbedder());
  assert.equal(after.size, 10);
  assert.deepEqual([...after.get(cacheKey('fake\nv1', 'only in one'))!], new Array(6).fill(1));
});

test('the cache holds hashes and numbers only: no text, no key', async () => {
  const { pool } = setUp();
  const run = await embedPool(pool, { featurizer: 'use', embedder: fakeEmbedder() });
  const bytes = readFileSync(run.cache.file!).toString('latin1');
  for (const text of TEXTS.flat()) assert.ok(!bytes.includes(text));
});

test('vectors embedded before a failure or a cancellation are kept in the cache', async () => {
  const { pool } = setUp();
  const embedder = fakeEmbedder();
  const failing: TextEmbedder = {
    ...embedder,
    embed: async (texts, context) => {
      if (context.batch === 2) throw new Error('server went away');
      return embedder.embed(texts, context);
    },
  };
  await assert.rejects(embedPool(pool, { featurizer: 'use', embedder: failing }), /went away/);
  const after = await embedPool(pool, { featurizer: 'use', embedder: fakeEmbedder() });
  assert.equal(after.cache.hits, 2, 'the first batch was saved');

  const fresh = setUp();
  const controller = new AbortController();
  await assert.rejects(
    embedPool(fresh.pool, {
      featurizer: 'use',
      embedder: fakeEmbedder(),
      signal: controller.signal,
      progress: (done) => done === 4 && controller.abort(),
    }),
    { name: 'AbortError' },
  );
  const resumed = await embedPool(fresh.pool, { featurizer: 'use', embedder: fakeEmbedder() });
  assert.equal(resumed.cache.hits, 4);
  assert.equal(resumed.embedded, 2);
});

test('vectors of a new length replace the cached ones, with a warning', async () => {
  const { pool } = setUp();
  await embedPool(pool, { featurizer: 'use', embedder: fakeEmbedder('fake\nv1', 6) });
  pool.prompts[0].completions[0].text = 'A new answer.';
  const warnings: string[] = [];
  const embedder = fakeEmbedder('fake\nv1', 8);
  const run = await embedPool(pool, {
    featurizer: 'use',
    embedder,
    warn: (message) => warnings.push(message),
  });
  assert.equal(run.dim, 8);
  assert.ok(run.rows.every((row) => row.length === 8));
  assert.equal(run.cache.hits, 0);
  assert.match(warnings.join('\n'), /holds vectors of 6 numbers, the model now gives 8/);
  const cache = await FeatureCache.open(join(run.cache.file!, '..'), embedder);
  assert.equal(cache.size, 6);
  assert.equal(cache.dim, 8);
});

test('cache off, another cache folder, and an unwritable one', async () => {
  const { dir, pool } = setUp();
  const off = await embedPool(pool, { featurizer: 'use', embedder: fakeEmbedder(), cache: false });
  assert.equal(off.cache.file, undefined);
  assert.deepEqual(readdirSync(dir), ['pool.jsonl']);

  const elsewhere = join(dir, 'storage');
  const run = await embedPool(pool, {
    featurizer: 'use',
    embedder: fakeEmbedder(),
    cacheDir: elsewhere,
  });
  assert.equal(run.cache.file, join(elsewhere, cacheFileName(fakeEmbedder())));

  const warnings: string[] = [];
  const blocked = await embedPool(pool, {
    featurizer: 'use',
    embedder: fakeEmbedder(),
    cacheDir: join(pool.file, 'under-a-file'),
    warn: (message) => warnings.push(message),
  });
  assert.equal(blocked.rows.length, 6);
  assert.match(warnings.join('\n'), /Cannot write the feature cache/);
  assert.equal(readFileSync(pool.file, 'utf8'), '');

  pool.file = join(dir, cacheFileName(fakeEmbedder()));
  writeFileSync(pool.file, 'a pool that happens to bear the cache file name\n');
  const clash = await embedPool(pool, {
    featurizer: 'use',
    embedder: fakeEmbedder(),
    cacheDir: dir,
    warn: (message) => warnings.push(message),
  });
  assert.equal(clash.cache.file, undefined);
  assert.match(warnings.at(-1)!, /would overwrite the pool/);
  assert.equal(
    readFileSync(pool.file, 'utf8'),
    'a pool that happens to bear the cache file name\n',
  );
});

test('featurize refuses use and endpoint without their vectors, or vectors of another pool', () => {
  const { pool } = setUp();
  assert.throws(() => featurize(pool, { featurizer: 'use' }), /needs its vectors from embedPool/);
  const rows = [new Float64Array(2), new Float64Array(2)];
  assert.throws(
    () =>
      featurize(pool, {
        featurizer: 'endpoint',
        embeddings: {
          featurizer: 'endpoint',
          model: 'm',
          rows,
          dim: 2,
          cache: { hits: 0, misses: 2 },
        },
      }),
    /for 2 completions, the pool has 6/,
  );
});
