/** Text embedding featurizers: the built-in sentence encoder, an embeddings endpoint, a cache. */
export { CACHE_FOLDER, embedPool, type EmbeddingRun, type EmbedPoolOptions } from './embed-pool';
export {
  API_KEY_VARIABLE,
  checkApiKey,
  createEndpointEmbedder,
  displayUrl,
  embeddingsUrl,
  EndpointError,
  parseEmbeddings,
  quotableUrl,
  type EndpointOptions,
} from './endpoint-embedder';
export { cacheFileName, cacheKey, FeatureCache } from './feature-cache';
export type { BatchContext, SemanticFeaturizer, TextEmbedder } from './text-embedder';
export { createUseEmbedder, USE_DIMENSION, type UseOptions } from './use-embedder';
