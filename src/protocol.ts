/**
 * The custom requests and notifications between the Pair Curator extension (client) and its
 * language server. Both sides import this file; the side panel imports its data types only.
 *
 * A pool is named by its URI: the URI of an open pool document, or of a file on disk that the
 * server reads by path (pools beyond the editor's document size limit).
 */
/* eslint-disable @typescript-eslint/no-namespace -- each message is a namespace holding its
   method and type, as the language server protocol's own declarations are. */
import {
  NotificationType,
  RequestType,
  type WorkDoneProgressParams,
} from 'vscode-languageserver-protocol';

/** The `pairCurator.*` settings, as the client reads them and the server applies them. */
export interface PoolSettings {
  budget: number;
  criterion: 'dpo' | 'a' | 'd';
  method: 'auto' | 'greedy' | 'sample' | 'round';
  maxPerPrompt: number;
  dim: number;
  beta: number;
  ridge: number;
  seed: number;
  featurizer: 'auto' | 'embedding' | 'ngram' | 'use' | 'endpoint';
  /** The `endpoint` featurizer's server and model; its API key comes from the environment. */
  embeddings: { url: string; model: string };
  /** Record field for each pool field (`completion: "answers.*.text"`); overrides detection. */
  map: Record<string, string>;
  /** The engine shape to read records as, or `auto` to detect it. */
  shape: 'auto' | 'long' | 'wide' | 'pairs';
}

export const DEFAULT_POOL_SETTINGS: PoolSettings = {
  budget: 100,
  criterion: 'dpo',
  method: 'auto',
  maxPerPrompt: 0,
  dim: 128,
  beta: 0.1,
  ridge: 1e-3,
  seed: 0,
  featurizer: 'auto',
  embeddings: { url: '', model: '' },
  map: {},
  shape: 'auto',
};

/** What the client tells the server at start (`initializationOptions`). */
export interface ServerStartOptions {
  /** Folder for the feature cache of text embedding models (the extension's storage). */
  cacheDir?: string;
  /** Whether the workspace is trusted: an untrusted one may not send texts to an endpoint. */
  trusted?: boolean;
}

/** Client -> server: the curator granted the workspace trust. */
export namespace WorkspaceTrustNotification {
  export const method = 'pairCurator/workspaceTrusted';
  export const type = new NotificationType<{ trusted: boolean }>(method);
}

/** Names a pool: the URI of a pool document, or of a pool file the server read from disk. */
export interface PoolParams {
  uri: string;
}

/** Score distribution of a pool's candidate pairs: equal-width bins from `min` to `max`. */
export interface ScoreHistogram {
  min: number;
  max: number;
  counts: number[];
}

/** A pool at a glance: what the side panel's summary and the status bar show. */
export interface PoolSummary {
  uri: string;
  /** The document version, or the file's modification time for pools read from disk. */
  version: number;
  source: 'document' | 'disk';
  format: string;
  shape: string;
  /** The named dataset shape the records were recognised as (`ultrafeedback`...), if any. */
  dataset: string | null;
  /** How the file was read, in one sentence: the shape, the field mapping, the group sizes. */
  reading: string;
  /** Completions and candidate pairs the file offered, before empty and duplicates dropped. */
  offered: { completions: number; pairs: number };
  records: number;
  prompts: number;
  completions: number;
  pairs: number;
  /** Prior labels the file carries (pairs shape). */
  labels: number;
  errors: number;
  warnings: number;
  featurizer: string;
  dim: number;
  criterion: PoolSettings['criterion'];
  /** The criterion of a uniform design over every candidate pair, per label. */
  uniformValue: number;
  topScore: number;
  histogram: ScoreHistogram;
  /** The last design run on this version of the pool, if any. */
  lastRun?: DesignRunSummary;
}

/**
 * Client -> server: the summary of a pool. The side panel asks for it when the active pool
 * changes or after `PoolChangedNotification`.
 */
export namespace PoolSummaryRequest {
  export const method = 'pairCurator/poolSummary';
  export const type = new RequestType<PoolParams, PoolSummary, void>(method);
}

/**
 * Client -> server: read a pool file from disk by path, bypassing the editor's document sync.
 * "Open as Pool" sends it for files beyond the editor's document size limit.
 */
export namespace OpenPoolFileRequest {
  export const method = 'pairCurator/openPoolFile';
  export const type = new RequestType<PoolParams, PoolSummary, void>(method);
}

export type PairSort = 'score' | 'prompt' | 'rank';

export interface PairPageParams extends PoolParams {
  /** First row of the page in the sorted, filtered list. */
  offset: number;
  limit: number;
  sort: PairSort;
  descending: boolean;
  /** Keep pairs whose prompt id or text contains this (case-insensitive). */
  prompt?: string;
  minScore?: number;
  maxScore?: number;
  /** Keep only the pairs the last design chose. */
  chosenOnly?: boolean;
}

/** One row of the ranked pair table; texts are shortened to one line. */
export interface PairRow {
  /** Pair index: prompts in order, then (a, b) with a < b, row-major. */
  index: number;
  prompt: number;
  promptId: string;
  promptText: string;
  aId: string;
  bId: string;
  aText: string;
  bText: string;
  score: number;
  /** The pair's rank in the last design, or null when it was not chosen. */
  rank: number | null;
}

export interface PairPage {
  uri: string;
  version: number;
  /** Number of rows after filtering. */
  total: number;
  offset: number;
  rows: PairRow[];
}

/**
 * Client -> server: a page of the ranked pair table. Sorting and filtering happen on the server
 * so that the panel holds only the rows it shows, whatever the pool's size.
 */
export namespace PairPageRequest {
  export const method = 'pairCurator/pairPage';
  export const type = new RequestType<PairPageParams, PairPage, void>(method);
}

