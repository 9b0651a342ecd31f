import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  describeReading,
  parsePoolText,
  readPoolFile,
  summarisePool,
  type DatasetShape,
  type Pool,
  type PoolShape,
  type ReadOptions,
} from '../../../src/core/pool/index';
import { getPath } from '../../../src/core/pool/record-fields';
import { glossField, itemField, readField } from '../../../src/core/pool/field-spec';
import { content, fixture, where } from './helpers';

const jsonl = (...records: unknown[]) => records.map((r) => JSON.stringify(r)).join('\n');
const texts = (pool: Pool) => pool.prompts.map((p) => p.completions.map((c) => c.text));
const scores = (pool: Pool) => pool.prompts.map((p) => p.completions.map((c) => c.score));
const ids = (pool: Pool) => pool.prompts.map((p) => p.completions.map((c) => c.id));
const labels = (pool: Pool) => pool.labels.map((l) => [l.prompt, l.chosen, l.rejected, l.line]);

/** What every fixture is checked for: counts before and after dropping, problems, statement. */
interface Expected {
  file: string;
  dataset: DatasetShape;
  shape: PoolShape;
  records: number;
  prompts: number;
  completions: number;
  pairs: number;
  labels: number;
  offered: { prompts: number; completions: number; pairs: number };
  problems: string[];
  reading: string;
}

