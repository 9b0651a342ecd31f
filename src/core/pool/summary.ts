/** Counts that describe a pool at a glance, for reports, the CLI and the side panel. */
import { DATASET_GLOSSES, DATASET_LABELS, DERIVED_PROMPTS } from './datasets';
import { glossField } from './field-spec';
import {
  pairCount,
  type MappedField,
  type OfferedCounts,
  type Pool,
  type PoolShape,
  type ProblemCode,
} from './pool';

/** How big a pool is and what was skipped reading it. */
export interface PoolSummary {
  prompts: number;
  completions: number;
  /** Candidate pairs: the sum over prompts of k(k-1)/2 for k completions. */
  pairs: number;
  /** Pairs the file already labels. */
  labels: number;
  problemsByCode: Partial<Record<ProblemCode, number>>;
  /**
   * What the file offered before empty and duplicate completions were dropped (and prompts left
   * with fewer than two): the counts above are what remains.
   */
  offered: OfferedCounts;
}

/** Count the prompts, completions, candidate pairs, prior labels and problems of a pool. */
export function summarisePool(pool: Pool): PoolSummary {
  let completions = 0;
  let pairs = 0;
  for (const prompt of pool.prompts) {
    completions += prompt.completions.length;
    pairs += pairCount(prompt.completions.length);
  }

  const problemsByCode: Partial<Record<ProblemCode, number>> = {};
  for (const { code } of pool.problems) problemsByCode[code] = (problemsByCode[code] ?? 0) + 1;

  const prompts = pool.prompts.length;
  return {
    prompts,
    completions,
    pairs,
    labels: pool.labels.length,
    problemsByCode,
    offered: pool.offered ? { ...pool.offered } : { prompts, completions, pairs },
  };
}

/** What one record of each engine shape holds. */
const RECORD_UNITS: Record<PoolShape, string> = {
  long: 'one completion a record',
  wide: 'one prompt a record',
  pairs: 'one labelled pair a record',
};

/** Mapping fields in the order a reading statement names them. */
const STATEMENT_ORDER: MappedField[] = [
  'prompt_id',
  'prompt',
  'completion',
  'chosen',
  'rejected',
  'completion_id',
  'score',
  'logp_ref',
  'embedding',
  'cost',
];

/**
 * One sentence saying how a pool was read: the dataset layout (or plain shape), where the mapping
 * came from, every field read as the `--map` value that reads it, and how many completions a
 * prompt has. For example: `read as long (one completion a record): prompt = prompt,
 * completion = completion, completion_id = model, score = score; 17 completions a prompt`.
 */
export function describeReading(pool: Pool): string {
  const name = pool.dataset ? DATASET_LABELS[pool.dataset] : pool.shape;
  const notes = [RECORD_UNITS[pool.shape]];
  const given = pool.curatorFields ?? [];
  if (given.length > 0) notes.push(mappingSource(pool, given));

  const sizes = describeSizes(pool);
  const fields = describeFields(pool, given).join(', ');
  return `read as ${name} (${notes.join('; ')}): ${fields}; ${sizes}`;
}

function mappingSource(pool: Pool, given: readonly MappedField[]): string {
  const detected = STATEMENT_ORDER.filter(
    (f) => pool.mapping[f] !== undefined && !given.includes(f),
  );
  if (detected.length === 0) return 'mapping from the curator';
  const named = STATEMENT_ORDER.filter((f) => given.includes(f));
  return `mapping from the curator for ${named.join(', ')}, the rest detected`;
}

/** `field = value` for every field read, with the value in words where it is more than a path. */
function describeFields(pool: Pool, given: readonly MappedField[]): string[] {
  const dataset = pool.dataset;
  const glosses = (dataset && DATASET_GLOSSES[dataset]) || {};
  // Prompts split off the dialogues, when no field gave them and the dialogues gave text.
  const derivedPrompt =
    dataset && pool.prompts.some((p) => p.text !== '') ? DERIVED_PROMPTS[dataset] : undefined;

  const parts: string[] = [];
  for (const field of STATEMENT_ORDER) {
    const value = pool.mapping[field];
    if (field === 'prompt' && value === undefined && derivedPrompt) {
      parts.push(`prompt = ${derivedPrompt}`);
    }
    if (value === undefined) continue;

    const gloss = (!given.includes(field) && glosses[field]) || glossField(value);
    parts.push(gloss ? `${field} = ${value} (${gloss})` : `${field} = ${value}`);
  }
  return parts;
}

/** `17 completions a prompt`, or `2 to 17 completions a prompt (median 16)`; labels if any. */
function describeSizes(pool: Pool): string {
  const sizes = pool.prompts.map((p) => p.completions.length).sort((a, b) => a - b);
  const labels = pool.labels.length;
  const labelled = labels > 0 ? `, ${labels} labelled pair${labels === 1 ? '' : 's'}` : '';
  if (sizes.length === 0) return `no prompts${labelled}`;

  const low = sizes[0]!;
  const high = sizes.at(-1)!;
  const middle = sizes.length >> 1;
  const median =
    sizes.length % 2 === 1 ? sizes[middle]! : (sizes[middle - 1]! + sizes[middle]!) / 2;
  const range =
    low === high
      ? `${low} completions a prompt`
      : `${low} to ${high} completions a prompt (median ${median})`;
  return range + labelled;
}
