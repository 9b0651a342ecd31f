/**
 * The asynchronous step before `preparePool` for the text embedding featurizers: every
 * completion text of a pool to one vector, through the feature cache and then the model in
 * batches, with progress and cancellation between batches. `featurize` then standardises and
 * projects the vectors like any others.
 */
import { dirname, join, resolve } from 'node:path';
import { throwIfAborted } from '../../design/cooperative';
import type { Pool } from '../../pool/pool';
import type { TextEmbeddings } from '../feature-matrix';
import { createEndpointEmbedder, type EndpointOptions } from './endpoint-embedder';
import { cacheFileName, cacheKey, FeatureCache } from './feature-cache';
import type { SemanticFeaturizer, TextEmbedder } from './text-embedder';
import { createUseEmbedder, USE_DIMENSION, type UseOptions } from './use-embedder';

/** The cache folder beside a pool when none is given. */
export const CACHE_FOLDER = '.pair-curator-cache';

/**
 * A long run writes its cache this often as well as at the end, so that a killed process loses
 * at most this much work.
 */
const SAVE_EVERY_MS = 30_000;

export interface EmbedPoolOptions {
  featurizer: SemanticFeaturizer;
  /** Settings of the `use` featurizer. */
  use?: UseOptions;
  /** Settings of the `endpoint` featurizer; required for it. */
  endpoint?: EndpointOptions;
  /** Folder of the feature cache (default: `.pair-curator-cache` beside the pool file). */
  cacheDir?: string;
  /** `false`: neither read nor write the cache (default true). */
  cache?: boolean;
  /** Called with the texts embedded so far and the texts to embed, after every batch. */
  progress?: (done: number, total: number) => void;
  /** Checked between batches, and passed to every request. */
  signal?: AbortSignal;
  /** Problems the run survives: an unreadable cache, a retried request. */
  warn?: (message: string) => void;
  /** A model to use instead of the one `featurizer` names. */
  embedder?: TextEmbedder;
}

/** The vectors of a pool's completions, and how they were obtained. */
export interface EmbeddingRun extends TextEmbeddings {
  /** Completions cut to the model's longest text before embedding. */
  truncated: number;
  /** Completions without text (empty or white space): given the zero vector. */
  empty: number;
  /** Distinct texts the model embedded in this run. */
  embedded: number;
  elapsedMs: number;
}

/**
 * Embeds every completion of `pool` with the model `options.featurizer` names. A vector comes
 * from the cache when its key (a hash of the model's identity and the text) is there, else from
 * the model, each distinct text once; new vectors go back to the cache, also when the run fails
 * or is cancelled part way. Texts longer than the model's limit are cut first (and keyed as
 * cut); empty texts get the zero vector. Only the cache folder is written, never the pool.
 */
export async function embedPool(pool: Pool, options: EmbedPoolOptions): Promise<EmbeddingRun> {
  const started = performance.now();
  const warn = options.warn ?? (() => {});
  const embedder = options.embedder ?? (await createEmbedder(options));
  const texts = pool.prompts.flatMap((prompt) => prompt.completions.map((c) => c.text));
  const cut = texts.map((text) => cutText(text, embedder.maxChars));
  const keys = cut.map((text) =>
    text.trim() === '' ? undefined : cacheKey(embedder.identity, text),
  );
  const textOf = new Map<string, string>();
  keys.forEach((key, c) => key !== undefined && textOf.set(key, cut[c]));
  const cache = await openCache(pool, embedder, options, warn);

  const work: Work = { vectors: new Map(), cached: new Set(), queue: [] };
  for (const key of textOf.keys()) {
    const vector = cache?.get(key);
    if (vector === undefined) {
      work.queue.push(key);
    } else {
      work.vectors.set(key, vector);
      work.cached.add(key);
    }
  }
  const count = await embedQueue(embedder, textOf, work, cache, options, warn);

  const first = work.vectors.values().next().value;
  const dim = first?.length ?? (embedder.featurizer === 'use' ? USE_DIMENSION : 0);
  if (dim === 0) throw new Error('No completion has text to embed');
  const zero = new Float64Array(dim);
  const rows = new Map<string, Float64Array>();
  const rowOf = (key: string | undefined) => {
    if (key === undefined) return zero;
    let row = rows.get(key);
    if (!row) rows.set(key, (row = Float64Array.from(work.vectors.get(key)!)));
    return row;
  };
  const hits = keys.filter((key) => key !== undefined && work.cached.has(key)).length;
  const empty = keys.filter((key) => key === undefined).length;
  return {
    featurizer: embedder.featurizer,
    model: embedder.model,
    url: embedder.url,
    rows: keys.map(rowOf),
    dim,
    cache: { hits, misses: texts.length - empty - hits, file: cache?.file },
    truncated: cut.filter((text, c) => text !== texts[c]).length,
    empty,
    embedded: count,
    elapsedMs: Math.round(performance.now() - started),
  };
}