const EXPECTED: Expected[] = [
  {
    file: 'ultrafeedback.jsonl',
    dataset: 'ultrafeedback',
    shape: 'wide',
    records: 4,
    prompts: 2,
    completions: 8,
    pairs: 6 + 6,
    labels: 0,
    offered: { prompts: 3, completions: 4 + 6 + 1, pairs: 6 + 15 + 0 },
    problems: [
      'missing-text@2:completions.1.response',
      'non-finite-number@2:completions.3.overall_score',
      'duplicate-completion@2:completions.4.response',
      'single-completion@3:instruction',
      'malformed-record@4:-',
    ],
    reading:
      'read as UltraFeedback (one prompt a record): prompt = instruction, ' +
      'completion = completions.*.response, completion_id = completions.*.model, ' +
      'score = completions.*.overall_score|mean(completions.*.annotations.*.Rating) ' +
      '(overall_score, else the mean of the aspect ratings; "N/A" is missing); ' +
      '4 completions a prompt',
  },
  {
    file: 'nectar.jsonl',
    dataset: 'nectar',
    shape: 'wide',
    records: 2,
    prompts: 2,
    completions: 7,
    pairs: 6 + 3,
    labels: 0,
    offered: { prompts: 2, completions: 7, pairs: 9 },
    problems: ['non-finite-number@2:answers.2.rank'],
    reading:
      'read as Nectar (one prompt a record): prompt = prompt, completion = answers.*.answer, ' +
      'completion_id = answers.*.model, score = -answers.*.rank (minus the rank: rank 1 is ' +
      'best); 3 to 4 completions a prompt (median 3.5)',
  },
  {
    file: 'scored-generations.jsonl',
    dataset: 'scored-generations',
    shape: 'wide',
    records: 3,
    prompts: 3,
    completions: 8,
    pairs: 3 + 3 + 1,
    labels: 0,
    offered: { prompts: 3, completions: 8, pairs: 7 },
    problems: ['parallel-lists@2:all_rm_scores', 'parallel-lists@3:all_rm_scores'],
    reading:
      'read as scored generations (one prompt a record): prompt = prompt, ' +
      'completion = all_generated_responses, score = all_rm_scores; ' +
      '2 to 3 completions a prompt (median 3)',
  },
  {
    file: 'helpsteer.csv',
    dataset: 'helpsteer',
    shape: 'long',
    records: 6,
    prompts: 2,
    completions: 4,
    pairs: 2,
    labels: 0,
    offered: { prompts: 2, completions: 6, pairs: 3 + 3 },
    problems: ['missing-text@4:response', 'duplicate-completion@7:response'],
    reading:
      'read as HelpSteer-style ratings (one completion a record): prompt = prompt, ' +
      'completion = response, score = helpfulness (correctness, coherence, complexity and ' +
      'verbosity are not read); 2 completions a prompt',
  },
  {
    file: 'trl-pairs.jsonl',
    dataset: 'trl-pairs',
    shape: 'pairs',
    records: 4,
    prompts: 2,
    completions: 5,
    pairs: 3 + 1,
    labels: 3,
    // Spain offers "Madrid." and an empty side; both go, and the prompt with them.
    offered: { prompts: 3, completions: 3 + 2 + 2, pairs: 3 + 1 + 1 },
    problems: ['missing-text@3:rejected', 'single-completion@3:prompt'],
    reading:
      'read as TRL preference pairs (one labelled pair a record): prompt = prompt, ' +
      'chosen = chosen, rejected = rejected; 2 to 3 completions a prompt (median 2.5), ' +
      '3 labelled pairs',
  },
  {
    file: 'trl-conversational.jsonl',
    dataset: 'trl-conversational',
    shape: 'pairs',
    records: 4,
    prompts: 2,
    completions: 5,
    pairs: 3 + 1,
    labels: 3,
    offered: { prompts: 2, completions: 5, pairs: 4 },
    problems: ['context-mismatch@4:rejected'],
    reading:
      'read as TRL conversational pairs (one labelled pair a record): prompt = prompt, ' +
      'chosen = chosen, rejected = rejected; 2 to 3 completions a prompt (median 2.5), ' +
      '3 labelled pairs',
  },
  {
    file: 'trl-implicit.jsonl',
    dataset: 'trl-implicit',
    shape: 'pairs',
    records: 5,
    prompts: 2,
    completions: 5,
    pairs: 3 + 1,
    labels: 3,
    offered: { prompts: 2, completions: 5, pairs: 4 },
    problems: ['context-mismatch@3:rejected', 'no-assistant-turn@5:rejected'],
    reading:
      'read as TRL implicit-prompt pairs (one labelled pair a record): prompt = the turns of ' +
      'chosen and rejected before their final assistant turns (the same on both sides), ' +
      'chosen = chosen, rejected = rejected; 2 to 3 completions a prompt (median 2.5), ' +
      '3 labelled pairs',
  },
  {
    file: 'hh.jsonl',
    dataset: 'hh',
    shape: 'pairs',
    records: 5,
    prompts: 2,
    completions: 5,
    pairs: 1 + 3,
    labels: 3,
    offered: { prompts: 2, completions: 5, pairs: 4 },
    problems: ['no-assistant-turn@3:rejected', 'context-mismatch@4:rejected'],
    reading:
      'read as HH dialogues (one labelled pair a record): prompt = the text of chosen and ' +
      'rejected up to the last "\\n\\nAssistant:" both share, chosen = chosen, ' +
      'rejected = rejected; 2 to 3 completions a prompt (median 2.5), 3 labelled pairs',
  },
  {
    file: 'instruction.json',
    dataset: 'instruction',
    shape: 'long',
    records: 6,
    prompts: 2,
    completions: 4,
    pairs: 2,
    labels: 0,
    offered: { prompts: 3, completions: 6, pairs: 3 },
    problems: ['single-completion@6:instruction+input', 'missing-text@7:output'],
    reading:
      'read as instruction data (one completion a record): prompt = instruction+input, ' +
      'completion = output; 2 completions a prompt',
  },
  {
    file: 'chat-wide.jsonl',
    dataset: 'chat-wide',
    shape: 'wide',
    records: 2,
    prompts: 2,
    completions: 5,
    pairs: 3 + 1,
    labels: 0,
    offered: { prompts: 2, completions: 3 + 4, pairs: 3 + 6 },
    problems: ['missing-text@2:completions.1', 'missing-text@2:completions.2'],
    reading:
      'read as chat completions (one prompt a record): prompt = prompt, ' +
      'completion = completions; 2 to 3 completions a prompt (median 2.5)',
  },
];

const dataset = (name: string) => fixture(`datasets/${name}`);

describe('named dataset shapes, each recognised from its fields', () => {
  for (const expected of EXPECTED) {
    it(`reads ${expected.file} as ${expected.dataset}`, async () => {
      const pool = await readPoolFile(dataset(expected.file));
      const summary = summarisePool(pool);
      assert.equal(pool.dataset, expected.dataset);
      assert.equal(pool.shape, expected.shape);
      assert.equal(pool.records, expected.records);
      assert.deepEqual(
        [summary.prompts, summary.completions, summary.pairs, summary.labels],
        [expected.prompts, expected.completions, expected.pairs, expected.labels],
      );
      assert.deepEqual(summary.offered, expected.offered);
      assert.deepEqual(where(pool.problems), expected.problems);
      assert.equal(describeReading(pool), expected.reading);
      assert.equal(pool.curatorFields, undefined);
    });

    it(`reads ${expected.file} the same with its recorded mapping given back`, async () => {
      const detected = await readPoolFile(dataset(expected.file));
      const mapped = await readPoolFile(dataset(expected.file), { map: detected.mapping });
      assert.deepEqual(content(mapped), content(detected));
      assert.deepEqual(where(mapped.problems), where(detected.problems));
      assert.deepEqual(mapped.mapping, detected.mapping);
      assert.equal(mapped.dataset, detected.dataset);
      assert.match(describeReading(mapped), /; mapping from the curator\): /);
    });
  }
});

