/**
 * Well-known dataset layouts, recognised from their fields. Each is one of the engine's shapes
 * with a default mapping written as `--map` values, so that the mapping a read records says
 * exactly what was read and can be given back: a curator's `--map` overrides it field by field.
 */
import type { DatasetShape, FieldMapping, MappedField, PoolShape } from './pool';
import { getPath, isAbsent, isRecord, readList } from './record-fields';
import { isChatMessage, isMessageList } from './text';

/** A dataset layout recognised in a file: how it reads, and the fields it reads. */
export interface DatasetGuess {
  dataset: DatasetShape;
  shape: PoolShape;
  mapping: FieldMapping;
}

/** The turn marker of Anthropic HH-style text dialogues. */
export const HH_ASSISTANT = '\n\nAssistant:';

/** The score of a completion that has no overall score: the mean of its aspect ratings. */
const ULTRAFEEDBACK_SCORE = 'completions.*.overall_score|mean(completions.*.annotations.*.Rating)';

/** HelpSteer's attribute ratings besides helpfulness, one of which must be present. */
const HELPSTEER_OTHERS = ['correctness', 'coherence', 'complexity', 'verbosity'];

/** How each dataset is named in a reading statement. */
export const DATASET_LABELS: Record<DatasetShape, string> = {
  ultrafeedback: 'UltraFeedback',
  nectar: 'Nectar',
  'scored-generations': 'scored generations',
  helpsteer: 'HelpSteer-style ratings',
  'trl-pairs': 'TRL preference pairs',
  'trl-conversational': 'TRL conversational pairs',
  'trl-implicit': 'TRL implicit-prompt pairs',
  hh: 'HH dialogues',
  instruction: 'instruction data',
  'chat-wide': 'chat completions',
};

/**
 * What a reading statement adds after a field the dataset reads its own way, when the field
 * still has the dataset's default mapping.
 */
export const DATASET_GLOSSES: Partial<Record<DatasetShape, Partial<Record<MappedField, string>>>> =
  {
    ultrafeedback: {
      score: 'overall_score, else the mean of the aspect ratings; "N/A" is missing',
    },
    nectar: { score: 'minus the rank: rank 1 is best' },
    helpsteer: { score: 'correctness, coherence, complexity and verbosity are not read' },
  };

const TURNS_BEFORE_REPLY =
  'the turns of chosen and rejected before their final assistant turns (the same on both sides)';

/**
 * The prompt of the pairs datasets that carry none apart, in words: the statement names it in
 * place of a `prompt` field.
 */
export const DERIVED_PROMPTS: Partial<Record<DatasetShape, string>> = {
  'trl-implicit': TURNS_BEFORE_REPLY,
  // Conversational files whose `prompt` field holds no text take their prompts where implicit
  // ones do.
  'trl-conversational': TURNS_BEFORE_REPLY,
  hh: 'the text of chosen and rejected up to the last "\\n\\nAssistant:" both share',
};

/**
 * The dataset layout of the first record that shows one, or undefined when the records are
 * plain long, wide or pairs (or nothing known).
 */
export function detectDataset(records: readonly object[]): DatasetGuess | undefined {
  for (const record of records) {
    const guess = recognise(record);
    if (guess) return guess;
  }
  return undefined;
}

function recognise(record: object): DatasetGuess | undefined {
  const has = (path: string) => !isAbsent(getPath(record, path));
  const list = (path: string) => readList(getPath(record, path));
  const messages = (path: string) => isMessageList(list(path));

  if (has('chosen') && has('rejected')) return pairsDataset(record, has, messages);

  const completions = list('completions');
  if (has('instruction') && completions?.some((c) => isRecord(c) && 'response' in c)) {
    const mapping: FieldMapping = {
      prompt: 'instruction',
      completion: 'completions.*.response',
      completion_id: 'completions.*.model',
      score: ULTRAFEEDBACK_SCORE,
    };
    return { dataset: 'ultrafeedback', shape: 'wide', mapping };
  }
  if (has('prompt') && list('answers')?.some((a) => isRecord(a) && 'answer' in a)) {
    const mapping: FieldMapping = {
      prompt: 'prompt',
      completion: 'answers.*.answer',
      completion_id: 'answers.*.model',
      score: '-answers.*.rank',
    };
    return { dataset: 'nectar', shape: 'wide', mapping };
  }
  if (list('all_generated_responses') && list('all_rm_scores')) {
    const mapping = { completion: 'all_generated_responses', score: 'all_rm_scores' };
    return { dataset: 'scored-generations', shape: 'wide', mapping };
  }
  const first = completions?.find((c) => !isAbsent(c));
  if (messages('prompt') && (isMessageList(first) || isChatMessage(first))) {
    return { dataset: 'chat-wide', shape: 'wide', mapping: { completion: 'completions' } };
  }
  if (has('prompt') && has('response') && has('helpfulness') && HELPSTEER_OTHERS.some(has)) {
    const mapping = { prompt: 'prompt', completion: 'response', score: 'helpfulness' };
    return { dataset: 'helpsteer', shape: 'long', mapping };
  }
  if (has('instruction') && has('output') && completions === undefined) {
    const mapping = { prompt: 'instruction+input', completion: 'output' };
    return { dataset: 'instruction', shape: 'long', mapping };
  }
  return undefined;
}

/** The pairs datasets: TRL plain, conversational or implicit-prompt, and HH text dialogues. */
function pairsDataset(
  record: object,
  has: (path: string) => boolean,
  messages: (path: string) => boolean,
): DatasetGuess | undefined {
  const guess = (dataset: DatasetShape): DatasetGuess => ({ dataset, shape: 'pairs', mapping: {} });
  if (has('prompt')) {
    const chat = messages('prompt') || messages('chosen');
    return guess(chat ? 'trl-conversational' : 'trl-pairs');
  }
  if (messages('chosen')) return guess('trl-implicit');

  const chosen = getPath(record, 'chosen');
  if (typeof chosen === 'string' && chosen.includes(HH_ASSISTANT)) return guess('hh');
  return undefined;
}
