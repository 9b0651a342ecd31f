/**
 * The ways into the readers: a file on disk, streamed, or a document already in memory (the
 * language server's open editors), as text or as bytes. All feed the same record handler, so a
 * file reads the same either way.
 */
import { gunzipSync } from 'node:zlib';
import {
  GZIP_HEADER_BYTES,
  gzipError,
  readGzipHead,
  readHead,
  startsWithGzip,
  startsWithUtf16,
} from './byte-source';
import { parseCsvText, streamCsvFile } from './csv-source';
import { compressionFromName, formatFromName, looksLikeParquet, sniffFormat } from './format';
import { parseJsonText, streamJsonFile } from './json-source';
import { streamParquetFile } from './parquet-source';
import {
  PoolError,
  poolErrorAt,
  type Pool,
  type PoolCompression,
  type PoolFormat,
  type ReadOptions,
} from './pool';
import { RecordHandler } from './record-handler';
import { Utf8Decoder } from './utf8-decoder';

/** Bytes read to guess the format of a file whose name does not give it. */
const SNIFF_BYTES = 4096;

/**
 * Read a pool file from disk, streamed: memory holds the extracted prompts and completions, not
 * the file's text. JSONL, JSON, CSV and TSV may be gzip-compressed; Parquet is read row group by
 * row group. Gzip and Parquet are known by their first bytes, whatever the name says (a `.gz`
 * name over plain text is read as text, with a warning). Problems with single records are
 * collected in `Pool.problems`; a file with nothing usable, or that cannot be read to its end (a
 * truncated gzip stream, a damaged Parquet file), throws `PoolError`.
 */
export async function readPoolFile(path: string, options: ReadOptions = {}): Promise<Pool> {
  options.signal?.throwIfAborted();
  let compression: PoolCompression | undefined;
  let format: PoolFormat;
  try {
    const head = await readHead(path, GZIP_HEADER_BYTES);
    if (startsWithUtf16(head)) throw utf16Error(path);
    // The bytes decide what the name only suggests: gzip and Parquet have signatures.
    compression = startsWithGzip(head) ? 'gzip' : undefined;
    const signature = looksLikeParquet(head.toString('latin1')) ? 'parquet' : undefined;
    format =
      options.format ?? signature ?? formatFromName(path) ?? (await sniffFile(path, compression));
  } catch (error) {
    throw asPoolError(error, path);
  }
  if (format === 'parquet' && compression) {
    const message =
      'a gzip-compressed Parquet file cannot be read by parts; decompress it ' +
      '(Parquet compresses its own pages)';
    throw poolErrorAt(path, undefined, message);
  }

  const handler = new RecordHandler(path, options, format);
  if (!compression) noteMisnamedGzip(path, handler);
  const decoder = new Utf8Decoder();
  const signal = options.signal;
  try {
    if (format === 'parquet') await streamParquetFile(path, handler, signal);
    else if (format === 'csv' || format === 'tsv') {
      await streamCsvFile(path, format, compression, decoder, handler, signal);
    } else await streamJsonFile(path, compression, decoder, handler, signal);
  } catch (error) {
    throw asPoolError(error, path);
  }
  return withCompression(handler.finish(), compression);
}

/**
 * Read a pool from text in memory; `file` names it in problems. The same records give the same
 * pool as `readPoolFile`. Binary files (Parquet, gzip) cannot come as text: they throw
 * `PoolError`, to be read from disk with `readPoolFile` or as bytes with `parsePoolBytes`.
 */
export function parsePoolText(text: string, file: string, options: ReadOptions = {}): Pool {
  const format = options.format ?? formatFromName(file) ?? sniffFormat(text.slice(0, SNIFF_BYTES));
  if (format === 'parquet' || looksLikeParquet(text, true)) throw binaryText(file, 'Parquet');
  if (isGzipText(text)) throw binaryText(file, 'gzip');

  const handler = new RecordHandler(file, options, format);
  noteMisnamedGzip(file, handler);
  if (format === 'csv' || format === 'tsv') parseCsvText(text, format, handler);
  else parseJsonText(text, handler);
  return handler.finish();
}

