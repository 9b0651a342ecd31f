/**
 * Mapping values that say more than one path, so that the mapping a read records can be given
 * back with `--map` and read the same way:
 *
 * - `a|b` reads `b` where `a` holds nothing (absent, null, empty or "N/A"); when both give lists
 *   (paths with a `*`), item by item: `completions.*.overall_score|mean(...)`.
 * - `-path` negates the numbers found, for ranks where lower is better: `-answers.*.rank`.
 * - `mean(path)` averages the numbers found across the path's last `*` (numbers and numeric
 *   strings; missing and non-numeric values are left out, and a mean of nothing is missing).
 *
 * A record key spelled exactly like the whole value is read as that key, as with `getPath`.
 */
import { getPath, isMissing, isRecord, readNumber } from './record-fields';

/** One alternative of a mapping value. */
interface FieldTerm {
  path: string;
  negate: boolean;
  mean: boolean;
}

const parsed = new Map<string, FieldTerm[]>();

/** The alternatives of a mapping value, in the order they are tried. */
function termsOf(spec: string): FieldTerm[] {
  const known = parsed.get(spec);
  if (known) return known;

  const terms = spec.split('|').map((text): FieldTerm => {
    const term = text.trim();
    const mean = /^mean\((.+)\)$/.exec(term);
    if (mean) return { path: mean[1]!.trim(), negate: false, mean: true };
    if (term.startsWith('-') && term.length > 1) {
      return { path: term.slice(1), negate: true, mean: false };
    }
    return { path: term, negate: false, mean: false };
  });
  parsed.set(spec, terms);
  return terms;
}

/** The value a mapping value stands for in a record (see the module comment). */
export function readField(record: unknown, spec: string): unknown {
  if (isRecord(record) && Object.hasOwn(record, spec)) return record[spec];

  const terms = termsOf(spec);
  let value = readTerm(record, terms[0]!);
  for (let i = 1; i < terms.length; i++) value = fillGaps(value, readTerm(record, terms[i]!));
  return value;
}

function readTerm(record: unknown, term: FieldTerm): unknown {
  if (term.mean) return getPath(record, term.path, mean);
  const value = getPath(record, term.path);
  return term.negate ? negate(value) : value;
}

/** `first`, with its missing values (item by item for lists) taken from `next`. */
function fillGaps(first: unknown, next: unknown): unknown {
  if (Array.isArray(first) && Array.isArray(next)) {
    return first.map((value, i) => (isMissing(value) ? next[i] : value));
  }
  return isMissing(first) ? next : first;
}

/** Numbers negated, lists item by item; anything else as is, for the reader to judge. */
function negate(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(negate);
  const read = readNumber(value);
  // 0 - x, not -x: a rank of 0 must not become -0, which compares unequal to 0 in tests.
  return read.ok && read.value !== undefined ? 0 - read.value : value;
}

function mean(values: unknown[]): number | undefined {
  let sum = 0;
  let count = 0;
  for (const value of values) {
    const read = readNumber(value);
    if (!read.ok || read.value === undefined) continue;
    sum += read.value;
    count++;
  }
  return count > 0 ? sum / count : undefined;
}

/**
 * The path that names item `i` of a list a mapping value reads, for problems: the first `*` of
 * the first alternative becomes `i` (`completions.*.response` -> `completions.3.response`), or
 * `.i` is appended to a plain list path (`scores` -> `scores.3`).
 */
export function itemField(spec: string, i: number): string {
  const path = termsOf(spec)[0]!.path;
  return path.includes('*') ? path.replace('*', String(i)) : `${path}.${i}`;
}

/**
 * A mapping value in words, for values that are more than a path: `-answers.*.rank` ->
 * `minus answers.*.rank: lower is better`; undefined for a plain path.
 */
export function glossField(spec: string): string | undefined {
  const terms = termsOf(spec);
  if (terms.length === 1 && !terms[0]!.negate && !terms[0]!.mean) return undefined;

  const words = terms.map((t) => {
    if (t.mean) return `the mean of ${t.path}`;
    return t.negate ? `minus ${t.path}: lower is better` : t.path;
  });
  return words.join(', else ');
}
