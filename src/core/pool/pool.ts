/**
 * The in-memory preference pool: prompts, their completions, and prior labels, as read from a
 * pool file by one of the readers. Readers never throw on a bad record: they record a
 * `PoolProblem` and go on, so that a curator sees every problem of a file in one pass.
 */

/** The record layout of a pool file (DESIGN.md section 2). */
export type PoolShape = 'long' | 'wide' | 'pairs';

/** The encoding of a pool file's records: a text format, or Parquet (binary, columnar). */
export type PoolFormat = 'jsonl' | 'json' | 'csv' | 'tsv' | 'parquet';

/** How the file's bytes are compressed around the format (`x.jsonl.gz` is JSONL in gzip). */
export type PoolCompression = 'gzip';

/** One completion of a prompt. */
export interface Completion {
  /** `completion_id`, else the `model` field, else the completion's position in its prompt. */
  id: string;
  /** The completion as text (chat messages are rendered as `role: content` lines). */
  text: string;
  /**
   * 1-based line it was read from (CSV, TSV: the line its row starts on, the header being on
   * line 1), or Parquet row (the first data row is row 1).
   */
  line: number;
  /** A quality score from the file (a reward-model score or a judge grade); higher is better. */
  score?: number;
  /** The reference policy's log-probability of the completion. */
  logpRef?: number;
  /** The cost of labelling a pair that involves this completion. */
  cost?: number;
  /** The curator's own embedding of the completion. */
  embedding?: Float64Array;
}

/** A prompt with the completions generated for it. */
export interface PromptGroup {
  /** `prompt_id`, else a stable hash of the prompt text. */
  id: string;
  /** The prompt rendered as text. */
  text: string;
  /** Line or row of the first record of this prompt. */
  line: number;
  completions: Completion[];
}

/** A pair the file already labels (pairs shape): counted as prior information. */
export interface PriorLabel {
  /** Index into `Pool.prompts`. */
  prompt: number;
  /** Indices into that prompt's `completions`. */
  chosen: number;
  rejected: number;
  line: number;
}

/** What went wrong with a record. Stable codes: tests, the CLI report and the server use them. */
export type ProblemCode =
  | 'malformed-record'
  | 'missing-text'
  | 'missing-prompt'
  | 'embedding-dimension'
  | 'non-finite-number'
  | 'single-completion'
  | 'duplicate-completion'
  | 'prompt-mismatch'
  | 'unused-mapping'
  | 'unknown-shape'
  | 'parallel-lists'
  | 'context-mismatch'
  | 'no-assistant-turn'
  | 'invalid-encoding'
  | 'misnamed-file'
  | 'empty-file';

export interface PoolProblem {
  code: ProblemCode;
  severity: 'error' | 'warning';
  file: string;
  /** 1-based line (CSV, TSV: where the row starts), or Parquet row. */
  line: number;
  /** The field at fault, as a path (`completions.3`, `embedding`), when one is. */
  field?: string;
  /** One sentence a curator can act on. */
  message: string;
}

/** Which fields of the records were read as what, as detected or given with `--map`. */
export type FieldMapping = Partial<Record<MappedField, string>>;

/** Every field a curator can map, in the order help texts list them. */
export const MAPPED_FIELDS = [
  'prompt_id',
  'prompt',
  'completion',
  'completion_id',
  'score',
  'logp_ref',
  'embedding',
  'cost',
  'chosen',
  'rejected',
] as const;

export type MappedField = (typeof MAPPED_FIELDS)[number];

/**
 * A well-known dataset layout recognised from its fields (README "Pool files" lists how each
 * maps). Each reads as one of the engine's shapes; plain long, wide and pairs files have none.
 */
export type DatasetShape =
  | 'ultrafeedback'
  | 'nectar'
  | 'scored-generations'
  | 'helpsteer'
  | 'trl-pairs'
  | 'trl-conversational'
  | 'trl-implicit'
  | 'hh'
  | 'instruction'
  | 'chat-wide';

/** What a file offered before empty and duplicate completions were dropped. */
export interface OfferedCounts {
  /** Prompts met in the file, including those left with fewer than two completions. */
  prompts: number;
  /** Completions offered, kept or not (pairs: each distinct side text, and each empty side). */
  completions: number;
  /** Candidate pairs those completions would give: the sum over prompts of k(k-1)/2. */
  pairs: number;
}

export interface Pool {
  file: string;
  format: PoolFormat;
  /** Set when the file was compressed: reports say `jsonl (gzip)`. */
  compression?: PoolCompression;
  shape: PoolShape;
  mapping: FieldMapping;
  /** Prompts that have at least two usable, distinct completions. */
  prompts: PromptGroup[];
  labels: PriorLabel[];
  problems: PoolProblem[];
  /** Number of records (lines or rows) read, including bad ones. */
  records: number;
  /** The dataset layout the fields were recognised as, when one was; `shape` is how it reads. */
  dataset?: DatasetShape;
  /** The mapping fields the curator gave with `--map` (the rest were detected). */
  curatorFields?: MappedField[];
  /** Counts before dropping; absent for pools built by hand, where nothing was dropped. */
  offered?: OfferedCounts;
}

/** Options every reader takes. */
export interface ReadOptions {
  /** Field mapping given by the curator; overrides detection field by field. */
  map?: FieldMapping;
  /** Force a shape instead of detecting it. */
  shape?: PoolShape;
  /**
   * Force an encoding instead of inferring it from the file name. Gzip compression is still
   * recognised by the file's first bytes.
   */
  format?: PoolFormat;
  signal?: AbortSignal;
}

/** Number of candidate pairs of a prompt with `k` completions. */
export function pairCount(k: number): number {
  return (k * (k - 1)) / 2;
}

/** A pool file that cannot be used at all (nothing usable, or unreadable). */
export class PoolError extends Error {
  constructor(
    message: string,
    readonly file: string,
    readonly line?: number,
    readonly field?: string,
    /** The problem that made the file unusable, when one did. */
    readonly code?: ProblemCode,
  ) {
    super(message);
    this.name = 'PoolError';
  }
}

/**
 * A `PoolError` whose message starts with where it happened, `file:line: ` (or `file: ` with no
 * line), once: callers that print the place themselves see it is already there.
 */
export function poolErrorAt(
  file: string,
  line: number | undefined,
  text: string,
  field?: string,
  code?: ProblemCode,
): PoolError {
  const where = line === undefined ? file : `${file}:${line}`;
  return new PoolError(`${where}: ${text}`, file, line, field, code);
}
