/**
 * Feeding CSV and TSV rows to the record handler through papaparse, one row at a time (`step`),
 * from a string or a file stream (gunzipped on the way when it is gzip). The header row names the
 * fields; each later row becomes an object keyed by it. A row is known by the line it starts on
 * (1-based, counting every line of the file), as an editor shows it: quoted cells that span lines
 * and blank lines make that differ from the row's position.
 */
import { Readable } from 'node:stream';
import Papa from 'papaparse';
import { textChunks } from './byte-source';
import type { PoolCompression } from './pool';
import type { RecordHandler } from './record-handler';
import { countInvalidMarks, describeFault, type Utf8Decoder } from './utf8-decoder';

/** Turns raw rows into records keyed by the header. */
class RowReader {
  private header: string[] | undefined;

  constructor(
    private readonly handler: RecordHandler,
    /** The decoder that made the text from bytes: rows holding bytes it rejected are skipped. */
    private readonly decoder?: Utf8Decoder,
    private readonly compressed = false,
  ) {}

  /** One row, starting on `line`. */
  accept(cells: string[], errors: Papa.ParseError[], line: number): void {
    if (this.decoder && this.decoder.faults.length > 0 && this.invalid(cells, line)) return;
    if (errors.length > 0) {
      const reason = errors.map((e) => e.message).join('; ');
      this.handler.malformed(line, `row cannot be read (${reason}); fix its quoting`);
      return;
    }
    if (!this.header) {
      this.header = readHeader(cells);
      return;
    }
    if (cells.length !== this.header.length) {
      const message =
        `row has ${cells.length} cells but the header has ${this.header.length}; ` +
        'row skipped: check its delimiters and quoting';
      this.handler.malformed(line, message);
      return;
    }

    // No prototype: a column named `__proto__` or `constructor` stays an ordinary field.
    const record: Record<string, unknown> = Object.create(null);
    for (let i = 0; i < cells.length; i++) record[this.header[i]!] = detach(cells[i]!);
    this.handler.record(record, line);
  }

  /** Reports a row that holds bytes that are not UTF-8; a bad header is reported and kept. */
  private invalid(cells: string[], line: number): boolean {
    let marks = 0;
    for (const cell of cells) marks += countInvalidMarks(cell);
    if (marks === 0) return false;

    const what = describeFault(this.decoder!.claim(line, marks), this.compressed);
    if (!this.header) {
      const message = `the header row holds ${what}; column names may be misread`;
      this.handler.invalidEncoding(line, `${message}: save the file as UTF-8`, false);
      return false;
    }
    this.handler.invalidEncoding(
      line,
      `the row holds ${what}; row skipped: save the file as UTF-8`,
    );
    return true;
  }
}

/**
 * The line each row starts on, from papaparse's cursor (the offset in the text just past the
 * row) and the text it was given, which is kept only until every row in it has been counted.
 * Blank lines before a row are skipped by papaparse and counted here.
 */
class RowLines {
  private chunks: string[] = [];
  /** Offset in the whole text of `chunks[0]`. */
  private base = 0;
  /** Offset up to which newlines have been counted. */
  private counted = 0;
  /** 1-based line of the character at `counted`. */
  private line = 1;

  add(chunk: string): void {
    if (chunk !== '') this.chunks.push(chunk);
  }

  /** The line of the row that ends at `cursor` and starts after the previous row. */
  next(cursor: number): number {
    let start = this.counted;
    while (start < cursor && this.charAt(start) === '\n') start++;
    this.countTo(start);
    const line = this.line;
    this.countTo(cursor);
    return line;
  }

  private charAt(offset: number): string {
    let at = offset - this.base;
    for (const chunk of this.chunks) {
      if (at < chunk.length) return chunk[at]!;
      at -= chunk.length;
    }
    return '';
  }

  private countTo(offset: number): void {
    while (this.counted < offset && this.chunks.length > 0) {
      const chunk = this.chunks[0]!;
      const from = this.counted - this.base;
      const to = Math.min(chunk.length, offset - this.base);
      for (let i = chunk.indexOf('\n', from); i >= 0 && i < to; i = chunk.indexOf('\n', i + 1)) {
        this.line++;
      }
      this.counted = this.base + to;
      if (to < chunk.length) break;
      this.chunks.shift();
      this.base += chunk.length;
    }
  }
}

