import { stat } from 'node:fs/promises';

import type { TextDocument } from 'vscode-languageserver-textdocument';

import { DEFAULT_DESIGN_SETTINGS, type DesignSettings } from '../core/design/types';
import { preparePool, scorePool, type PoolScores, type PreparedPool } from '../core/engine';
import { embedPool, type EmbeddingRun, type EmbedPoolOptions } from '../core/features/semantic';
import { parsePoolText, readPoolFile } from '../core/pool';
import { PoolError, type Pool, type PoolProblem } from '../core/pool/pool';
import type { BudgetCurve, DesignRunSummary, PoolSettings } from '../protocol';
import type { LineReader } from './diagnostics';
import { readKey, readOptionsOf } from './settings';

/** The last design run on one version of a pool. */
export interface PoolRun {
  /** Increases with every run the server makes, so cached table orders know they are stale. */
  seq: number;
  /** The settings it ran with, as JSON. */
  settingsKey: string;
  summary: DesignRunSummary;
  curve: BudgetCurve;
  /** Rank (1-based) of each chosen pair, by pair index. */
  ranks: Map<number, number>;
}

/**
 * Everything the server knows about one version of a pool: the parsed pool and, computed on
 * demand and kept until the next version or a settings change, its features and pair scores.
 */
export interface PoolEntry {
  uri: string;
  /** Document version, or the file's modification time for pools read from disk. */
  version: number;
  /** The reading options (mapping, shape) it was read with, as `readKey` gives them. */
  readKey: string;
  source: 'document' | 'disk';
  /** File system path (the URI's path for documents that are not files). */
  path: string;
  lines: LineReader;
  /** Undefined when the file has nothing usable; `failure` says why. */
  pool: Pool | undefined;
  problems: PoolProblem[];
  failure?: string;
  /** Vectors of the completion texts from a text embedding model, once computed. */
  embeddings?: { key: string; value: EmbeddingRun };
  /** The embedding run under way, shared by everything that waits for it. */
  embedding?: { key: string; done: Promise<EmbeddingRun>; abort: AbortController };
  /** Why the last embedding run failed, kept until the settings or the pool change. */
  embeddingFailure?: { key: string; error: unknown };
  prepared?: { key: string; value: PreparedPool };
  scores?: { key: string; value: PoolScores };
  run?: PoolRun;
  /** Sorted, filtered pair order of the last table query. */
  order?: { key: string; value: Int32Array };
  /** Pool line (0-based) to the completions read from it. */
  lineIndex?: Map<number, { prompt: number; completion: number }[]>;
}

/** The engine's design settings for the curator's settings. */
export function designSettings(settings: PoolSettings): DesignSettings {
  return {
    ...DEFAULT_DESIGN_SETTINGS,
    criterion: settings.criterion,
    budget: settings.budget,
    method: settings.method,
    beta: settings.beta,
    ridge: settings.ridge,
    maxPerPrompt: settings.maxPerPrompt,
    seed: settings.seed,
  };
}

/** True for the featurizers whose vectors come from a text embedding model. */
export function usesTextModel(
  s: PoolSettings,
): s is PoolSettings & { featurizer: 'use' | 'endpoint' } {
  return s.featurizer === 'use' || s.featurizer === 'endpoint';
}

/** What the vectors of a text embedding model depend on. */
function embeddingKey(s: PoolSettings): string {
  if (s.featurizer === 'endpoint') return `endpoint|${s.embeddings.url}|${s.embeddings.model}`;
  return s.featurizer;
}

function featureKey(s: PoolSettings): string {
  const model = usesTextModel(s) ? embeddingKey(s) : s.featurizer;
  return `${model}|${s.dim}|${s.seed}`;
}

function scoreKey(s: PoolSettings): string {
  return `${featureKey(s)}|${s.criterion}|${s.beta}|${s.ridge}`;
}

function pathOf(uri: string): string {
  try {
    const url = new URL(uri);
    return url.protocol === 'file:' ? decodeURIComponent(url.pathname) : url.pathname;
  } catch {
    return uri;
  }
}

