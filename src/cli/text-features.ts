import type { FeatureOptions } from '../core/features/feature-matrix';
import {
  API_KEY_VARIABLE,
  checkApiKey,
  embeddingsUrl,
  embedPool,
  type EmbeddingRun,
  type EmbedPoolOptions,
} from '../core/features/semantic';
import type { Pool } from '../core/pool/pool';
import { FEATURIZERS, UsageError, choiceOption, integerOption, numberOption } from './arguments';
import { terminalProgress } from './progress';

type Values = Record<string, string | boolean | string[] | undefined>;

/** The environment variable the endpoint's API key is read from unless `--embeddings-key-env`. */
export const DEFAULT_KEY_VARIABLE = API_KEY_VARIABLE;

/** The help lines of the featurizer options, in every command's help. */
export const FEATURIZER_HELP = `
  --featurizer F          auto (the file's embeddings, else n-grams), embedding, ngram, use
                          (the built-in sentence encoder, offline) or endpoint (an
                          OpenAI-compatible embeddings server)
  --embeddings-url URL    endpoint: the server (/v1/embeddings is added) or a URL ending in
                          /embeddings, used as given
  --embeddings-model M    endpoint: the model to ask for (required)
  --embeddings-key-env V  endpoint: the environment variable holding the API key (default
                          ${DEFAULT_KEY_VARIABLE}); the key is never written anywhere
  --embeddings-batch N    texts per request or model call (default 32 endpoint, 16 use)
  --embeddings-timeout S  endpoint: seconds allowed for one request (default 60)
  --cache-dir DIR         feature cache folder (default .pair-curator-cache beside the pool)
  --no-cache              neither read nor write the feature cache`.slice(1);

const ENDPOINT_ONLY = [
  'embeddings-url',
  'embeddings-model',
  'embeddings-key-env',
  'embeddings-timeout',
] as const;

/**
 * Checks the feature options before any work, so that a mistake in them is reported at once,
 * not after the pool has been read. Throws `UsageError`.
 */
export function checkFeatureOptions(values: Values): void {
  const featurizer = choiceOption(values, 'featurizer', FEATURIZERS, 'auto');
  integerOption(values, 'dim', 128, 1, 4096);
  embeddingSettings(values, featurizer);
}

/**
 * The feature options of a command. For `use` and `endpoint` the completions are embedded
 * first (through the cache, with progress on the terminal), and the vectors ride along.
 */
export async function featureOptions(
  values: Values,
  seed: number,
  pool: Pool,
  io: { out(text: string): void; err(text: string): void; signal?: AbortSignal },
): Promise<FeatureOptions> {
  const featurizer = choiceOption(values, 'featurizer', FEATURIZERS, 'auto');
  const options: FeatureOptions = {
    featurizer,
    dim: integerOption(values, 'dim', 128, 1, 4096),
    seed,
  };
  const embedding = embeddingSettings(values, featurizer);
  if (!embedding) return options;

  const progress = terminalProgress(values.quiet === true);
  const run = await embedPool(pool, {
    ...embedding,
    progress: (done, total) => progress.report('embedding', total > 0 ? done / total : 1),
    warn: (message) => io.err(`pair-curator: warning: ${message}`),
    signal: io.signal,
  });
  progress.done();
  if (!values.quiet) io.out(formatEmbeddingRun(run));
  return { ...options, embeddings: run };
}

/** The `embedPool` settings the options ask for; undefined for the featurizers without a model. */
function embeddingSettings(
  values: Values,
  featurizer: FeatureOptions['featurizer'],
): Omit<EmbedPoolOptions, 'progress' | 'warn'> | undefined {
  if (featurizer !== 'endpoint') {
    const stray = ENDPOINT_ONLY.find((name) => values[name] !== undefined);
    if (stray) throw new UsageError(`--${stray} is an option of --featurizer endpoint`);
  }
  if (featurizer !== 'use' && featurizer !== 'endpoint') {
    const stray = ['embeddings-batch', 'cache-dir', 'no-cache'].find(
      (n) => values[n] !== undefined,
    );
    if (stray) throw new UsageError(`--${stray} is an option of --featurizer use or endpoint`);
    return undefined;
  }
  const cache = {
    cache: values['no-cache'] !== true,
    cacheDir: values['cache-dir'] as string | undefined,
  };
  if (cache.cacheDir !== undefined && !cache.cache) {
    throw new UsageError('--cache-dir and --no-cache contradict each other');
  }
  const batchSize =
    values['embeddings-batch'] === undefined
      ? undefined
      : integerOption(values, 'embeddings-batch', 16, 1, 4096);
  if (featurizer === 'use') return { featurizer, use: { batchSize }, ...cache };

  const url = values['embeddings-url'] as string | undefined;
  const model = values['embeddings-model'] as string | undefined;
  if (url === undefined || model === undefined || model.trim() === '') {
    throw new UsageError('--featurizer endpoint needs --embeddings-url and --embeddings-model');
  }
  try {
    embeddingsUrl(url);
  } catch (error) {
    throw new UsageError(`--embeddings-url: ${(error as Error).message}`);
  }
  const keyVariable = (values['embeddings-key-env'] as string | undefined) ?? DEFAULT_KEY_VARIABLE;
  // A name, never the key: a key passed here by mistake must not be echoed back.
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(keyVariable)) {
    throw new UsageError(
      '--embeddings-key-env takes the name of an environment variable (letters, digits and _), ' +
        'not the key itself',
    );
  }
  const raw = process.env[keyVariable];
  if (values['embeddings-key-env'] !== undefined && !raw) {
    throw new UsageError(`--embeddings-key-env names ${keyVariable}, which is not set`);
  }
  let apiKey: string | undefined;
  try {
    apiKey = checkApiKey(raw, keyVariable);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const timeout = numberOption(values, 'embeddings-timeout', 60, 0.001, 3600);
  return {
    featurizer,
    endpoint: {
      url,
      model,
      apiKey,
      apiKeyVariable: keyVariable,
      batchSize,
      timeoutMs: timeout * 1000,
    },
    ...cache,
  };
}

/** One line on what the text embedding step did. */
export function formatEmbeddingRun(run: EmbeddingRun): string {
  const { hits, misses, file } = run.cache;
  const seconds = (run.elapsedMs / 1000).toFixed(1);
  const source = run.url ? ` at ${run.url}` : '';
  const notes = [
    run.truncated > 0 ? `${run.truncated} cut to the model's longest text` : '',
    run.empty > 0 ? `${run.empty} empty, given zero vectors` : '',
  ].filter((note) => note !== '');
  const cache = file ? `${hits} from the cache, ` : 'cache off, ';
  return (
    `Embedded ${hits + misses + run.empty} completions with ${run.model}${source} ` +
    `(${run.dim} dimensions): ${cache}${run.embedded} distinct texts embedded in ${seconds} s` +
    (notes.length > 0 ? `; ${notes.join(', ')}` : '') +
    (file ? `\n  feature cache ${file}` : '')
  );
}
