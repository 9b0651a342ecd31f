import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';

import {
  CancellationTokenSource,
  CodeLensRequest,
  DidChangeConfigurationNotification,
  HoverRequest,
  LSPErrorCodes,
  type MarkupContent,
  ResponseError,
  WorkDoneProgress,
} from 'vscode-languageserver-protocol/node';

import {
  BudgetCurveRequest,
  OpenPoolFileRequest,
  PairDetailRequest,
  PairPageRequest,
  PoolSummaryRequest,
  RunDesignRequest,
} from '../../src/protocol';
import { type Harness, startHarness } from './harness';
import { longPool } from './pools';

const HOSTILE = [
  '{"prompt_id": "h1", "prompt": "Q1", "completion": "<script>alert(1)</script>", ' +
    '"embedding": [1, 2]}',
  '{"prompt_id": "h1", "prompt": "Q1", "completion": "<img src=x onerror=alert(1)>", ' +
    '"embedding": [3, 4]}',
  '{"prompt_id": "h1", "prompt": "Q1", "completion": "C", "embedding": [1, 2, 3]}',
  '{"prompt_id": "h1", "prompt": "Q1", "completion": "<script>alert(1)</script> "}',
  '{"prompt_id": "h1", "prompt": "Q1", "completion": "", "embedding": [5, 6]}',
  '{"prompt_id": "h2", "prompt": "Q2", "completion": "only one"}',
  '{"prompt_id": "h1", "completion": "D", bad json',
  '{"prompt_id": "h1", "prompt": "Q1", "completion": "E", "score": "high", "embedding": [0, 1]}',
  '{"prompt_id": "h1", "prompt": "Q1", "completion": "F", "embedding": [2, 7]}',
].join('\n');

