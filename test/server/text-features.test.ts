/**
 * The language server with the featurizers that need a text embedding model: the endpoint
 * (against a server the test starts on 127.0.0.1), refused in an untrusted workspace, and
 * computed once per pool version, then served from the feature cache in the client's storage.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { WorkDoneProgressCancelNotification } from 'vscode-languageserver-protocol/node';

import {
  PairPageRequest,
  type PoolSettings,
  PoolSummaryRequest,
  RunDesignRequest,
  type ServerStartOptions,
} from '../../src/protocol';
import { startHarness } from './harness';
import { longPool } from './pools';

/** An OpenAI-compatible embeddings server: 3-dimensional vectors from each text's characters. */
async function startEndpoint(delayMs = 0) {
  const batches: string[][] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      const { input } = JSON.parse(body) as { input: string[] };
      batches.push(input);
      const data = input.map((text, index) => ({
        index,
        embedding: [...text].reduce(
          (v, c, i) => [
            v[0] + c.charCodeAt(0),
            v[1] + i * (c.charCodeAt(0) % 7),
            v[2] + (c === 'a' ? 1 : 0),
          ],
          [0, 0, 0],
        ),
      }));
      setTimeout(() => {
        response.setHeader('content-type', 'application/json');
        response.end(JSON.stringify({ data }));
      }, delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    batches,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('language server with an embeddings endpoint', () => {
  let endpoint: Awaited<ReturnType<typeof startEndpoint>>;
  let cacheDir: string;
  const pool = longPool(3, 4, 6, 3);
  const completions = 12;

  before(async () => {
    endpoint = await startEndpoint();
    cacheDir = mkdtempSync(join(tmpdir(), 'pair-curator-cache-'));
  });
  after(async () => {
    await endpoint.close();
    rmSync(cacheDir, { recursive: true, force: true });
  });

  /** Opens the pool under `settings`, expects `refusal` before any request, and a failed analysis. */
  async function refusedBeforeAnyText(
    settings: Partial<PoolSettings>,
    start: ServerStartOptions,
    refusal: RegExp,
  ): Promise<void> {
    const h = await startHarness({ dim: 2, ...settings }, { cacheDir, ...start });
    const uri = 'file:///refused.pool.jsonl';
    try {
      h.open(uri, pool);
      await assert.rejects(h.client.sendRequest(PoolSummaryRequest.type, { uri }), refusal);
      assert.equal((await h.analysed(uri)).state, 'failed');
      assert.equal(endpoint.batches.length, 0);
    } finally {
      h.close();
    }
  }

  it('refuses the endpoint in an untrusted workspace, before any text leaves', () =>
    refusedBeforeAnyText(
      { featurizer: 'endpoint', embeddings: { url: endpoint.url, model: 'm' } },
      { trusted: false },
      /refused in an untrusted workspace/,
    ));

  it('asks for a URL and a model before it asks the endpoint anything', () =>
    refusedBeforeAnyText(
      { featurizer: 'endpoint' },
      {},
      /pairCurator\.embeddings\.url and pairCurator\.embeddings\.model/,
    ));

  it('embeds each text once, scores with the vectors, and reuses the cache later', async () => {
    const settings = {
      dim: 2,
      featurizer: 'endpoint' as const,
      embeddings: { url: endpoint.url, model: 'test-model' },
    };
    const uri = 'file:///trusted.pool.jsonl';
    const first = await startHarness(settings, { cacheDir });
    let pairs: number;
    try {
      first.open(uri, pool);
      const summary = await first.client.sendRequest(PoolSummaryRequest.type, { uri });
      assert.equal(summary.featurizer, 'endpoint');
      assert.equal(summary.completions, completions);
      pairs = summary.pairs;
      const page = await first.client.sendRequest(PairPageRequest.type, {
        uri,
        offset: 0,
        limit: 3,
        sort: 'score',
        descending: true,
      });
      assert.equal(page.rows.length, 3);
      assert.ok(page.rows.every((row) => Number.isFinite(row.score)));
      assert.equal((await first.analysed(uri)).state, 'ready');
    } finally {
      first.close();
    }
    const texts = endpoint.batches.flat();
    assert.equal(texts.length, completions, 'every completion text sent once, none twice');
    assert.equal(new Set(texts).size, completions);
    assert.ok(readdirSync(cacheDir).length > 0, 'vectors stored in the client-given cache folder');

    // A new server (a new VS Code window) finds every vector in the cache.
    const second = await startHarness(settings, { cacheDir });
    try {
      second.open(uri, pool);
      const summary = await second.client.sendRequest(PoolSummaryRequest.type, { uri });
      assert.equal(summary.pairs, pairs);
      assert.equal((await second.analysed(uri)).state, 'ready');
    } finally {
      second.close();
    }
    assert.equal(endpoint.batches.flat().length, completions, 'no request the second time');
  });
});

describe('cancelling an embedding', () => {
  it('sends nothing more, is not restarted by waiting requests, and restarts for a design', async () => {
    const slow = await startEndpoint(200);
    const cacheDir = mkdtempSync(join(tmpdir(), 'pair-curator-cache-'));
    const h = await startHarness(
      { dim: 2, budget: 3, featurizer: 'endpoint', embeddings: { url: slow.url, model: 'm' } },
      { cacheDir },
    );
    const uri = 'file:///cancelled.pool.jsonl';
    try {
      h.open(uri, longPool(10, 10, 2, 5));
      const started = Date.now();
      while (slow.batches.length === 0 || h.progressTokens.length === 0) {
        assert.ok(Date.now() - started < 10000, 'the embedding never started');
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      await h.client.sendNotification(WorkDoneProgressCancelNotification.type, {
        token: h.progressTokens[0]!,
      });
      const analysis = await h.analysed(uri);
      assert.equal(analysis.state, 'failed');
      assert.match(analysis.message ?? '', /Embedding was cancelled/);
      const sent = slow.batches.length;
      assert.ok(sent < 4, `${sent} of 4 batches sent before the cancel took effect`);

      // The panel's requests are answered with the cancellation, and start nothing.
      await assert.rejects(
        h.client.sendRequest(PoolSummaryRequest.type, { uri }),
        /Embedding was cancelled/,
      );
      await new Promise((resolve) => setTimeout(resolve, 500));
      assert.equal(slow.batches.length, sent);

      // A design is the curator asking again: the embedding runs to the end.
      const result = await h.client.sendRequest(RunDesignRequest.type, {
        uri,
        settings: { budget: 3 },
        format: 'jsonl',
      });
      assert.equal(result.summary.chosen, 3);
      assert.equal(new Set(slow.batches.flat()).size, 100);
    } finally {
      h.close();
      await slow.close();
      rmSync(cacheDir, { recursive: true, force: true });
    }
  });
});
