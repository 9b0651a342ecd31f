import {
  type CancellationToken,
  ErrorCodes,
  LSPErrorCodes,
  ResponseError,
  type WorkDoneProgressReporter,
} from 'vscode-languageserver';

import type { DesignResult } from '../core/design/types';
import { buildReport, designPool, renderPairs } from '../core/engine';
import type { BudgetCurve, DesignRunSummary, PoolSettings, RunDesignResult } from '../protocol';
import { designSettings, type PoolEntry, type PoolStore } from './pool-store';

/** An AbortSignal that fires when the request is cancelled. */
export function abortSignalOf(token: CancellationToken): AbortSignal {
  const controller = new AbortController();
  if (token.isCancellationRequested) controller.abort();
  else token.onCancellationRequested(() => controller.abort());
  return controller.signal;
}

/** The error a cancelled request answers with. */
export function cancelled(what: string): ResponseError<void> {
  return new ResponseError(LSPErrorCodes.RequestCancelled, `${what} was cancelled.`);
}

/** Work-done progress at most every 100 ms: stage names and percentages. */
export function throttled(progress: WorkDoneProgressReporter, from: number, to: number) {
  let last = 0;
  return (stage: string, fraction: number) => {
    const now = Date.now();
    if (now - last < 100) return;
    last = now;
    const share = Math.max(0, Math.min(1, fraction));
    progress.report(Math.round(from + (to - from) * share), stage);
  };
}

/** What a curator reads about a finished design, in protocol form. */
export function runSummary(result: DesignResult, budget: number): DesignRunSummary {
  const uniform = result.baselines.find((b) => b.name === 'uniform');
  // For trace criteria, which fall as one over the labels, the ratio says how many times the
  // labels uniform pairs need; for log det no such reading exists, so none is given.
  let gain: number | null = null;
  if (uniform && result.criterion !== 'd' && result.value > 0) {
    gain = uniform.criterion / result.value;
  }

  return {
    budget,
    criterion: result.criterion,
    method: result.method,
    chosen: result.chosen.length,
    value: result.value,
    efficiency: result.certificate.efficiency,
    uniformValue: uniform?.criterion ?? null,
    gainOverUniform: gain,
    baselines: result.baselines.map(({ name, criterion, efficiency }) => ({
      name,
      criterion,
      efficiency,
    })),
    timingsMs: result.timingsMs,
  };
}

let runSeq = 0;

/**
 * Runs a budgeted design on a pool with work-done progress; the token's cancellation aborts the
 * engine. Returns the texts of the pairs file and the report; the client writes them.
 */
export async function runDesign(
  store: PoolStore,
  entry: PoolEntry,
  settings: PoolSettings,
  format: 'jsonl' | 'csv',
  token: CancellationToken,
  progress: WorkDoneProgressReporter,
): Promise<RunDesignResult> {
  const signal = abortSignalOf(token);
  progress.begin('Pair Curator: budgeted design', 0, 'featurizing the pool', true);
  try {
    const scores = store.scores(entry, settings);
    const prepared = store.prepared(entry, settings);
    if (signal.aborted) throw cancelled('The design');

    const engineSettings = designSettings(settings);
    const result = await designPool(prepared, engineSettings, {
      progress: throttled(progress, 5, 95),
      signal,
    });
    if (signal.aborted) throw cancelled('The design');

    progress.report(97, 'writing the selection');
    const pairsText = renderPairs(prepared, result, format);
    const report = buildReport(prepared, engineSettings, result, {
      pool: entry.path,
      version: entry.version,
      featurizer: settings.featurizer,
      dim: settings.dim,
    });
    const summary = runSummary(result, settings.budget);
    const chosen = result.chosen.map((pair) => scores.indexOf(pair.prompt, pair.a, pair.b));

    const curve = curvePoints(entry.uri, result);
    entry.run = {
      seq: ++runSeq,
      settingsKey: JSON.stringify(settings),
      summary,
      curve,
      ranks: new Map(chosen.map((index, r) => [index, r + 1])),
    };
    entry.order = undefined;
    return {
      uri: entry.uri,
      version: entry.version,
      summary,
      pairsText,
      reportText: `${JSON.stringify(report, null, 2)}\n`,
      chosen,
      curve,
    };
  } catch (error) {
    if (signal.aborted) throw cancelled('The design');
    throw error;
  } finally {
    progress.done();
  }
}

/** The engine's curve in protocol form: one point per budget. */
export function curvePoints(uri: string, result: DesignResult): BudgetCurve {
  const { budgets, series } = result.curve;
  const finite = (v: number | undefined) => (v !== undefined && Number.isFinite(v) ? v : null);
  const points = budgets.map((budget, k) => {
    const baselines: Record<string, number | null> = {};
    for (const [name, values] of Object.entries(series)) {
      if (name !== 'design') baselines[name] = finite(values[k]);
    }
    return { budget, design: finite(series.design?.[k]) ?? NaN, baselines };
  });
  return { uri, criterion: result.criterion, points };
}

/**
 * The budget curve of a pool: that of its last design under the same settings. It never runs a
 * design of its own, which would silently replace the chosen pairs the panel and lenses show.
 */
export async function budgetCurve(
  _store: PoolStore,
  entry: PoolEntry,
  settings: PoolSettings,
  _token: CancellationToken,
  _progress: WorkDoneProgressReporter,
): Promise<BudgetCurve> {
  if (entry.run && entry.run.settingsKey === JSON.stringify(settings)) return entry.run.curve;
  throw new ResponseError(
    ErrorCodes.InvalidRequest,
    'Run a design first: the budget curve is that of the last design with the current settings.',
  );
}
