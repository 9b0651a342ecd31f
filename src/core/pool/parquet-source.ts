/**
 * Feeding the rows of a Parquet file to the record handler, one row group at a time, through
 * hyparquet: the file is read by byte ranges from a file handle, never whole, and memory holds the
 * decoded columns of one row group. Each row becomes a record object whose line is its 1-based
 * row number. Columns read as the JSON readers would give them: list columns arrays (a
 * `list<float>` column is an embedding), struct columns objects. Text is decoded strictly: a row
 * whose text holds bytes that are not UTF-8 is skipped with a problem, as a JSONL line is.
 */
import { open, type FileHandle } from 'node:fs/promises';
import {
  parquetMetadataAsync,
  parquetReadObjects,
  type AsyncBuffer,
  type FileMetaData,
  type ParquetReadOptions,
} from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { poolErrorAt } from './pool';
import type { RecordHandler } from './record-handler';
import { Utf8Decoder, countInvalidMarks } from './utf8-decoder';

/** Bytes of the file's end fetched first: the footer with the schema usually fits. */
const FOOTER_FETCH_BYTES = 1 << 16;

/** A text value holding bytes that are not UTF-8, and the field it was found in. */
interface InvalidText {
  field: string;
  text: string;
}

/**
 * Decodes the text values of a file. hyparquet's own decoding would turn bytes that are not
 * UTF-8 into U+FFFD, indistinguishable from a U+FFFD the file holds; here they become the
 * decoder's invalid marks, and the bytes are kept (by the text they made) to name in problems.
 */
class TextValues {
  /** The first invalid bytes of each marked text of the current row group. */
  readonly faults = new Map<string, number[]>();
  private readonly strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

  readonly parsers: ParquetReadOptions['parsers'] = {
    stringFromBytes: (bytes: Uint8Array | undefined) => bytes && this.decode(bytes),
    jsonFromBytes: (bytes: Uint8Array | undefined) => bytes && JSON.parse(this.decode(bytes)),
  };

  decode(bytes: Uint8Array): string {
    try {
      return this.strict.decode(bytes);
    } catch {
      const decoder = new Utf8Decoder();
      const text = decoder.decode(bytes) + decoder.end();
      this.faults.set(text, decoder.faults[0]?.bytes ?? []);
      return text;
    }
  }

  /** The problem message of a row holding invalid text. */
  describe(invalid: readonly InvalidText[]): string {
    const fields = invalid.map(({ field, text }) => {
      const hex = (this.faults.get(text) ?? []).map((b) => b.toString(16).padStart(2, '0'));
      return hex.length > 0 ? `\`${field}\` (${hex.join(' ')})` : `\`${field}\``;
    });
    const verb = fields.length === 1 ? 'holds' : 'hold';
    return (
      `${fields.join(', ')} ${verb} bytes that are not UTF-8; row skipped: write the file's ` +
      'text as UTF-8'
    );
  }
}

/** Read a Parquet file row group by row group. */
export async function streamParquetFile(
  path: string,
  handler: RecordHandler,
  signal?: AbortSignal,
): Promise<void> {
  const handle = await open(path, 'r');
  try {
    const file = await fileBuffer(handle);
    const metadata = await parquet(path, () =>
      parquetMetadataAsync(file, { initialFetchSize: FOOTER_FETCH_BYTES }),
    );

    const text = new TextValues();
    let rowStart = 0;
    for (const group of metadata.row_groups) {
      signal?.throwIfAborted();
      const rowEnd = rowStart + Number(group.num_rows);
      const rows = await parquet(path, () => readRows(file, metadata, rowStart, rowEnd, text));
      for (let i = 0; i < rows.length; i++) {
        const row = rowStart + i + 1;
        const invalid: InvalidText[] = [];
        const value = plainValue(rows[i], '', invalid);
        rows[i] = undefined;
        if (invalid.length > 0) handler.invalidEncoding(row, text.describe(invalid));
        else handler.record(value, row);
      }
      text.faults.clear();
      rowStart = rowEnd;
    }
  } finally {
    await handle.close();
  }
}

/**
 * Rows as objects. Byte arrays not marked as text come raw (`utf8: false`), so that binary
 * columns are not decoded as text; `plainValue` reads those that are UTF-8 as text.
 */
function readRows(
  file: AsyncBuffer,
  metadata: FileMetaData,
  rowStart: number,
  rowEnd: number,
  text: TextValues,
): Promise<unknown[]> {
  return parquetReadObjects({
    file,
    metadata,
    rowStart,
    rowEnd,
    rowFormat: 'object',
    compressors,
    parsers: text.parsers,
    utf8: false,
  });
}

/** Byte ranges of an open file, as hyparquet asks for them. */
async function fileBuffer(handle: FileHandle): Promise<AsyncBuffer> {
  const { size } = await handle.stat();
  return {
    byteLength: size,
    async slice(start: number, end = size): Promise<ArrayBuffer> {
      const length = Math.max(0, Math.min(end, size) - start);
      const buffer = new ArrayBuffer(length);
      const view = new Uint8Array(buffer);
      let filled = 0;
      while (filled < length) {
        const { bytesRead } = await handle.read(view, filled, length - filled, start + filled);
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
      return buffer;
    },
  };
}

/**
 * Runs a hyparquet step; its failures (not Parquet, a damaged page, a codec it lacks) become a
 * `PoolError` naming the file. Failures of the file system pass through, to be named by the
 * caller like those of every other reader.
 */
async function parquet<T>(path: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    if ((error as NodeJS.ErrnoException | undefined)?.syscall !== undefined) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    const message =
      `cannot read the Parquet file (${reason}); it may be damaged or cut short: ` +
      'write it again';
    throw poolErrorAt(path, undefined, message);
  }
}

/**
 * A Parquet value as the JSON readers would give it: 64-bit integers as numbers where a number
 * holds them exactly (larger ones stay `bigint`, read exactly as ids and refused as numbers),
 * typed arrays as arrays, dates as ISO text, structs as objects without a prototype, raw bytes as
 * text when they are UTF-8. Text holding invalid marks is collected in `invalid` with its field.
 */
export function plainValue(value: unknown, field: string, invalid: InvalidText[]): unknown {
  if (typeof value === 'string') {
    if (countInvalidMarks(value) > 0) invalid.push({ field, text: value });
    return value;
  }
  if (typeof value === 'bigint') {
    const safe = value >= Number.MIN_SAFE_INTEGER && value <= Number.MAX_SAFE_INTEGER;
    return safe ? Number(value) : value;
  }
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (value instanceof Uint8Array) return utf8OrBytes(value);

  if (Array.isArray(value) || ArrayBuffer.isView(value)) {
    const items = value as ArrayLike<unknown>;
    const list = new Array<unknown>(items.length);
    for (let i = 0; i < items.length; i++) list[i] = plainValue(items[i], join(field, i), invalid);
    return list;
  }

  const record: Record<string, unknown> = Object.create(null);
  for (const [key, item] of Object.entries(value))
    record[key] = plainValue(item, join(field, key), invalid);
  return record;
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Bytes not marked as text: their text when they are UTF-8, else the bytes themselves. */
function utf8OrBytes(bytes: Uint8Array): string | Uint8Array {
  try {
    return utf8.decode(bytes);
  } catch {
    return bytes;
  }
}

function join(field: string, key: string | number): string {
  return field === '' ? String(key) : `${field}.${key}`;
}
