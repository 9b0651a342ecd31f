/**
 * Deciding how a file's records are laid out (DESIGN.md section 2): which shape, and which field
 * holds what. Detection looks at the first valid records only; a curator's `--map` overrides it
 * field by field and `--shape` overrides the shape.
 */
import { detectDataset } from './datasets';
import { readField } from './field-spec';
import {
  poolErrorAt,
  type DatasetShape,
  type FieldMapping,
  type MappedField,
  type PoolError,
  type PoolShape,
  type ReadOptions,
} from './pool';
import { getPath, isAbsent, readList } from './record-fields';
import { isMessageList } from './text';

/** Where a prompt's text comes from: one field, or several joined by a blank line. */
export type PromptSource = { kind: 'path'; path: string } | { kind: 'join'; paths: string[] };

/**
 * The resolved field layout of a pool file. Fields are `--map` values: dotted paths (see
 * `getPath`), or the forms `readField` reads (`a|b`, `-path`, `mean(path)`).
 */
export interface Layout {
  shape: PoolShape;
  /** The dataset layout recognised, when the shape read is the one it reads as. */
  dataset: DatasetShape | undefined;
  promptId: string;
  /** Undefined when no record in the sample had prompt text (pairs may still carry it). */
  prompt: PromptSource | undefined;
  /** long: the completion's text; wide: the list of completions; pairs: unused. */
  completion: string;
  chosen: string;
  rejected: string;
  /**
   * long: fields tried in turn for each record (`completion_id`, then `model`); wide: one list
   * parallel to the completions. With no id, a completion is named by its position.
   */
  completionId: string[];
  /** long and wide as `completionId`; pairs: the chosen and the rejected score, `a+b`. */
  score: string;
  logpRef: string;
  embedding: string;
  cost: string;
}

/** A record with the line (or row) it was read from. */
export interface LinedRecord {
  value: Record<string, unknown>;
  line: number;
}

const LONG_TEXT = ['completion', 'response', 'output', 'text', 'answer'];
const WIDE_LISTS = ['completions', 'responses', 'all_generated_responses', 'answers'];

/** Decide the layout from the first valid records. Throws `PoolError` when no shape fits. */
export function detectLayout(sample: LinedRecord[], file: string, options: ReadOptions): Layout {
  const given = options.map ?? {};
  const records = sample.map((r) => r.value);
  const present = (path: string): boolean => records.some((r) => !isAbsent(getPath(r, path)));
  const firstPresent = (paths: string[]): string | undefined => paths.find(present);

  const guess = detectDataset(records);
  const shape =
    options.shape ?? shapeFromMap(given, records) ?? guess?.shape ?? shapeFromFields(records);
  if (!shape) throw unknownShape(sample, file);

  // A dataset's fields are defaults the curator's own mapping overrides one by one; a shape
  // forced to another than the dataset's reads the file as plain records.
  const named = guess?.shape === shape ? guess : undefined;
  const map: FieldMapping = { ...named?.mapping, ...given };

  const layout: Layout = {
    shape,
    dataset: named?.dataset,
    promptId: map.prompt_id ?? 'prompt_id',
    prompt: map.prompt ? parsePromptSource(map.prompt) : detectPrompt(firstPresent),
    completion: '',
    chosen: map.chosen ?? 'chosen',
    rejected: map.rejected ?? 'rejected',
    completionId: map.completion_id ? [map.completion_id] : [],
    score: map.score ?? 'score',
    logpRef: map.logp_ref ?? 'logp_ref',
    embedding: map.embedding ?? 'embedding',
    cost: map.cost ?? 'cost',
  };

  if (shape === 'long') {
    // With no text field, a conversation's final turn is the completion.
    const text = map.completion ?? firstPresent(LONG_TEXT);
    layout.completion = text ?? (present('messages') ? 'messages.-1' : 'completion');
    // Ids are tried in turn: `completion_id|model` names a completion by the first it has.
    const ids = map.completion_id?.split('|').map((p) => p.trim());
    layout.completionId = ids ?? ['completion_id', 'model'];
  }
  if (shape === 'wide') {
    const isList = (path: string) => records.some((r) => readList(getPath(r, path)) !== undefined);
    layout.completion = map.completion ?? WIDE_LISTS.find(isList) ?? 'completions';
    const ids = map.completion_id ?? firstPresent(['models', 'completion_ids']) ?? 'models';
    layout.completionId = [ids];
    layout.score = map.score ?? firstPresent(['scores', 'all_rm_scores']) ?? 'scores';
    layout.logpRef = map.logp_ref ?? 'logps';
    layout.embedding = map.embedding ?? 'embeddings';
    layout.cost = map.cost ?? 'costs';
  }
  if (shape === 'pairs') {
    // Pairs files score each side of a pair in its own field.
    layout.score = map.score ?? 'score_chosen+score_rejected';
  }
  return layout;
}

