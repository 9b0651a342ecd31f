/**
 * Finds where a field of a record sits on its line, so that a diagnostic or a hover points at
 * the value at fault rather than at the whole record. The engine names fields as paths:
 * `embedding`, `completions.3`, `chosen.1.content`.
 *
 * The scanner is lenient: a malformed line simply yields no range.
 */

/** Character span [start, end) within a line. */
export interface Span {
  start: number;
  end: number;
}

function skipSpace(text: string, pos: number): number {
  while (pos < text.length && /\s/.test(text[pos])) pos++;
  return pos;
}

/** End (exclusive) of the JSON value that starts at `pos`, or -1 when it does not close. */
export function scanValue(text: string, pos: number): number {
  pos = skipSpace(text, pos);
  const first = text[pos];

  if (first === '"') {
    for (let i = pos + 1; i < text.length; i++) {
      if (text[i] === '\\') i++;
      else if (text[i] === '"') return i + 1;
    }
    return -1;
  }

  if (first === '{' || first === '[') {
    let depth = 0;
    for (let i = pos; i < text.length; i++) {
      const c = text[i];
      if (c === '"') {
        const end = scanValue(text, i);
        if (end < 0) return -1;
        i = end - 1;
      } else if (c === '{' || c === '[') depth++;
      else if (c === '}' || c === ']') {
        depth--;
        if (depth === 0) return i + 1;
      }
    }
    return -1;
  }

  let i = pos;
  while (i < text.length && !/[\s,}\]]/.test(text[i])) i++;
  return i > pos ? i : -1;
}

interface Member {
  key: string;
  value: Span;
}

/** The members of the JSON object starting at `pos`, in order. */
function objectMembers(text: string, pos: number): Member[] {
  const members: Member[] = [];
  let i = skipSpace(text, pos + 1);

  while (i < text.length && text[i] === '"') {
    const keyEnd = scanValue(text, i);
    if (keyEnd < 0) break;
    let key: string;
    try {
      key = JSON.parse(text.slice(i, keyEnd)) as string;
    } catch {
      break;
    }

    i = skipSpace(text, keyEnd);
    if (text[i] !== ':') break;
    const start = skipSpace(text, i + 1);
    const end = scanValue(text, start);
    if (end < 0) break;
    members.push({ key, value: { start, end } });

    i = skipSpace(text, end);
    if (text[i] !== ',') break;
    i = skipSpace(text, i + 1);
  }
  return members;
}

/** The elements of the JSON array starting at `pos`, in order. */
function arrayElements(text: string, pos: number): Span[] {
  const elements: Span[] = [];
  let i = skipSpace(text, pos + 1);

  while (i < text.length && text[i] !== ']') {
    const end = scanValue(text, i);
    if (end < 0) break;
    elements.push({ start: i, end });
    i = skipSpace(text, end);
    if (text[i] !== ',') break;
    i = skipSpace(text, i + 1);
  }
  return elements;
}

/**
 * The span of the value at `path` in the JSON record on `line`, or of the longest prefix of the
 * path that exists; undefined when the line holds no JSON object.
 */
export function jsonFieldSpan(line: string, path: string | undefined): Span | undefined {
  const start = skipSpace(line, 0);
  if (line[start] !== '{') return undefined;
  const end = scanValue(line, start);
  if (!path) return undefined;
  let span: Span = { start, end: end < 0 ? line.trimEnd().length : end };

  for (const segment of path.split('.')) {
    const open = line[span.start];
    let next: Span | undefined;
    if (open === '{') {
      next = objectMembers(line, span.start).find((m) => m.key === segment)?.value;
    } else if (open === '[' && /^\d+$/.test(segment)) {
      next = arrayElements(line, span.start)[Number(segment)];
    }
    if (!next) return span.start === start ? undefined : span;
    span = next;
  }
  return span;
}

/** Cell spans of one CSV or TSV line (quotes honoured, a quoted cell spans its quotes). */
export function csvCells(line: string, separator: string): Span[] {
  const cells: Span[] = [];
  let i = 0;

  while (i <= line.length) {
    const start = i;
    if (line[i] === '"') {
      i++;
      while (i < line.length) {
        if (line[i] === '"' && line[i + 1] === '"') i += 2;
        else if (line[i] === '"') break;
        else i++;
      }
      i++;
    }
    while (i < line.length && line[i] !== separator) i++;
    cells.push({ start, end: i });
    i++;
  }
  return cells;
}

/** Unquoted header names of a CSV or TSV header line. */
export function csvHeader(line: string, separator: string): string[] {
  return csvCells(line, separator).map(({ start, end }) => {
    const cell = line.slice(start, end).trim();
    return cell.startsWith('"') ? cell.slice(1, -1).replace(/""/g, '"') : cell;
  });
}

/** The whole line without its surrounding whitespace, as a fallback span. */
export function lineSpan(line: string): Span {
  const start = line.length - line.trimStart().length;
  return { start, end: Math.max(start, line.trimEnd().length) };
}
