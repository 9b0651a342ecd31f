/**
 * Which prompt a record belongs to: its `prompt_id` when it has one, else its prompt text, whose
 * hash becomes the id. Every shape groups records this way.
 */
import { readField } from './field-spec';
import type { GroupDraft, PoolBuilder } from './pool-builder';
import { describePromptSource, type Layout, type PromptSource } from './shape-detect';
import { isBlank, promptHash, promptText } from './text';

/** The prompt text of a record, or undefined when it has none. */
export function readPromptText(
  record: object,
  source: PromptSource | undefined,
): string | undefined {
  if (!source) return undefined;
  if (source.kind === 'path') return nonBlank(promptText(readField(record, source.path)));

  // `instruction` + `input`: an empty input is common and leaves the instruction alone.
  const parts = source.paths
    .map((p) => promptText(readField(record, p)))
    .filter((t) => !isBlank(t));
  return parts.length > 0 ? parts.join('\n\n') : undefined;
}

/**
 * The prompt group of a record, created on first sight; undefined (with a problem) when the
 * record has neither an id nor prompt text, or an id that cannot be read exactly. `fallback` is
 * prompt text found elsewhere in the record (the leading turns of a conversational pair);
 * `noText`, when given, says why the record offers none, in place of the generic message.
 */
export function promptGroupOf(
  record: object,
  line: number,
  layout: Layout,
  builder: PoolBuilder,
  fallback?: string,
  noText?: string,
): GroupDraft | undefined {
  const given = readPromptText(record, layout.prompt);
  if (given !== undefined) builder.used.add('prompt');
  const text = given ?? fallback;

  const id = readIdField(record, layout.promptId, line, builder, 'record skipped');
  if (id === null) return undefined;
  if (id !== undefined) {
    builder.used.add('prompt_id');
    const textField = given === undefined ? undefined : describePromptSource(layout.prompt);
    return builder.group(id, text ?? '', line, layout.promptId, textField);
  }
  const keyField = describePromptSource(layout.prompt);
  if (text !== undefined) return builder.group(promptHash(text), text, line, keyField);

  const message =
    noText ??
    `no \`${layout.promptId}\` and no prompt text (\`${keyField}\`); record skipped: add one, ` +
      'or name the field with --map prompt=FIELD';
  builder.report('missing-prompt', line, keyField, message);
  return undefined;
}

/** An id read from a field: absent (`id` undefined), or why its value cannot be one. */
export type IdRead = { ok: true; id: string | undefined } | { ok: false; reason: string };

/**
 * An id from a string, a whole number or a 64-bit integer (Parquet's INT64, kept exactly); blank
 * strings are no id. A number that is not a whole number below 2^53 is refused: JSON readers
 * round `9007199254740993` to `9007199254740992`, and two ids read alike would merge prompts.
 */
export function readId(value: unknown): IdRead {
  if (typeof value === 'bigint') return { ok: true, id: value.toString() };
  if (typeof value === 'number') {
    if (Number.isSafeInteger(value)) return { ok: true, id: String(value) };
    if (Number.isInteger(value)) {
      const reason =
        `holds a whole number beyond 2^53 (read as ${value}): ids beyond 2^53 cannot be read ` +
        'exactly from JSON; store them as strings';
      return { ok: false, reason };
    }
    const reason = `holds ${value}, not a whole number: store ids as strings`;
    return { ok: false, reason };
  }
  if (typeof value !== 'string') return { ok: true, id: undefined };
  const id = value.trim();
  return { ok: true, id: id === '' ? undefined : id };
}

/**
 * The id in field `path` of a record: undefined when it has none, null (reported as a
 * `malformed-record`, `consequence` saying what is skipped) when its value cannot be an id.
 */
export function readIdField(
  record: object,
  path: string,
  line: number,
  builder: PoolBuilder,
  consequence: string,
): string | undefined | null {
  return checkedId(readField(record, path), path, line, builder, consequence);
}

/** As `readIdField`, for a value already read (an item of a list); `field` names it. */
export function checkedId(
  value: unknown,
  field: string,
  line: number,
  builder: PoolBuilder,
  consequence: string,
): string | undefined | null {
  const read = readId(value);
  if (read.ok) return read.id;
  builder.report('malformed-record', line, field, `\`${field}\` ${read.reason}; ${consequence}`);
  return null;
}

function nonBlank(text: string | undefined): string | undefined {
  return isBlank(text) ? undefined : text;
}
