/**
 * Feeding CSV and TSV rows to the record handler through papaparse, one row at a time (`step`),
 * from a string or a file stream. The header row names the fields; each later row becomes an
 * object keyed by it. Rows are numbered as spreadsheets do: the header is row 1.
 */
import { createReadStream } from 'node:fs';
import Papa from 'papaparse';
import type { RecordHandler } from './record-handler';

/** Turns raw rows into records keyed by the header. */
class RowReader {
  private header: string[] | undefined;
  private row = 0;

  constructor(private readonly handler: RecordHandler) {}

  accept(cells: string[], errors: Papa.ParseError[]): void {
    this.row++;
    if (errors.length > 0) {
      const reason = errors.map((e) => e.message).join('; ');
      this.handler.malformed(this.row, `row cannot be read (${reason}); fix its quoting`);
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
      this.handler.malformed(this.row, message);
      return;
    }

    // No prototype: a column named `__proto__` or `constructor` stays an ordinary field.
    const record: Record<string, unknown> = Object.create(null);
    for (let i = 0; i < cells.length; i++) record[this.header[i]!] = detach(cells[i]!);
    this.handler.record(record, this.row);
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

/** Read CSV or TSV text held in memory. */
export function parseCsvText(text: string, format: 'csv' | 'tsv', handler: RecordHandler): void {
  const rows = new RowReader(handler);
  Papa.parse<string[]>(text, {
    ...config(format),
    step: (results) => rows.accept(results.data, results.errors),
  });
}

/** Read a CSV or TSV file as a stream; settles once every row has been handled. */
export function streamCsvFile(
  path: string,
  format: 'csv' | 'tsv',
  handler: RecordHandler,
  signal?: AbortSignal,
): Promise<void> {
  return new Promise((resolve, reject) => {
    // utf8 decoding in the stream keeps characters split across chunks whole.
    const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 });
    const rows = new RowReader(handler);
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
          rows.accept(results.data, results.errors);
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