/**
 * Line ends made `\n` before papaparse sees the text: it guesses one line end for the whole file
 * from its start, so a file mixing CRLF and LF would otherwise leave `\r` at the end of cells,
 * and a CRLF inside a quoted cell would stay in the completion's text. A CR at the end of a chunk
 * waits for the next, which may start with the LF of the same line end.
 */
class LineEnds {
  private started = false;
  private heldCr = false;

  fix(chunk: string): string {
    if (!this.started && chunk.length > 0) {
      this.started = true;
      // A byte-order mark would stop papaparse from seeing a quote that opens the first cell.
      if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
    }
    if (this.heldCr) {
      chunk = '\r' + chunk;
      this.heldCr = false;
    }
    if (chunk.endsWith('\r')) {
      this.heldCr = true;
      chunk = chunk.slice(0, -1);
    }
    return chunk.includes('\r\n') ? chunk.replace(/\r\n/g, '\n') : chunk;
  }

  end(): string {
    return this.heldCr ? '\r' : '';
  }
}

/**
 * A copy of a cell that does not share memory with the chunk it was cut from. Papaparse returns
 * substrings, which V8 keeps as views of the whole chunk; a kept completion text would otherwise
 * hold every chunk of the file in memory. Concatenating and slicing forces a flat copy.
 */
function detach(cell: string): string {
  return cell.length < 16 ? cell : (' ' + cell).slice(1);
}

function readHeader(cells: string[]): string[] {
  return cells.map((cell, i) => {
    const name = i === 0 ? cell.replace(/^\uFEFF/, '').trim() : cell.trim();
    return name === '' ? `column${i + 1}` : name;
  });
}

function config(format: 'csv' | 'tsv'): Papa.ParseConfig<string[]> {
  return { delimiter: format === 'tsv' ? '\t' : ',', header: false, skipEmptyLines: true };
}

/**
 * Read CSV or TSV text held in memory. With the decoder that made the text from bytes, the rows
 * holding bytes that were not UTF-8 are skipped with a problem.
 */
export function parseCsvText(
  text: string,
  format: 'csv' | 'tsv',
  handler: RecordHandler,
  decoder?: Utf8Decoder,
): void {
  const rows = new RowReader(handler, decoder);
  const ends = new LineEnds();
  const lines = new RowLines();
  const fixed = ends.fix(text) + ends.end();
  lines.add(fixed);
  Papa.parse<string[]>(fixed, {
    ...config(format),
    step: (results) => rows.accept(results.data, results.errors, lines.next(results.meta.cursor)),
  });
}

/**
 * The decoded text of a file, line ends made `\n`, as a stream papaparse can read; `lines` is
 * given every chunk, to count the lines of the rows papaparse cuts from them.
 */
function csvTextStream(
  path: string,
  compression: PoolCompression | undefined,
  decoder: Utf8Decoder,
  lines: RowLines,
  signal?: AbortSignal,
): Readable {
  const ends = new LineEnds();
  async function* text() {
    for await (const chunk of textChunks(path, compression, decoder, signal)) {
      const fixed = ends.fix(chunk);
      lines.add(fixed);
      yield fixed;
    }
    const tail = ends.end();
    lines.add(tail);
    if (tail !== '') yield tail;
  }
  return Readable.from(text());
}

/** Read a CSV or TSV file as a stream; settles once every row has been handled. */
export function streamCsvFile(
  path: string,
  format: 'csv' | 'tsv',
  compression: PoolCompression | undefined,
  decoder: Utf8Decoder,
  handler: RecordHandler,
  signal?: AbortSignal,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const lines = new RowLines();
    const stream = csvTextStream(path, compression, decoder, lines, signal);
    const rows = new RowReader(handler, decoder, compression !== undefined);
    let settled = false;

    const settle = (error?: unknown) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      stream.destroy();
      if (error === undefined) resolve();
      else reject(error);
    };
    const onAbort = () => settle(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });

    Papa.parse<string[]>(stream, {
      ...config(format),
      step: (results, parser) => {
        if (settled) return parser.abort();
        try {
          rows.accept(results.data, results.errors, lines.next(results.meta.cursor));
        } catch (error) {
          settle(error);
          parser.abort();
        }
      },
      complete: () => settle(),
      error: (error) => settle(error),
    });
  });
}
