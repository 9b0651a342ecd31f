/** Pool readers: a pool file (JSONL, JSON, CSV, TSV; long, wide or pairs) in, a `Pool` out. */
export {
  PoolError,
  pairCount,
  type Completion,
  type FieldMapping,
  type MappedField,
  type Pool,
  type PoolFormat,
  type PoolProblem,
  type PoolShape,
  type PriorLabel,
  type ProblemCode,
  type PromptGroup,
  type ReadOptions,
} from './pool';
export { readPoolFile, parsePoolText } from './read-pool';
export { formatFromName, sniffFormat } from './format';
export { summarisePool, type PoolSummary } from './summary';
