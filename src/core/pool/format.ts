/** Which encoding a pool file is in: from its name, else from its first characters. */
import type { PoolFormat } from './pool';

const EXTENSIONS: [string, PoolFormat][] = [
  ['.jsonl', 'jsonl'],
  ['.ndjson', 'jsonl'],
  ['.json', 'json'],
  ['.csv', 'csv'],
  ['.tsv', 'tsv'],
];

/** The format a file name implies (`x.pool.jsonl` is JSONL), or undefined when none does. */
export function formatFromName(name: string): PoolFormat | undefined {
  const lower = name.toLowerCase();
  return EXTENSIONS.find(([extension]) => lower.endsWith(extension))?.[1];
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
