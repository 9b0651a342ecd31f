/** The featurizers: completion texts or embeddings to standardised, PCA-projected features. */
export { featurize } from './featurize';
export type {
  FeatureCacheInfo,
  FeatureInfo,
  FeatureMatrix,
  FeatureOptions,
  FeaturizerName,
  Features,
  TextEmbeddings,
} from './feature-matrix';
export { hashNgrams, hashTexts, normalizeText, NgramHasher } from './ngram-hash';
export { inverseDocumentFrequency, tfidf } from './tfidf';
export { rowColumnStats, sparseColumnStats, standardize, type ColumnStats } from './standardize';
export {
  MAX_COVARIANCE_COLS,
  pcaProject,
  type PcaMethod,
  type PcaOptions,
  type PcaResult,
} from './pca';
export { createRng, gaussian, mix32, sampleWithoutReplacement, type Rng } from './random';
export { rowMatrixOf, selectRows, type RowMatrix } from './row-matrix';
export {
  SparseMatrixBuilder,
  selectSparseRows,
  type SparseMatrix,
  type SparseVector,
} from './sparse-matrix';
export type { DataMatrix } from './standardized-operator';
