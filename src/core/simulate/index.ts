/**
 * The simulator: synthetic worlds with known truth, the DPO fit, the exact suboptimality of the
 * fitted policy, and the semi-synthetic check on a real pool with a score field as the oracle.
 */
export { fitDpo, type DpoFit, type PairLabels } from './dpo-fit';
export { drawLabels, labelDraws } from './labels';
export { labelsSaved, labelsToReach, type LabelsNeeded } from './labels-saved';
export { ALL_METHODS, BASELINE_METHODS, DESIGN_METHODS, type SimulationMethod } from './methods';
export { policyValue, suboptimality, tiltedPolicy } from './policy-value';
export {
  checkRealPool,
  DEFAULT_REAL_POOL_SETTINGS,
  type RealPoolResult,
  type RealPoolSettings,
} from './real-pool';
export { realPoolMarkdown, realPoolSvg, syntheticMarkdown, syntheticSvg } from './report';
export { scoredSubpool, type ScoredPool } from './scored-pool';
export {
  DEFAULT_SIMULATION_SETTINGS,
  simulate,
  type SimulationResult,
  type SimulationSettings,
} from './simulate';
export {
  createWorld,
  DEFAULT_WORLD_SETTINGS,
  worldOnFeatures,
  type FeatureSource,
  type SyntheticWorld,
  type WorldSettings,
} from './world';
