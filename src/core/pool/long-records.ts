/** The long shape: one completion a record, grouped into prompts. */
import { readField } from './field-spec';
import type { Completion } from './pool';
import type { Extractor, PoolBuilder } from './pool-builder';
import { promptGroupOf, readIdField } from './prompt-key';
import type { Layout } from './shape-detect';
import { isBlank, textOf } from './text';

/** Reads long records: text, id and the optional numbers and embedding of one completion. */
export function longExtractor(layout: Layout, builder: PoolBuilder): Extractor {
  return (record, line) => {
    const group = promptGroupOf(record, line, layout, builder);
    if (!group) return;
    const position = group.offered++;

    const value = readField(record, layout.completion);
    const text = textOf(value);
    if (text === undefined || isBlank(text)) {
      builder.missingText(line, layout.completion, value, 'record skipped');
      return;
    }

    const completion: Completion = { id: String(position), text, line };
    for (const path of layout.completionId) {
      const id = readIdField(record, path, line, builder, 'record skipped');
      if (id === null) return;
      if (id === undefined) continue;
      completion.id = id;
      builder.idFields.add(path);
      break;
    }
    readMeasures(record, line, layout, builder, completion);
    builder.add(group, completion, layout.completion);
  };
}

/** The optional per-completion fields of a long record, set on `completion` where present. */
function readMeasures(
  record: object,
  line: number,
  layout: Layout,
  builder: PoolBuilder,
  completion: Completion,
): void {
  const score = builder.number(readField(record, layout.score), line, layout.score, 'score');
  if (score !== undefined) completion.score = score;

  const logpRef = readField(record, layout.logpRef);
  const logp = builder.number(logpRef, line, layout.logpRef, 'logp_ref');
  if (logp !== undefined) completion.logpRef = logp;

  const cost = builder.number(readField(record, layout.cost), line, layout.cost, 'cost');
  if (cost !== undefined) completion.cost = cost;

  const embedding = builder.embedding(readField(record, layout.embedding), line, layout.embedding);
  if (embedding !== undefined) completion.embedding = embedding;
}
