import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { gunzipSync, gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { test } from 'node:test';
import { main, printable } from '../../src/cli/main';

const examples = join(import.meta.dirname, '..', '..', 'examples');

async function run(args: string[]): Promise<{ status: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const status = await main(args, {
    out: (text) => (out += `${text}\n`),
    err: (text) => (err += `${text}\n`),
  });
  return { status, out, err };
}

function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pair-curator-cli-'));
  copyFileSync(join(examples, 'arena.pool.jsonl'), join(dir, 'arena.pool.jsonl'));
  return dir;
}

test('design on the bundled real pool writes valid pairs and a report', async () => {
  const dir = workspace();
  const pool = join(dir, 'arena.pool.jsonl');
  const before = readFileSync(pool);
  const result = await run(['design', pool, '--budget', '60', '--seed', '3', '--dim', '32']);
  assert.equal(result.status, 0, result.err);
  assert.match(result.out, /at least \d+(\.\d)? % as efficient/);

  const lines = readFileSync(join(dir, 'arena.pool.pairs.jsonl'), 'utf8').trim().split('\n');
  assert.equal(lines.length, 60);
  const pairs = lines.map((line) => JSON.parse(line));
  const keys = new Set<string>();
  pairs.forEach((pair, i) => {
    assert.deepEqual(Object.keys(pair).sort(), [
      'a_id',
      'b_id',
      'completion_a',
      'completion_b',
      'pair_id',
      'prompt',
      'prompt_id',
      'rank',
      'score',
      'weight',
    ]);
    assert.equal(pair.rank, i + 1);
    assert.notEqual(pair.a_id, pair.b_id);
    assert.notEqual(pair.completion_a, pair.completion_b);
    assert.ok(Number.isFinite(pair.score) && pair.score > 0);
    keys.add(pair.pair_id);
  });
  assert.equal(keys.size, 60, 'each pair at most once');

  const report = JSON.parse(readFileSync(join(dir, 'arena.pool.design.json'), 'utf8'));
  assert.equal(report.seed, 3);
  assert.equal(report.input.prompts, 40);
  assert.equal(report.input.dataset, null);
  assert.match(report.input.reading, /^read as long \(one completion a record\): prompt_id = /);
  assert.deepEqual(
    [report.input.completions, report.input.candidatePairs, report.input.offered],
    [673, 5328, { prompts: 40, completions: 680, candidatePairs: 5440 }],
  );
  assert.match(
    result.out,
    /\(before dropping: 40 prompts, 680 completions, 5440 candidate pairs\)/,
  );
  assert.match(result.out, /^Read as long \(one completion a record\): /m);
  for (const line of result.out.split('\n')) assert.ok(line.length <= 100, line);
  assert.equal(report.design.labels, 60);
  assert.ok(report.design.certificate.efficiency > 0 && report.design.certificate.efficiency <= 1);
  assert.ok(report.design.certificate.lowerBound <= report.design.value);
  const names = report.baselines.map((b: { name: string }) => b.name);
  assert.deepEqual(names, [
    'uniform',
    'pi0-weighted',
    'first-two',
    'best-vs-worst',
    'best-vs-random',
  ]);
  for (const baseline of report.baselines)
    assert.ok(baseline.criterion >= report.design.certificate.lowerBound);
  assert.ok(readFileSync(pool).equals(before), 'the pool is never modified');
  assert.deepEqual(
    readdirSync(dir).filter((name) => name.endsWith('.tmp')),
    [],
    'no temporary file is left',
  );
});

test('the same seed gives the same pairs', async () => {
  const dir = workspace();
  const pool = join(dir, 'arena.pool.jsonl');
  const texts: string[] = [];
  for (const out of ['one.jsonl', 'two.jsonl']) {
    const result = await run([
      'design',
      pool,
      '--budget',
      '20',
      '--dim',
      '16',
      '--out',
      join(dir, out),
    ]);
    assert.equal(result.status, 0, result.err);
    texts.push(readFileSync(join(dir, out), 'utf8'));
  }
  assert.equal(texts[0], texts[1]);
});

