/**
 * The embeddings endpoint client against a small OpenAI-compatible server that each test starts
 * on 127.0.0.1 and scripts answer by answer.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { main } from '../../../src/cli/main';
import {
  createEndpointEmbedder,
  embeddingsUrl,
  embedPool,
  EndpointError,
  type EndpointOptions,
} from '../../../src/core/features/semantic';
import { makePool } from './helpers';

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: { model: string; input: string[] };
}

type Answer = (request: Received, response: ServerResponse) => void;

/** A server that answers request k with `answers[k]` (the last one for every later request). */
async function startServer(answers: Answer[]) {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    let text = '';
    request.on('data', (chunk) => (text += chunk));
    request.on('end', () => {
      const entry = { path: request.url ?? '', headers: request.headers, body: JSON.parse(text) };
      received.push(entry);
      answers[Math.min(received.length, answers.length) - 1](entry, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A vector for a text that a test can predict: its length, then its first char code, ... */
function vectorFor(text: string, dim: number): number[] {
  return Array.from({ length: dim }, (_, j) =>
    j === 0 ? text.length : text.charCodeAt(j - 1) || 0,
  );
}

function json(response: ServerResponse, status: number, body: unknown, headers = {}): void {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(typeof body === 'string' ? body : JSON.stringify(body));
}

/** A correct answer, entries in reverse order so that only `index` puts them right. */
function embeddings(dim = 4): Answer {
  return (request, response) =>
    json(response, 200, {
      object: 'list',
      data: request.body.input
        .map((text, index) => ({ object: 'embedding', index, embedding: vectorFor(text, dim) }))
        .reverse(),
      model: request.body.model,
    });
}

const fast: Partial<EndpointOptions> = { retryDelayMs: 5, timeoutMs: 2000 };

async function embedAll(options: EndpointOptions, texts: string[], warn?: (m: string) => void) {
  const embedder = createEndpointEmbedder({ ...fast, ...options });
  const out: Float32Array[] = [];
  const batches = Math.ceil(texts.length / embedder.batchSize);
  for (let b = 0; b < batches; b++) {
    const batch = texts.slice(b * embedder.batchSize, (b + 1) * embedder.batchSize);
    out.push(...(await embedder.embed(batch, { batch: b + 1, batches, warn })));
  }
  return out;
}

test('the URL: a server gets /v1/embeddings, a /v1 base /embeddings, a full route is kept', () => {
  const cases = [
    ['http://localhost:11434', 'http://localhost:11434/v1/embeddings'],
    ['http://localhost:11434/', 'http://localhost:11434/v1/embeddings'],
    ['http://host:8000/v1', 'http://host:8000/v1/embeddings'],
    ['http://host:8000/v1/', 'http://host:8000/v1/embeddings'],
    ['https://host/openai/v1/embeddings', 'https://host/openai/v1/embeddings'],
    [
      'https://host/deploy/x/embeddings?api-version=2',
      'https://host/deploy/x/embeddings?api-version=2',
    ],
  ];
  for (const [given, used] of cases) assert.equal(embeddingsUrl(given).href, used);
  assert.throws(() => embeddingsUrl('localhost:11434'), /must use http or https/);
  assert.throws(() => embeddingsUrl('not a url'), /is not a URL/);
  assert.throws(() => embeddingsUrl('http://user:secret@host/v1'), /holds credentials/);
});

test('a URL that does not parse is quoted without user, password or query', () => {
  const cases = [
    ['http://curator:URLPASSW0RD@127.0.0.1:99999', 'http://***@127.0.0.1:99999'],
    ['http://curator@127.0.0.1:99999/v1', 'http://***@127.0.0.1:99999/v1'],
    ['https://curator:p@ss:URLPASSW0RD@host:99999/v1', 'https://***@host:99999/v1'],
    ['http://127.0.0.1:99999/v1?key=URLPASSW0RD', 'http://127.0.0.1:99999/v1?***'],
    ['http://curator:pass?URLPASSW0RD@host:99999', 'http://***@host:99999'],
  ];
  for (const [given, quoted] of cases) {
    assert.throws(
      () => embeddingsUrl(given),
      (error: Error) => {
        assert.equal(
          error.message,
          `The embeddings URL '${quoted}' is not a URL; give ` + 'http(s)://host:port',
        );
        assert.ok(!/curator|URLPASSW0RD/.test(error.message), error.message);
        return true;
      },
    );
  }
  assert.throws(
    () => embeddingsUrl('curator:URLPASSW0RD@127.0.0.1:99999'),
    (error: Error) => {
      assert.equal(
        error.message,
        "The embeddings URL must use http or https, got '***@127.0.0.1:99999'",
      );
      return true;
    },
  );
});

test('an API key a header cannot carry is refused before any request, never quoted', async () => {
  const server = await startServer([embeddings(2)]);
  try {
    const pool = makePool([[{ text: 'one' }, { text: 'two' }]]);
    for (const apiKey of ['SECRET\nLINE2', 'SECRET\u0007BELL', 'SECRET\u00e9', '   ', '\t\n']) {
      const options = { url: server.url, model: 'm', apiKey };
      const refused = (error: Error) => {
        assert.ok(!(error instanceof TypeError), error.message);
        assert.match(error.message, /^The API key in PAIR_CURATOR_EMBEDDINGS_KEY /);
        assert.ok(!error.message.includes('SECRET'), error.message);
        return true;
      };
      assert.throws(() => createEndpointEmbedder(options), refused);
      const warnings: string[] = [];
      await assert.rejects(
        embedPool(pool, {
          featurizer: 'endpoint',
          endpoint: options,
          cache: false,
          warn: (message) => warnings.push(message),
        }),
        refused,
      );
      assert.deepEqual(warnings, []);
    }
    assert.throws(
      () =>
        createEndpointEmbedder({
          url: server.url,
          model: 'm',
          apiKey: ' ',
          apiKeyVariable: 'MY_KEY',
        }),
      /^EndpointError: The API key in MY_KEY is blank/,
    );
    assert.equal(server.received.length, 0, 'nothing was sent');

    await embedAll({ url: server.url, model: 'm', apiKey: '  sk-trimmed\n' }, ['x']);
    assert.equal(server.received[0].headers.authorization, 'Bearer sk-trimmed');
  } finally {
    await server.close();
  }
});

test('the key is masked in every message and warning, whatever quotes it', async () => {
  const apiKey = 'sk-"quoted"\\key';
  const echo = (request: Received) => request.headers.authorization!.slice('Bearer '.length);
  const server = await startServer([
    (request, response) => json(response, 503, { error: `bad key ${echo(request)}` }),
    (request, response) =>
      json(response, 200, {
        data: [{ index: 0, embedding: [`Bearer ${echo(request)}`] }],
      }),
  ]);
  try {
    const warnings: string[] = [];
    await assert.rejects(
      embedAll({ url: server.url, model: 'm', apiKey }, ['x'], (message) => warnings.push(message)),
      (error: Error) => {
        assert.match(error.message, /embedding 0 has "Bearer \[key\]" at position 0/);
        assert.ok(!error.message.includes('quoted'), error.message);
        return true;
      },
    );
    assert.equal(server.received[0].headers.authorization, `Bearer ${apiKey}`);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /HTTP 503: \{"error":"bad key \[key\]"\}; retrying/);
  } finally {
    await server.close();
  }
});

test('texts go in batches with the model and key; vectors return in input order', async () => {
  const server = await startServer([embeddings(4)]);
  try {
    const texts = ['alpha', 'beta', 'gamma', 'delta', 'epsilon'];
    const vectors = await embedAll(
      { url: server.url, model: 'nomic-embed-text', apiKey: 'sk-test', batchSize: 2 },
      texts,
    );
    assert.deepEqual(
      server.received.map((r) => r.body.input),
      [['alpha', 'beta'], ['gamma', 'delta'], ['epsilon']],
    );
    for (const request of server.received) {
      assert.equal(request.path, '/v1/embeddings');
      assert.equal(request.body.model, 'nomic-embed-text');
      assert.equal(request.headers.authorization, 'Bearer sk-test');
      assert.equal(request.headers['content-type'], 'application/json');
    }
    texts.forEach((text, k) => assert.deepEqual([...vectors[k]], vectorFor(text, 4)));
  } finally {
    await server.close();
  }
});

test('503 and 429 are retried with backoff, honouring Retry-After', async () => {
  const server = await startServer([
    (_, response) => json(response, 503, { error: 'loading model' }),
    (_, response) => json(response, 429, 'slow down', { 'retry-after': '0' }),
    embeddings(3),
  ]);
  try {
    const warnings: string[] = [];
    const vectors = await embedAll({ url: server.url, model: 'm' }, ['one'], (message) =>
      warnings.push(message),
    );
    assert.deepEqual([...vectors[0]], vectorFor('one', 3));
    assert.equal(server.received.length, 3);
    assert.equal(server.received[0].headers.authorization, undefined, 'no key, no header');
    assert.match(warnings[0], /batch 1 of 1: HTTP 503: \{"error":"loading model"\}; retrying/);
    assert.match(warnings[1], /HTTP 429: slow down; retrying in 0\.0 s \(attempt 3 of 5\)/);
  } finally {
    await server.close();
  }
});

test('401 fails at once, naming the URL and batch, never quoting the key', async () => {
  const server = await startServer([
    (request, response) =>
      json(response, 401, { error: `invalid key ${request.headers.authorization}` }),
  ]);
  try {
    await assert.rejects(
      embedAll({ url: server.url, model: 'm', apiKey: 'sk-secret-123', batchSize: 1 }, ['a', 'b']),
      (error: Error) => {
        assert.ok(error instanceof EndpointError);
        assert.match(
          error.message,
          /^Embeddings endpoint http:\/\/127\.0\.0\.1:\d+\/v1\/embeddings, batch 1 of 2: HTTP 401/,
        );
        assert.match(error.message, /check the API key$/);
        assert.ok(!error.message.includes('sk-secret-123'), error.message);
        return true;
      },
    );
    assert.equal(server.received.length, 1, 'no retry');
  } finally {
    await server.close();
  }
});

test('a request with no answer times out, is retried, then fails', async () => {
  const server = await startServer([() => {}]);
  try {
    const started = performance.now();
    await assert.rejects(
      embedAll({ url: server.url, model: 'm', timeoutMs: 150, retries: 1 }, ['x']),
      /batch 1 of 1: no answer within 0\.15 s, after 2 attempts$/,
    );
    assert.equal(server.received.length, 2);
    assert.ok(performance.now() - started < 1500);
  } finally {
    await server.close();
  }

  const recovering = await startServer([() => {}, embeddings(2)]);
  try {
    const vectors = await embedAll({ url: recovering.url, model: 'm', timeoutMs: 150 }, ['x']);
    assert.equal(vectors[0].length, 2);
  } finally {
    await recovering.close();
  }
});

test('a refused connection is a network error, retried, then reported', async () => {
  const server = await startServer([embeddings()]);
  const url = server.url;
  await server.close();
  await assert.rejects(
    embedAll({ url, model: 'm', retries: 2 }, ['x']),
    /network error \(ECONNREFUSED\), after 3 attempts$/,
  );
});

test('a redirect is refused, not followed', async () => {
  const server = await startServer([
    (_, response) => {
      response.writeHead(307, { location: 'http://127.0.0.1:9/elsewhere' });
      response.end();
    },
  ]);
  try {
    await assert.rejects(
      embedAll({ url: server.url, model: 'm', apiKey: 'k' }, ['x']),
      /batch 1 of 1: the server redirects; give the URL it redirects to$/,
    );
    assert.equal(server.received.length, 1);
  } finally {
    await server.close();
  }
});

test('malformed answers fail with what is wrong, and are not retried', async () => {
  const cases: [string, Answer, RegExp][] = [
    ['not JSON', (_, r) => json(r, 200, '<html>oops</html>'), /the answer is not JSON: <html>oops/],
    ['no data', (_, r) => json(r, 200, { embeddings: [] }), /has no "data" list/],
    [
      'too few',
      (_, r) => json(r, 200, { data: [{ index: 0, embedding: [1, 2] }] }),
      /holds 1 embeddings for 2 texts/,
    ],
    [
      'index twice',
      (_, r) =>
        json(r, 200, {
          data: [
            { index: 0, embedding: [1, 2] },
            { index: 0, embedding: [1, 2] },
          ],
        }),
      /index 0 appears twice/,
    ],
    [
      'index out of range',
      (_, r) =>
        json(r, 200, {
          data: [
            { index: 0, embedding: [1, 2] },
            { index: 2, embedding: [1, 2] },
          ],
        }),
      /entry 1 has index 2, not 0 to 1/,
    ],
    [
      'a number that is not',
      (_, r) =>
        json(r, 200, {
          data: [
            { index: 0, embedding: [1, null] },
            { index: 1, embedding: [1, 2] },
          ],
        }),
      /embedding 0 has null at position 1, not a number$/,
    ],
    [
      'overflow',
      (_, r) =>
        json(r, 200, '{"data":[{"index":0,"embedding":[1,1e39]},{"index":1,"embedding":[1,2]}]}'),
      /embedding 0 has 1e\+39 at position 1, which does not fit a 32-bit float/,
    ],
    [
      'overflow, negative',
      (_, r) =>
        json(r, 200, '{"data":[{"index":0,"embedding":[-2.03e299]},{"index":1,"embedding":[1]}]}'),
      /embedding 0 has -2\.03e\+299 at position 0, which does not fit a 32-bit float/,
    ],
    [
      'base64',
      (_, r) =>
        json(r, 200, {
          data: [
            { index: 0, embedding: 'AAAA' },
            { index: 1, embedding: 'AAAA' },
          ],
        }),
      /is a string \(base64\?\)/,
    ],
    [
      'two lengths',
      (_, r) =>
        json(r, 200, {
          data: [
            { index: 0, embedding: [1, 2, 3] },
            { index: 1, embedding: [1, 2] },
          ],
        }),
      /embedding 1 has 2 numbers, embedding 0 has 3/,
    ],
  ];
  for (const [label, answer, expected] of cases) {
    const server = await startServer([answer]);
    try {
      await assert.rejects(
        embedAll({ url: server.url, model: 'm' }, ['a', 'b']),
        (error: Error) => {
          assert.ok(error instanceof EndpointError, label);
          assert.match(
            error.message,
            /^Embeddings endpoint http:\/\/127\.0\.0\.1:\d+\/v1\/embeddings, batch 1 of 1: /,
          );
          assert.match(error.message, expected, label);
          return true;
        },
      );
      assert.equal(server.received.length, 1, `${label}: not retried`);
    } finally {
      await server.close();
    }
  }
});

test('a batch of another dimension than the earlier ones fails', async () => {
  const server = await startServer([embeddings(4), embeddings(5)]);
  try {
    await assert.rejects(
      embedAll({ url: server.url, model: 'm', batchSize: 1 }, ['a', 'b']),
      /batch 2 of 2: embedding 0 has 5 numbers, earlier batches had 4/,
    );
  } finally {
    await server.close();
  }
});

test('cancelling stops a request in flight', async () => {
  const server = await startServer([() => {}]);
  try {
    const controller = new AbortController();
    const embedder = createEndpointEmbedder({ url: server.url, model: 'm' });
    const pending = embedder.embed(['x'], { batch: 1, batches: 1, signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await assert.rejects(pending, { name: 'AbortError' });
  } finally {
    await server.close();
  }
});

test('embedPool via an endpoint: cached on the second run; the key is stored nowhere', async () => {
  const server = await startServer([embeddings(3)]);
  try {
    const dir = mkdtempSync(join(tmpdir(), 'pair-curator-endpoint-'));
    const pool = makePool([
      [{ text: 'first answer' }, { text: 'second answer' }],
      [{ text: 'third' }, { text: 'first answer' }],
    ]);
    pool.file = join(dir, 'pool.jsonl');
    const options = {
      featurizer: 'endpoint' as const,
      endpoint: { url: `${server.url}/v1?token=abc`, model: 'bge-small', apiKey: 'sk-777' },
    };
    const first = await embedPool(pool, options);
    assert.equal(server.received.length, 1, 'three distinct texts, one batch');
    assert.equal(first.url, `${server.url}/v1/embeddings`, 'no query in what is reported');
    assert.equal(first.model, 'bge-small');
    assert.deepEqual([...first.rows[3]], vectorFor('first answer', 3));

    const second = await embedPool(pool, options);
    assert.equal(server.received.length, 1, 'all from the cache');
    assert.equal(second.cache.hits, 4);
    const bytes = readFileSync(second.cache.file!).toString('latin1');
    assert.ok(!bytes.includes('sk-777') && !bytes.includes('token=abc'));
  } finally {
    await server.close();
  }
});

test('endpoints differing only in the query keep apart; the cache holds no URL', async () => {
  const server = await startServer([embeddings(3)]);
  try {
    const dir = mkdtempSync(join(tmpdir(), 'pair-curator-endpoint-query-'));
    const pool = makePool([[{ text: 'first answer' }, { text: 'second answer' }]]);
    pool.file = join(dir, 'pool.jsonl');
    const run = (query: string) =>
      embedPool(pool, {
        featurizer: 'endpoint',
        endpoint: { url: `${server.url}/v1/embeddings?api-version=${query}`, model: 'bge' },
      });
    const first = await run('2024-01-01');
    const other = await run('2024-06-01');
    assert.equal(other.cache.hits, 0, 'another query, another cache');
    assert.notEqual(other.cache.file, first.cache.file);
    assert.equal(server.received.length, 2);
    const again = await run('2024-01-01');
    assert.equal(again.cache.hits, 2);
    assert.equal(server.received.length, 2);

    const host = new URL(server.url).host;
    for (const file of [first.cache.file!, other.cache.file!]) {
      const bytes = readFileSync(file).toString('latin1');
      for (const secret of ['api-version', '2024-0', host, '/v1/embeddings']) {
        assert.ok(!bytes.includes(secret), `${secret} stored in ${file}`);
      }
    }
  } finally {
    await server.close();
  }
});

test('the CLI refuses a key a header cannot carry as bad usage, naming the variable', async () => {
  const server = await startServer([embeddings(2)]);
  const dir = mkdtempSync(join(tmpdir(), 'pair-curator-endpoint-key-'));
  const pool = join(dir, 'tiny.pool.jsonl');
  const lines = ['a', 'b', 'c', 'd'].map((text, j) =>
    JSON.stringify({ prompt_id: `p${j >> 1}`, prompt: 'q', completion: text }),
  );
  writeFileSync(pool, `${lines.join('\n')}\n`);
  let err = '';
  const io = { out: () => {}, err: (t: string) => (err += `${t}\n`) };
  const args = ['design', pool, '--budget', '1', '--featurizer', 'endpoint'];
  const endpoint = ['--embeddings-url', server.url, '--embeddings-model', 'm'];
  const saved = process.env.PAIR_CURATOR_EMBEDDINGS_KEY;
  try {
    process.env.PAIR_CURATOR_TEST_KEY = 'SECRET\nLINE2';
    const named = [...endpoint, '--embeddings-key-env', 'PAIR_CURATOR_TEST_KEY'];
    assert.equal(await main([...args, ...named], io), 2);
    assert.match(err, /The API key in PAIR_CURATOR_TEST_KEY holds a line break/);

    process.env.PAIR_CURATOR_EMBEDDINGS_KEY = '   ';
    assert.equal(await main([...args, ...endpoint], io), 2);
    assert.match(err, /The API key in PAIR_CURATOR_EMBEDDINGS_KEY is blank/);
    assert.ok(!err.includes('SECRET') && !err.includes('Bearer'), err);
    assert.equal(server.received.length, 0);
  } finally {
    delete process.env.PAIR_CURATOR_TEST_KEY;
    if (saved === undefined) delete process.env.PAIR_CURATOR_EMBEDDINGS_KEY;
    else process.env.PAIR_CURATOR_EMBEDDINGS_KEY = saved;
    await server.close();
  }
});

test('the CLI designs on endpoint features and writes neither key nor query', async () => {
  const server = await startServer([embeddings(6)]);
  const dir = mkdtempSync(join(tmpdir(), 'pair-curator-endpoint-cli-'));
  const pool = join(dir, 'tiny.pool.jsonl');
  const lines = [];
  for (let i = 0; i < 4; i++) {
    for (let j = 0; j < 4; j++) {
      lines.push(
        JSON.stringify({
          prompt_id: `p${i}`,
          prompt: `q${i}`,
          completion: `${'ab'.repeat(i + 1)} ${j} ${'xyz'.slice(j)}`,
        }),
      );
    }
  }
  writeFileSync(pool, `${lines.join('\n')}\n`);
  const before = readFileSync(pool);
  process.env.PAIR_CURATOR_TEST_KEY = 'sk-cli-secret';
  let out = '';
  let err = '';
  const io = { out: (t: string) => (out += `${t}\n`), err: (t: string) => (err += `${t}\n`) };
  try {
    const args = [
      'design',
      pool,
      '--budget',
      '5',
      '--dim',
      '3',
      '--featurizer',
      'endpoint',
      '--embeddings-url',
      `${server.url}?key=query-secret`,
      '--embeddings-model',
      'tiny-model',
      '--embeddings-key-env',
      'PAIR_CURATOR_TEST_KEY',
      '--embeddings-batch',
      '8',
    ];
    assert.equal(await main(args, io), 0, err);
    assert.equal(server.received.length, 2, '16 texts in batches of 8');
    assert.equal(server.received[0].headers.authorization, 'Bearer sk-cli-secret');
    const report = readFileSync(join(dir, 'tiny.pool.design.json'), 'utf8');
    const features = JSON.parse(report).features;
    assert.equal(features.featurizer, 'endpoint');
    assert.equal(features.model, 'tiny-model');
    assert.equal(features.url, `${server.url}/v1/embeddings`);
    assert.deepEqual([features.cache.hits, features.cache.misses], [0, 16]);
    for (const text of [report, out, err, readFileSync(features.cache.file).toString('latin1')]) {
      assert.ok(!text.includes('sk-cli-secret') && !text.includes('query-secret'));
    }
    assert.match(
      out,
      /Embedded 16 completions with tiny-model at http:\/\/127\.0\.0\.1:\d+\/v1\/embeddings/,
    );

    out = '';
    assert.equal(await main(args, io), 0, err);
    assert.equal(server.received.length, 2, 'the second run asks the server nothing');
    assert.match(out, /16 from the cache, 0 distinct texts embedded/);
    assert.deepEqual(readFileSync(pool), before);

    assert.equal(await main(['design', pool, '--budget', '5', '--featurizer', 'endpoint'], io), 2);
    assert.match(err, /--featurizer endpoint needs --embeddings-url and --embeddings-model/);
    const badUrl = [
      '--featurizer',
      'endpoint',
      '--embeddings-url',
      'ftp://h',
      '--embeddings-model',
      'm',
    ];
    assert.equal(await main(['design', pool, '--budget', '5', ...badUrl], io), 2);
    assert.match(err, /--embeddings-url: The embeddings URL must use http or https, got ftp:/);
    assert.equal(await main(['score', pool, '--embeddings-model', 'x'], io), 2);
    assert.match(err, /--embeddings-model is an option of --featurizer endpoint/);
  } finally {
    delete process.env.PAIR_CURATOR_TEST_KEY;
    await server.close();
  }
});
