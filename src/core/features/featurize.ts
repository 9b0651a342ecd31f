/**
 * Completion features for a pool, in the order DESIGN.md prefers: the file's own embeddings when
 * every completion has one, else the built-in hashed n-gram TF-IDF featurizer, or on request the
 * vectors of a text embedding model; then standardised and projected to r dimensions by PCA.
 */
import type { Completion, Pool } from '../pool/pool';
import type { FeatureInfo, FeatureOptions, Features, TextEmbeddings } from './feature-matrix';
import { hashTexts } from './ngram-hash';
import { pcaProject } from './pca';
import type { RowMatrix } from './row-matrix';
import type { SparseMatrix } from './sparse-matrix';
import type { DataMatrix } from './standardized-operator';
import { tfidf } from './tfidf';

/**
 * Features of every completion of `pool`: a rows x r matrix, rows in pool order (prompts in order,
 * then each prompt's completions in order), with `offsets[i]` the first row of prompt `i` and
 * `offsets[N]` the number of rows.
 *
 * `featurizer`: `auto` uses the embeddings when all completions carry one of the same length,
 * else n-grams; `embedding` requires them; `ngram` ignores them; `use` and `endpoint` take the
 * model's vectors from `options.embeddings` (see `embedPool`).
 */
export function featurize(pool: Pool, options: FeatureOptions = {}): Features {
  const completions: Completion[] = [];
  const offsets = new Int32Array(pool.prompts.length + 1);
  pool.prompts.forEach((prompt, i) => {
    for (const completion of prompt.completions) completions.push(completion);
    offsets[i + 1] = completions.length;
  });

  const requested = options.featurizer ?? 'auto';
  if (requested === 'use' || requested === 'endpoint') {
    return project(textEmbeddingRows(requested, completions.length, options), offsets, options);
  }
  const featurizer = chooseFeaturizer(completions, requested);
  const input: DataMatrix =
    featurizer === 'embedding' ? embeddingRows(completions) : ngramRows(completions, options);
  return project({ featurizer, input }, offsets, options);
}

/** Standardises and projects the chosen input to r dimensions. */
function project(
  chosen: { featurizer: FeatureInfo['featurizer']; input: DataMatrix; from?: TextEmbeddings },
  offsets: Int32Array,
  options: FeatureOptions,
): Features {
  const { featurizer, input, from } = chosen;
  const pca = pcaProject(input, {
    dim: options.dim ?? 128,
    seed: options.seed ?? 0,
    powerIterations: options.powerIterations,
    signal: options.signal,
  });
  return {
    matrix: pca.scores,
    offsets,
    info: {
      featurizer,
      inputDim: input.cols,
      dim: pca.scores.cols,
      explainedVariance: pca.explainedVariance,
      pca: pca.method,
      basisRows: pca.basisRows,
      ...(from && { model: from.model, url: from.url, cache: from.cache }),
    },
  };
}

/** The vectors `embedPool` computed, checked against the pool they are for. */
function textEmbeddingRows(
  featurizer: 'use' | 'endpoint',
  completions: number,
  options: FeatureOptions,
): { featurizer: 'use' | 'endpoint'; input: RowMatrix; from: TextEmbeddings } {
  const from = options.embeddings;
  if (from?.featurizer !== featurizer) {
    throw new Error(`The ${featurizer} featurizer needs its vectors from embedPool first`);
  }
  if (from.rows.length !== completions) {
    throw new Error(
      `The ${featurizer} vectors are for ${from.rows.length} completions, the pool has ` +
        `${completions}`,
    );
  }
  const input: RowMatrix = { kind: 'rows', rows: completions, cols: from.dim, data: from.rows };
  return { featurizer, input, from };
}

function chooseFeaturizer(
  completions: readonly Completion[],
  requested: 'auto' | 'embedding' | 'ngram',
): 'embedding' | 'ngram' {
  if (requested === 'ngram') return 'ngram';
  if (completions.length === 0) return requested === 'embedding' ? 'embedding' : 'ngram';
  const missing = completions.filter((c) => c.embedding === undefined).length;
  const lengths = new Set(completions.flatMap((c) => (c.embedding ? [c.embedding.length] : [])));
  const usable = missing === 0 && lengths.size === 1 && !lengths.has(0);
  if (requested === 'auto') return usable ? 'embedding' : 'ngram';
  if (requested !== 'embedding') throw new Error(`Unknown featurizer "${requested}"`);
  if (missing > 0) {
    throw new Error(
      `${missing} of ${completions.length} completions have no embedding; ` +
        'add the missing embeddings or use the ngram featurizer',
    );
  }
  if (!usable) {
    const found = [...lengths].sort((a, b) => a - b).join(', ');
    throw new Error(`Embeddings must all have one non-zero length; found lengths ${found}`);
  }
  return 'embedding';
}

/** Hashed n-gram TF-IDF rows (completions x hashDim, sparse) of the completion texts. */
function ngramRows(completions: readonly Completion[], options: FeatureOptions): SparseMatrix {
  const texts = completions.map((c) => c.text);
  return tfidf(hashTexts(texts, options.hashDim ?? 4096, options.signal));
}

/** The completions' own embeddings as dense rows, without copying them. */
function embeddingRows(completions: readonly Completion[]): RowMatrix {
  const data = completions.map((c) => c.embedding as Float64Array);
  return { kind: 'rows', rows: data.length, cols: data.length > 0 ? data[0].length : 0, data };
}
