import type { CancellationToken, WorkDoneProgressReporter } from 'vscode-languageserver';

import {
  ALL_METHODS,
  checkRealPool,
  DEFAULT_REAL_POOL_SETTINGS,
  DEFAULT_SIMULATION_SETTINGS,
  type RealPoolResult,
  scoredSubpool,
  simulate,
  type SimulationResult,
} from '../core/simulate';
import type { PoolSettings, WhatIfResult } from '../protocol';
import { abortSignalOf, cancelled, throttled } from './design-runner';
import type { PoolEntry, PoolStore } from './pool-store';

/** Where a what-if stands: the request's pool and settings, and where to send partial results. */
export interface WhatIfRun {
  store: PoolStore;
  entry: PoolEntry;
  settings: PoolSettings;
  budgets: number[];
  seeds: number;
  token: CancellationToken;
  progress: WorkDoneProgressReporter;
  onPartial(partial: WhatIfResult): void;
}

const finite = (v: number) => (Number.isFinite(v) ? v : null);

/** True when some prompt of the pool has two scored completions to draw labels from. */
function hasScores(entry: PoolEntry): boolean {
  return Boolean(
    entry.pool?.prompts.some(
      (p) =>
        p.completions.filter((c) => c.score !== undefined && Number.isFinite(c.score)).length >= 2,
    ),
  );
}

/**
 * Simulates labelling the pool's pairs at each budget, on the pool's own features: the
 * real-pool check (labels from the pool's scores, judged by held-out pairwise accuracy) when the
 * pool has scores, else a synthetic true reward on its features (judged by the gap
 * J(pi*) - J(pi_hat)). Partial results go to `onPartial` after each budget or replication; the
 * token's cancellation stops the engine between steps.
 */
export async function runWhatIf(run: WhatIfRun): Promise<WhatIfResult> {
  const { store, entry, settings, budgets, seeds, token, progress } = run;
  const signal = abortSignalOf(token);
  progress.begin('Pair Curator: budget what-if', 0, 'featurizing the pool', true);
  try {
    const prepared = store.prepared(entry, settings);
    if (signal.aborted) throw cancelled('The what-if');
    const base = { uri: entry.uri, version: entry.version, budgets };

    if (hasScores(entry)) {
      const scored = scoredSubpool(prepared);
      const curves: RealPoolResult['curves'][] = [];
      const result = (): WhatIfResult => ({
        ...base,
        truth: 'scores',
        metric: 'accuracy',
        series: ALL_METHODS.map((method) => ({
          method,
          mean: budgets.map((_, k) =>
            k < curves.length ? finite(curves[k][method].accuracy[0].mean) : null,
          ),
          se: budgets.map((_, k) =>
            k < curves.length ? finite(curves[k][method].accuracy[0].se) : null,
          ),
        })),
        done: curves.length,
        total: budgets.length,
      });
      // One budget at a time: each budget's designs and label draws come from their own seed
      // streams, so the results equal one call over all budgets, and the curve fills in.
      for (let k = 0; k < budgets.length; k++) {
        const check = await checkRealPool(
          scored,
          {
            ...DEFAULT_REAL_POOL_SETTINGS,
            budgets: [budgets[k]],
            seeds,
            seed: settings.seed,
            beta: settings.beta,
            ridge: settings.ridge,
          },
          {
            progress: throttled(
              progress,
              (100 * k) / budgets.length,
              (100 * (k + 1)) / budgets.length,
            ),
            signal,
          },
        );
        curves.push(check.curves);
        run.onPartial(result());
      }
      return result();
    }

    const { matrix, offsets } = prepared.features;
    const toResult = (sim: SimulationResult): WhatIfResult => ({
      ...base,
      truth: 'synthetic',
      metric: 'gap',
      series: ALL_METHODS.map((method) => ({
        method,
        mean: sim.curves[method].gap.map((e) => finite(e.mean)),
        se: sim.curves[method].gap.map((e) => finite(e.se)),
      })),
      done: sim.replications,
      total: seeds,
    });
    const sim = await simulate(
      {
        ...DEFAULT_SIMULATION_SETTINGS,
        budgets,
        seeds,
        seed: settings.seed,
        ridge: settings.ridge,
        world: { ...DEFAULT_SIMULATION_SETTINGS.world, beta: settings.beta },
      },
      {
        progress: throttled(progress, 0, 100),
        signal,
        onUpdate: (partial) => run.onPartial(toResult(partial)),
        onFeatures: { features: matrix.data, d: matrix.cols, offsets, pi0: prepared.pi0 },
      },
    );
    return toResult(sim);
  } catch (error) {
    if (signal.aborted) throw cancelled('The what-if');
    throw error;
  } finally {
    progress.done();
  }
}