describe('UltraFeedback', () => {
  it('scores by overall_score, numeric strings as numbers, else the mean of the ratings', async () => {
    const pool = await readPoolFile(dataset('ultrafeedback.jsonl'));
    assert.deepEqual(ids(pool), [
      ['m-a', 'm-b', 'm-c', 'm-d'],
      ['m-a', 'm-c', 'm-d', 'm-f'],
    ]);
    // null overall_score: the mean of "4" and 3 ("N/A" left out); only "N/A" ratings: missing.
    // "N/A" overall_score: the mean of "5" and "4". "ten": reported and missing, never 0.
    assert.deepEqual(scores(pool), [
      [7.5, 6, 3.5, undefined],
      [9, 4.5, undefined, 8],
    ]);
    const ten = pool.problems.find((p) => p.code === 'non-finite-number')!;
    assert.equal(
      ten.message,
      '`completions.3.overall_score` "ten" is not a finite number; treated as missing',
    );
  });
});

describe('Nectar', () => {
  it('scores minus the rank, a missing or null rank being no score', async () => {
    const pool = await readPoolFile(dataset('nectar.jsonl'));
    assert.deepEqual(ids(pool), [
      ['gpt', 'llama', 'vicuna', 'alpaca'],
      ['gpt', 'llama', 'vicuna'],
    ]);
    assert.deepEqual(scores(pool), [
      [-1, -2, undefined, undefined],
      [-2, -1, undefined],
    ]);
  });
});

describe('scored generations', () => {
  it('never aligns lists of different lengths by position', async () => {
    const pool = await readPoolFile(dataset('scored-generations.jsonl'));
    assert.deepEqual(scores(pool), [
      [0.5, 1.25, undefined],
      [undefined, undefined, undefined],
      [undefined, undefined],
    ]);
    const [short, long] = pool.problems;
    assert.match(short!.message, /`all_rm_scores` has 2 entries for 3 completions; ignored/);
    assert.match(long!.message, /`all_rm_scores` has 3 entries for 2 completions; ignored/);
  });
});

describe('HelpSteer-style ratings', () => {
  it('groups rows by prompt text and scores by helpfulness', async () => {
    const pool = await readPoolFile(dataset('helpsteer.csv'));
    assert.deepEqual(texts(pool), [
      ['Water falls from clouds.', 'Rain is condensed vapour, falling.'],
      ['Frozen rain.', 'Ice crystals that fall.'],
    ]);
    assert.deepEqual(scores(pool), [
      [3, 4],
      [undefined, 4],
    ]);
  });
});

describe('TRL pairs', () => {
  it('reads conversational replies after any turns that repeat the prompt', async () => {
    const pool = await readPoolFile(dataset('trl-conversational.jsonl'));
    assert.deepEqual(
      pool.prompts.map((p) => p.text),
      ['system: Be brief.\nuser: Hi', 'user: 2+2?'],
    );
    assert.deepEqual(texts(pool), [
      ['Hello!', 'Go away.', 'Hey.'],
      ['4', '5'],
    ]);
    assert.deepEqual(labels(pool), [
      [0, 0, 1, 1],
      [0, 2, 1, 2],
      [1, 0, 1, 3],
    ]);
  });

  it('splits implicit prompts at a turn, never inside a word', async () => {
    const pool = await readPoolFile(dataset('trl-implicit.jsonl'));
    assert.deepEqual(
      pool.prompts.map((p) => p.text),
      ['user: Hi', 'user: Tell a joke.\nassistant: No.\nuser: Please?'],
    );
    // A common prefix of the texts would have cut "Hel|lo there" / "Hel|p is here".
    assert.deepEqual(texts(pool), [
      ['Hello there', 'Help is here', 'Hey.'],
      ['Fine: knock knock.', 'Still no.'],
    ]);
    assert.deepEqual(labels(pool), [
      [0, 0, 1, 1],
      [0, 0, 2, 2],
      [1, 0, 1, 4],
    ]);
  });

  it('reports a pair whose dialogues differ, or whose side ends without a reply', async () => {
    const pool = await readPoolFile(dataset('trl-implicit.jsonl'));
    const [differ, noReply] = pool.problems;
    assert.equal(differ!.severity, 'warning');
    assert.equal(
      differ!.message,
      '`chosen` and `rejected` differ before their final reply; pair skipped: the two replies ' +
        'answer different dialogues',
    );
    assert.equal(
      noReply!.message,
      '`rejected` ends with a user turn, not an assistant turn; pair skipped: its reply cannot ' +
        'be told apart',
    );
  });
});

