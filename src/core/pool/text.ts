/**
 * Turning record values into text: plain strings, chat messages, and objects that wrap a text
 * field. Prompts and completions both go through here, so a pool reads the same whichever way
 * its file spells them.
 */
import { createHash } from 'node:crypto';

/** Fields that hold the text of a completion object inside a list (wide shape). */
export const ITEM_TEXT_FIELDS = ['response', 'text', 'answer', 'content', 'completion', 'output'];

/** A chat message as stored in files: `{ role, content }`. */
interface ChatMessage {
  role: string;
  content: unknown;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** True for `{ role: string, content }`, the unit of every chat format in use. */
export function isChatMessage(value: unknown): value is ChatMessage {
  return isObject(value) && typeof value.role === 'string' && 'content' in value;
}

/** True for a non-empty list of chat messages. */
export function isMessageList(value: unknown): value is ChatMessage[] {
  return Array.isArray(value) && value.length > 0 && value.every(isChatMessage);
}

/**
 * The text of a message's content. Multimodal content (a list of parts) keeps its text parts,
 * since the other parts have no text to compare.
 */
export function messageContent(message: ChatMessage): string {
  const content = message.content;
  if (typeof content === 'string') return content;
  if (content === null || content === undefined) return '';
  if (!Array.isArray(content)) return String(content);

  const parts: string[] = [];
  for (const part of content) {
    if (typeof part === 'string') parts.push(part);
    else if (isObject(part) && typeof part.text === 'string') parts.push(part.text);
  }
  return parts.join('\n');
}

/** Messages as `role: content` lines joined by newlines. */
export function renderMessages(messages: readonly ChatMessage[]): string {
  return messages.map((m) => `${m.role}: ${messageContent(m)}`).join('\n');
}

/**
 * The text a value stands for, or undefined when it holds none: a string as is, a number (or a
 * 64-bit integer) in decimal, a message list rendered, a single message's content, or an
 * object's first text field.
 */
export function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'bigint') return value.toString();
  if (isMessageList(value)) {
    // A completion stored as one assistant message reads as its content, not "assistant: ...".
    return value.length === 1 ? messageContent(value[0]!) : renderMessages(value);
  }
  if (!isObject(value)) return undefined;
  if (isChatMessage(value)) return messageContent(value);

  for (const field of ITEM_TEXT_FIELDS) {
    if (field in value) return textOf(value[field]);
  }
  return undefined;
}

/** The text of a prompt: like `textOf`, but chat messages always render with their roles. */
export function promptText(value: unknown): string | undefined {
  return isMessageList(value) ? renderMessages(value) : textOf(value);
}

/** True when a text has nothing but white space. */
export function isBlank(text: string | undefined): boolean {
  return text === undefined || text.trim() === '';
}

/** Short stable id of a prompt text: the first 12 hex digits of its SHA-1. */
export function promptHash(text: string): string {
  return createHash('sha1').update(text).digest('hex').slice(0, 12);
}

/**
 * Key under which two completion texts count as the same: surrounding white space differs
 * often between generations and carries no preference information, so it is ignored. A digest
 * keeps the key small whatever the text's length.
 */
export function duplicateKey(text: string): string {
  return createHash('sha1').update(text.trim()).digest('base64');
}

/** A value described for a problem message: its type, or a short quote of a string. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Uint8Array) return 'binary data';
  if (typeof value === 'string') {
    const quoted = value.length > 24 ? `${value.slice(0, 21)}...` : value;
    return `"${quoted}"`;
  }
  if (typeof value === 'object') return 'an object';
  return String(value);
}
