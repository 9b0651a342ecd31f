/**
 * Pool readers: a pool file (JSONL, JSON, CSV, TSV, any of them gzipped, or Parquet; long, wide
 * or pairs) in, a `Pool` out.
 */
export {
  PoolError,
  pairCount,
  type Completion,
  type DatasetShape,
  type FieldMapping,
  type MappedField,
  type OfferedCounts,
  type Pool,
  type PoolCompression,
  type PoolFormat,
  type PoolProblem,
  type PoolShape,
  type PriorLabel,
  type ProblemCode,
  type PromptGroup,
  type ReadOptions,
} from './pool';
export { readPoolFile, parsePoolText, parsePoolBytes } from './read-pool';
export { compressionFromName, describeEncoding, formatFromName, sniffFormat } from './format';
export { describeReading, summarisePool, type PoolSummary } from './summary';
