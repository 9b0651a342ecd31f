import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import {
  formatFromName,
  parsePoolText,
  readPoolFile,
  sniffFormat,
  type PoolFormat,
  type PoolShape,
} from '../../../src/core/pool/index';
import { content, fixture } from './helpers';

const P1 = 'Name a prime number.';
const P2 = 'Say hello in French.';
const QUOTED = 'He said "bonjour",\nthen left.';

/** The long and wide fixtures hold the same two prompts and five completions. */
const COMPLETIONS = {
  prompts: [
    {
      id: 'p1',
      text: P1,
      completions: [
        { id: 'a', text: '2', score: 9, logpRef: -1.5, cost: undefined, embedding: [1, 0, 0] },
        { id: 'b', text: 'Seven', score: 4, logpRef: -2.25, cost: undefined, embedding: [0, 1, 0] },
      ],
    },
    {
      id: 'p2',
      text: P2,
      completions: [
        {
          id: 'a',
          text: 'Bonjour',
          score: 8,
          logpRef: -0.5,
          cost: undefined,
          embedding: [0, 0, 1],
        },
        {
          id: 'b',
          text: 'Salut, ça va ?',
          score: 7,
          logpRef: -1,
          cost: undefined,
          embedding: [0.5, 0.5, 0],
        },
        {
          id: 'c',
          text: QUOTED,
          score: undefined,
          logpRef: -3,
          cost: undefined,
          embedding: [0.25, 0, 0.75],
        },
      ],
    },
  ],
  labels: [],
};

const bare = (id: string, text: string) => ({
  id,
  text,
  score: undefined,
  logpRef: undefined,
  cost: undefined,
  embedding: undefined,
});

/** The pairs fixture: the same texts, ids by position, and three labels. */
const PAIRS = {
  prompts: [
    { id: 'p1', text: P1, completions: [bare('0', '2'), bare('1', 'Seven')] },
    {
      id: 'p2',
      text: P2,
      completions: [bare('0', 'Bonjour'), bare('1', 'Salut, ça va ?'), bare('2', QUOTED)],
    },
  ],
  labels: [
    { prompt: 0, chosen: 0, rejected: 1 },
    { prompt: 1, chosen: 0, rejected: 1 },
    { prompt: 1, chosen: 1, rejected: 2 },
  ],
};

const EXPECTED: Record<PoolShape, unknown> = { long: COMPLETIONS, wide: COMPLETIONS, pairs: PAIRS };
const FORMATS: PoolFormat[] = ['jsonl', 'json', 'csv', 'tsv'];

describe('every shape in every encoding', () => {
  for (const shape of ['long', 'wide', 'pairs'] as const) {
    for (const format of FORMATS) {
      const file = fixture(`${shape}.${format}`);

      it(`reads ${shape}.${format} from disk`, async () => {
        const pool = await readPoolFile(file);
        assert.equal(pool.shape, shape);
        assert.equal(pool.format, format);
        assert.deepEqual(pool.problems, []);
        assert.deepEqual(content(pool), EXPECTED[shape]);
      });

      it(`reads ${shape}.${format} from memory the same way`, async () => {
        const fromDisk = await readPoolFile(file);
        const fromText = parsePoolText(readFileSync(file, 'utf8'), file);
        assert.deepEqual(fromText, fromDisk);
      });
    }
  }

  it('numbers lines in JSONL and CSV (the header on line 1)', async () => {
    const jsonl = await readPoolFile(fixture('long.jsonl'));
    const lines = jsonl.prompts.flatMap((p) => p.completions.map((c) => c.line));
    assert.deepEqual(lines, [1, 2, 3, 4, 5]);
    assert.deepEqual(
      jsonl.prompts.map((p) => p.line),
      [1, 3],
    );

    const csv = await readPoolFile(fixture('long.csv'));
    const rows = csv.prompts.flatMap((p) => p.completions.map((c) => c.line));
    assert.deepEqual(rows, [2, 3, 4, 5, 6]);
  });

  it('gives each element of a pretty-printed JSON array the line it starts on', async () => {
    const pool = await readPoolFile(fixture('pairs.json'));
    assert.deepEqual(
      pool.labels.map((l) => l.line),
      [2, 8, 14],
    );
  });

  it('records the mapping it used', async () => {
    const long = await readPoolFile(fixture('long.csv'));
    assert.deepEqual(long.mapping, {
      prompt_id: 'prompt_id',
      prompt: 'prompt',
      completion: 'completion',
      completion_id: 'model',
      score: 'score',
      logp_ref: 'logp_ref',
      embedding: 'embedding',
    });
    const wide = await readPoolFile(fixture('wide.jsonl'));
    assert.deepEqual(wide.mapping, {
      prompt_id: 'prompt_id',
      prompt: 'prompt',
      completion: 'completions',
      completion_id: 'models',
      score: 'scores',
      logp_ref: 'logps',
      embedding: 'embeddings',
    });
    const pairs = await readPoolFile(fixture('pairs.tsv'));
    assert.deepEqual(pairs.mapping, {
      prompt_id: 'prompt_id',
      prompt: 'prompt',
      chosen: 'chosen',
      rejected: 'rejected',
    });
  });
});

