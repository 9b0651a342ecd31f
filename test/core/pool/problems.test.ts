import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import {
  PoolError,
  parsePoolText,
  readPoolFile,
  type Pool,
  type ProblemCode,
} from '../../../src/core/pool/index';
import { readNumber } from '../../../src/core/pool/record-fields';
import { fixture, where } from './helpers';

const dir = mkdtempSync(join(tmpdir(), 'pair-curator-problems-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const jsonl = (...records: unknown[]) => records.map((r) => JSON.stringify(r)).join('\n');

/** The one problem of a pool with that code. */
function only(pool: Pool, code: ProblemCode) {
  const found = pool.problems.filter((p) => p.code === code);
  assert.equal(found.length, 1, `one ${code} expected, got ${found.length}`);
  return found[0]!;
}

/** Asserts `fn` throws a PoolError and hands it over for more checks. */
function poolError(fn: () => unknown): PoolError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof PoolError, `expected a PoolError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected a PoolError');
}

describe('problems of a streamed file, each with its line and field', () => {
  it('reports every problem and keeps what is usable', async () => {
    const pool = await readPoolFile(fixture('problems.jsonl'));
    assert.deepEqual(where(pool.problems), [
      'non-finite-number@2:score',
      'embedding-dimension@3:embedding',
      'duplicate-completion@4:completion',
      'missing-text@5:completion',
      'single-completion@6:prompt_id',
      'missing-prompt@7:prompt',
      'malformed-record@8:-',
      'malformed-record@10:-',
      'non-finite-number@11:score',
      'non-finite-number@11:cost',
    ]);
    assert.equal(pool.records, 10);
    assert.deepEqual(
      pool.prompts.map((p) => p.id),
      ['p1'],
    );

    // A, B, C and E are kept: bad numbers and embeddings are dropped, not their completions.
    const [a, b, c, e] = pool.prompts[0]!.completions;
    assert.deepEqual(
      [a, b, c, e].map((x) => x!.text),
      ['A', 'B', 'C', 'E'],
    );
    assert.equal(b!.score, undefined);
    assert.deepEqual(Array.from(b!.embedding!), [3, 4]);
    assert.equal(c!.embedding, undefined);
    assert.equal(e!.score, undefined);
    assert.equal(e!.cost, undefined);
  });

  it('words each message so the curator knows what to do', async () => {
    const pool = await readPoolFile(fixture('problems.jsonl'));
    const message = (code: ProblemCode) => pool.problems.find((p) => p.code === code)!.message;
    assert.equal(
      message('non-finite-number'),
      '`score` NaN is not a finite number; treated as missing',
    );
    assert.match(
      message('embedding-dimension'),
      /has 3 dimensions but the first embedding \(line 1\)/,
    );
    assert.match(message('duplicate-completion'), /repeats completion `0` \(line 1\)/);
    assert.equal(message('missing-text'), '`completion` is empty; record skipped');
    assert.match(message('single-completion'), /prompt `p2` has 1 usable completion; left out/);
    assert.match(message('missing-prompt'), /no `prompt_id` and no prompt text \(`prompt`\)/);
    assert.match(message('malformed-record'), /^not valid JSON \(.+\); record skipped/);
    assert.equal(pool.problems[0]!.severity, 'warning');
    assert.equal(pool.problems[1]!.severity, 'error');
    assert.equal(pool.problems[0]!.file, fixture('problems.jsonl'));
  });
});

describe('problems in the other shapes and encodings', () => {
  it('reports a record that is not an object', () => {
    const text =
      '{"prompt": "Q", "completion": "a"}\n"just a string"\n{"prompt": "Q", "completion": "b"}';
    const problem = only(parsePoolText(text, 'x.jsonl'), 'malformed-record');
    assert.equal(problem.line, 2);
    assert.match(problem.message, /the record is "just a string", not an object/);
  });

  it('reports a parallel list of the wrong length and skips only that list', () => {
    const pool = parsePoolText(
      jsonl(
        { prompt: 'Q', completions: ['a', 'b'], scores: [1, 2] },
        { prompt: 'R', completions: ['c', 'd', 'e'], scores: [1, 2], models: ['x', 'y', 'z'] },
      ),
      'wide.jsonl',
    );
    const problem = only(pool, 'parallel-lists');
    assert.equal(problem.line, 2);
    assert.equal(problem.field, 'scores');
    assert.match(problem.message, /`scores` has 2 entries for 3 completions; ignored/);
    assert.deepEqual(
      pool.prompts[1]!.completions.map((c) => [c.id, c.score]),
      [
        ['x', undefined],
        ['y', undefined],
        ['z', undefined],
      ],
    );
  });

  it('names the item of a wide list that has no text', () => {
    const pool = parsePoolText(
      jsonl({ prompt: 'Q', responses: ['a', { model: 'm' }, '  ', 'b'] }),
      'wide.jsonl',
    );
    assert.deepEqual(where(pool.problems), [
      'missing-text@1:responses.1',
      'missing-text@1:responses.2',
    ]);
    assert.match(pool.problems[0]!.message, /`responses.1` holds an object, not text/);
  });

  it('reports non-finite numbers in a parallel list by index', () => {
    const text = '{"prompt": "Q", "completions": ["a", "b"], "logps": [-1, -Infinity]}';
    const problem = only(parsePoolText(text, 'wide.jsonl'), 'non-finite-number');
    assert.equal(problem.field, 'logps.1');
  });

  it('reports an embedding with a non-number in it', () => {
    const pool = parsePoolText(
      jsonl(
        { prompt: 'Q', completion: 'a', embedding: [1, 'x'] },
        { prompt: 'Q', completion: 'b', embedding: [1, 2] },
      ),
      'x.jsonl',
    );
    const problem = only(pool, 'non-finite-number');
    assert.equal(problem.line, 1);
    assert.equal(problem.field, 'embedding');
    assert.match(problem.message, /entry 1 = "x", not a finite number; the embedding is dropped/);
  });

  it('skips a labelled pair whose two sides are the same text', () => {
    const pool = parsePoolText(
      jsonl(
        { prompt: 'Q', chosen: 'a', rejected: 'b' },
        { prompt: 'Q', chosen: 'same', rejected: 'same ' },
        { prompt: 'Q', chosen: 'a' },
      ),
      'pairs.jsonl',
    );
    assert.deepEqual(where(pool.problems), [
      'duplicate-completion@2:rejected',
      'missing-text@3:rejected',
    ]);
    assert.equal(pool.labels.length, 1);
    assert.equal(pool.prompts[0]!.completions.length, 2);
  });

  it('reports CSV problems at their lines, the header on line 1', () => {
    const csv = [
      'prompt,completion,score',
      'Q,a,1',
      'Q,b,inf',
      'Q,c',
      'Q,"d ""quoted"" text",2',
      'Q,,3',
    ].join('\n');
    const pool = parsePoolText(csv, 'pool.csv');
    assert.deepEqual(where(pool.problems), [
      'non-finite-number@3:score',
      'malformed-record@4:-',
      'missing-text@6:completion',
    ]);
    assert.match(pool.problems[1]!.message, /row has 2 cells but the header has 3/);
    assert.equal(pool.prompts[0]!.completions[2]!.text, 'd "quoted" text');
  });

  it('names the line a CSV or TSV row starts on, past multi-line cells and blanks', async () => {
    const rows = (separator: string) =>
      [
        ['prompt', 'completion', 'score'],
        [],
        ['Q', '"first\nsecond\nthird"', '1'],
        [],
        [],
        ['Q', 'b', 'inf'],
        ['Q', 'c'],
        ['Q', '"d\n\ne"', '2'],
        ['Q', '', '3'],
      ]
        .map((cells) => cells.join(separator))
        .join('\n');
    const expected = [
      'non-finite-number@8:score',
      'malformed-record@9:-',
      'missing-text@13:completion',
    ];
    for (const [format, separator] of [
      ['csv', ','],
      ['tsv', '\t'],
    ] as const) {
      const file = join(dir, `lines.${format}`);
      writeFileSync(file, rows(separator));
      const fromText = parsePoolText(rows(separator), file);
      const fromDisk = await readPoolFile(file);
      for (const pool of [fromText, fromDisk]) {
        assert.deepEqual(where(pool.problems), expected, format);
        assert.deepEqual(
          pool.prompts[0]!.completions.map((c) => c.line),
          [3, 8, 10],
        );
      }
    }
  });

  it('flags a prompt id given other prompt texts, rather than merge them in silence', () => {
    const text = [
      '{"prompt_id": "p1", "prompt": "What is a tide?", "completion": "a"}',
      '{"prompt_id": "p1", "prompt": "What is a tide?", "completion": "b"}',
      '{"prompt_id": "p1", "prompt": "Name a volcano.", "completion": "c"}',
      '{"prompt_id": "p1", "completion": "d"}',
    ].join('\n');
    const pool = parsePoolText(text, 'ids.jsonl');
    assert.deepEqual(where(pool.problems), ['prompt-mismatch@3:prompt']);
    assert.equal(pool.problems[0]!.severity, 'warning');
    assert.match(pool.problems[0]!.message, /"p1" has another prompt text than on line 1/);
    assert.deepEqual(
      pool.prompts.map((p) => [p.text, p.completions.length]),
      [['What is a tide?', 4]],
    );
  });

  it('refuses a bare NaN id (pandas writes it for a missing one) rather than merge by it', () => {
    const text = [
      '{"prompt_id": NaN, "prompt": "Q1", "completion": "a"}',
      '{"prompt_id": NaN, "prompt": "Q2", "completion": "b"}',
      '{"prompt_id": "NaN", "prompt": "Q3", "completion": "c"}',
      '{"prompt_id": "NaN", "prompt": "Q3", "completion": "d"}',
    ].join('\n');
    const pool = parsePoolText(text, 'nan.jsonl');
    assert.deepEqual(where(pool.problems), [
      'malformed-record@1:prompt_id',
      'malformed-record@2:prompt_id',
    ]);
    assert.match(pool.problems[0]!.message, /`prompt_id` holds NaN, not a whole number/);
    // A string "NaN" is an ordinary id.
    assert.deepEqual(
      pool.prompts.map((p) => [p.id, p.completions.length]),
      [['NaN', 2]],
    );
  });

  it('refuses ids beyond 2^53 read from JSON numbers, never merging their prompts', () => {
    // JSON.parse reads both prompt ids as 9007199254740992.
    const text = [
      '{"prompt_id": 9007199254740993, "prompt": "Q", "completion": "a"}',
      '{"prompt_id": 9007199254740992, "prompt": "Q", "completion": "b"}',
      '{"prompt_id": "9007199254740993", "prompt": "Q", "completion": "c"}',
      '{"prompt_id": "9007199254740993", "prompt": "Q", "completion": "d"}',
      '{"prompt_id": 7, "completion_id": 12345678901234567890, "completion": "e"}',
      '{"prompt_id": 7, "completion_id": 2.5, "completion": "f"}',
      '{"prompt_id": 7, "completion_id": 3, "completion": "g"}',
      '{"prompt_id": 7, "completion_id": "4", "completion": "h"}',
    ].join('\n');
    const pool = parsePoolText(text, 'big.jsonl');
    assert.deepEqual(where(pool.problems), [
      'malformed-record@1:prompt_id',
      'malformed-record@2:prompt_id',
      'malformed-record@5:completion_id',
      'malformed-record@6:completion_id',
    ]);
    assert.equal(
      pool.problems[0]!.message,
      '`prompt_id` holds a whole number beyond 2^53 (read as 9007199254740992): ids beyond ' +
        '2^53 cannot be read exactly from JSON; store them as strings; record skipped',
    );
    assert.match(pool.problems[3]!.message, /`completion_id` holds 2\.5, not a whole number/);
    assert.deepEqual(
      pool.prompts.map((p) => [p.id, p.completions.map((c) => c.id)]),
      [
        ['9007199254740993', ['0', '1']],
        ['7', ['3', '4']],
      ],
    );

    const wide = parsePoolText(
      jsonl({ prompt: 'Q', completions: ['a', 'b', 'c'], models: [1, 2 ** 60, 3] }),
      'wide.jsonl',
    );
    assert.deepEqual(where(wide.problems), ['malformed-record@1:models.1']);
    assert.match(wide.problems[0]!.message, /that completion is skipped$/);
    assert.deepEqual(
      wide.prompts[0]!.completions.map((c) => c.id),
      ['1', '3'],
    );
  });

  it('reads numbers written as text in decimal notation only', () => {
    const read = (value: unknown) => {
      const result = readNumber(value);
      return result.ok ? result.value : 'refused';
    };
    assert.deepEqual(
      ['4', ' -0.5 ', '+2', '.25', '1e3', '2.5E-1', '7.'].map(read),
      [4, -0.5, 2, 0.25, 1000, 0.25, 7],
    );
    assert.deepEqual(
      ['0x10', '0b11', '0o7', 'Infinity', '-Infinity', '1_000', '1e', '--1', 'e5'].map(read),
      Array(9).fill('refused'),
    );

    const pool = parsePoolText(
      jsonl(
        { prompt: 'Q', completion: 'a', score: '0x10' },
        { prompt: 'Q', completion: 'b', score: '0b11' },
        { prompt: 'Q', completion: 'c', score: '16' },
      ),
      'hex.jsonl',
    );
    assert.deepEqual(where(pool.problems), [
      'non-finite-number@1:score',
      'non-finite-number@2:score',
    ]);
    assert.deepEqual(
      pool.prompts[0]!.completions.map((c) => c.score),
      [undefined, undefined, 16],
    );
  });

  it('reports a JSON array element that does not parse, and an unclosed array', () => {
    const text =
      '[\n  {"prompt": "Q", "completion": "a"},\n  {"prompt": "Q" "completion": "b"},\n' +
      '  {"prompt": "Q", "completion": "c"}\n';
    const pool = parsePoolText(text, 'pool.json');
    assert.deepEqual(where(pool.problems), ['malformed-record@3:-', 'malformed-record@5:-']);
    assert.match(pool.problems[1]!.message, /not closed with `\]`/);
    assert.equal(pool.prompts[0]!.completions.length, 2);
  });
});

describe('files with nothing usable', () => {
  it('fails on an empty file', async () => {
    const error = poolError(() => parsePoolText('  \n\n', 'empty.jsonl'));
    assert.equal(error.code, 'empty-file');
    assert.equal(error.message, 'empty.jsonl: the file holds no records');
    assert.equal(poolError(() => parsePoolText('[]', 'empty.json')).code, 'empty-file');
    assert.equal(poolError(() => parsePoolText('', 'empty.csv')).code, 'empty-file');
    assert.equal(poolError(() => parsePoolText('prompt,completion\n', 'h.csv')).code, 'empty-file');
  });

  it('fails with a count of what was skipped when no prompt has two completions', () => {
    const text = jsonl(
      { prompt: 'Q', completion: '' },
      { prompt: 'Q', completion: 'only' },
      { prompt: 'R', completion: '' },
    );
    const error = poolError(() => parsePoolText(text, 'bad.jsonl'));
    assert.equal(
      error.message,
      'bad.jsonl:1: no prompt has two usable completions; 3 records read, problems: ' +
        '2 missing-text, 2 single-completion; first: `completion` is empty; record skipped',
    );
    assert.equal(error.line, 1);
    assert.equal(error.field, 'completion');
    assert.equal(error.code, 'missing-text');
  });

  it('fails when no record parses', () => {
    const error = poolError(() => parsePoolText('not json\nnor this', 'junk.jsonl'));
    assert.equal(error.code, 'malformed-record');
    assert.match(error.message, /^junk\.jsonl:1: no record could be read; 2 records, problems: 2/);
  });

  it('fails on an unknown shape, naming the fields and --map', () => {
    const error = poolError(() => parsePoolText(jsonl({ id: 1, body: 'x' }), 'odd.jsonl'));
    assert.equal(error.code, 'unknown-shape');
    assert.match(error.message, /fields `id`, `body`; name them with --map/);
  });

  it('names the file once, with the line first when there is one', async () => {
    const errors = [
      poolError(() => parsePoolText(jsonl({ prompt: 'Q', completion: '' }), 'one.jsonl')),
      poolError(() => parsePoolText('not json', 'junk.jsonl')),
      poolError(() => parsePoolText(jsonl({ id: 1 }), 'odd.jsonl')),
      poolError(() => parsePoolText('', 'empty.jsonl')),
    ];
    const cut = join(dir, 'cut.jsonl.gz');
    writeFileSync(cut, gzipSync(jsonl({ prompt: 'Q', completion: 'a' })).subarray(0, 20));
    const failed = await readPoolFile(cut).then(
      () => assert.fail('expected a PoolError'),
      (error: unknown) => error,
    );
    assert.ok(failed instanceof PoolError);
    errors.push(failed);

    for (const error of errors) {
      assert.ok(error instanceof PoolError);
      const where = error.line === undefined ? error.file : `${error.file}:${error.line}`;
      assert.ok(error.message.startsWith(`${where}: `), error.message);
      assert.equal(error.message.split(error.file).length, 2, error.message);
    }
    assert.deepEqual(
      errors.map((e) => e.line),
      [1, 1, 1, undefined, 1],
    );
  });

  it('fails with the file named when it cannot be read', async () => {
    await assert.rejects(readPoolFile(fixture('no-such-file.jsonl')), (error: unknown) => {
      assert.ok(error instanceof PoolError);
      assert.match(error.message, /no-such-file\.jsonl: cannot read the file \(ENOENT/);
      return true;
    });
    await assert.rejects(readPoolFile(fixture('no-such-file.csv')), PoolError);
  });

  it('stops when its signal is aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const signal = controller.signal;
    await assert.rejects(readPoolFile(fixture('long.jsonl'), { signal }), { name: 'AbortError' });
    await assert.rejects(readPoolFile(fixture('long.csv'), { signal }), { name: 'AbortError' });
  });
});
