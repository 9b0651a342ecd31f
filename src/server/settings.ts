import {
  type Connection,
  MessageType,
  ShowMessageNotification,
  type ShowMessageParams,
} from 'vscode-languageserver';

import { MAPPED_FIELDS, type ReadOptions } from '../core/pool/pool';
import { DEFAULT_POOL_SETTINGS, type PoolSettings } from '../protocol';

const CRITERIA = ['dpo', 'a', 'd'] as const;
const METHODS = ['auto', 'greedy', 'sample', 'round'] as const;
const FEATURIZERS = ['auto', 'embedding', 'ngram', 'use', 'endpoint'] as const;
const SHAPES = ['auto', 'long', 'wide', 'pairs'] as const;

function pick<T extends string>(value: unknown, allowed: readonly T[], fallback: T): T {
  return allowed.includes(value as T) ? (value as T) : fallback;
}

function number(value: unknown, fallback: number, min: number, integer = false): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) return fallback;
  return integer ? Math.floor(value) : value;
}

/** The settings with every field checked; a bad value falls back to its default. */
export function normaliseSettings(raw: Partial<Record<keyof PoolSettings, unknown>>): PoolSettings {
  const d = DEFAULT_POOL_SETTINGS;
  return {
    budget: number(raw.budget, d.budget, 1, true),
    criterion: pick(raw.criterion, CRITERIA, d.criterion),
    method: pick(raw.method, METHODS, d.method),
    maxPerPrompt: number(raw.maxPerPrompt, d.maxPerPrompt, 0, true),
    dim: number(raw.dim, d.dim, 1, true),
    beta: number(raw.beta, d.beta, Number.MIN_VALUE),
    ridge: number(raw.ridge, d.ridge, 0),
    seed: number(raw.seed, d.seed, -Number.MAX_SAFE_INTEGER, true),
    featurizer: pick(raw.featurizer, FEATURIZERS, d.featurizer),
    embeddings: endpointSettings(raw.embeddings),
    map: fieldMap(raw.map),
    shape: pick(raw.shape, SHAPES, d.shape),
  };
}

/** The `pairCurator.embeddings` settings: strings, trimmed; empty when not set. */
function endpointSettings(value: unknown): PoolSettings['embeddings'] {
  const raw = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const text = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
  return { url: text(raw.url), model: text(raw.model) };
}

/**
 * The `pairCurator.map` setting with its entries checked: pool fields the readers know, each
 * mapped to a non-empty path. Anything else is dropped (the settings editor flags it already).
 */
function fieldMap(value: unknown): Record<string, string> {
  const map: Record<string, string> = {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return map;
  for (const field of MAPPED_FIELDS) {
    const path = (value as Record<string, unknown>)[field];
    if (typeof path === 'string' && path.trim() !== '') map[field] = path.trim();
  }
  return map;
}

/** What `fieldMap` drops from the `pairCurator.map` setting, in words; empty when nothing. */
export function mapWarnings(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (typeof value !== 'object' || Array.isArray(value)) {
    return ['pairCurator.map must be an object such as {"completion": "answers.*.text"}'];
  }
  const known = new Set<string>(MAPPED_FIELDS);
  const warnings: string[] = [];
  for (const [field, path] of Object.entries(value as Record<string, unknown>)) {
    if (!known.has(field)) {
      warnings.push(`"${field}" is not a pool field (${MAPPED_FIELDS.join(', ')})`);
    } else if (typeof path !== 'string' || path.trim() === '') {
      warnings.push(`"${field}" must name a field path as text`);
    }
  }
  return warnings;
}

/** The reading options the settings give: the curator's mapping and shape, if any. */
export function readOptionsOf(settings: PoolSettings): ReadOptions {
  const options: ReadOptions = {};
  if (Object.keys(settings.map).length > 0) options.map = { ...settings.map };
  if (settings.shape !== 'auto') options.shape = settings.shape;
  return options;
}

/** A key that changes whenever the reading options do. */
export function readKey(settings: PoolSettings): string {
  return JSON.stringify([settings.map, settings.shape]);
}

/**
 * The `pairCurator.*` settings, pulled from the client when it supports configuration requests
 * and cached until the client says they changed.
 */
export class SettingsSource {
  private cached = new Map<string, Promise<PoolSettings>>();
  supported = false;
  /** The last warning shown about the settings, so that each is shown once. */
  private warned = '';

  constructor(private readonly connection: Connection) {}

  clear(): void {
    this.cached.clear();
  }

  private warn(warnings: string[]): void {
    const text =
      warnings.length > 0
        ? `Pair Curator ignores part of pairCurator.map: ${warnings.join('; ')}.`
        : '';
    if (text === this.warned) return;
    this.warned = text;
    if (text === '') return;
    const shown: ShowMessageParams = { type: MessageType.Warning, message: text };
    this.connection.sendNotification(ShowMessageNotification.type, shown).catch(() => undefined);
  }

  get(uri: string): Promise<PoolSettings> {
    if (!this.supported) return Promise.resolve({ ...DEFAULT_POOL_SETTINGS });
    let settings = this.cached.get(uri);
    if (!settings) {
      settings = this.connection.workspace
        .getConfiguration({ scopeUri: uri, section: 'pairCurator' })
        .then((raw: unknown) => {
          const values = (raw ?? {}) as Record<string, unknown>;
          this.warn(mapWarnings(values.map));
          return normaliseSettings(values);
        })
        .catch(() => ({ ...DEFAULT_POOL_SETTINGS }));
      this.cached.set(uri, settings);
    }
    return settings;
  }
}
