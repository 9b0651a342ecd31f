import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  describeReading,
  PoolError,
  parsePoolText,
  readPoolFile,
  summarisePool,
  type Pool,
} from '../../../src/core/pool/index';
import { fixture } from './helpers';

const jsonl = (...records: unknown[]) => records.map((r) => JSON.stringify(r)).join('\n');
const hash = (text: string) => createHash('sha1').update(text).digest('hex').slice(0, 12);
const texts = (pool: Pool) => pool.prompts.map((p) => p.completions.map((c) => c.text));
const ids = (pool: Pool) => pool.prompts.map((p) => p.completions.map((c) => c.id));

describe('--map with nested paths', () => {
  const map = {
    prompt_id: 'question_id',
    prompt: 'conversation.turns.0',
    completion: 'choices.0.turns.0',
    completion_id: 'model_id',
  };

  it('reads fields from inside objects and lists', async () => {
    const pool = await readPoolFile(fixture('nested.jsonl'), { map });
    assert.equal(pool.shape, 'long');
    assert.deepEqual(
      pool.prompts.map((p) => [p.id, p.text]),
      [
        ['81', 'Write a haiku about autumn.'],
        ['82', 'What is 7 times 8?'],
      ],
    );
    assert.deepEqual(texts(pool), [
      ['Leaves drift down slowly', 'Red maple whispers'],
      ['56', '7 x 8 = 56'],
    ]);
    assert.deepEqual(ids(pool), [
      ['m1', 'm2'],
      ['m1', 'm2'],
    ]);
    assert.deepEqual(pool.mapping, map);
  });

  it('indexes from the end with negative segments', () => {
    const text = jsonl(
      { q: 'Q', turns: ['first draft', 'final A'] },
      { q: 'Q', turns: ['first draft', 'final B'] },
    );
    const pool = parsePoolText(text, 'neg.jsonl', { map: { prompt: 'q', completion: 'turns.-1' } });
    assert.deepEqual(texts(pool), [['final A', 'final B']]);
  });

  it('follows a path into a CSV cell that holds JSON', () => {
    const csv = 'id,q,choices\n1,Q,"[{""turns"": [""yes""]}]"\n1,Q,"[{""turns"": [""no""]}]"\n';
    const map = { prompt_id: 'id', prompt: 'q', completion: 'choices.0.turns.0' };
    const pool = parsePoolText(csv, 'cells.csv', { map });
    assert.deepEqual(texts(pool), [['yes', 'no']]);
  });

  it('without the map, says which fields it saw and suggests --map', async () => {
    await assert.rejects(readPoolFile(fixture('nested.jsonl')), (error: unknown) => {
      assert.ok(error instanceof PoolError);
      assert.equal(error.code, 'unknown-shape');
      assert.equal(error.line, 1);
      assert.match(error.message, /nested\.jsonl:1: cannot tell the pool's shape/);
      assert.match(error.message, /`question_id`, `category`, `conversation`, `model_id`/);
      assert.match(error.message, /--map completion=FIELD/);
      return true;
    });
  });

  it('reads a wide pool when the mapped completion field is a list', () => {
    const text = jsonl({ q: 'Q', outs: ['a', 'b', 'c'] });
    const pool = parsePoolText(text, 'm.jsonl', { map: { prompt: 'q', completion: 'outs' } });
    assert.equal(pool.shape, 'wide');
    assert.deepEqual(ids(pool), [['0', '1', '2']]);
  });

  it('states a mapped field even when no record held a usable value in it', () => {
    const text = jsonl({ q: 'Q', outs: ['a', 'b', 'c'] });
    const map = { prompt: 'q', completion: 'outs', score: 'outs.*' };
    const pool = parsePoolText(text, 'm.jsonl', { map });
    assert.equal(pool.mapping.score, 'outs.*');
    assert.match(describeReading(pool), /, score = outs\.\*/);
    assert.deepEqual(
      pool.problems.map((p) => p.code),
      ['non-finite-number', 'non-finite-number', 'non-finite-number', 'unused-mapping'],
    );
    assert.equal(
      pool.problems[3]!.message,
      '--map score=outs.*: no record held a usable value there; check the path (nothing was ' +
        'read for it)',
    );

    // A misspelt optional path is said, where nothing else would say it.
    const typo = parsePoolText(text, 'm.jsonl', { map: { ...map, score: 'scroe' } });
    assert.deepEqual(
      typo.problems.map((p) => `${p.code}@${p.line}:${p.field}`),
      ['unused-mapping@1:scroe'],
    );
    assert.equal(typo.problems[0]!.severity, 'warning');
  });
});

describe('prompt grouping', () => {
  it('groups by prompt text when there is no prompt_id, with a hash as id', () => {
    const pool = parsePoolText(
      jsonl(
        { prompt: 'Q', completion: 'a' },
        { prompt: 'R', completion: 'c' },
        { prompt: 'Q', completion: 'b' },
        { prompt: 'R', completion: 'd' },
      ),
      'text.jsonl',
    );
    assert.deepEqual(
      pool.prompts.map((p) => p.id),
      [hash('Q'), hash('R')],
    );
    assert.deepEqual(texts(pool), [
      ['a', 'b'],
      ['c', 'd'],
    ]);
    assert.equal(pool.mapping.prompt_id, undefined);
  });

  it('renders chat-message prompts as role: content lines', () => {
    const prompt = [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: [{ type: 'text', text: 'Hi' }] },
    ];
    const pool = parsePoolText(
      jsonl({ prompt, completion: 'Hello' }, { prompt, completion: 'Hey' }),
      'chat.jsonl',
    );
    const text = 'system: Be brief.\nuser: Hi';
    assert.equal(pool.prompts[0]!.text, text);
    assert.equal(pool.prompts[0]!.id, hash(text));
  });

  it('splits a conversation: earlier turns are the prompt, the last the completion', () => {
    const turn = (role: string, content: string) => ({ role, content });
    const pool = parsePoolText(
      jsonl(
        { messages: [turn('user', 'Hi'), turn('assistant', 'Hello!')] },
        { messages: [turn('user', 'Hi'), turn('assistant', 'Hey.')] },
      ),
      'messages.jsonl',
    );
    assert.equal(pool.shape, 'long');
    assert.equal(pool.prompts[0]!.text, 'user: Hi');
    assert.deepEqual(texts(pool), [['Hello!', 'Hey.']]);
    assert.deepEqual(pool.mapping, { prompt: 'messages.:-1', completion: 'messages.-1' });
  });

  it('joins instruction and input with a blank line (alpaca style)', () => {
    const pool = parsePoolText(
      jsonl(
        { instruction: 'Translate to English.', input: 'chat', output: 'cat' },
        { instruction: 'Translate to English.', input: 'chat', output: 'chat' },
        { instruction: 'Say hi.', input: '', output: 'hi' },
        { instruction: 'Say hi.', input: '', output: 'hello' },
      ),
      'alpaca.jsonl',
    );
    assert.deepEqual(
      pool.prompts.map((p) => p.text),
      ['Translate to English.\n\nchat', 'Say hi.'],
    );
    assert.equal(pool.mapping.prompt, 'instruction+input');
    assert.equal(pool.mapping.completion, 'output');
  });

  it('joins mapped prompt fields written a+b', () => {
    const record = (reply: string) => ({ title: 'Title', body: 'Body', reply });
    const map = { prompt: 'title+body', completion: 'reply' };
    const pool = parsePoolText(jsonl(record('x'), record('y')), 'm.jsonl', { map });
    assert.equal(pool.prompts[0]!.text, 'Title\n\nBody');
    assert.equal(pool.mapping.prompt, 'title+body');
  });

  it('reads question / answer records', () => {
    const pool = parsePoolText(
      jsonl({ question: '2+2?', answer: '4' }, { question: '2+2?', answer: 'four' }),
      'qa.jsonl',
    );
    assert.deepEqual(pool.mapping, { prompt: 'question', completion: 'answer' });
    assert.deepEqual(texts(pool), [['4', 'four']]);
  });
});

