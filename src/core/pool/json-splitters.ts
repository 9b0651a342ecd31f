/**
 * Cutting JSON text into records as it arrives, chunk by chunk, so that a file is never held
 * whole: one record a line (JSONL), or the elements of one top-level array. Each record's text
 * goes to a sink with the 1-based line it starts on; parsing is the sink's business.
 */

import { INVALID_MARK } from './utf8-decoder';

/** Receives each record's text, and structural faults that belong to no record. */
export interface PieceSink {
  piece(text: string, line: number): void;
  broken(line: number, message: string): void;
  /**
   * Bytes that are not UTF-8 between two elements of an array, where no record is: they are
   * reported, and the next element is read. Without this method they start an element, or
   * stay in the text of the element they follow.
   */
  invalidBetween?(line: number): void;
}

/** Text fed in chunks of any size; `end` flushes what is left. */
export interface TextSplitter {
  push(chunk: string): void;
  end(): void;
}

const NEWLINE = 0x0a;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const NOT_BLANK = /\S/;
const INVALID = INVALID_MARK.charCodeAt(0);
const NUL = 0x00;
const BOM = 0xfeff;

function isSpace(c: number): boolean {
  return c === 0x20 || c === NEWLINE || c === 0x0d || c === 0x09;
}

/** One record a line; blank lines are not records. A line may span any number of chunks. */
export class LineSplitter implements TextSplitter {
  private pending: string[] = [];
  private line = 1;

  constructor(private readonly sink: PieceSink) {}

  push(chunk: string): void {
    let start = 0;
    for (let nl = chunk.indexOf('\n'); nl >= 0; nl = chunk.indexOf('\n', start)) {
      this.emit(this.take(chunk.slice(start, nl)));
      start = nl + 1;
    }
    if (start < chunk.length) this.pending.push(chunk.slice(start));
  }

  end(): void {
    if (this.pending.length > 0) this.emit(this.take(''));
  }

  private take(tail: string): string {
    if (this.pending.length === 0) return tail;
    this.pending.push(tail);
    const text = this.pending.join('');
    this.pending = [];
    return text;
  }

  private emit(text: string): void {
    const line = this.line++;
    if (NOT_BLANK.test(text)) this.sink.piece(text, line);
  }
}

/**
 * The elements of one top-level JSON array, found by tracking strings and bracket depth, so
 * each element is parsed on its own: a broken element costs that record only, and its line is
 * known. A trailing comma before `]` is tolerated.
 */
export class ArraySplitter implements TextSplitter {
  private state: 'before' | 'inside' | 'after' = 'before';
  private depth = 0;
  private inString = false;
  private escaped = false;
  private line = 1;
  /** Line where the current element starts; 0 between elements. */
  private elementLine = 0;
  /** The current element is an object or array whose closing bracket has been read. */
  private closed = false;
  private pending: string[] = [];
  private trailingReported = false;

  constructor(private readonly sink: PieceSink) {}

