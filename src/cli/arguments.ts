import { parseArgs } from 'node:util';
import type { CriterionName, ExactMethod } from '../core/design/types';
import type { FeaturizerName } from '../core/features/feature-matrix';
import {
  MAPPED_FIELDS,
  type FieldMapping,
  type MappedField,
  type PoolFormat,
  type PoolShape,
  type ReadOptions,
} from '../core/pool/pool';

/** Bad usage: the CLI prints the message and the command's help, and exits with status 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly command?: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The options of the text embedding featurizers (`use`, `endpoint`) and their cache. */
export const EMBEDDING_OPTIONS = {
  'embeddings-url': { type: 'string' },
  'embeddings-model': { type: 'string' },
  'embeddings-key-env': { type: 'string' },
  'embeddings-batch': { type: 'string' },
  'embeddings-timeout': { type: 'string' },
  'cache-dir': { type: 'string' },
  'no-cache': { type: 'boolean' },
} as const;

/** Options shared by every command that reads a pool. */
export const POOL_OPTIONS = {
  map: { type: 'string', multiple: true },
  shape: { type: 'string' },
  'input-format': { type: 'string' },
  featurizer: { type: 'string' },
  ...EMBEDDING_OPTIONS,
  dim: { type: 'string' },
  beta: { type: 'string' },
  ridge: { type: 'string' },
  criterion: { type: 'string' },
  seed: { type: 'string' },
  out: { type: 'string' },
  report: { type: 'string' },
  format: { type: 'string' },
  quiet: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** `export` reads a pairs file, not a pool: only where to write and how quietly. */
export const EXPORT_OPTIONS = {
  out: { type: 'string' },
  quiet: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const DESIGN_OPTIONS = {
  ...POOL_OPTIONS,
  budget: { type: 'string' },
  method: { type: 'string' },
  'max-per-prompt': { type: 'string' },
  cover: { type: 'string', multiple: true },
  repeats: { type: 'boolean' },
  'target-efficiency': { type: 'string' },
  'max-iterations': { type: 'string' },
} as const;

type Values = Record<string, string | boolean | string[] | undefined>;

/** Parses a command's arguments: exactly one positional (the pool), the rest options. */
export function parseCommand(
  command: string,
  args: string[],
  options: typeof POOL_OPTIONS | typeof DESIGN_OPTIONS | typeof EXPORT_OPTIONS,
): { pool?: string; values: Values } {
  let parsed;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message, command);
  }
  const values = parsed.values as Values;
  if (values.help) return { values };
  if (parsed.positionals.length !== 1) {
    throw new UsageError(
      `${command} takes one pool file, got ${parsed.positionals.length}`,
      command,
    );
  }
  return { pool: parsed.positionals[0], values };
}

/** A whole number option within bounds, or its default. */
export function integerOption(
  values: Values,
  name: string,
  fallback: number,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  const raw = values[name];
  if (raw === undefined) return fallback;
  const value = /^\s*-?\d+\s*$/.test(String(raw)) ? Number(raw) : NaN;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, got '${raw}'`);
  }
  return value;
}

/** A positive number option within bounds, or its default. */
export function numberOption(
  values: Values,
  name: string,
  fallback: number,
  min = 0,
  max = Number.MAX_VALUE,
): number {
  const raw = values[name];
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0 || value < min || value > max) {
    const range = min > 0 || max < Number.MAX_VALUE ? ` from ${min} to ${max}` : '';
    throw new UsageError(`--${name} must be a positive number${range}, got '${raw}'`);
  }
  return value;
}

/** One of a fixed set of words, or its default. */
export function choiceOption<T extends string>(
  values: Values,
  name: string,
  choices: readonly T[],
  fallback: T,
): T {
  const raw = values[name];
  if (raw === undefined) return fallback;
  if (!choices.includes(raw as T)) {
    throw new UsageError(`--${name} must be one of ${choices.join(', ')}, got '${raw}'`);
  }
  return raw as T;
}

/** `--map FIELD=PATH`, repeatable: which record field (a dotted path) holds what. */
export function mappingOption(values: Values): FieldMapping | undefined {
  const entries = (values.map as string[] | undefined) ?? [];
  if (entries.length === 0) return undefined;
  const mapping: FieldMapping = {};
  for (const entry of entries) {
    const at = entry.indexOf('=');
    const field = entry.slice(0, at) as MappedField;
    const path = entry.slice(at + 1);
    if (at <= 0 || path === '' || !MAPPED_FIELDS.includes(field)) {
      throw new UsageError(`--map takes FIELD=PATH with FIELD one of ${MAPPED_FIELDS.join(', ')}`);
    }
    mapping[field] = path;
  }
  return mapping;
}

export const CRITERIA: readonly CriterionName[] = ['dpo', 'd', 'a'];
export const METHODS: readonly ExactMethod[] = ['auto', 'greedy', 'sample', 'round'];
export const FEATURIZERS: readonly FeaturizerName[] = [
  'auto',
  'embedding',
  'ngram',
  'use',
  'endpoint',
];
export const SHAPES: readonly PoolShape[] = ['long', 'wide', 'pairs'];
export const FORMATS: readonly PoolFormat[] = ['jsonl', 'json', 'csv', 'tsv', 'parquet'];

/** The reading options every command that takes a pool shares: --map, --shape, --input-format. */
export function readOptions(values: Values): ReadOptions {
  return {
    map: mappingOption(values),
    shape: values.shape === undefined ? undefined : choiceOption(values, 'shape', SHAPES, 'long'),
    format:
      values['input-format'] === undefined
        ? undefined
        : choiceOption(values, 'input-format', FORMATS, 'jsonl'),
  };
}
