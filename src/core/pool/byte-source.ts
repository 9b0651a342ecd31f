/**
 * A pool file's bytes as they come off the disk, gunzipped on the way when the file is gzip,
 * and its text, decoded from them chunk by chunk: neither the file nor its decompressed data is
 * ever held whole.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { poolErrorAt, type PoolCompression, type PoolError } from './pool';
import type { Utf8Decoder } from './utf8-decoder';

/** Chunk size for reading files: large enough for throughput, small next to any pool. */
const CHUNK_BYTES = 1 << 20;

/** The bytes every gzip stream starts with. */
const GZIP_MAGIC = [0x1f, 0x8b];

/** Bytes of a gzip header that zlib checks first: the signature, the method, the flags. */
export const GZIP_HEADER_BYTES = 4;

/** The compression method byte of every gzip stream in use (deflate). */
const DEFLATE = 8;

/** Flag bits that gzip leaves reserved; zlib refuses a header that sets them. */
const RESERVED_FLAGS = 0xe0;

/**
 * zlib's messages for bytes that do not start a gzip stream. Once the first stream's header has
 * been accepted, they can only come from what follows the end of that stream: zlib reads on
 * after a stream ends, taking whatever comes next for the header of another.
 */
const NOT_A_HEADER = new Set([
  'incorrect header check',
  'unknown compression method',
  'unknown header flags set',
]);

/** The bytes of a file, decompressed when `compression` says so. */
export function openBytes(
  path: string,
  compression: PoolCompression | undefined,
  signal?: AbortSignal,
): AsyncIterable<Buffer> {
  const options = { highWaterMark: CHUNK_BYTES };
  const file = createReadStream(path, signal ? { ...options, signal } : options);
  if (compression !== 'gzip') return file;

  // An error on either side (the file, or corrupt data) ends the gunzip stream with it.
  const gunzip = createGunzip({ chunkSize: CHUNK_BYTES });
  return pipeline(file, gunzip, () => {});
}

/**
 * The text of a file, chunk by chunk, decoded by `decoder` (which keeps the faults it finds).
 * A gzip stream that is corrupt, cut short or followed by other data throws `PoolError`.
 */
export async function* textChunks(
  path: string,
  compression: PoolCompression | undefined,
  decoder: Utf8Decoder,
  signal?: AbortSignal,
): AsyncGenerator<string> {
  try {
    for await (const chunk of openBytes(path, compression, signal)) yield decoder.decode(chunk);
  } catch (error) {
    if (compression !== 'gzip' || !isZlibError(error)) throw error;
    throw gzipError(path, decoder.line, error, await readHead(path, GZIP_HEADER_BYTES));
  }
  const tail = decoder.end();
  if (tail !== '') yield tail;
}

/** True when bytes start with a gzip header, whatever the file's name says. */
export function startsWithGzip(head: Uint8Array): boolean {
  return GZIP_MAGIC.every((byte, i) => head[i] === byte);
}

/** True when bytes start with a UTF-16 byte-order mark (either byte order). */
export function startsWithUtf16(head: Uint8Array): boolean {
  return (head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff);
}

/** Up to `size` bytes from the start of a file. */
export async function readHead(path: string, size: number): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(size);
    const { bytesRead } = await handle.read(buffer, 0, size, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** Up to `size` bytes from the start of the decompressed data of a gzip file. */
export async function readGzipHead(path: string, size: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let length = 0;
  try {
    for await (const chunk of openBytes(path, 'gzip')) {
      parts.push(chunk);
      length += chunk.length;
      if (length >= size) break;
    }
  } catch (error) {
    if (!isZlibError(error)) throw error;
    throw gzipError(path, 1, error, await readHead(path, GZIP_HEADER_BYTES));
  }
  return Buffer.concat(parts).subarray(0, size);
}

/** Errors of the zlib decoder carry a `Z_` code: bad data, not a failing disk. */
function isZlibError(error: unknown): error is Error {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' && code.startsWith('Z_');
}

/**
 * A gzip stream that cannot be decompressed to its end; `line` is the line being read when it
 * broke (1-based), when known, and `head` the file's first bytes. No pool is returned from such
 * a file, not even a partial one: data after the end of the stream is refused too, since it is
 * as likely records appended uncompressed as padding.
 */
export function gzipError(
  path: string,
  line: number | undefined,
  error: Error,
  head: Uint8Array,
): PoolError {
  const headerAccepted =
    startsWithGzip(head) && head[2] === DEFLATE && (head[3]! & RESERVED_FLAGS) === 0;
  if (headerAccepted && NOT_A_HEADER.has(error.message)) {
    const message =
      'other data follows the end of the gzip stream (neither another gzip stream nor zero ' +
      'padding); the pool is not read: remove what follows the stream, or decompress the ' +
      'file (gzip -dc ignores it, with a warning) and read the result';
    return poolErrorAt(path, undefined, message);
  }

  let where = '';
  if (line !== undefined) where = line > 1 ? ` after line ${line - 1}` : ' in line 1';
  const message =
    `the gzip data is corrupt or cut short${where} (${error.message}); ` +
    'the pool is not read: compress the file again, or read the uncompressed file';
  return poolErrorAt(path, line, message);
}