describe('language server', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ dim: 8, budget: 6 });
  });
  after(() => h.close());

  it('publishes a diagnostic for each problem of a hostile pool, at line and field', async () => {
    const uri = 'file:///work/hostile.pool.jsonl';
    h.open(uri, HOSTILE);
    const diagnostics = await h.diagnostics(uri, 1);
    const lines = HOSTILE.split('\n');
    const at = (code: string) => diagnostics.filter((d) => d.code === code);

    const dimension = at('embedding-dimension');
    assert.equal(dimension.length, 1);
    assert.equal(dimension[0].range.start.line, 2);
    const embeddingAt = lines[2].indexOf('[1, 2, 3]');
    assert.equal(dimension[0].range.start.character, embeddingAt);
    assert.equal(dimension[0].range.end.character, embeddingAt + '[1, 2, 3]'.length);

    const malformed = at('malformed-record');
    assert.equal(malformed.length, 1);
    assert.equal(malformed[0].range.start.line, 6);
    assert.equal(malformed[0].severity, 1);

    const missing = at('missing-text');
    assert.equal(missing.length, 1);
    assert.equal(missing[0].range.start.line, 4);
    assert.equal(missing[0].range.start.character, lines[4].indexOf('""'));

    const score = at('non-finite-number');
    assert.equal(score.length, 1);
    assert.equal(score[0].range.start.line, 7);
    assert.equal(score[0].range.start.character, lines[7].indexOf('"high"'));

    assert.equal(at('duplicate-completion').length, 1);
    assert.equal(at('duplicate-completion')[0].range.start.line, 3);
    assert.equal(at('single-completion').length, 1);
    for (const d of diagnostics) {
      assert.equal(d.source, 'pair-curator');
      assert.ok(String(d.message).length > 10, String(d.message));
    }
  });

  it('keeps the hostile texts intact as data', async () => {
    const uri = 'file:///work/hostile.pool.jsonl';
    const page = await h.client.sendRequest(PairPageRequest.type, {
      uri,
      offset: 0,
      limit: 100,
      sort: 'score',
      descending: true,
    });
    const texts = page.rows.flatMap((r) => [r.aText, r.bText]);
    assert.ok(texts.includes('<script>alert(1)</script>'));
    assert.ok(texts.includes('<img src=x onerror=alert(1)>'));
  });

  it('re-parses after an edit and clears fixed problems', async () => {
    const uri = 'file:///work/edited.pool.jsonl';
    h.open(uri, HOSTILE, 1);
    assert.ok((await h.diagnostics(uri, 1)).length > 0);
    h.change(uri, longPool(2, 3, 4), 2);
    assert.deepEqual(await h.diagnostics(uri, 2), []);
  });

  const POOL = 'file:///work/arena.pool.jsonl';
  const text = longPool(5, 6, 12);

  it('puts a code lens above each prompt', async () => {
    h.open(POOL, text);
    await h.diagnostics(POOL, 1);
    const lenses =
      (await h.client.sendRequest(CodeLensRequest.type, { textDocument: { uri: POOL } })) ?? [];
    assert.equal(lenses.length, 5);
    assert.deepEqual(
      lenses.map((l) => l.range.start.line),
      [0, 6, 12, 18, 24],
    );
    for (const lens of lenses) {
      assert.match(lens.command!.title, /^6 completions · 15 pairs · top pair [0-9.e+-]+$/);
      assert.equal(lens.command!.command, 'pairCurator.showPairScores');
    }
  });

  it('answers the summary, sorted and filtered pages, and pair details', async () => {
    const summary = await h.client.sendRequest(PoolSummaryRequest.type, { uri: POOL });
    assert.equal(summary.prompts, 5);
    assert.equal(summary.completions, 30);
    assert.equal(summary.pairs, 75);
    assert.equal(summary.errors, 0);
    assert.equal(summary.featurizer, 'embedding');
    assert.equal(
      summary.histogram.counts.reduce((a, b) => a + b, 0),
      75,
    );
    assert.ok(summary.uniformValue > 0);

    const page = await h.client.sendRequest(PairPageRequest.type, {
      uri: POOL,
      offset: 0,
      limit: 1000,
      sort: 'score',
      descending: true,
    });
    assert.equal(page.total, 75);
    for (let i = 1; i < page.rows.length; i++) {
      assert.ok(page.rows[i - 1].score >= page.rows[i].score);
    }
    assert.equal(page.rows[0].score, summary.topScore);

    const second = await h.client.sendRequest(PairPageRequest.type, {
      uri: POOL,
      offset: 10,
      limit: 5,
      sort: 'score',
      descending: true,
    });
    assert.deepEqual(second.rows, page.rows.slice(10, 15));

    const filtered = await h.client.sendRequest(PairPageRequest.type, {
      uri: POOL,
      offset: 0,
      limit: 100,
      sort: 'score',
      descending: false,
      prompt: 'P3',
      minScore: page.rows[40].score,
    });
    assert.ok(filtered.total > 0 && filtered.total <= 15);
    for (const row of filtered.rows) {
      assert.equal(row.promptId, 'p3');
      assert.ok(row.score >= page.rows[40].score);
    }

    const detail = await h.client.sendRequest(PairDetailRequest.type, {
      uri: POOL,
      index: page.rows[0].index,
    });
    assert.equal(detail.score, page.rows[0].score);
    assert.equal(detail.aId, page.rows[0].aId);
    assert.match(detail.completionA, /^Answer \d+ to question \d+/);
  });

  it('shows the best partner in a hover over a completion', async () => {
    const hover = await h.client.sendRequest(HoverRequest.type, {
      textDocument: { uri: POOL },
      position: { line: 7, character: 30 },
    });
    const value = (hover!.contents as MarkupContent).value;
    assert.match(value, /completion p1-c1 of prompt p1/);
    assert.match(value, /Best partner: p1-c\d · pair score/);
  });

  it('runs a budgeted design with progress, then counts chosen pairs in the lenses', async () => {
    const progress: string[] = [];
    const token = 'run-1';
    const listener = h.client.onProgress(WorkDoneProgress.type, token, (value) => {
      progress.push(value.kind);
    });
    const result = await h.client.sendRequest(RunDesignRequest.type, {
      uri: POOL,
      settings: { budget: 8 },
      format: 'jsonl',
      workDoneToken: token,
    });
    listener.dispose();

    assert.equal(progress[0], 'begin');
    assert.equal(progress.at(-1), 'end');
    const pairs = result.pairsText
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    assert.equal(pairs.length, 8);
    assert.equal(result.chosen.length, 8);
    assert.equal(new Set(result.chosen).size, 8);
    for (const pair of pairs) {
      assert.ok(pair.pair_id && pair.prompt_id && pair.completion_a && pair.completion_b);
    }
    const report = JSON.parse(result.reportText);
    assert.equal(report.design.labels, 8);
    assert.ok(result.summary.efficiency > 0 && result.summary.efficiency <= 1);
    assert.ok(result.summary.gainOverUniform! > 0);
    assert.ok(result.curve.points.length > 0);

    const lenses =
      (await h.client.sendRequest(CodeLensRequest.type, { textDocument: { uri: POOL } })) ?? [];
    const chosen = lenses.map((l) => Number(/· (\d+) chosen$/.exec(l.command!.title)![1]));
    assert.equal(
      chosen.reduce((a, b) => a + b, 0),
      8,
    );

    const ranked = await h.client.sendRequest(PairPageRequest.type, {
      uri: POOL,
      offset: 0,
      limit: 100,
      sort: 'rank',
      descending: false,
      chosenOnly: true,
    });
    assert.deepEqual(
      ranked.rows.map((r) => r.index),
      result.chosen,
    );
    assert.deepEqual(
      ranked.rows.map((r) => r.rank),
      [1, 2, 3, 4, 5, 6, 7, 8],
    );

    const curve = await h.client.sendRequest(BudgetCurveRequest.type, {
      uri: POOL,
      settings: { budget: 8 },
    });
    assert.deepEqual(curve, result.curve);

    // Under other settings there is no design to draw; the curve never runs one of its own.
    await assert.rejects(
      h.client.sendRequest(BudgetCurveRequest.type, { uri: POOL, settings: { budget: 9 } }),
      /Run a design first/,
    );
    const after = await h.client.sendRequest(PairPageRequest.type, {
      uri: POOL,
      offset: 0,
      limit: 8,
      sort: 'rank',
      descending: false,
      chosenOnly: true,
    });
    assert.equal(after.total, 8, 'the last design is untouched');
  });

  it('stops a running design when the request is cancelled', async () => {
    const uri = 'file:///work/large.pool.jsonl';
    h.open(uri, longPool(60, 20, 48, 7));
    await h.diagnostics(uri, 1);

    const source = new CancellationTokenSource();
    const token = 'run-cancel';
    let reports = 0;
    const listener = h.client.onProgress(WorkDoneProgress.type, token, (value) => {
      if (value.kind === 'report' && ++reports === 1) source.cancel();
    });
    const started = Date.now();
    const request = h.client.sendRequest(
      RunDesignRequest.type,
      { uri, settings: { budget: 2000, method: 'auto' }, format: 'jsonl', workDoneToken: token },
      source.token,
    );
    await assert.rejects(request, (error: unknown) => {
      assert.ok(error instanceof ResponseError);
      assert.equal(error.code, LSPErrorCodes.RequestCancelled);
      return true;
    });
    listener.dispose();
    assert.ok(reports >= 1, 'the design reported progress before it was cancelled');
    assert.ok(Date.now() - started < 20000);

    const summary = await h.client.sendRequest(PoolSummaryRequest.type, { uri });
    assert.equal(summary.lastRun, undefined);
  });

  it('reads a pool from disk by path, bypassing document sync', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pair-curator-'));
    try {
      const path = join(dir, 'big.pool.jsonl');
      await writeFile(path, longPool(3, 4, 6, 3));
      const uri = pathToFileURL(path).toString();
      const summary = await h.client.sendRequest(OpenPoolFileRequest.type, { uri });
      assert.equal(summary.source, 'disk');
      assert.equal(summary.pairs, 18);
      const page = await h.client.sendRequest(PairPageRequest.type, {
        uri,
        offset: 0,
        limit: 5,
        sort: 'score',
        descending: true,
      });
      assert.equal(page.rows.length, 5);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("reads with the curator's mapping setting, and again when it changes", async () => {
    const uri = 'file:///mapped.pool.jsonl';
    const text = [
      '{"q": "Q1", "reply": "first answer", "grade": "3"}',
      '{"q": "Q1", "reply": "second answer", "grade": 1}',
      '{"q": "Q1", "reply": "third answer"}',
    ].join('\n');
    h.open(uri, text);
    const unmapped = await h.diagnostics(uri, 1);
    assert.match(JSON.stringify(unmapped), /cannot tell the pool's shape/);

    h.settings.map = {
      prompt: 'q',
      completion: 'reply',
      score: 'grade',
      completions: 'x',
      cost: 5,
    } as unknown as Record<string, string>;
    await h.client.sendNotification(DidChangeConfigurationNotification.type, { settings: {} });
    const summary = await h.client.sendRequest(PoolSummaryRequest.type, { uri });
    assert.equal(summary.shape, 'long');
    assert.equal(summary.dataset, null);
    assert.match(summary.reading, /^read as long .*mapping from the curator/);
    assert.match(summary.reading, /completion = reply/);
    assert.equal(summary.completions, 3);
    assert.equal(summary.pairs, 3);
    // The re-analysis after a settings change publishes again; wait for it, briefly.
    let mapped = await h.diagnostics(uri, 1);
    for (let tries = 0; mapped.length > 0 && tries < 100; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      mapped = await h.diagnostics(uri, 1);
    }
    assert.deepEqual(mapped, []);
    // What the setting held that could not be used is said, once, not dropped in silence.
    const warnings = h.messages.filter((m) => m.includes('pairCurator.map'));
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /"completions" is not a pool field/);
    assert.match(warnings[0]!, /"cost" must name a field path as text/);
    h.settings.map = {};
  });

  it(
    'tells the client to ask again about a pool read from disk when settings change',
    { timeout: 10000 },
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'pair-curator-'));
      try {
        const path = join(dir, 'disk.pool.jsonl');
        await writeFile(path, longPool(3, 4, 6, 3));
        const uri = pathToFileURL(path).toString();
        const before = await h.client.sendRequest(OpenPoolFileRequest.type, { uri });
        assert.equal(before.dim, 6);

        h.settings.dim = 2;
        await h.client.sendNotification(DidChangeConfigurationNotification.type, { settings: {} });
        assert.equal((await h.analysed(uri)).state, 'ready');
        const after = await h.client.sendRequest(PoolSummaryRequest.type, { uri });
        assert.equal(after.dim, 2);
      } finally {
        h.settings.dim = 8;
        await rm(dir, { recursive: true, force: true });
      }
    },
  );

  it('answers a pool that is not open with an error naming what to do', async () => {
    await assert.rejects(
      h.client.sendRequest(PoolSummaryRequest.type, { uri: 'file:///nowhere.pool.jsonl' }),
      /Open as Pool/,
    );
  });
});

