import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import {
  CancellationTokenSource,
  LSPErrorCodes,
  ResponseError,
  WorkDoneProgress,
} from 'vscode-languageserver-protocol/node';

import { type WhatIfResult, WhatIfProgressNotification, WhatIfRequest } from '../../src/protocol';
import { type Harness, startHarness } from './harness';
import { longPool } from './pools';

/** The same pool without its score field: the what-if draws a synthetic truth. */
function unscored(text: string): string {
  return text.replace(/"score":[0-9.]+,/g, '');
}

describe('budget what-if', () => {
  let h: Harness;
  const partials: WhatIfResult[] = [];
  /** Runs on every partial result; a connection holds one handler per notification. */
  let onPartial: (partial: WhatIfResult) => void = () => {};
  before(async () => {
    h = await startHarness({ dim: 6 });
    h.client.onNotification(WhatIfProgressNotification.type, (p) => {
      partials.push(p);
      onPartial(p);
    });
  });
  after(() => h.close());

  it('checks a scored pool at two budgets, streaming each budget', async () => {
    const uri = 'file:///work/whatif-scored.pool.jsonl';
    h.open(uri, longPool(5, 4, 6, 11));
    await h.diagnostics(uri, 1);
    partials.length = 0;

    const token = 'what-if-scored';
    let reports = 0;
    const listener = h.client.onProgress(WorkDoneProgress.type, token, (value) => {
      if (value.kind === 'begin' || value.kind === 'report') reports++;
    });
    const result = await h.client.sendRequest(WhatIfRequest.type, {
      uri,
      budgets: [6, 12],
      seeds: 2,
      workDoneToken: token,
    });
    listener.dispose();

    assert.equal(result.truth, 'scores');
    assert.equal(result.metric, 'accuracy');
    assert.deepEqual(result.budgets, [6, 12]);
    assert.equal(result.done, 2);
    assert.equal(result.total, 2);
    const uniform = result.series.find((s) => s.method === 'uniform');
    assert.ok(uniform);
    for (const series of result.series) assert.equal(series.mean.length, 2);
    for (const mean of uniform.mean) assert.ok(mean !== null && mean >= 0 && mean <= 1);

    const mine = partials.filter((p) => p.uri === uri);
    assert.ok(mine.length >= 1, 'at least one progress notification');
    assert.equal(mine[0].done, 1);
    assert.equal(mine[0].series[0].mean[1], null, 'the second budget is not known yet');
    assert.ok(reports >= 1, 'work-done progress began');
  });

  it('draws a synthetic truth on the features of a pool without scores', async () => {
    const uri = 'file:///work/whatif-unscored.pool.jsonl';
    h.open(uri, unscored(longPool(5, 4, 6, 12)));
    await h.diagnostics(uri, 1);
    partials.length = 0;

    const result = await h.client.sendRequest(WhatIfRequest.type, {
      uri,
      budgets: [6, 12],
      seeds: 2,
    });
    assert.equal(result.truth, 'synthetic');
    assert.equal(result.metric, 'gap');
    assert.equal(result.done, 2);
    const greedy = result.series.find((s) => s.method === 'dpo-greedy');
    assert.ok(greedy && greedy.mean.every((m) => m !== null && m >= 0));

    const mine = partials.filter((p) => p.uri === uri);
    assert.deepEqual(
      mine.map((p) => p.done),
      [1, 2],
      'one notification per replication',
    );
  });

  it('refuses budgets that do not increase', async () => {
    const uri = 'file:///work/whatif-scored.pool.jsonl';
    await assert.rejects(
      h.client.sendRequest(WhatIfRequest.type, { uri, budgets: [12, 6], seeds: 2 }),
      /increasing/,
    );
  });

  it('answers with the cancelled error when cancelled mid-run', async () => {
    const uri = 'file:///work/whatif-large.pool.jsonl';
    h.open(uri, unscored(longPool(30, 6, 6, 13)));
    await h.diagnostics(uri, 1);
    partials.length = 0;

    const source = new CancellationTokenSource();
    onPartial = (p) => {
      if (p.uri === uri) source.cancel();
    };
    const started = Date.now();
    const request = h.client.sendRequest(
      WhatIfRequest.type,
      { uri, budgets: [20, 40, 80], seeds: 200 },
      source.token,
    );
    await assert.rejects(request, (error: unknown) => {
      assert.ok(error instanceof ResponseError);
      assert.equal(error.code, LSPErrorCodes.RequestCancelled);
      return true;
    });
    onPartial = () => {};
    const mine = partials.filter((p) => p.uri === uri);
    assert.ok(mine.length >= 1 && mine.length < 200, `stopped early after ${mine.length}`);
    assert.ok(Date.now() - started < 20000);
  });
});
