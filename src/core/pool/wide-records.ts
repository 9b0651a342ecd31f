/**
 * The wide shape: one prompt a record, its completions in a list, with optional lists parallel
 * to it (scores, embeddings, reference log-probabilities, model names). Items of the list may
 * also be objects carrying their own fields; a `*` path reads one field of every item
 * (`completions.*.response`, `completions.*.overall_score`), which is a parallel list too.
 */
import { itemField, readField } from './field-spec';
import type { Completion, MappedField } from './pool';
import type { Extractor, GroupDraft, PoolBuilder } from './pool-builder';
import { checkedId, promptGroupOf } from './prompt-key';
import { isAbsent, isRecord, readList } from './record-fields';
import type { Layout } from './shape-detect';
import { describeValue, isBlank, isChatMessage, isMessageList, textOf } from './text';

/** The parallel lists of one record, each undefined when absent or unusable. */
interface ParallelLists {
  id: unknown[] | undefined;
  score: unknown[] | undefined;
  logpRef: unknown[] | undefined;
  embedding: unknown[] | undefined;
  cost: unknown[] | undefined;
}

/** Reads wide records: every item of the completion list becomes a completion of the prompt. */
export function wideExtractor(layout: Layout, builder: PoolBuilder): Extractor {
  return (record, line) => {
    const group = promptGroupOf(record, line, layout, builder);
    if (!group) return;

    const listValue = readField(record, layout.completion);
    const items = readList(listValue);
    if (items === undefined) {
      const field = layout.completion;
      if (isAbsent(listValue)) {
        builder.missingText(line, field, listValue, 'record skipped');
        return;
      }
      const message = `\`${field}\` holds ${describeValue(listValue)}, not a list of completions`;
      builder.report('missing-text', line, field, `${message}; record skipped`);
      return;
    }

    const parallel = readParallel(record, line, layout, items.length, builder);
    const context = { line, layout, builder, group, parallel };
    for (let i = 0; i < items.length; i++) readItem(items[i], i, group.offered++, context);
  };
}

function readParallel(
  record: object,
  line: number,
  layout: Layout,
  count: number,
  builder: PoolBuilder,
): ParallelLists {
  const read = (path: string | undefined): unknown[] | undefined => {
    if (path === undefined) return undefined;
    const value = readField(record, path);
    if (isAbsent(value)) return undefined;

    const list = readList(value);
    let problem = '';
    if (list === undefined) problem = `\`${path}\` holds ${describeValue(value)}, not a list`;
    else if (list.length !== count) {
      problem = `\`${path}\` has ${list.length} entries for ${count} completions`;
    }
    if (problem === '') return list;
    // Never aligned by position: which entry belongs to which completion is unknown.
    const message = `${problem}; ignored for this record: it must run parallel to the completions`;
    builder.report('parallel-lists', line, path, message);
    return undefined;
  };

  return {
    id: read(layout.completionId[0]),
    score: read(layout.score),
    logpRef: read(layout.logpRef),
    embedding: read(layout.embedding),
    cost: read(layout.cost),
  };
}

/** What every item of one record shares. */
interface RecordContext {
  line: number;
  layout: Layout;
  builder: PoolBuilder;
  group: GroupDraft;
  parallel: ParallelLists;
}

function readItem(item: unknown, i: number, position: number, context: RecordContext): void {
  const { line, layout, builder, group, parallel } = context;
  const field = itemField(layout.completion, i);
  // A chat pool's completions are conversations; anything else there is a misplaced value.
  if (layout.dataset === 'chat-wide' && !isAbsent(item) && !isChat(item)) {
    const message =
      `\`${field}\` holds ${describeValue(item)}, not a list of chat messages; ` +
      'that completion is skipped';
    builder.report('missing-text', line, field, message);
    return;
  }
  const text = textOf(item);
  if (text === undefined || isBlank(text)) {
    builder.missingText(line, field, item, 'that completion is skipped');
    return;
  }

  const own = isRecord(item) ? item : {};
  const completion: Completion = { id: String(position), text, line };
  const skipped = 'that completion is skipped';
  const ownId = (key: string) => checkedId(own[key], `${field}.${key}`, line, builder, skipped);
  const idList = layout.completionId[0]!;
  let id = checkedId(parallel.id?.[i], itemField(idList, i), line, builder, skipped);
  if (typeof id === 'string') builder.idFields.add(idList);
  if (id === undefined) id = ownId('completion_id');
  if (id === undefined) id = ownId('model');
  if (id === null) return;
  if (id !== undefined) completion.id = id;

  // A usable parallel list wins over a field inside the item; only lists count as mapped.
  const number = (list: unknown[] | undefined, path: string, key: string, mapped: MappedField) =>
    list
      ? builder.number(list[i], line, itemField(path, i), mapped)
      : builder.number(own[key], line, `${field}.${key}`);

  const score = number(parallel.score, layout.score, 'score', 'score');
  if (score !== undefined) completion.score = score;
  const logpRef = number(parallel.logpRef, layout.logpRef, 'logp_ref', 'logp_ref');
  if (logpRef !== undefined) completion.logpRef = logpRef;
  const cost = number(parallel.cost, layout.cost, 'cost', 'cost');
  if (cost !== undefined) completion.cost = cost;

  const embedding = parallel.embedding
    ? builder.embedding(parallel.embedding[i], line, itemField(layout.embedding, i))
    : builder.embedding(own.embedding, line, `${field}.embedding`, false);
  if (embedding !== undefined) completion.embedding = embedding;

  builder.add(group, completion, field);
}

function isChat(item: unknown): boolean {
  return isMessageList(item) || isChatMessage(item);
}