/**
 * Read a pool from a file's bytes in memory: gzip is decompressed, and records holding bytes
 * that are not UTF-8 are skipped with an `invalid-encoding` problem, as `readPoolFile` does.
 * Parquet needs `readPoolFile`.
 */
export function parsePoolBytes(bytes: Uint8Array, file: string, options: ReadOptions = {}): Pool {
  const gzip = startsWithGzip(bytes);
  if (startsWithUtf16(bytes)) throw utf16Error(file);
  if (options.format === 'parquet' || looksLikeParquet(latin1Ends(bytes), true)) {
    const message = 'a Parquet pool is read from disk, by parts: use readPoolFile';
    throw poolErrorAt(file, undefined, message);
  }

  let data = bytes;
  if (gzip) {
    try {
      data = gunzipSync(bytes);
    } catch (error) {
      throw gzipError(file, undefined, error as Error, bytes);
    }
  }
  const decoder = new Utf8Decoder();
  const text = decoder.decode(data) + decoder.end();

  const format = options.format ?? formatFromName(file) ?? sniffFormat(text.slice(0, SNIFF_BYTES));
  const handler = new RecordHandler(file, options, format);
  if (!gzip) noteMisnamedGzip(file, handler);
  if (format === 'csv' || format === 'tsv') parseCsvText(text, format, handler, decoder);
  else parseJsonText(text, handler, decoder);
  return withCompression(handler.finish(), gzip ? 'gzip' : undefined);
}

/** A file named `.gz` whose bytes are not gzip is read as the text it is, with a warning. */
function noteMisnamedGzip(file: string, handler: RecordHandler): void {
  if (!compressionFromName(file)) return;
  const message = 'the file is named .gz but is not gzip-compressed; read as plain text';
  handler.problem('misnamed-file', 1, undefined, message);
}

function withCompression(pool: Pool, compression: PoolCompression | undefined): Pool {
  if (compression) pool.compression = compression;
  return pool;
}

async function sniffFile(path: string, compression: PoolCompression | undefined) {
  const head = compression
    ? await readGzipHead(path, SNIFF_BYTES)
    : await readHead(path, SNIFF_BYTES);
  if (looksLikeParquet(head.toString('latin1'))) return 'parquet';
  return sniffFormat(head.toString('utf8'));
}

/** The first bytes of gzip data, as an editor decodes them (0x8b is no UTF-8). */
function isGzipText(text: string): boolean {
  return text.charCodeAt(0) === 0x1f && [0x8b, 0xfffd].includes(text.charCodeAt(1));
}

/** The first and last four bytes, one character a byte: where Parquet's signatures are. */
function latin1Ends(bytes: Uint8Array): string {
  const ends = [...bytes.subarray(0, 4), ...bytes.subarray(Math.max(4, bytes.length - 4))];
  return String.fromCharCode(...ends);
}

function utf16Error(file: string): PoolError {
  const message = 'the file is UTF-16 text; save it as UTF-8 to read it as a pool';
  return poolErrorAt(file, 1, message, undefined, 'invalid-encoding');
}

function binaryText(file: string, kind: string): PoolError {
  const what = `a ${kind} file is binary and cannot be read from text`;
  return poolErrorAt(file, undefined, `${what}: read it from disk by its path`);
}

/** File-system failures become `PoolError`s naming the file; others (aborts) pass through. */
function asPoolError(error: unknown, path: string): unknown {
  if (error instanceof PoolError) return error;
  const syscall = (error as NodeJS.ErrnoException | undefined)?.syscall;
  if (syscall === undefined) return error;
  const reason = (error as Error).message;
  return poolErrorAt(path, undefined, `cannot read the file (${reason})`);
}