describe('TRL pairs whose dialogues give no prompt', () => {
  const user = (content: string) => ({ role: 'user', content });
  const assistant = (content: string) => ({ role: 'assistant', content });

  it('says a side is empty rather than that the dialogues differ', () => {
    const pool = parsePoolText(
      jsonl(
        { chosen: [], rejected: [user('Hi'), assistant('Yo')] },
        { chosen: [user('Hi'), assistant('Hello')], rejected: [user('Hi'), assistant('Hey')] },
      ),
      'implicit.jsonl',
    );
    assert.equal(pool.dataset, 'trl-implicit');
    assert.deepEqual(where(pool.problems), ['missing-text@1:chosen']);
    assert.equal(pool.problems[0]!.message, '`chosen` is empty; pair skipped');
    assert.deepEqual(texts(pool), [['Hello', 'Hey']]);
  });

  it('says the dialogue has no turns before the reply when both sides are the reply alone', () => {
    const pool = parsePoolText(
      jsonl(
        { chosen: [assistant('Yes')], rejected: [assistant('No')] },
        { chosen: [user('Hi'), assistant('Hello')], rejected: [user('Hi'), assistant('Hey')] },
      ),
      'implicit.jsonl',
    );
    assert.deepEqual(where(pool.problems), ['missing-prompt@1:prompt']);
    assert.equal(
      pool.problems[0]!.message,
      "the dialogue has no turns before the assistant's reply in `chosen` and `rejected`, and " +
        'the record has no `prompt_id` or prompt field; pair skipped: include the turns that ' +
        'lead to the reply, or name the prompt with --map prompt=FIELD',
    );
  });

  it('reads roles in any case, and names other roles with the right article', () => {
    const pool = parsePoolText(
      jsonl(
        {
          chosen: [
            { role: 'User', content: 'Hi' },
            { role: 'ASSISTANT', content: 'Hello' },
          ],
          rejected: [user('Hi'), { role: 'Assistant', content: 'Hey' }],
        },
        { chosen: [user('Hi'), assistant('Yo')], rejected: [user('Hi'), assistant('Sup')] },
        {
          chosen: [user('Hi'), assistant('A')],
          rejected: [user('Hi'), { role: 'observation', content: 'B' }],
        },
      ),
      'implicit.jsonl',
    );
    // The prompt reads as the chosen side writes it.
    assert.deepEqual(
      pool.prompts.map((p) => p.text),
      ['User: Hi', 'user: Hi'],
    );
    assert.deepEqual(texts(pool), [
      ['Hello', 'Hey'],
      ['Yo', 'Sup'],
    ]);
    assert.deepEqual(where(pool.problems), ['no-assistant-turn@3:rejected']);
    assert.match(pool.problems[0]!.message, /^`rejected` ends with an observation turn, not an/);
    assert.ok(pool.problems.every((p) => !/\ba [AEIOaeio]/.test(p.message)));
  });

  it('states where the prompt came from when a conversational file gives it in no field', () => {
    const pool = parsePoolText(
      jsonl(
        {
          prompt: [],
          chosen: [user('Hi'), assistant('Hello')],
          rejected: [user('Hi'), assistant('Hey')],
        },
        {
          prompt: [],
          chosen: [user('Bye'), assistant('Ciao')],
          rejected: [user('Bye'), assistant('Adieu')],
        },
      ),
      'conversational.jsonl',
    );
    assert.equal(pool.dataset, 'trl-conversational');
    assert.equal(pool.mapping.prompt, undefined);
    assert.equal(
      describeReading(pool),
      'read as TRL conversational pairs (one labelled pair a record): prompt = the turns of ' +
        'chosen and rejected before their final assistant turns (the same on both sides), ' +
        'chosen = chosen, rejected = rejected; 2 completions a prompt, 2 labelled pairs',
    );
  });
});