describe('long shape details', () => {
  it('counts numeric strings as numbers', () => {
    const pool = parsePoolText(
      jsonl(
        { prompt: 'Q', completion: 'a', score: '7.5', logp_ref: ' -2 ', cost: '0.25' },
        { prompt: 'Q', completion: 'b', score: 3 },
      ),
      'num.jsonl',
    );
    const [a, b] = pool.prompts[0]!.completions;
    assert.deepEqual([a!.score, a!.logpRef, a!.cost, b!.score], [7.5, -2, 0.25, 3]);
  });

  it('uses completion_id, else model, else the position; repeated ids stay distinct', () => {
    const byModel = parsePoolText(
      jsonl(
        { prompt: 'Q', completion: 'a', model: 'm' },
        { prompt: 'Q', completion: 'b', model: 'm' },
        { prompt: 'Q', completion: 'c', model: 'n', completion_id: 'c9' },
      ),
      'ids.jsonl',
    );
    assert.deepEqual(ids(byModel), [['m', 'm#2', 'c9']]);
    // In the order tried, so that giving the mapping back with --map reads the same ids.
    assert.equal(byModel.mapping.completion_id, 'completion_id|model');
    const again = parsePoolText(
      jsonl(
        { prompt: 'Q', completion: 'a', model: 'm' },
        { prompt: 'Q', completion: 'b', model: 'm' },
        { prompt: 'Q', completion: 'c', model: 'n', completion_id: 'c9' },
      ),
      'ids.jsonl',
      { map: { completion_id: byModel.mapping.completion_id } },
    );
    assert.deepEqual(ids(again), ids(byModel));

    const byPosition = parsePoolText(
      jsonl({ prompt: 'Q', text: 'x' }, { prompt: 'Q', text: '' }, { prompt: 'Q', text: 'y' }),
      'pos.jsonl',
    );
    // The empty completion keeps its place: ids are positions in the file, not in the pool.
    assert.deepEqual(ids(byPosition), [['0', '2']]);
  });

  it('lets options.shape override detection', () => {
    const record = (c: string) => ({ prompt: 'Q', completion: c, chosen: 'x', rejected: 'y' });
    const text = jsonl(record('a'), record('b'));
    assert.equal(parsePoolText(text, 's.jsonl').shape, 'pairs');
    const long = parsePoolText(text, 's.jsonl', { shape: 'long' });
    assert.equal(long.shape, 'long');
    assert.deepEqual(texts(long), [['a', 'b']]);
  });
});

