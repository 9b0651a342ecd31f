/**
 * The contract between `embedPool` and a text embedding model: the built-in Universal Sentence
 * Encoder, or an OpenAI-compatible embeddings endpoint.
 */

/** The featurizers that embed completion texts with a model. */
export type SemanticFeaturizer = 'use' | 'endpoint';

/** Where a batch sits in a run, for error messages and retries. */
export interface BatchContext {
  /** 1-based number of the batch. */
  batch: number;
  batches: number;
  signal?: AbortSignal;
  /** Problems the run survives (a retried request). */
  warn?: (message: string) => void;
}

/** A model that maps texts to vectors of one dimension. */
export interface TextEmbedder {
  featurizer: SemanticFeaturizer;
  /** Model name and version, as reports show them. */
  model: string;
  /** The endpoint's URL without credentials or query, as reports show it. */
  url?: string;
  /**
   * Everything besides the text that decides a vector (featurizer, model, version, server):
   * part of every cache key. It never holds a secret in clear (an endpoint's query, which may
   * carry a key, enters as a hash), and cache files store it only as a hash.
   */
  identity: string;
  /** Texts per call of `embed`. */
  batchSize: number;
  /** Longer texts are cut to their first `maxChars` UTF-16 units before embedding. */
  maxChars?: number;
  /** One vector per text, in order; `texts` is never empty and holds no empty text. */
  embed(texts: string[], context: BatchContext): Promise<Float32Array[]>;
}