test('score writes every candidate pair, best first', async () => {
  const dir = workspace();
  const pool = join(dir, 'arena.pool.jsonl');
  const result = await run(['score', pool, '--dim', '16', '--format', 'csv']);
  assert.equal(result.status, 0, result.err);
  const rows = readFileSync(join(dir, 'arena.pool.scores.csv'), 'utf8').trim().split('\n');
  assert.equal(rows[0], 'rank,prompt_id,a_id,b_id,score');
  assert.equal(rows.length - 1, 5328);
  const scores = rows.slice(1).map((row) => Number(row.split(',').at(-1)));
  for (let i = 1; i < scores.length; i++) assert.ok(scores[i - 1] >= scores[i]);

  const report = JSON.parse(readFileSync(join(dir, 'arena.pool.scores-report.json'), 'utf8'));
  assert.equal(report.input.dataset, null);
  assert.match(report.input.reading, /; 16 to 17 completions a prompt \(median 17\)$/);
  assert.deepEqual(report.input.offered, { prompts: 40, completions: 680, candidatePairs: 5440 });
  assert.equal(report.input.candidatePairs, 5328);
});

test('bad usage exits 2 and bad input exits 1, with the file and line named', async () => {
  assert.equal((await run(['design'])).status, 2);
  assert.equal((await run(['design', 'x.jsonl'])).status, 2, 'no budget');
  const badBudget = await run(['design', 'x.jsonl', '--budget', 'ten']);
  assert.equal(badBudget.status, 2);
  assert.match(badBudget.err, /--budget must be a whole number/);
  assert.equal((await run(['frobnicate'])).status, 2);
  assert.equal((await run(['design', 'x.jsonl', '--budget', '3', '--nope'])).status, 2);
  // Feature options are checked before the pool is opened: a missing pool is not reached.
  const badDim = await run(['score', 'x.jsonl', '--dim', '0']);
  assert.equal(badDim.status, 2);
  assert.match(badDim.err, /--dim must be/);
  const keyAsName = await run([
    'score',
    'x.jsonl',
    '--featurizer',
    'endpoint',
    '--embeddings-url',
    'http://127.0.0.1:9',
    '--embeddings-model',
    'm',
    '--embeddings-key-env',
    'sk-SECRET-123',
  ]);
  assert.equal(keyAsName.status, 2);
  assert.match(keyAsName.err, /takes the name of an environment variable/);
  assert.ok(!keyAsName.err.includes('SECRET'), 'a key given as a name is never echoed');
  const stray = await run(['design', 'x.jsonl', '--budget', '3', '--no-cache']);
  assert.equal(stray.status, 2);
  assert.match(stray.err, /--no-cache is an option of --featurizer use or endpoint/);

  const dir = mkdtempSync(join(tmpdir(), 'pair-curator-cli-'));
  const missing = await run(['design', join(dir, 'missing.jsonl'), '--budget', '3']);
  assert.equal(missing.status, 1);
  assert.match(missing.err, /missing\.jsonl/);

  const broken = join(dir, 'broken.jsonl');
  writeFileSync(broken, '{"prompt": "p", "completion": "a"}\n{not json\n');
  const result = await run(['design', broken, '--budget', '1']);
  assert.equal(result.status, 1);
  assert.match(result.err, /broken\.jsonl/);
  assert.ok(!existsSync(join(dir, 'broken.pairs.jsonl')), 'a failed run writes nothing');
});

test('a budget above the available pairs is refused before anything is written', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pair-curator-cli-'));
  const pool = join(dir, 'small.jsonl');
  const lines = ['a', 'b', 'c'].map((c) => JSON.stringify({ prompt: 'p', completion: c }));
  writeFileSync(pool, `${lines.join('\n')}\n`);
  const result = await run(['design', pool, '--budget', '4']);
  assert.equal(result.status, 1);
  assert.match(result.err, /exceeds the 3 distinct pairs/);
  assert.ok(!existsSync(join(dir, 'small.pairs.jsonl')));
});