function shapeFromMap(map: FieldMapping, records: object[]): PoolShape | undefined {
  if (map.chosen || map.rejected) return 'pairs';
  const path = map.completion;
  if (!path) return undefined;

  const value = records.map((r) => readField(r, path)).find((v) => !isAbsent(v));
  const list = readList(value);
  // A list of chat messages is one conversational completion, not a list of completions.
  return list !== undefined && !isMessageList(list) ? 'wide' : 'long';
}

function shapeFromFields(records: object[]): PoolShape | undefined {
  for (const record of records) {
    const has = (field: string) => !isAbsent(getPath(record, field));
    if (has('chosen') && has('rejected')) return 'pairs';
    if (WIDE_LISTS.some((f) => readList(getPath(record, f)) !== undefined)) return 'wide';
    if (LONG_TEXT.some(has)) return 'long';
    const messages = readList(getPath(record, 'messages'));
    if (messages && messages.length >= 2 && isMessageList(messages)) return 'long';
  }
  return undefined;
}

function detectPrompt(firstPresent: (p: string[]) => string | undefined): PromptSource | undefined {
  const field = firstPresent(['prompt', 'instruction', 'question', 'messages']);
  if (field === 'instruction') return { kind: 'join', paths: ['instruction', 'input'] };
  // The final turn of a conversation is the completion; the turns before it are the prompt.
  if (field === 'messages') return { kind: 'path', path: 'messages.:-1' };
  return field === undefined ? undefined : { kind: 'path', path: field };
}

/** `a+b` joins fields `a` and `b` with a blank line; anything else is one path. */
export function parsePromptSource(text: string): PromptSource {
  const paths = text.split('+').map((p) => p.trim());
  if (paths.length > 1 && paths.every((p) => p !== '')) return { kind: 'join', paths };
  return { kind: 'path', path: text };
}

/** The prompt source as a `--map` value: `prompt`, `instruction+input`, `messages.:-1`. */
export function describePromptSource(source: PromptSource | undefined): string {
  if (!source) return 'prompt';
  return source.kind === 'join' ? source.paths.join('+') : source.path;
}

/**
 * The mapping to record in the pool: the fields that were read, as `--map` would name them.
 * `idFields` are the id fields that named at least one completion, joined by `|` in the order
 * they are tried when records fell back from one to another.
 */
export function usedMapping(
  layout: Layout,
  used: ReadonlySet<MappedField>,
  idFields: ReadonlySet<string>,
  given: FieldMapping = {},
): FieldMapping {
  // What the curator named is stated even where no record held a usable value: the problems
  // then say why, and the statement does not hide the field that was asked for.
  const mapping: FieldMapping = { ...given };
  if (used.has('prompt_id')) mapping.prompt_id = layout.promptId;
  if (used.has('prompt')) mapping.prompt = describePromptSource(layout.prompt);

  if (layout.shape === 'pairs') {
    mapping.chosen = layout.chosen;
    mapping.rejected = layout.rejected;
  } else {
    mapping.completion = layout.completion;
  }

  // In the order tried, so that the value given back with --map reads the same ids.
  const ids = layout.completionId.filter((path) => idFields.has(path));
  if (ids.length > 0) mapping.completion_id = ids.join('|');
  const optional: [MappedField, string][] = [
    ['score', layout.score],
    ['logp_ref', layout.logpRef],
    ['embedding', layout.embedding],
    ['cost', layout.cost],
  ];
  for (const [field, path] of optional) {
    if (used.has(field)) mapping[field] = path;
  }
  return mapping;
}

function unknownShape(sample: LinedRecord[], file: string): PoolError {
  const fields = new Set<string>();
  for (const { value } of sample) for (const key of Object.keys(value)) fields.add(key);
  const names = [...fields].slice(0, 12).map((f) => `\`${f}\``);
  const seen = names.length > 0 ? names.join(', ') : 'no fields at all';
  const line = sample[0]?.line ?? 1;
  const message =
    `cannot tell the pool's shape from the fields ${seen}; name them with ` +
    '--map, e.g. --map completion=FIELD (one completion a record), --map completion=LIST ' +
    '(all completions of a prompt), or --map chosen=FIELD --map rejected=FIELD (pairs)';
  return poolErrorAt(file, line, message, undefined, 'unknown-shape');
}
