import type { BaselineName } from '../design/types';

/**
 * The methods a simulation compares. `dpo-*`: the product's design on the `dpo` criterion
 * tr(I Sigma^-1) by each exact method; `d`: the D-optimal design (-log det Sigma, the best of
 * the exact methods on that criterion); `oracle`: the `dpo` criterion with each pair's true
 * curvature s_e = sigma'(r*_a - r*_b) in place of 1/4 (best of the exact methods); then every
 * baseline of the product.
 */
export type SimulationMethod =
  'dpo-greedy' | 'dpo-round' | 'dpo-sample' | 'd' | 'oracle' | BaselineName;

export const DESIGN_METHODS: readonly SimulationMethod[] = [
  'dpo-greedy',
  'dpo-round',
  'dpo-sample',
  'd',
  'oracle',
];

export const BASELINE_METHODS: readonly SimulationMethod[] = [
  'uniform',
  'pi0-weighted',
  'first-two',
  'best-vs-worst',
  'best-vs-random',
];

export const ALL_METHODS: readonly SimulationMethod[] = [...DESIGN_METHODS, ...BASELINE_METHODS];
