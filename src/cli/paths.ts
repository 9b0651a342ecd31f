import { basename, dirname, join } from 'node:path';

/**
 * The path of an output beside the pool: `data/arena.pool.jsonl` with suffix `pairs.jsonl`
 * gives `data/arena.pool.pairs.jsonl` (the pool's own extension, and `.gz`, replaced).
 */
export function outputPath(pool: string, suffix: string): string {
  const name = basename(pool).replace(/(\.gz)?$/i, '');
  const stem = name.replace(/\.(jsonl|ndjson|json|csv|tsv|parquet)$/i, '');
  return join(dirname(pool), `${stem}.${suffix}`);
}
