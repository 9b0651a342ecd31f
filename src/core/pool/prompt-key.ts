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
 * The prompt group of a record, created on first sight; undefined (with a `missing-prompt`
 * problem) when the record has neither an id nor prompt text. `fallback` is prompt text found
 * elsewhere in the record (the leading turns of a conversational pair).
 */
export function promptGroupOf(
  record: object,
  line: number,
  layout: Layout,
  builder: PoolBuilder,
  fallback?: string,
): GroupDraft | undefined {
  const given = readPromptText(record, layout.prompt);
  if (given !== undefined) builder.used.add('prompt');
  const text = given ?? fallback;

  const id = readId(readField(record, layout.promptId));
  if (id !== undefined) {
    builder.used.add('prompt_id');
    return builder.group(id, text ?? '', line, layout.promptId);
  }
  const keyField = describePromptSource(layout.prompt);
  if (text !== undefined) return builder.group(promptHash(text), text, line, keyField);

  const message =
    `no \`${layout.promptId}\` and no prompt text (\`${keyField}\`); record skipped: add one, ` +
    'or name the field with --map prompt=FIELD';
  builder.report('missing-prompt', line, keyField, message);
  return undefined;
}

/** An id from a string or a number; blank strings are no id. */
export function readId(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') return undefined;
  const id = value.trim();
  return id === '' ? undefined : id;
}

function nonBlank(text: string | undefined): string | undefined {
  return isBlank(text) ? undefined : text;
}
