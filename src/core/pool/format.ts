/**
 * Which encoding a pool file is in: from its name (`x.jsonl.gz` is JSONL in gzip), else from its
 * first bytes (the gzip and Parquet signatures) and first characters.
 */
import type { PoolCompression, PoolFormat } from './pool';

const EXTENSIONS: [string, PoolFormat][] = [
  ['.jsonl', 'jsonl'],
  ['.ndjson', 'jsonl'],
  ['.json', 'json'],
  ['.csv', 'csv'],
  ['.tsv', 'tsv'],
  ['.parquet', 'parquet'],
];

const GZIP_EXTENSION = '.gz';

/** Parquet files start (and end) with these four bytes. */
const PARQUET_MAGIC = 'PAR1';

/**
 * The format a file name implies, read through a `.gz` suffix (`x.pool.jsonl` and
 * `x.pool.jsonl.gz` are both JSONL), or undefined when none does.
 */
export function formatFromName(name: string): PoolFormat | undefined {
  let lower = name.toLowerCase();
  if (lower.endsWith(GZIP_EXTENSION)) lower = lower.slice(0, -GZIP_EXTENSION.length);
  return EXTENSIONS.find(([extension]) => lower.endsWith(extension))?.[1];
}

/** The compression a file name implies: `gzip` for `.gz`. */
export function compressionFromName(name: string): PoolCompression | undefined {
  return name.toLowerCase().endsWith(GZIP_EXTENSION) ? 'gzip' : undefined;
}

/**
 * True when a file's first bytes (read one character a byte) are Parquet's signature. Parquet
 * files also end with it, which `whole` text can show.
 */
export function looksLikeParquet(head: string, whole = false): boolean {
  return head.startsWith(PARQUET_MAGIC) && (!whole || head.endsWith(PARQUET_MAGIC));
}

/**
 * A guess from the start of the text, for names that say nothing (untitled documents): JSON
 * starts with a bracket or brace; otherwise the header line's tabs and commas decide.
 */
export function sniffFormat(head: string): PoolFormat {
  const text = head.replace(/^\uFEFF/, '').trimStart();
  if (text.startsWith('[')) return 'json';
  if (text.startsWith('{')) return 'jsonl';

  const end = text.indexOf('\n');
  const firstLine = end < 0 ? text : text.slice(0, end);
  const tabs = firstLine.split('\t').length;
  const commas = firstLine.split(',').length;
  return tabs > commas ? 'tsv' : 'csv';
}

/** How reports name a pool's encoding: `jsonl`, or `jsonl (gzip)` for a compressed file. */
export function describeEncoding(pool: {
  format: PoolFormat;
  compression?: PoolCompression;
}): string {
  return pool.compression ? `${pool.format} (${pool.compression})` : pool.format;
}
