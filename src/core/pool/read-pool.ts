/**
 * The two ways into the readers: a file on disk, streamed, or a document already in memory (the
 * language server's open editors). Both feed the same record handler, so a file reads the same
 * either way.
 */
import { open } from 'node:fs/promises';
import { parseCsvText, streamCsvFile } from './csv-source';
import { formatFromName, sniffFormat } from './format';
import { parseJsonText, streamJsonFile } from './json-source';
import { PoolError, type Pool, type PoolFormat, type ReadOptions } from './pool';
import { RecordHandler } from './record-handler';

/** Bytes read to guess the format of a file whose name does not give it. */
const SNIFF_BYTES = 4096;

/**
 * Read a pool file from disk, streamed: memory holds the extracted prompts and completions, not
 * the file's text. Problems with single records are collected in `Pool.problems`; a file with
 * nothing usable (or that cannot be read) throws `PoolError`.
 */
export async function readPoolFile(path: string, options: ReadOptions = {}): Promise<Pool> {
  options.signal?.throwIfAborted();
  const format = options.format ?? formatFromName(path) ?? (await sniffFile(path));
  const handler = new RecordHandler(path, options, format);

  try {
    if (format === 'csv' || format === 'tsv') {
      await streamCsvFile(path, format, handler, options.signal);
    } else {
      await streamJsonFile(path, handler, options.signal);
    }
  } catch (error) {
    throw asPoolError(error, path);
  }
  return handler.finish();
}

/**
 * Read a pool from text in memory; `file` names it in problems. The same records give the same
 * pool as `readPoolFile`.
 */
export function parsePoolText(text: string, file: string, options: ReadOptions = {}): Pool {
  const format = options.format ?? formatFromName(file) ?? sniffFormat(text.slice(0, SNIFF_BYTES));
  const handler = new RecordHandler(file, options, format);
  if (format === 'csv' || format === 'tsv') parseCsvText(text, format, handler);
  else parseJsonText(text, handler);
  return handler.finish();
}

async function sniffFile(path: string): Promise<PoolFormat> {
  try {
    const handle = await open(path, 'r');
    try {
      const buffer = Buffer.alloc(SNIFF_BYTES);
      const { bytesRead } = await handle.read(buffer, 0, SNIFF_BYTES, 0);
      return sniffFormat(buffer.subarray(0, bytesRead).toString('utf8'));
    } finally {
      await handle.close();
    }
  } catch (error) {
    throw asPoolError(error, path);
  }
}

/** File-system failures become `PoolError`s naming the file; others (aborts) pass through. */
function asPoolError(error: unknown, path: string): unknown {
  if (error instanceof PoolError) return error;
  const syscall = (error as NodeJS.ErrnoException | undefined)?.syscall;
  if (syscall === undefined) return error;
  const reason = (error as Error).message;
  return new PoolError(`${path}: cannot read the file (${reason})`, path);
}