describe('format from the file name, the content, or the options', () => {
  it('maps extensions, including compound ones', () => {
    assert.equal(formatFromName('data/arena.pool.jsonl'), 'jsonl');
    assert.equal(formatFromName('x.NDJSON'), 'jsonl');
    assert.equal(formatFromName('x.json'), 'json');
    assert.equal(formatFromName('x.pool.csv'), 'csv');
    assert.equal(formatFromName('x.tsv'), 'tsv');
    assert.equal(formatFromName('untitled:Untitled-1'), undefined);
  });

  it('sniffs names that say nothing', () => {
    assert.equal(sniffFormat('\uFEFF  [{"a": 1}]'), 'json');
    assert.equal(sniffFormat('{"a": 1}\n{"a": 2}'), 'jsonl');
    assert.equal(sniffFormat('prompt\tcompletion\nq\ta'), 'tsv');
    assert.equal(sniffFormat('prompt,completion\nq,a'), 'csv');

    const text = readFileSync(fixture('long.tsv'), 'utf8');
    const pool = parsePoolText(text, 'untitled:Untitled-1');
    assert.equal(pool.format, 'tsv');
    assert.equal(pool.prompts.length, 2);
  });

  it('reads JSONL saved under a .json name as JSONL', () => {
    const text = readFileSync(fixture('long.jsonl'), 'utf8');
    const pool = parsePoolText(text, 'pool.json');
    assert.equal(pool.format, 'jsonl');
    assert.deepEqual(content(pool), COMPLETIONS);
  });

  it('reads a JSON array saved under a .jsonl name as an array', () => {
    const text = readFileSync(fixture('long.json'), 'utf8');
    const pool = parsePoolText(text, 'pool.jsonl');
    assert.equal(pool.format, 'json');
    assert.deepEqual(content(pool), COMPLETIONS);
  });

  it('lets options.format override the name', async () => {
    const pool = await readPoolFile(fixture('long.tsv'), { format: 'tsv' });
    assert.equal(pool.format, 'tsv');
    const text = readFileSync(fixture('wide.jsonl'), 'utf8');
    assert.equal(parsePoolText(text, 'pool.txt', { format: 'jsonl' }).shape, 'wide');
  });

  it('ignores a byte-order mark and Windows line ends', () => {
    const text = '\uFEFF' + readFileSync(fixture('long.jsonl'), 'utf8').replace(/\n/g, '\r\n');
    assert.deepEqual(content(parsePoolText(text, 'bom.jsonl')), COMPLETIONS);

    const csv = '\uFEFF' + readFileSync(fixture('long.csv'), 'utf8');
    assert.deepEqual(content(parsePoolText(csv, 'bom.csv')), COMPLETIONS);
  });
});
