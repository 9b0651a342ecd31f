/**
 * Splitting one side of a labelled pair into the dialogue before the reply and the reply itself.
 * Splits fall on turn boundaries only: before the final run of assistant messages of a message
 * list, or just after the last `\n\nAssistant:` marker of an HH text dialogue. The two sides of
 * a pair are then compared by their dialogues, never by a common prefix of their texts, which
 * could end inside a word or a turn.
 */
import { HH_ASSISTANT } from './datasets';
import { readList } from './record-fields';
import { isMessageList, renderMessages, textOf } from './text';

/** One side of a pair: its dialogue before the reply (when it carries one) and its reply. */
export type SideSplit =
  | { ok: true; context: string | undefined; text: string | undefined }
  | { ok: false; reason: string };

/**
 * Split one side of a pair. `textDialogue` says whether a string side is an HH dialogue to be
 * split at its last `\n\nAssistant:` marker (when the record gives no prompt apart).
 */
export function splitSide(value: unknown, textDialogue: boolean): SideSplit {
  const messages = readList(value);
  if (messages !== undefined && isMessageList(messages)) return splitMessages(messages);

  if (textDialogue && typeof value === 'string') {
    const at = value.lastIndexOf(HH_ASSISTANT);
    if (at === -1) return { ok: false, reason: 'has no "\\n\\nAssistant:" turn' };
    const end = at + HH_ASSISTANT.length;
    return { ok: true, context: value.slice(0, end), text: value.slice(end) };
  }
  return { ok: true, context: undefined, text: textOf(value) };
}

/**
 * A conversation split before its final assistant turns: the turns before are the context
 * (undefined when there are none), the final assistant turns the reply.
 */
function splitMessages(messages: readonly { role: string; content: unknown }[]): SideSplit {
  let start = messages.length;
  while (start > 0 && messages[start - 1]!.role === 'assistant') start--;
  if (start === messages.length) {
    const role = messages.at(-1)!.role;
    return { ok: false, reason: `ends with a ${role} turn, not an assistant turn` };
  }

  const context = start > 0 ? renderMessages(messages.slice(0, start)) : undefined;
  return { ok: true, context, text: textOf(messages.slice(start)) };
}

/** True when a string side of a pair looks like an HH dialogue. */
export function isTextDialogue(value: unknown): boolean {
  return typeof value === 'string' && value.includes(HH_ASSISTANT);
}
