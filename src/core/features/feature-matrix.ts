/**
 * Completion features as one flat row-major matrix: row `c` holds the features of the `c`-th
 * completion of the pool, prompts in pool order and completions in prompt order.
 */
export interface FeatureMatrix {
  /** Number of rows (completions). */
  rows: number;
  /** Number of columns (feature dimension). */
  cols: number;
  /** rows x cols, row-major. */
  data: Float64Array;
}

/**
 * `auto`, `embedding` and `ngram` need nothing but the pool; `use` (the built-in sentence
 * encoder) and `endpoint` (an embeddings server) need vectors computed first by `embedPool`.
 */
export type FeaturizerName = 'auto' | 'embedding' | 'ngram' | 'use' | 'endpoint';

/** How the feature cache served a run of a text embedding model. */
export interface FeatureCacheInfo {
  /** Completions whose vector was read from the cache. */
  hits: number;
  /** Completions whose vector was computed in this run. */
  misses: number;
  /** The cache file; absent when the cache was off. */
  file?: string;
}

/**
 * Vectors of the completion texts from a text embedding model (`embedPool`), handed to
 * `featurize` so that the rest of the engine stays synchronous.
 */
export interface TextEmbeddings {
  featurizer: 'use' | 'endpoint';
  /** Model name and version. */
  model: string;
  /** The endpoint's URL, without credentials or query. */
  url?: string;
  /** One vector per completion, in pool order (prompts, then their completions), `dim` long. */
  rows: Float64Array[];
  dim: number;
  cache: FeatureCacheInfo;
}

export interface FeatureOptions {
  /** `auto`: the file's embeddings when every completion has one, else hashed n-grams. */
  featurizer?: FeaturizerName;
  /** The vectors of the `use` or `endpoint` featurizer, from `embedPool`. */
  embeddings?: TextEmbeddings;
  /** Target dimension `r` of the PCA projection (default 128; fewer when the data has fewer). */
  dim?: number;
  /** Width of the hashed n-gram space before projection (default 4096). */
  hashDim?: number;
  /** Seed for any random choice in featurizing (the randomized PCA sketch). */
  seed?: number;
  /**
   * Extra passes of subspace iteration when the PCA is randomized (n-grams, or embeddings wider
   * than 1024): each sharpens the axes and costs two passes over the features. Default: as many
   * as a fixed work budget allows, at most 2 (none for a pool of thousands of long texts).
   */
  powerIterations?: number;
  signal?: AbortSignal;
}

/** What the featurizer did, for the report. */
export interface FeatureInfo {
  featurizer: 'embedding' | 'ngram' | 'use' | 'endpoint';
  /** The text embedding model (`use`, `endpoint`). */
  model?: string;
  /** The embeddings endpoint's URL, without credentials or query (`endpoint`). */
  url?: string;
  /** Feature cache hits and misses (`use`, `endpoint`). */
  cache?: FeatureCacheInfo;
  /** Dimension before projection. */
  inputDim: number;
  /** Dimension after projection (`r`). */
  dim: number;
  /** Share of the standardised variance the projection keeps, in [0, 1]. */
  explainedVariance: number;
  /** How the principal axes were found: exact covariance eigenvectors, or a randomized sketch. */
  pca?: 'covariance' | 'randomized';
  /** Completions the axes were found from (all, or a seeded sample of a large pool). */
  basisRows?: number;
}

export interface Features {
  matrix: FeatureMatrix;
  /** `offsets[i]` is the first row of prompt `i`; `offsets[N]` equals the number of rows. */
  offsets: Int32Array;
  info: FeatureInfo;
}
