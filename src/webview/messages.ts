/**
 * Messages between the side panel (the webview) and the extension. The extension answers the
 * panel's questions by asking the language server (see src/protocol.ts).
 */
import type {
  BudgetCurve,
  DesignRunSummary,
  PairDetail,
  PairPage,
  PairPageParams,
  PoolSummary,
  WhatIfResult,
} from '../protocol';

/** A table query without the pool, which the extension fills in. */
export type PageQuery = Omit<PairPageParams, 'uri'>;

/** Panel -> extension. */
export type PanelRequest =
  | { type: 'ready' }
  | { type: 'page'; id: number; query: PageQuery }
  | { type: 'detail'; index: number }
  | { type: 'compare'; index: number }
  | { type: 'run' }
  | { type: 'curve' }
  | { type: 'whatIf'; budgets: number[]; seeds: number }
  | { type: 'whatIfCancel' };

/** Extension -> panel. */
export type PanelMessage =
  | { type: 'pool'; uri: string | null; name: string; summary: PoolSummary | null; error?: string }
  | { type: 'page'; id: number; page: PairPage }
  | { type: 'pageFailed'; id: number; error: string }
  | { type: 'detail'; detail: PairDetail }
  | { type: 'run'; summary: DesignRunSummary; chosen: number[] }
  | { type: 'curve'; curve: BudgetCurve | null; error?: string; computing?: boolean }
  | { type: 'filterPrompt'; prompt: string }
  | {
      type: 'whatIf';
      /** The results so far, or none yet. */
      result: WhatIfResult | null;
      state: 'running' | 'done' | 'cancelled' | 'failed';
      error?: string;
    };
