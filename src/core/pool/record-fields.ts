/**
 * Reading fields out of a record by path, and reading numbers, lists and embeddings from the
 * values found. Records come from JSON (typed values) or CSV (every cell a string, lists stored as
 * JSON text), so every reader here accepts both spellings.
 */
import { parseJson } from './json-text';
import { describeValue } from './text';

/** A plain object (not a list, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A CSV cell that holds JSON (a list or an object) as its parsed value; any other value as is.
 * Strings that merely start with a bracket but do not parse stay strings.
 */
export function parseJsonCell(value: unknown): unknown {
  if (typeof value !== 'string') return value;

  const first = value.trimStart().charAt(0);
  if (first !== '[' && first !== '{') return value;
  const parsed = parseJson(value);
  return parsed.ok ? parsed.value : value;
}

/**
 * The value at a dotted path: `choices.0.turns.0`. A numeric segment indexes a list (negative
 * from the end: `messages.-1` is the last message); `:-1` keeps all but the last item. A `*`
 * segment takes every item of a list (or every value of an object) and gives the list of what
 * the rest of the path finds in each, undefined where an item lacks it, so that the result stays
 * parallel to the items: `completions.*.response`. A key that itself contains dots is found
 * first, so CSV headers like `a.b` still work.
 *
 * `reduce`, when given, is applied to each list the path's last `*` makes (with no `*`, to the
 * value found): `mean(annotations.*.Rating)` averages the ratings of one completion.
 */
export function getPath(
  record: unknown,
  path: string,
  reduce?: (values: unknown[]) => unknown,
): unknown {
  const whole = isRecord(record) && Object.hasOwn(record, path);
  const segments = path.split('.');
  if (!reduce) return whole ? record[path] : walk(record, segments, 0, segments.length);

  const lastStar = whole ? -1 : segments.lastIndexOf('*');
  if (lastStar === -1) {
    const value = whole ? record[path] : walk(record, segments, 0, segments.length);
    return reduce(readList(value) ?? [value]);
  }
  return walk(record, segments, 0, lastStar, reduce);
}

/**
 * Follows `segments` from `from`; a `*` maps the rest over the items. `reduceAt` is the index of
 * the `*` whose lists `reduce` collapses (the path's last one).
 */
function walk(
  value: unknown,
  segments: readonly string[],
  from: number,
  reduceAt: number,
  reduce?: (values: unknown[]) => unknown,
): unknown {
  let current = value;
  for (let i = from; i < segments.length; i++) {
    const container = parseJsonCell(current);
    if (segments[i] === '*') {
      const items = itemsOf(container);
      if (items === undefined) return undefined;
      const found = items.map((item) => walk(item, segments, i + 1, reduceAt, reduce));
      return reduce && i === reduceAt ? reduce(found) : found;
    }
    current = stepInto(container, segments[i]!);
    if (current === undefined) return undefined;
  }
  return current;
}

function itemsOf(value: unknown): unknown[] | undefined {
  if (Array.isArray(value)) return value;
  return isRecord(value) ? Object.values(value) : undefined;
}

function stepInto(value: unknown, segment: string): unknown {
  if (Array.isArray(value)) {
    if (segment === ':-1') return value.slice(0, -1);
    return /^-?\d+$/.test(segment) ? value.at(Number(segment)) : undefined;
  }
  if (isRecord(value) && Object.hasOwn(value, segment)) return value[segment];
  return undefined;
}

/** True when a field holds no value at all: absent, null, or an empty cell. */
export function isAbsent(value: unknown): boolean {
  return value === undefined || value === null || value === '';
}

/**
 * True when a field holds no value or says it has none: absent, or "N/A" (any case), which
 * rating datasets write for an aspect that was not rated. Such a value is missing, never zero.
 */
export function isMissing(value: unknown): boolean {
  return isAbsent(value) || (typeof value === 'string' && /^\s*n\/a\s*$/i.test(value));
}

/** A number read from a field: missing (`value` undefined), or why it is unusable. */
export type NumberRead = { ok: true; value: number | undefined } | { ok: false; reason: string };

/**
 * A finite number from a number, a 64-bit integer that a number holds exactly, or a string in
 * decimal notation ("4", "-0.5", "1e3"); absent values and "N/A" are missing, not zero.
 */
export function readNumber(value: unknown): NumberRead {
  if (isMissing(value)) return { ok: true, value: undefined };

  const number = toNumber(value);
  if (Number.isFinite(number)) return { ok: true, value: number };
  if (typeof value === 'bigint') {
    return { ok: false, reason: `holds the integer ${value}, beyond what a number holds exactly` };
  }
  return { ok: false, reason: `${describeValue(value)} is not a finite number` };
}

/** A list from a list or from JSON text holding one; undefined for anything else. */
export function readList(value: unknown): unknown[] | undefined {
  const parsed = parseJsonCell(value);
  return Array.isArray(parsed) ? parsed : undefined;
}

/** An embedding read from a field: missing (`vector` undefined), or why it is unusable. */
export type EmbeddingRead =
  { ok: true; vector: Float64Array | undefined } | { ok: false; reason: string };

/** An embedding vector from a list of numbers (or numeric strings), or JSON text holding one. */
export function readEmbedding(value: unknown): EmbeddingRead {
  if (isAbsent(value)) return { ok: true, vector: undefined };

  const list = readList(value);
  if (list === undefined) return { ok: false, reason: 'is not a list of numbers' };
  if (list.length === 0) return { ok: false, reason: 'is an empty list' };

  const vector = new Float64Array(list.length);
  for (let i = 0; i < list.length; i++) {
    const entry = list[i];
    const x = toNumber(entry);
    if (!Number.isFinite(x)) {
      return { ok: false, reason: `has entry ${i} = ${describeValue(entry)}, not a finite number` };
    }
    vector[i] = x;
  }
  return { ok: true, vector };
}

/**
 * Decimal notation only: an optional sign, digits with an optional point, an optional exponent.
 * `Number` alone would also read "0x10", "0b11" and "Infinity", which no score is written as.
 */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** A number from a number, an exactly representable 64-bit integer, or decimal text; else NaN. */
function toNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') {
    const safe = value >= Number.MIN_SAFE_INTEGER && value <= Number.MAX_SAFE_INTEGER;
    return safe ? Number(value) : Number.NaN;
  }
  if (typeof value !== 'string') return Number.NaN;
  const text = value.trim();
  return DECIMAL.test(text) ? Number(text) : Number.NaN;
}
