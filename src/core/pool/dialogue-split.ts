/**
 * Splitting one side of a labelled pair into the dialogue before the reply and the reply itself.
 * Splits fall on turn boundaries only: before the final run of assistant messages of a message
 * list, or just after an `\n\nAssistant:` marker of an HH text dialogue. The two sides of a
 * pair are then compared by their dialogues, never by a common prefix of their texts, which
 * could end inside a word or a turn.
 */
import { HH_ASSISTANT } from './datasets';
import { readList } from './record-fields';
import { isMessageList, renderMessages, textOf } from './text';

/**
 * One side of a pair: its dialogue before the reply (when it carries one), the key that compares
 * dialogues (roles in lower case: `User` and `user` are one role), and its reply. `dialogue` says
 * whether the side was a dialogue split at a turn, rather than a reply alone.
 */
export type SideSplit =
  | {
      ok: true;
      context: string | undefined;
      key: string | undefined;
      text: string | undefined;
      dialogue: boolean;
    }
  | { ok: false; reason: string };

/**
 * Split one side of a pair. `textDialogue` says whether a string side is an HH dialogue to be
 * split at its last `\n\nAssistant:` marker (when the record gives no prompt apart); where the
 * two sides of a pair split is then settled by `splitTextPair`.
 */
export function splitSide(value: unknown, textDialogue: boolean): SideSplit {
  const messages = readList(value);
  if (messages !== undefined && isMessageList(messages)) return splitMessages(messages);

  if (textDialogue && typeof value === 'string') {
    const at = value.lastIndexOf(HH_ASSISTANT);
    if (at === -1) return { ok: false, reason: 'has no "\\n\\nAssistant:" turn' };
    const end = at + HH_ASSISTANT.length;
    const context = value.slice(0, end);
    return { ok: true, context, key: context, text: value.slice(end), dialogue: true };
  }
  return { ok: true, context: undefined, key: undefined, text: textOf(value), dialogue: false };
}

/**
 * Where two HH dialogues split into their shared dialogue and their replies: after the last
 * `\n\nAssistant:` marker of one side, when the other side has the same text up to there. A
 * reply may itself quote a dialogue (`\n\nHuman: hi\n\nAssistant: hello`), so the last
 * marker of that side falls inside its reply; the other side's last marker is where both
 * still agree. Undefined when they agree at neither side's last marker: different dialogues.
 */
export function splitTextPair(
  chosen: string,
  rejected: string,
): { context: string; chosen: string; rejected: string } | undefined {
  const at = Math.min(chosen.lastIndexOf(HH_ASSISTANT), rejected.lastIndexOf(HH_ASSISTANT));
  if (at < 0) return undefined;
  const end = at + HH_ASSISTANT.length;
  const context = chosen.slice(0, end);
  if (!rejected.startsWith(context)) return undefined;
  return { context, chosen: chosen.slice(end), rejected: rejected.slice(end) };
}

/**
 * A conversation split before its final assistant turns (the role in any case): the turns before
 * are the context (undefined when there are none), the final assistant turns the reply.
 */
function splitMessages(messages: readonly { role: string; content: unknown }[]): SideSplit {
  let start = messages.length;
  while (start > 0 && isAssistant(messages[start - 1]!.role)) start--;
  if (start === messages.length) {
    const role = messages.at(-1)!.role;
    return { ok: false, reason: `ends with ${article(role)} ${role} turn, not an assistant turn` };
  }

  const before = messages.slice(0, start);
  const context = start > 0 ? renderMessages(before) : undefined;
  const key =
    start > 0
      ? renderMessages(before.map((m) => ({ role: m.role.toLowerCase(), content: m.content })))
      : undefined;
  return { ok: true, context, key, text: textOf(messages.slice(start)), dialogue: true };
}

function isAssistant(role: string): boolean {
  return role.toLowerCase() === 'assistant';
}

/** `a` or `an` before a role name: `an observation`, `an AI`, but `a user`. */
function article(word: string): string {
  return /^[aeio]/i.test(word) ? 'an' : 'a';
}

/** True when a string side of a pair looks like an HH dialogue. */
export function isTextDialogue(value: unknown): boolean {
  return typeof value === 'string' && value.includes(HH_ASSISTANT);
}