  push(chunk: string): void {
    let start = 0;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (c === NEWLINE) this.line++;
      if (this.inString) {
        this.scanString(c);
        continue;
      }
      if (this.state !== 'inside') {
        this.outside(c);
        continue;
      }

      if (this.elementLine === 0) {
        if (isSpace(c) || c === COMMA) continue;
        if (c === CLOSE_BRACKET) {
          this.state = 'after';
          continue;
        }
        if (this.stray(c)) continue;
        this.elementLine = this.line;
        start = i;
      } else if (this.closed && !isSpace(c) && c !== COMMA && c !== CLOSE_BRACKET) {
        // After an element's closing bracket, a stray character belongs to no record: the
        // element ends there, and the next one is read after the comma.
        if (this.isStray(c)) {
          this.flush(chunk.slice(start, i));
          this.stray(c);
          continue;
        }
        this.closed = false;
      }

      if (c === QUOTE) this.inString = true;
      else if (c === OPEN_BRACE || c === OPEN_BRACKET) this.depth++;
      else if ((c === CLOSE_BRACE || c === CLOSE_BRACKET) && this.depth > 0) {
        this.depth--;
        if (this.depth === 0) this.closed = true;
      } else if (this.depth === 0 && (c === COMMA || c === CLOSE_BRACKET)) {
        this.flush(chunk.slice(start, i));
        if (c === CLOSE_BRACKET) this.state = 'after';
      }
    }
    if (this.elementLine > 0) this.pending.push(chunk.slice(start));
  }

  end(): void {
    if (this.state !== 'inside') return;
    if (this.elementLine > 0) this.flush('');
    this.sink.broken(this.line, 'the JSON array is not closed with `]`; the file may be cut short');
  }

  /** True for a character that is reported and ignored where no record is. */
  private isStray(c: number): boolean {
    return c === NUL || c === BOM || (c === INVALID && this.sink.invalidBetween !== undefined);
  }

  /** Reports `c` and returns true when it is a stray character (`isStray`). */
  private stray(c: number): boolean {
    if (c === INVALID && this.sink.invalidBetween) this.sink.invalidBetween(this.line);
    else if (c === NUL || c === BOM) {
      const what = c === NUL ? 'a NUL character (U+0000)' : 'a byte-order mark (U+FEFF)';
      this.sink.broken(this.line, `${what} between two records of the array; ignored`);
    } else return false;
    return true;
  }

  private scanString(c: number): void {
    if (this.escaped) this.escaped = false;
    else if (c === BACKSLASH) this.escaped = true;
    else if (c === QUOTE) this.inString = false;
  }

  private outside(c: number): void {
    if (isSpace(c)) return;
    if (this.state === 'before' && c === OPEN_BRACKET) {
      this.state = 'inside';
      return;
    }
    if (this.trailingReported) return;
    this.trailingReported = true;
    const where = this.state === 'before' ? 'before the opening `[`' : 'after the closing `]`';
    this.sink.broken(this.line, `unexpected text ${where}; it is ignored`);
  }

  private flush(tail: string): void {
    this.pending.push(tail);
    const text = this.pending.join('');
    this.pending = [];
    this.depth = 0;
    this.closed = false;
    const line = this.elementLine;
    this.elementLine = 0;
    if (NOT_BLANK.test(text)) this.sink.piece(text, line);
  }
}

/**
 * JSON text of either kind: an array when its first non-blank character is `[`, otherwise one
 * record a line (JSONL saved under a `.json` name is common, and so is the reverse). `format`
 * tells which, once known.
 */
export class JsonDocumentSplitter implements TextSplitter {
  format: 'json' | 'jsonl' | undefined;
  private inner: TextSplitter | undefined;
  private head: string[] = [];

  constructor(private readonly sink: PieceSink) {}

  push(chunk: string): void {
    if (this.inner) {
      this.inner.push(chunk);
      return;
    }
    const first = NOT_BLANK.exec(chunk);
    if (!first) {
      // Leading blank text still counts toward line numbers.
      this.head.push(chunk);
      return;
    }

    this.format = chunk[first.index] === '[' ? 'json' : 'jsonl';
    const inner =
      this.format === 'json' ? new ArraySplitter(this.sink) : new LineSplitter(this.sink);
    for (const text of this.head) inner.push(text);
    this.head = [];
    inner.push(chunk);
    this.inner = inner;
  }

  end(): void {
    this.inner?.end();
  }
}

/** Drops a byte-order mark at the very start of the text, which JSON.parse would reject. */
export class BomStripper implements TextSplitter {
  private started = false;

  constructor(private readonly inner: TextSplitter) {}

  push(chunk: string): void {
    if (!this.started && chunk.length > 0) {
      this.started = true;
      if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
    }
    this.inner.push(chunk);
  }

  end(): void {
    this.inner.end();
  }
}
