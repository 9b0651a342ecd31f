/**
 * Parsing one record's JSON text. Python's `json` and pandas write `NaN` and `Infinity` as bare
 * tokens, which strict JSON rejects; rather than lose the whole record, those tokens are read as
 * the numbers they name, which every reader then reports: a non-finite score or embedding, an
 * id that is not a whole number. A string "NaN" stays a string.
 */

/** A parsed value, or why the text is not JSON. */
export type JsonParse = { ok: true; value: unknown } | { ok: false; reason: string };

const NON_FINITE = /NaN|Infinity/;

/** Parse JSON text, reading bare `NaN`, `Infinity` and `-Infinity` as those numbers. */
export function parseJson(text: string): JsonParse {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    const reason = shortReason(error);
    if (!NON_FINITE.test(text)) return { ok: false, reason };

    try {
      return { ok: true, value: JSON.parse(quoteNonFinite(text), reviveNonFinite) };
    } catch {
      return { ok: false, reason };
    }
  }
}

function shortReason(error: unknown): string {
  // The parser quotes the text it stopped at, control characters included: show them as codes.
  const message = (error instanceof Error ? error.message : String(error)).replace(
    /[\u0000-\u001f\u007f]/g,
    (c) => `U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`,
  );
  return message.length > 120 ? `${message.slice(0, 117)}...` : message;
}

/**
 * Marks a bare token while it passes through `JSON.parse` as a string: NUL characters cannot
 * stand unescaped in JSON text, so no string of the file takes this form by accident.
 */
const MARK = '\u0000';
const NUMBERS: Record<string, number> = {
  NaN: Number.NaN,
  Infinity: Number.POSITIVE_INFINITY,
  '-Infinity': Number.NEGATIVE_INFINITY,
};

function reviveNonFinite(_key: string, value: unknown): unknown {
  if (typeof value !== 'string' || value.charAt(0) !== MARK) return value;
  const number = NUMBERS[value.slice(1, -1)];
  return number === undefined || value.at(-1) !== MARK ? value : number;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Wrap bare non-finite tokens (outside strings) in quotes. */
function quoteNonFinite(text: string): string {
  const out: string[] = [];
  let start = 0;
  let inString = false;

  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
      continue;
    }
    if (c === QUOTE) {
      inString = true;
      continue;
    }

    const token = nonFiniteTokenAt(text, i);
    if (token === undefined) continue;
    out.push(text.slice(start, i), `"\\u0000${token}\\u0000"`);
    i += token.length - 1;
    start = i + 1;
  }

  out.push(text.slice(start));
  return out.join('');
}

function nonFiniteTokenAt(text: string, i: number): string | undefined {
  for (const token of ['NaN', 'Infinity', '-Infinity']) {
    if (text.startsWith(token, i)) return token;
  }
  return undefined;
}