describe('HH text dialogues', () => {
  it('splits after the last "\\n\\nAssistant:" both sides share', async () => {
    const pool = await readPoolFile(dataset('hh.jsonl'));
    assert.deepEqual(
      pool.prompts.map((p) => p.text),
      [
        '\n\nHuman: What is rain?\n\nAssistant:',
        '\n\nHuman: Hi\n\nAssistant: Hello.\n\nHuman: Tell me a joke.\n\nAssistant:',
      ],
    );
    // "Rain" is the texts' common prefix; the split falls at the marker instead.
    assert.deepEqual(texts(pool), [
      [' Raindrops fall.', ' Rain falls.'],
      [' Why did the chicken cross the road?', ' No.', ' Knock knock.'],
    ]);
    assert.deepEqual(labels(pool), [
      [0, 0, 1, 1],
      [1, 0, 1, 2],
      [1, 2, 1, 5],
    ]);
  });

  it('reports a side without the marker and sides with different dialogues', async () => {
    const pool = await readPoolFile(dataset('hh.jsonl'));
    assert.deepEqual(
      pool.problems.map((p) => p.message),
      [
        '`rejected` has no "\\n\\nAssistant:" turn; pair skipped: its reply cannot be told apart',
        '`chosen` and `rejected` differ up to their last "\\n\\nAssistant:"; pair skipped: the ' +
          'two replies answer different dialogues',
      ],
    );
  });

  it('keeps a pair whose reply itself holds "\\n\\nHuman:" and "\\n\\nAssistant:" turns', () => {
    const dialogue = '\n\nHuman: How do I greet in a script?\n\nAssistant:';
    const quoting = ' Like this:\n\nHuman: hi\n\nAssistant: hello';
    const pool = parsePoolText(
      jsonl(
        { chosen: dialogue + quoting, rejected: `${dialogue} Say hi.` },
        { chosen: `${dialogue} Wave.`, rejected: dialogue + quoting },
        { chosen: `\n\nHuman: Other?\n\nAssistant: A.${quoting}`, rejected: `${dialogue} B.` },
      ),
      'hh.jsonl',
    );
    assert.equal(pool.dataset, 'hh');
    assert.deepEqual(
      pool.prompts.map((p) => p.text),
      [dialogue],
    );
    assert.deepEqual(texts(pool), [[quoting, ' Say hi.', ' Wave.']]);
    assert.deepEqual(labels(pool), [
      [0, 0, 1, 1],
      [0, 2, 0, 2],
    ]);
    // Sides that agree at neither one's last marker still answer different dialogues.
    assert.deepEqual(where(pool.problems), ['context-mismatch@3:rejected']);
  });

  it('leaves markers alone when the prompt is given apart', () => {
    const pool = parsePoolText(
      jsonl(
        { prompt: 'Q', chosen: 'a\n\nAssistant: b', rejected: 'c' },
        { prompt: 'Q', chosen: 'd', rejected: 'c' },
      ),
      'given.jsonl',
    );
    assert.equal(pool.dataset, 'trl-pairs');
    assert.deepEqual(texts(pool), [['a\n\nAssistant: b', 'c', 'd']]);
  });
});

describe('chat-wide pools', () => {
  it('reads message-list completions and reports any that are not one', async () => {
    const pool = await readPoolFile(dataset('chat-wide.jsonl'));
    assert.deepEqual(
      pool.prompts.map((p) => p.text),
      ['user: Hi', 'user: Bye'],
    );
    assert.deepEqual(texts(pool), [
      ['Hello!', 'Hey.', 'Yo.'],
      ['Goodbye.', 'Ciao.'],
    ]);
    assert.equal(
      pool.problems[0]!.message,
      '`completions.1` holds "See you.", not a list of chat messages; that completion is skipped',
    );
  });
});