describe('language server on a pool of 100,000 pairs', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ dim: 8 });
  });
  after(() => h.close());

  it('pages through sorted and filtered pairs quickly', async () => {
    const uri = 'file:///work/big.pool.jsonl';
    h.open(uri, longPool(400, 23, 8, 11));
    await h.diagnostics(uri, 1);
    const summary = await h.client.sendRequest(PoolSummaryRequest.type, { uri });
    assert.equal(summary.pairs, 101200);

    const query = { uri, limit: 200, sort: 'score' as const, descending: true };
    const first = await h.client.sendRequest(PairPageRequest.type, { ...query, offset: 0 });
    assert.equal(first.total, 101200);

    const started = Date.now();
    for (const offset of [50000, 100000, 25000, 75000]) {
      const page = await h.client.sendRequest(PairPageRequest.type, { ...query, offset });
      assert.equal(page.rows.length, Math.min(200, 101200 - offset));
      assert.ok(page.rows[0].score <= first.rows[0].score);
    }
    assert.ok(Date.now() - started < 1000, `four pages took ${Date.now() - started} ms`);

    const filtered = await h.client.sendRequest(PairPageRequest.type, {
      ...query,
      offset: 0,
      prompt: 'p39',
      descending: false,
    });
    assert.equal(filtered.total, 11 * 253);
  });
});