export interface PairDetailParams extends PoolParams {
  index: number;
}

/** Both completions of a pair in full, for the side-by-side view and "Compare Pair". */
export interface PairDetail {
  index: number;
  promptId: string;
  prompt: string;
  aId: string;
  bId: string;
  completionA: string;
  completionB: string;
  score: number;
  rank: number | null;
}

/** Client -> server: one pair in full. */
export namespace PairDetailRequest {
  export const method = 'pairCurator/pairDetail';
  export const type = new RequestType<PairDetailParams, PairDetail, void>(method);
}

export interface RunDesignParams extends PoolParams, WorkDoneProgressParams {
  /** Overrides of the `pairCurator.*` settings for this run (budget, criterion, ...). */
  settings: Partial<PoolSettings>;
  format: 'jsonl' | 'csv';
}

/** What a curator reads about a finished design. */
export interface DesignRunSummary {
  budget: number;
  criterion: PoolSettings['criterion'];
  /** The exact method whose selection is reported. */
  method: string;
  chosen: number;
  value: number;
  /** Proven efficiency against the best possible design, in (0, 1]. */
  efficiency: number;
  /** Criterion of the uniform baseline on the same budget, when it was computed. */
  uniformValue: number | null;
  /** How many uniform labels one designed label is worth: uniform value / design value. */
  gainOverUniform: number | null;
  baselines: { name: string; criterion: number; efficiency: number }[];
  timingsMs: Record<string, number>;
}

export interface RunDesignResult {
  uri: string;
  version: number;
  summary: DesignRunSummary;
  /** Contents of `<pool>.pairs.jsonl` (or `.csv`): the chosen pairs in labelling order. */
  pairsText: string;
  /** Contents of `<pool>.design.json`: inputs, settings, certificate, baselines. */
  reportText: string;
  /** Pair indices of the chosen pairs, in rank order. */
  chosen: number[];
  /** Criterion after the first labels of the design and of each baseline. */
  curve: BudgetCurve;
}

/**
 * Client -> server: run a budgeted design. The server reports work-done progress on the
 * client's token and stops when the request is cancelled; it never writes files: the client
 * writes the returned texts beside the pool.
 */
export namespace RunDesignRequest {
  export const method = 'pairCurator/runDesign';
  export const type = new RequestType<RunDesignParams, RunDesignResult, void>(method);
}

/**
 * Server -> client: a design finished on a pool. The side panel marks the chosen pairs and the
 * code lenses count them.
 */
export namespace DesignResultNotification {
  export const method = 'pairCurator/designResult';
  export const type = new NotificationType<{
    uri: string;
    version: number;
    summary: DesignRunSummary;
  }>(method);
}

export interface BudgetCurveParams extends PoolParams, WorkDoneProgressParams {
  settings: Partial<PoolSettings>;
}

export interface BudgetCurvePoint {
  budget: number;
  design: number;
  /** Criterion of each baseline at this budget, by name; null where it ran out of pairs. */
  baselines: Record<string, number | null>;
}

export interface BudgetCurve {
  uri: string;
  criterion: PoolSettings['criterion'];
  points: BudgetCurvePoint[];
}

/**
 * Client -> server: the budget curve, criterion against budget for the design and each
 * baseline: the last run's when it was made with these settings on this version of the pool,
 * else a new design's, with work-done progress and cancellation.
 */
export namespace BudgetCurveRequest {
  export const method = 'pairCurator/budgetCurve';
  export const type = new RequestType<BudgetCurveParams, BudgetCurve, void>(method);
}

export interface PoolChangedParams {
  uri: string;
  version: number;
  state: 'ready' | 'failed';
  /** Why the pool could not be scored, when `state` is `failed`. */
  message?: string;
}

/**
 * Server -> client: a pool was (re)analysed after an edit, a settings change or a design, so
 * the panel and the status bar refresh.
 */
export namespace PoolChangedNotification {
  export const method = 'pairCurator/poolChanged';
  export const type = new NotificationType<PoolChangedParams>(method);
}

export interface WhatIfParams extends PoolParams, WorkDoneProgressParams {
  /** Label budgets, increasing. */
  budgets: number[];
  /** Replications per budget. */
  seeds: number;
}

/** One method's curve in a what-if: mean and standard error at each budget, null when unknown. */
export interface WhatIfSeries {
  method: string;
  mean: (number | null)[];
  se: (number | null)[];
}

/** A budget what-if on a pool, complete or as far as it has run. */
export interface WhatIfResult {
  uri: string;
  version: number;
  /**
   * `scores`: labels drawn from the pool's own scores (the real-pool check); `synthetic`: a
   * synthetic true reward drawn on the pool's features, because the pool has no scores.
   */
  truth: 'scores' | 'synthetic';
  /** `accuracy`: held-out pairwise accuracy (higher is better); `gap`: J(pi*) - J(pi_hat). */
  metric: 'accuracy' | 'gap';
  budgets: number[];
  series: WhatIfSeries[];
  /** Steps finished and in all: replications (synthetic) or budgets (scores). */
  done: number;
  total: number;
}

/**
 * Client -> server: simulate labelling the pool's pairs at several budgets, every method
 * against every baseline, with work-done progress and cancellation. The side panel's "Budget
 * what-if" sends it and draws the partial results of `WhatIfProgressNotification` as they come.
 */
export namespace WhatIfRequest {
  export const method = 'pairCurator/whatIf';
  export const type = new RequestType<WhatIfParams, WhatIfResult, void>(method);
}

/** Server -> client: a what-if's results so far, after each replication or budget. */
export namespace WhatIfProgressNotification {
  export const method = 'pairCurator/whatIfProgress';
  export const type = new NotificationType<WhatIfResult>(method);
}