describe('wide shape details', () => {
  it('reads object items with their own text field, id and score', () => {
    const pool = parsePoolText(
      jsonl({
        prompt: 'Q',
        responses: [
          { model: 'm1', text: 'a', score: '3' },
          { model: 'm2', content: 'b' },
          { completion_id: 'x', response: 'c', embedding: [1, 2] },
        ],
      }),
      'objects.jsonl',
    );
    const [a, b, c] = pool.prompts[0]!.completions;
    assert.deepEqual([a!.id, a!.text, a!.score], ['m1', 'a', 3]);
    assert.deepEqual([b!.id, b!.text, b!.score], ['m2', 'b', undefined]);
    assert.deepEqual([c!.id, Array.from(c!.embedding!)], ['x', [1, 2]]);
  });

  it('treats null in a parallel list as missing, never as zero', () => {
    const pool = parsePoolText(
      jsonl({ prompt: 'Q', answers: ['a', 'b', 'c'], all_rm_scores: [1.5, null, 0] }),
      'nulls.jsonl',
    );
    const scores = pool.prompts[0]!.completions.map((c) => c.score);
    assert.deepEqual(scores, [1.5, undefined, 0]);
    assert.equal(pool.mapping.score, 'all_rm_scores');
    assert.deepEqual(pool.problems, []);
  });

  it('reads completions that are single chat messages', () => {
    const reply = (content: string) => [{ role: 'assistant', content }];
    const pool = parsePoolText(
      jsonl({ prompt: 'Q', all_generated_responses: [reply('a'), reply('b')] }),
      'msgs.jsonl',
    );
    assert.deepEqual(texts(pool), [['a', 'b']]);
  });
});

describe('pairs shape details', () => {
  const turn = (role: string, content: string) => ({ role, content });

  it('takes the prompt of implicit-prompt conversational pairs from the leading turns', () => {
    const pool = parsePoolText(
      jsonl(
        {
          chosen: [turn('user', 'Hi'), turn('assistant', 'Hello!')],
          rejected: [turn('user', 'Hi'), turn('assistant', 'Go away.')],
        },
        {
          prompt: [turn('user', 'Hi')],
          chosen: [turn('assistant', 'Hey there.')],
          rejected: [turn('assistant', 'Go away.')],
        },
      ),
      'trl.jsonl',
    );
    assert.equal(pool.prompts.length, 1);
    assert.equal(pool.prompts[0]!.text, 'user: Hi');
    assert.deepEqual(texts(pool), [['Hello!', 'Go away.', 'Hey there.']]);
    assert.deepEqual(
      pool.labels.map((l) => [l.chosen, l.rejected, l.line]),
      [
        [0, 1, 1],
        [2, 1, 2],
      ],
    );
  });

  it('reads score_chosen and score_rejected as completion scores', () => {
    const pool = parsePoolText(
      jsonl(
        { prompt: 'Q', chosen: 'a', rejected: 'b', score_chosen: 8, score_rejected: '2' },
        { prompt: 'Q', chosen: 'c', rejected: 'b' },
      ),
      'scored.jsonl',
    );
    const scores = pool.prompts[0]!.completions.map((c) => c.score);
    assert.deepEqual(scores, [8, 2, undefined]);
    assert.equal(pool.mapping.score, 'score_chosen+score_rejected');
  });
});

describe('summarisePool', () => {
  it('counts prompts, completions, candidate pairs, labels and problems', async () => {
    const pairs = summarisePool(await readPoolFile(fixture('pairs.jsonl')));
    assert.deepEqual(pairs, {
      prompts: 2,
      completions: 5,
      pairs: 1 + 3,
      labels: 3,
      problemsByCode: {},
      offered: { prompts: 2, completions: 5, pairs: 1 + 3 },
    });

    const problems = summarisePool(await readPoolFile(fixture('problems.jsonl')));
    assert.equal(problems.problemsByCode['non-finite-number'], 3);
    assert.equal(problems.problemsByCode['malformed-record'], 2);
  });
});
