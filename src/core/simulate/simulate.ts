import { throwIfAborted } from '../design/cooperative';
import type { ProgressFn } from '../design/types';
import { labelsSaved, type LabelsNeeded } from './labels-saved';
import { ALL_METHODS, DESIGN_METHODS, type SimulationMethod } from './methods';
import { runReplication, type ReplicationResult } from './replication';
import { estimate, type Estimate } from './statistics';
import {
  createWorld,
  DEFAULT_WORLD_SETTINGS,
  worldOnFeatures,
  type FeatureSource,
  type WorldSettings,
} from './world';

export interface SimulationSettings {
  world: WorldSettings;
  /** Label budgets, increasing. */
  budgets: number[];
  /** Number of replications; replication k draws its world, designs and labels from seed + k. */
  seeds: number;
  seed: number;
  /** Ridge of every design's information matrix and of the DPO fit (in the x = beta phi scale). */
  ridge: number;
}

export const DEFAULT_SIMULATION_SETTINGS: SimulationSettings = {
  world: DEFAULT_WORLD_SETTINGS,
  budgets: [25, 50, 100, 200, 400],
  seeds: 40,
  seed: 0,
  ridge: 1e-3,
};

export interface MethodCurve {
  /** Gap J(pi*) - J(pi_hat) at each budget, over replications. */
  gap: Estimate[];
  /** The `dpo` criterion of the method's pairs at each budget, over replications. */
  criterion: Estimate[];
}

export interface SimulationResult {
  settings: SimulationSettings;
  /** Where the features came from: drawn, or a pool's (`onFeatures`). */
  featureSource: 'synthetic' | 'pool';
  /** Replications finished (fewer than `settings.seeds` in a partial update). */
  replications: number;
  curves: Record<SimulationMethod, MethodCurve>;
  /** Gap of pi_0 itself, before any label. */
  referenceGap: Estimate;
  /** For each design method and budget: labels needed to match uniform's mean gap there. */
  labelsSaved: Partial<
    Record<SimulationMethod, { budget: number; needed: LabelsNeeded; saved: number }[]>
  >;
  fits: number;
  unconverged: number;
  /** Each replication's gaps, by seed, for reruns and checks. */
  raw: ReplicationResult[];
  elapsedMs: number;
}

/**
 * The synthetic experiment: for each seed a fresh world, every method's pairs at every budget,
 * Bradley-Terry labels, the DPO fit, and the exact gap of the fitted policy; then the mean and
 * standard error per method and budget over seeds, and the labels each design needs to match
 * uniform's mean gap. The same settings give the same result on any machine. `onUpdate`
 * receives the summary after each replication, so a view can fill its curve in. With
 * `onFeatures`, every world keeps those features (a pool's) and draws only its truth.
 */
export async function simulate(
  settings: SimulationSettings,
  options: {
    progress?: ProgressFn;
    signal?: AbortSignal;
    onUpdate?: (partial: SimulationResult) => void;
    onFeatures?: FeatureSource;
  } = {},
): Promise<SimulationResult> {
  const source = options.onFeatures;
  checkBudgets(settings, source);
  const started = performance.now();
  const raw: ReplicationResult[] = [];
  const featureSource = source ? 'pool' : 'synthetic';
  let result = summarise(settings, raw, 0, featureSource);
  for (let k = 0; k < settings.seeds; k++) {
    throwIfAborted(options.signal);
    options.progress?.('simulating', k / settings.seeds);
    const seed = settings.seed + k;
    const world = source
      ? worldOnFeatures(source, settings.world, seed)
      : createWorld(settings.world, seed);
    raw.push(
      await runReplication(world, settings.budgets, {
        ridge: settings.ridge,
        signal: options.signal,
      }),
    );
    result = summarise(settings, raw, performance.now() - started, featureSource);
    options.onUpdate?.(result);
    // Yield between replications so a host can answer cancellation and hovers.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  options.progress?.('simulating', 1);
  return result;
}

/** Means and standard errors over the replications so far. */
export function summarise(
  settings: SimulationSettings,
  raw: ReplicationResult[],
  elapsedMs: number,
  featureSource: SimulationResult['featureSource'] = 'synthetic',
): SimulationResult {
  const budgets = settings.budgets;
  const curves = {} as Record<SimulationMethod, MethodCurve>;
  for (const method of ALL_METHODS) {
    curves[method] = {
      gap: budgets.map((_, k) => estimate(raw.map((r) => r.gaps[method][k]))),
      criterion: budgets.map((_, k) => estimate(raw.map((r) => r.criterion[method][k]))),
    };
  }
  const uniform = curves.uniform.gap.map((e) => e.mean);
  const saved: SimulationResult['labelsSaved'] = {};
  for (const method of [...DESIGN_METHODS, 'pi0-weighted', 'best-vs-worst'] as const) {
    const curve = curves[method].gap.map((e) => e.mean);
    saved[method] = labelsSaved(budgets, curve, uniform);
  }
  return {
    settings,
    featureSource,
    replications: raw.length,
    curves,
    referenceGap: estimate(raw.map((r) => r.referenceGap)),
    labelsSaved: saved,
    fits: raw.reduce((sum, r) => sum + r.fits, 0),
    unconverged: raw.reduce((sum, r) => sum + r.unconverged, 0),
    raw,
    elapsedMs: Math.round(elapsedMs),
  };
}

function checkBudgets(settings: SimulationSettings, source?: FeatureSource): void {
  const { budgets, world } = settings;
  let pairs = (world.prompts * world.completions * (world.completions - 1)) / 2;
  if (source) {
    pairs = 0;
    for (let i = 0; i + 1 < source.offsets.length; i++) {
      const k = source.offsets[i + 1] - source.offsets[i];
      pairs += (k * (k - 1)) / 2;
    }
  }
  if (budgets.length === 0) throw new Error('Simulation needs at least one budget');
  budgets.forEach((budget, k) => {
    if (!Number.isInteger(budget) || budget < 1) {
      throw new Error(`Budgets must be positive whole numbers, got ${budget}`);
    }
    if (k > 0 && budget <= budgets[k - 1]) throw new Error('Budgets must increase');
  });
  if (budgets[budgets.length - 1] > pairs) {
    throw new Error(
      `Budget ${budgets[budgets.length - 1]} exceeds the ${pairs} candidate pairs of the world`,
    );
  }
  if (!Number.isInteger(settings.seeds) || settings.seeds < 1) {
    throw new Error('Simulation needs at least one seed');
  }
}