test('export turns labelled pairs into a TRL dataset that reads back as prior labels', async () => {
  const dir = workspace();
  const pool = join(dir, 'arena.pool.jsonl');
  assert.equal((await run(['design', pool, '--budget', '6', '--dim', '16'])).status, 0);
  const pairsPath = join(dir, 'arena.pool.pairs.jsonl');
  const labelled = readFileSync(pairsPath, 'utf8')
    .trim()
    .split('\n')
    .map((line, i) => JSON.stringify({ ...JSON.parse(line), label: ['a', 'b', 'tie'][i % 3] }));
  writeFileSync(pairsPath, `${labelled.join('\n')}\n`);
  const result = await run(['export', pairsPath, '--out', join(dir, 'trl.jsonl')]);
  assert.equal(result.status, 0, result.err);
  assert.match(result.out, /Exported 4 labelled pairs/);
  const rows = readFileSync(join(dir, 'trl.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.deepEqual(Object.keys(rows[0]).sort(), ['chosen', 'prompt', 'prompt_id', 'rejected']);
  const first = JSON.parse(labelled[0]);
  assert.equal(rows[0].chosen, first.completion_a);

  const reread = await run(['score', join(dir, 'trl.jsonl'), '--dim', '4', '--quiet']);
  assert.equal(reread.status, 0, reread.err);
  const report = JSON.parse(readFileSync(join(dir, 'trl.scores-report.json'), 'utf8'));
  assert.equal(report.input.dataset, 'trl-pairs');
  assert.equal(report.input.priorLabels, 4);

  // The same round trip through gzip: a .csv.gz output is gzipped CSV, a .gz pairs file exports.
  const packed = join(dir, 'pairs.csv.gz');
  const csv = await run(['design', pool, '--budget', '6', '--dim', '16', '--out', packed]);
  assert.equal(csv.status, 0, csv.err);
  assert.match(gunzipSync(readFileSync(packed)).toString('utf8'), /^pair_id,prompt_id,/);
  writeFileSync(join(dir, 'labelled.jsonl.gz'), gzipSync(`${labelled.join('\n')}\n`));
  const fromGzip = await run([
    'export',
    join(dir, 'labelled.jsonl.gz'),
    '--out',
    join(dir, 'trl2.jsonl'),
  ]);
  assert.equal(fromGzip.status, 0, fromGzip.err);
  assert.equal(
    readFileSync(join(dir, 'trl2.jsonl'), 'utf8'),
    readFileSync(join(dir, 'trl.jsonl'), 'utf8'),
  );
});

test('the built CLI runs as a program', () => {
  const cli = join(import.meta.dirname, '..', '..', 'dist', 'cli.js');
  assert.ok(existsSync(cli), 'npm test builds dist/cli.js before the tests');
  const result = spawnSync(process.execPath, [cli, '--help'], { encoding: 'utf8' });
  assert.equal(result.status, 0);
  assert.match(result.stdout, /pair-curator design POOL --budget N/);

  // A reader that closes the pipe at once (`| head -0`) neither crashes the run nor loses output.
  const dir = mkdtempSync(join(tmpdir(), 'pair-curator-cli-'));
  const pool = join(import.meta.dirname, '..', 'fixtures', 'pools', 'long.jsonl');
  const out = join(dir, 'scores.jsonl');
  const args = [cli, 'score', pool, '--dim', '2', '--out', out, '--report', join(dir, 'r.json')];
  const piped = spawnSync('sh', ['-c', '"$@" | head -c 0', 'sh', process.execPath, ...args], {
    encoding: 'utf8',
  });
  assert.equal(piped.stderr, '');
  assert.ok(readFileSync(out, 'utf8').split('\n').length > 2);
});

test('Ctrl-C stops a run between steps, writes nothing, and exits 130', async () => {
  const cli = join(import.meta.dirname, '..', '..', 'dist', 'cli.js');
  const pool = join(import.meta.dirname, '..', '..', 'examples', 'arena.pool.jsonl');
  const dir = mkdtempSync(join(tmpdir(), 'pair-curator-cli-'));
  const out = join(dir, 'p.jsonl');
  const child = spawn(process.execPath, [
    cli,
    'design',
    pool,
    '--budget',
    '600',
    '--out',
    out,
    '--report',
    join(dir, 'r.json'),
  ]);
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  // Interrupt once the pool is read, while features or the design are being computed.
  await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
  child.kill('SIGINT');
  const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.equal(status, 130, stderr);
  assert.match(stderr, /interrupted; no output was written/);
  assert.deepEqual(readdirSync(dir), []);
});

test('outputs never land on the pool, even through a link, and are checked before any work', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pair-curator-cli-'));
  const pool = join(dir, 'pool.jsonl');
  const lines = ['a', 'b', 'c'].map((c) =>
    JSON.stringify({ prompt: 'p', completion: `answer ${c}` }),
  );
  writeFileSync(pool, `${lines.join('\n')}\n`);
  const before = readFileSync(pool);
  symlinkSync(dir, join(dir, 'link'));
  symlinkSync(pool, join(dir, 'alias.jsonl'));

  const throughFolder = await run([
    'design',
    join(dir, 'link', 'pool.jsonl'),
    '--budget',
    '1',
    '--out',
    pool,
  ]);
  assert.equal(throughFolder.status, 2);
  assert.match(throughFolder.err, /Refusing to write over the pool/);
  const throughFile = await run([
    'design',
    join(dir, 'alias.jsonl'),
    '--budget',
    '1',
    '--out',
    pool,
  ]);
  assert.equal(throughFile.status, 2);
  assert.ok(readFileSync(pool).equals(before));

  const same = join(dir, 'same.json');
  const twice = await run(['design', pool, '--budget', '1', '--out', same, '--report', same]);
  assert.equal(twice.status, 2);
  assert.match(twice.err, /same file/);

  const missing = await run([
    'design',
    pool,
    '--budget',
    '1',
    '--report',
    join(dir, 'nope', 'r.json'),
  ]);
  assert.equal(missing.status, 2);
  assert.match(missing.err, /nope.*does not exist/);
  assert.ok(
    !existsSync(join(dir, 'pool.pairs.jsonl')),
    'nothing is written when one output cannot be',
  );
  assert.deepEqual(
    readdirSync(dir).filter((n) => n.endsWith('.tmp')),
    [],
  );

  // `score` is held to the same rules: never over the pool, never two outputs on one file.
  const scoreOverPool = await run(['score', pool, '--dim', '2', '--report', pool]);
  assert.equal(scoreOverPool.status, 2);
  assert.match(scoreOverPool.err, /Refusing to write over the pool/);
  assert.ok(readFileSync(pool).equals(before));
  const scoreTwice = await run(['score', pool, '--dim', '2', '--out', same, '--report', same]);
  assert.equal(scoreTwice.status, 2);
  assert.match(scoreTwice.err, /same file/);
  const empty = await run(['score', pool, '--dim', '2', '--out', '']);
  assert.equal(empty.status, 2);
  assert.match(empty.err, /An output path is empty/);
  // A pipe (as a device would be) is never replaced by a file.
  const fifo = join(dir, 'pipe');
  spawnSync('mkfifo', [fifo]);
  const intoPipe = await run(['score', pool, '--dim', '2', '--out', fifo]);
  assert.equal(intoPipe.status, 2);
  assert.match(intoPipe.err, /not a regular file/);
  assert.ok(lstatSync(fifo).isFIFO());
  // simulate's outputs too: a folder holding the pool under an output's name is refused.
  const simFolder = join(dir, 'sim');
  mkdirSync(simFolder);
  const simPool = join(simFolder, 'simulate.json');
  writeFileSync(simPool, readFileSync(pool));
  const overPool = await run(['simulate', simPool, '--out', simFolder, '--quiet']);
  assert.equal(overPool.status, 2);
  assert.match(overPool.err, /Refusing to write over the pool/);
  assert.ok(readFileSync(simPool).equals(before));
  const intoFolder = await run(['score', pool, '--dim', '2', '--report', join(dir, 'link')]);
  assert.equal(intoFolder.status, 2);
  assert.match(intoFolder.err, /is a folder/);
  assert.ok(!existsSync(join(dir, 'pool.scores.jsonl')));
});

test('CSV cells that a spreadsheet would run are quoted, and control characters never reach the terminal', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pair-curator-cli-'));
  const pool = join(dir, 'hostile.jsonl');
  const texts = ['=HYPERLINK("http://127.0.0.1/x")', '+1+2', '@SUM(1)', 'plain answer'];
  const lines = texts.map((t) =>
    JSON.stringify({ prompt_id: 'q\u001b]0;TITLE\u0007', prompt: 'p', completion: t }),
  );
  writeFileSync(pool, `${lines.join('\n')}\n`);
  const result = await run(['design', pool, '--budget', '6', '--format', 'csv', '--dim', '2']);
  assert.equal(result.status, 0, result.err);
  const csv = readFileSync(join(dir, 'hostile.pairs.csv'), 'utf8');
  assert.ok(!/(^|,)"?[=+@]/m.test(csv.replace(/^pair_id.*\n/, '')), 'no cell starts a formula');
  assert.match(csv, /'=HYPERLINK/);

  // Ids that look like numbers or handles join back to the pool unchanged.
  const ids = join(dir, 'ids.jsonl');
  const idLines = ['-42', '@cf/meta/llama-2-7b', '+1'].map((id, k) =>
    JSON.stringify({ prompt_id: 'q', prompt: 'p', completion_id: id, completion: `answer ${k}` }),
  );
  writeFileSync(ids, `${idLines.join('\n')}\n`);
  const scored = await run(['score', ids, '--format', 'csv', '--dim', '2', '--quiet']);
  assert.equal(scored.status, 0, scored.err);
  const rows = readFileSync(join(dir, 'ids.scores.csv'), 'utf8').trim().split('\n');
  assert.equal(rows[0], 'rank,prompt_id,a_id,b_id,score');
  const written = new Set(rows.slice(1).flatMap((r) => r.split(',').slice(2, 4)));
  assert.deepEqual([...written].sort(), ['+1', '-42', '@cf/meta/llama-2-7b']);
  assert.equal(printable('id\u001b]0;TITLE\u0007\n'), 'id\\u001b]0;TITLE\\u0007\n');
});
