/**
 * Feeding the rows of a Parquet file to the record handler, one row group at a time, through
 * hyparquet: the file is read by byte ranges from a file handle, never whole, and memory holds the
 * decoded columns of one row group. Each row becomes a record object whose line is its 1-based
 * row number. Columns read as the JSON readers would give them: 64-bit integers become numbers,
 * list columns arrays (a `list<float>` column is an embedding), struct columns objects.
 */
import { open, type FileHandle } from 'node:fs/promises';
import {
  parquetMetadataAsync,
  parquetReadObjects,
  type AsyncBuffer,
  type FileMetaData,
} from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { PoolError } from './pool';
import type { RecordHandler } from './record-handler';

/** Bytes of the file's end fetched first: the footer with the schema usually fits. */
const FOOTER_FETCH_BYTES = 1 << 16;

/** Reports a value of a row that cannot be kept; the row itself is still read. */
type Report = (field: string, message: string) => void;

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

    let rowStart = 0;
    for (const group of metadata.row_groups) {
      signal?.throwIfAborted();
      const rowEnd = rowStart + Number(group.num_rows);
      const rows = await parquet(path, () => readRows(file, metadata, rowStart, rowEnd));
      for (let i = 0; i < rows.length; i++) {
        const row = rowStart + i + 1;
        const report: Report = (field, message) =>
          handler.problem('non-finite-number', row, field, message);
        handler.record(plainValue(rows[i], '', report), row);
        rows[i] = undefined;
      }
      rowStart = rowEnd;
    }
  } finally {
    await handle.close();
  }
}

function readRows(
  file: AsyncBuffer,
  metadata: FileMetaData,
  rowStart: number,
  rowEnd: number,
): Promise<unknown[]> {
  return parquetReadObjects({ file, metadata, rowStart, rowEnd, rowFormat: 'object', compressors });
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
      `${path}: cannot read the Parquet file (${reason}); ` +
      'it may be damaged or cut short: write it again';
    throw new PoolError(message, path);
  }
}

/**
 * A Parquet value as the JSON readers would give it: 64-bit integers as numbers (those beyond
 * 2^53, which a number cannot hold exactly, are reported and dropped), typed arrays as arrays,
 * dates as ISO text, structs as objects without a prototype.
 */
export function plainValue(value: unknown, field: string, report: Report): unknown {
  if (typeof value === 'bigint') {
    if (value >= Number.MIN_SAFE_INTEGER && value <= Number.MAX_SAFE_INTEGER) return Number(value);
    const message = `\`${field}\` holds the integer ${value}, beyond what a number holds exactly`;
    report(field, `${message}; treated as missing`);
    return undefined;
  }
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (value instanceof Uint8Array) return value;

  if (Array.isArray(value) || ArrayBuffer.isView(value)) {
    const items = value as ArrayLike<unknown>;
    const list = new Array<unknown>(items.length);
    for (let i = 0; i < items.length; i++) list[i] = plainValue(items[i], join(field, i), report);
    return list;
  }

  const record: Record<string, unknown> = Object.create(null);
  for (const [key, item] of Object.entries(value))
    record[key] = plainValue(item, join(field, key), report);
  return record;
}

function join(field: string, key: string | number): string {
  return field === '' ? String(key) : `${field}.${key}`;
}