function documentLines(document: TextDocument): LineReader {
  return (n) => {
    if (n < 0 || n >= document.lineCount) return undefined;
    const text = document.getText({
      start: { line: n, character: 0 },
      end: { line: n + 1, character: 0 },
    });
    return text.replace(/\r?\n$/, '');
  };
}

function failedEntry(base: Omit<PoolEntry, 'pool' | 'problems'>, error: unknown): PoolEntry {
  const message = error instanceof Error ? error.message : String(error);
  const problem: PoolProblem = {
    code: 'empty-file',
    severity: 'error',
    file: base.path,
    line: error instanceof PoolError && error.line ? error.line : 1,
    message,
  };
  if (error instanceof PoolError && error.field) problem.field = error.field;
  return { ...base, pool: undefined, problems: [problem], failure: message };
}

/** The curator cancelled the embedding of a pool; it starts again only when asked. */
export class EmbeddingCancelled extends Error {
  constructor() {
    super(
      'Embedding was cancelled; run a design, "Open as Pool" or change a setting to start ' +
        'it again.',
    );
    this.name = 'EmbeddingCancelled';
  }
}

/** Parsed pools and their derived results, one entry per URI, cached per version. */
export class PoolStore {
  private readonly entries = new Map<string, PoolEntry>();

  get(uri: string): PoolEntry | undefined {
    return this.entries.get(uri);
  }

  /** Every entry, documents and pools read from disk. */
  all(): PoolEntry[] {
    return [...this.entries.values()];
  }

  delete(uri: string): void {
    this.entries.delete(uri);
  }

  /** Forgets every derived result (after a settings change); parsed pools stay. */
  invalidateResults(): void {
    for (const entry of this.entries.values()) {
      entry.prepared = undefined;
      entry.scores = undefined;
      entry.order = undefined;
      entry.embeddingFailure = undefined;
    }
  }

  /**
   * The entry of an open pool document, parsed again only when its version or the reading
   * settings changed.
   */
  fromDocument(document: TextDocument, settings: PoolSettings): PoolEntry {
    const key = readKey(settings);
    const cached = this.entries.get(document.uri);
    if (
      cached?.source === 'document' &&
      cached.version === document.version &&
      cached.readKey === key
    ) {
      return cached;
    }

    const base = {
      uri: document.uri,
      version: document.version,
      readKey: key,
      source: 'document' as const,
      path: pathOf(document.uri),
      lines: documentLines(document),
    };
    let entry: PoolEntry;
    try {
      const pool = parsePoolText(document.getText(), base.path, readOptionsOf(settings));
      entry = { ...base, pool, problems: pool.problems };
    } catch (error) {
      entry = failedEntry(base, error);
    }
    this.entries.set(document.uri, entry);
    return entry;
  }

  /**
   * The entry of a pool read from disk by path, streamed by the reader: the way for files beyond
   * the editor's document size limit, and for compressed or columnar files. Read again only when
   * the file's modification time or the reading settings changed.
   */
  async fromDisk(uri: string, settings: PoolSettings, signal?: AbortSignal): Promise<PoolEntry> {
    const path = pathOf(uri);
    const info = await stat(path);
    const version = Math.floor(info.mtimeMs);
    const key = readKey(settings);
    const cached = this.entries.get(uri);
    if (cached?.source === 'disk' && cached.version === version && cached.readKey === key) {
      return cached;
    }

    const base = {
      uri,
      version,
      readKey: key,
      source: 'disk' as const,
      path,
      lines: () => undefined,
    };
    let entry: PoolEntry;
    try {
      const pool = await readPoolFile(path, { ...readOptionsOf(settings), signal });
      entry = { ...base, pool, problems: pool.problems };
    } catch (error) {
      if (signal?.aborted) throw error;
      entry = failedEntry(base, error);
    }
    this.entries.set(uri, entry);
    return entry;
  }

