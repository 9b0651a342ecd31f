/**
 * Decoding a file's bytes as UTF-8, chunk by chunk, without hiding bad bytes. A character split
 * between two chunks is carried over and decoded whole. Bytes that are not UTF-8 are not turned
 * into U+FFFD, which would be indistinguishable from a U+FFFD the file really holds: each run of
 * them becomes one `INVALID_MARK` in the text and one `EncodingFault` saying where it was, so the
 * record that holds it can be skipped with a problem naming its line and byte offset.
 */

/**
 * Stands in the text for a run of bytes that are not UTF-8. A lone low surrogate: decoding valid
 * UTF-8 never yields one, so the mark cannot be mistaken for anything a file holds.
 */
export const INVALID_MARK = '\uDCFF';

const NEWLINE = 0x0a;

/** Where a run of invalid bytes was found. */
export interface EncodingFault {
  /** 1-based line of its first byte. */
  line: number;
  /** 0-based offset of its first byte in the decoded data (after decompression). */
  offset: number;
  /** Its first bytes (at most four), to show in the problem. */
  bytes: number[];
}

/** Decodes chunks of bytes; `faults` holds what was invalid and not yet claimed by a record. */
export class Utf8Decoder {
  readonly faults: EncodingFault[] = [];
  /** 1-based line of the next byte: one more than the newlines decoded so far. */
  line = 1;
  /** Bytes decoded so far, the carried tail of an unfinished character excluded. */
  offset = 0;
  private carry: Uint8Array | undefined;
  /**
   * The fault of the invalid run the last chunk ended in, if it did: a run that goes on in the
   * next chunk is the same run, so the text reads the same however the bytes were cut.
   */
  private openFault: EncodingFault | undefined;
  // The byte-order mark is kept: the readers drop it at the start of the text only.
  private readonly strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  private readonly lenient = new TextDecoder('utf-8', { ignoreBOM: true });

  /** The text of the next chunk; an unfinished character at its end waits for the next one. */
  decode(chunk: Uint8Array): string {
    let bytes = chunk;
    if (this.carry) {
      bytes = new Uint8Array(this.carry.length + chunk.length);
      bytes.set(this.carry);
      bytes.set(chunk, this.carry.length);
      this.carry = undefined;
    }

    const end = completeEnd(bytes);
    if (end < bytes.length) this.carry = bytes.slice(end);
    const body = bytes.subarray(0, end);
    if (body.length === 0) return '';

    let text: string;
    try {
      text = this.strict.decode(body);
      this.openFault = undefined;
    } catch {
      text = this.repair(body);
    }
    this.offset += body.length;
    this.line += countNewlines(body);
    return text;
  }

  /** What is left at the end of the data: a character cut short there is a fault too. */
  end(): string {
    const carry = this.carry;
    if (!carry) return '';
    this.carry = undefined;
    const mark = this.invalidRun(carry, 0, carry.length, this.line);
    this.offset += carry.length;
    this.openFault = undefined;
    return mark;
  }

  /**
   * The first fault of a record that starts on `line` (0 when lines are not known) and holds
   * `marks` invalid marks. Faults on earlier lines were in text that is no record (around a
   * JSON array) and are dropped; the record's own are removed with it.
   */
  claim(line: number, marks: number): EncodingFault | undefined {
    while (this.faults.length > 0 && this.faults[0]!.line < line) this.faults.shift();
    const taken = this.faults.splice(0, Math.max(marks, 1));
    return taken[0];
  }

  /** A chunk that is not all UTF-8: valid runs decoded, each invalid run one mark and fault. */
  private repair(body: Uint8Array): string {
    const parts: string[] = [];
    let line = this.line;
    let start = 0;
    let i = 0;
    while (i < body.length) {
      const size = sequenceLength(body, i);
      if (size > 0) {
        if (body[i] === NEWLINE) line++;
        this.openFault = undefined;
        i += size;
        continue;
      }

      const first = i;
      while (i < body.length && sequenceLength(body, i) === 0) i++;
      parts.push(this.lenient.decode(body.subarray(start, first)));
      parts.push(this.invalidRun(body, first, i, line));
      start = i;
    }
    parts.push(this.lenient.decode(body.subarray(start)));
    return parts.join('');
  }

  /**
   * Records the invalid bytes `bytes[first, end)`; returns the mark that stands for them, or
   * nothing when they continue the run the previous chunk ended in.
   */
  private invalidRun(bytes: Uint8Array, first: number, end: number, line: number): string {
    const open = this.openFault;
    const shown = Array.from(bytes.subarray(first, Math.min(end, first + 4)));
    if (open && first === 0) {
      open.bytes.push(...shown.slice(0, 4 - open.bytes.length));
      return '';
    }
    const fault = { line, offset: this.offset + first, bytes: shown };
    this.faults.push(fault);
    this.openFault = end === bytes.length ? fault : undefined;
    return INVALID_MARK;
  }
}

/** Newline bytes in `bytes`. */
function countNewlines(bytes: Uint8Array): number {
  let count = 0;
  for (let i = bytes.indexOf(NEWLINE); i >= 0; i = bytes.indexOf(NEWLINE, i + 1)) count++;
  return count;
}

/**
 * The end of the last whole character: the length of `bytes`, or less when they end inside a
 * multi-byte character whose remaining bytes are still to come. Invalid bytes are left in place
 * for the decoder to find.
 */
function completeEnd(bytes: Uint8Array): number {
  const length = bytes.length;
  for (let i = length - 1; i >= Math.max(0, length - 3); i--) {
    const byte = bytes[i]!;
    if ((byte & 0xc0) === 0x80) continue;
    if (byte < 0xc0) return length;
    const size = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : 2;
    return i + size > length ? i : length;
  }
  return length;
}

/**
 * The length of the well-formed UTF-8 sequence at `i`, or 0 when the byte there starts none
 * (the ranges of the Unicode standard's table of well-formed byte sequences).
 */
function sequenceLength(bytes: Uint8Array, i: number): number {
  const lead = bytes[i]!;
  if (lead < 0x80) return 1;
  if (lead < 0xc2 || lead > 0xf4) return 0;

  const size = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;
  if (i + size > bytes.length) return 0;
  let low = 0x80;
  let high = 0xbf;
  if (lead === 0xe0) low = 0xa0;
  else if (lead === 0xed) high = 0x9f;
  else if (lead === 0xf0) low = 0x90;
  else if (lead === 0xf4) high = 0x8f;

  const second = bytes[i + 1]!;
  if (second < low || second > high) return 0;
  for (let k = 2; k < size; k++) {
    if ((bytes[i + k]! & 0xc0) !== 0x80) return 0;
  }
  return size;
}

/** How many invalid marks `text` holds (not counting low halves of real surrogate pairs). */
export function countInvalidMarks(text: string): number {
  let count = 0;
  for (let i = text.indexOf(INVALID_MARK); i >= 0; i = text.indexOf(INVALID_MARK, i + 1)) {
    const before = i > 0 ? text.charCodeAt(i - 1) : 0;
    if (before < 0xd800 || before > 0xdbff) count++;
  }
  return count;
}

/** The sentence a problem gives for a fault. */
export function describeFault(fault: EncodingFault | undefined, compressed: boolean): string {
  if (!fault) return 'bytes that are not UTF-8';
  const hex = fault.bytes.map((b) => b.toString(16).padStart(2, '0')).join(' ');
  const data = compressed ? ' of the decompressed data' : '';
  const where = `line ${fault.line}, byte offset ${fault.offset}${data}`;
  return `bytes that are not UTF-8 (${hex}) at ${where}`;
}