describe('--map and --shape over a named dataset', () => {
  it('lets --map override one field, and says so', async () => {
    const map = { score: 'answers.*.rank' };
    const pool = await readPoolFile(dataset('nectar.jsonl'), { map });
    assert.equal(pool.dataset, 'nectar');
    assert.deepEqual(pool.curatorFields, ['score']);
    assert.deepEqual(scores(pool), [
      [1, 2, undefined, undefined],
      [2, 1, undefined],
    ]);
    assert.equal(
      describeReading(pool),
      'read as Nectar (one prompt a record; mapping from the curator for score, the rest ' +
        'detected): prompt = prompt, completion = answers.*.answer, ' +
        'completion_id = answers.*.model, score = answers.*.rank; ' +
        '3 to 4 completions a prompt (median 3.5)',
    );
  });

  it('reads an aspect rating instead of overall_score when told to', async () => {
    const map = {
      prompt: 'instruction',
      completion: 'completions.*.response',
      completion_id: 'completions.*.model',
      score: 'completions.*.annotations.helpfulness.Rating',
    };
    const pool = await readPoolFile(dataset('ultrafeedback.jsonl'), { map });
    assert.deepEqual(scores(pool), [
      [4, 3, 4, undefined],
      [undefined, 5, undefined, undefined],
    ]);
    assert.match(
      describeReading(pool),
      /^read as UltraFeedback \(one prompt a record; mapping from the curator\): /,
    );
  });

  it('lets --map choose another HelpSteer attribute as the score', async () => {
    const pool = await readPoolFile(dataset('helpsteer.csv'), { map: { score: 'correctness' } });
    assert.deepEqual(scores(pool), [
      [3, 4],
      [1, 4],
    ]);
    assert.match(describeReading(pool), /score = correctness; 2 completions a prompt$/);
  });

  it('reads plain records when --shape forces another shape than the dataset', () => {
    const record = (c: string) => ({ prompt: 'Q', completion: c, chosen: 'x', rejected: 'y' });
    const options: ReadOptions = { shape: 'long' };
    const pool = parsePoolText(jsonl(record('a'), record('b')), 's.jsonl', options);
    assert.equal(pool.shape, 'long');
    assert.equal(pool.dataset, undefined);
    assert.equal(
      describeReading(pool),
      'read as long (one completion a record): prompt = prompt, completion = completion; ' +
        '2 completions a prompt',
    );
  });
});

describe('paths into every item of a list', () => {
  const record = {
    completions: [
      { response: 'a', score: 1, ratings: { x: '4', y: 'N/A' } },
      { response: 'b', ratings: { x: 2, y: '3' } },
      { text: 'c', score: null },
    ],
  };

  it('reads one field of every item, keeping the list parallel', () => {
    assert.deepEqual(getPath(record, 'completions.*.response'), ['a', 'b', undefined]);
    assert.deepEqual(getPath(record, 'completions.*.ratings.*'), [
      ['4', 'N/A'],
      [2, '3'],
      undefined,
    ]);
    assert.equal(getPath(record, 'responses.*.text'), undefined);
    assert.equal(getPath({ completions: 'text' }, 'completions.*.response'), undefined);
  });

  it('reads lists held as JSON text in a CSV cell', () => {
    const row = { completions: '[{"response": "a"}, {"response": "b"}]' };
    assert.deepEqual(getPath(row, 'completions.*.response'), ['a', 'b']);
  });

  it('takes alternatives item by item, negates and averages', () => {
    assert.deepEqual(readField(record, 'completions.*.score|mean(completions.*.ratings.*)'), [
      1,
      2.5,
      undefined,
    ]);
    assert.deepEqual(readField(record, '-completions.*.score'), [-1, undefined, null]);
    assert.equal(readField({ rank: '0' }, '-rank'), 0);
    assert.ok(!Object.is(readField({ rank: 0 }, '-rank'), -0));
    assert.equal(readField({ a: 'N/A', b: 7 }, 'a|b'), 7);
    assert.equal(readField({ r: [1, '2', 'N/A', 'x'] }, 'mean(r)'), 1.5);
    assert.equal(readField({ 'a|b': 'own key' }, 'a|b'), 'own key');
  });

  it('names the item of a list in problems, and explains compound values', () => {
    assert.equal(itemField('completions.*.response', 3), 'completions.3.response');
    assert.equal(itemField('-answers.*.rank', 0), 'answers.0.rank');
    assert.equal(itemField('scores', 2), 'scores.2');
    assert.equal(glossField('scores'), undefined);
    assert.equal(glossField('-rank'), 'minus rank: lower is better');
    assert.equal(glossField('a|mean(b.*)'), 'a, else the mean of b.*');
  });

  it('reads a plain file with a mapped item path as a wide pool', () => {
    const text = jsonl({ q: 'Q', outs: [{ body: 'x', pts: '2' }, { body: 'y' }] });
    const map = { prompt: 'q', completion: 'outs.*.body', score: 'outs.*.pts' };
    const pool = parsePoolText(text, 'm.jsonl', { map });
    assert.equal(pool.shape, 'wide');
    assert.equal(pool.dataset, undefined);
    assert.deepEqual(texts(pool), [['x', 'y']]);
    assert.deepEqual(scores(pool), [[2, undefined]]);
  });
});