/** The vectors found so far, which of them came from the cache, and the keys still to embed. */
interface Work {
  vectors: Map<string, Float32Array>;
  cached: Set<string>;
  queue: string[];
}

async function createEmbedder(options: EmbedPoolOptions): Promise<TextEmbedder> {
  if (options.featurizer === 'use') return createUseEmbedder(options.use);
  if (options.featurizer !== 'endpoint') {
    throw new Error(`Unknown text embedding featurizer "${options.featurizer}"`);
  }
  if (!options.endpoint) throw new Error('The endpoint featurizer needs a URL and a model');
  return createEndpointEmbedder(options.endpoint);
}

async function openCache(
  pool: Pool,
  embedder: TextEmbedder,
  options: EmbedPoolOptions,
  warn: (message: string) => void,
): Promise<FeatureCache | undefined> {
  if (options.cache === false) return undefined;
  const dir = options.cacheDir ?? join(dirname(resolve(pool.file)), CACHE_FOLDER);
  if (resolve(dir, cacheFileName(embedder)) === resolve(pool.file)) {
    warn(`The feature cache would overwrite the pool ${pool.file}; running without a cache`);
    return undefined;
  }
  return FeatureCache.open(dir, embedder, warn);
}

/**
 * Embeds the queued texts in batches into `work.vectors` and the cache, saving the cache now and
 * then, and returns how many it embedded. When the model's vectors differ in length from the
 * cached ones (a server now runs another model under the same name), the cache is dropped and
 * its texts embedded again.
 */
async function embedQueue(
  embedder: TextEmbedder,
  textOf: Map<string, string>,
  work: Work,
  cache: FeatureCache | undefined,
  options: EmbedPoolOptions,
  warn: (message: string) => void,
): Promise<number> {
  const batchSize = Math.max(1, Math.floor(embedder.batchSize));
  const { queue, vectors, cached } = work;
  let dim = 0;
  let done = 0;
  let saved = performance.now();
  options.progress?.(0, queue.length);
  try {
    for (let b = 1; done < queue.length; b++) {
      throwIfAborted(options.signal);
      const keys = queue.slice(done, done + batchSize);
      const batches = b - 1 + Math.ceil((queue.length - done) / batchSize);
      const context = { batch: b, batches, signal: options.signal, warn };
      const out = await embedder.embed(
        keys.map((key) => textOf.get(key)!),
        context,
      );
      dim ||= out[0]?.length ?? 0;
      checkVectors(out, keys.length, dim, `${embedder.model}, batch ${b} of ${batches}`);
      if (cache && cache.dim !== 0 && cache.dim !== dim) {
        warn(
          `The feature cache ${cache.file} holds vectors of ${cache.dim} numbers, the model now ` +
            `gives ${dim}: embedding its texts again`,
        );
        for (const key of cached) {
          vectors.delete(key);
          queue.push(key);
        }
        cached.clear();
        cache.clear();
      }
      keys.forEach((key, k) => {
        vectors.set(key, out[k]);
        cache?.set(key, out[k]);
      });
      done += keys.length;
      options.progress?.(done, queue.length);
      if (cache && performance.now() - saved > SAVE_EVERY_MS) {
        await cache.save();
        saved = performance.now();
      }
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  } finally {
    await cache?.save();
  }
  return done;
}

/** Every vector of a batch present, of one length, and finite. */
function checkVectors(vectors: Float32Array[], count: number, dim: number, where: string): void {
  if (vectors.length !== count) {
    throw new Error(`${where}: ${vectors.length} vectors for ${count} texts`);
  }
  vectors.forEach((vector, k) => {
    if (vector.length !== dim || dim === 0) {
      throw new Error(`${where}: vector ${k} has ${vector.length} numbers, not ${dim}`);
    }
    if (!vector.every(Number.isFinite)) throw new Error(`${where}: vector ${k} is not finite`);
  });
}

/** The first `maxChars` UTF-16 units of `text`, without splitting a surrogate pair. */
function cutText(text: string, maxChars: number | undefined): string {
  if (maxChars === undefined || text.length <= maxChars) return text;
  const end = /[\uD800-\uDBFF]/.test(text[maxChars - 1]) ? maxChars - 1 : maxChars;
  return text.slice(0, end);
}