  /**
   * Computes, or waits for, the text embedding vectors the settings ask for (`use`,
   * `endpoint`); nothing for the other featurizers. One run per pool version and model: callers
   * that come while it runs wait for the same run. `onStart` is called when a new run starts,
   * with its abort controller, so that its starter can show progress and offer to cancel.
   */
  async embed(
    entry: PoolEntry,
    settings: PoolSettings,
    {
      onStart,
      retry = false,
      ...rest
    }: Omit<EmbedPoolOptions, 'featurizer' | 'signal'> & {
      onStart?: (abort: AbortController) => void;
      /** Start again after a failed or cancelled run (a curator's explicit request). */
      retry?: boolean;
    } = {},
  ): Promise<void> {
    if (!usesTextModel(settings) || !entry.pool) return;
    const key = embeddingKey(settings);
    if (entry.embeddings?.key === key) return;
    if (entry.embeddingFailure?.key === key) {
      if (!retry) throw entry.embeddingFailure.error;
      entry.embeddingFailure = undefined;
    }
    if (entry.embedding?.key !== key) {
      const abort = new AbortController();
      const endpoint = { url: settings.embeddings.url, model: settings.embeddings.model };
      const done = embedPool(entry.pool, {
        ...rest,
        featurizer: settings.featurizer,
        ...(settings.featurizer === 'endpoint'
          ? { endpoint: { ...endpoint, ...rest.endpoint } }
          : {}),
        signal: abort.signal,
      });
      entry.embedding = { key, done, abort };
      onStart?.(abort);
      done.then(
        (value) => {
          if (entry.embedding?.done === done) entry.embedding = undefined;
          entry.embeddings = { key, value };
        },
        (error: unknown) => {
          if (entry.embedding?.done === done) entry.embedding = undefined;
          // A cancelled run stays cancelled: requests that were waiting for it (the panel's)
          // must not start it again behind the curator's back; an explicit one may.
          const cause = abort.signal.aborted ? new EmbeddingCancelled() : error;
          entry.embeddingFailure = { key, error: cause };
        },
      );
    }
    try {
      await entry.embedding.done;
    } catch (error) {
      // The run's own handler (registered first) has recorded why, cancellation included.
      throw entry.embeddingFailure?.key === key ? entry.embeddingFailure.error : error;
    }
  }

  /** Features and pair indexing of the entry's pool for these settings. */
  prepared(entry: PoolEntry, settings: PoolSettings): PreparedPool {
    if (!entry.pool) throw new Error(entry.failure ?? 'The pool has no usable prompts.');
    const key = featureKey(settings);
    if (entry.prepared?.key !== key) {
      let embeddings: EmbeddingRun | undefined;
      if (usesTextModel(settings)) {
        embeddings =
          entry.embeddings?.key === embeddingKey(settings) ? entry.embeddings.value : undefined;
        if (!embeddings) {
          throw new Error(`The completions are not embedded with ${settings.featurizer} yet.`);
        }
      }
      const value = preparePool(entry.pool, {
        featurizer: settings.featurizer,
        dim: settings.dim,
        seed: settings.seed,
        ...(embeddings ? { embeddings } : {}),
      });
      entry.prepared = { key, value };
      entry.scores = undefined;
      entry.order = undefined;
    }
    return entry.prepared.value;
  }

  /** Per-pair scores of the entry's pool under a uniform design, for these settings. */
  scores(entry: PoolEntry, settings: PoolSettings): PoolScores {
    const prepared = this.prepared(entry, settings);
    const key = scoreKey(settings);
    if (entry.scores?.key !== key) {
      entry.scores = { key, value: scorePool(prepared, designSettings(settings)) };
      entry.order = undefined;
    }
    return entry.scores.value;
  }

  /** Completions read from a line of the pool file (0-based line). */
  completionsOnLine(entry: PoolEntry, line: number): { prompt: number; completion: number }[] {
    if (!entry.pool) return [];
    if (!entry.lineIndex) {
      const index = new Map<number, { prompt: number; completion: number }[]>();
      entry.pool.prompts.forEach((prompt, p) => {
        prompt.completions.forEach((completion, c) => {
          const at = completion.line - 1;
          const list = index.get(at) ?? [];
          list.push({ prompt: p, completion: c });
          index.set(at, list);
        });
      });
      entry.lineIndex = index;
    }
    return entry.lineIndex.get(line) ?? [];
  }
}
