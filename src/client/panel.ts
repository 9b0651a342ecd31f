import { randomBytes } from 'node:crypto';

import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';

import {
  type BudgetCurve,
  BudgetCurveRequest,
  PairDetailRequest,
  PairPageRequest,
  PoolSummaryRequest,
  type RunDesignResult,
  WhatIfProgressNotification,
  WhatIfRequest,
} from '../protocol';
import type { PanelMessage, PanelRequest } from '../webview/messages';
import { oneLine } from './errors';

function fileName(uri: vscode.Uri): string {
  return uri.path.slice(uri.path.lastIndexOf('/') + 1);
}

/**
 * The side panel: a webview view that shows the active pool's summary, ranked pair table,
 * selected pair, score histogram and budget curve. It holds no pool data itself: every question
 * of the webview becomes a request to the language server.
 */
export class PairPanel implements vscode.WebviewViewProvider, vscode.Disposable {
  static readonly viewId = 'pairCurator.panel';

  private view: vscode.WebviewView | undefined;
  private pool: vscode.Uri | undefined;
  private curveRun: vscode.CancellationTokenSource | undefined;
  private whatIfRun: { pool: string; source: vscode.CancellationTokenSource } | undefined;
  private readonly whatIfListener: vscode.Disposable;
  private pendingFilter: string | undefined;
  private lastRun: { pool: string; message: PanelMessage; curve: BudgetCurve } | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly client: LanguageClient,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.whatIfListener = client.onNotification(WhatIfProgressNotification.type, (partial) => {
      const run = this.whatIfRun;
      if (!run || run.pool !== partial.uri || run.source.token.isCancellationRequested) return;
      this.post({ type: 'whatIf', result: partial, state: 'running' });
    });
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    const roots = [
      vscode.Uri.joinPath(this.extensionUri, 'dist'),
      vscode.Uri.joinPath(this.extensionUri, 'media'),
    ];
    view.webview.options = { enableScripts: true, localResourceRoots: roots };
    view.webview.html = this.html(view.webview);
    view.webview.onDidReceiveMessage((message: PanelRequest) => this.onMessage(message));
    view.onDidDispose(() => {
      if (this.view === view) this.view = undefined;
    });
  }

  /** Shows a pool (or none); the panel fetches its summary and first page. */
  async showPool(uri: vscode.Uri | undefined): Promise<void> {
    this.pool = uri;
    this.curveRun?.cancel();
    if (this.whatIfRun && this.whatIfRun.pool !== uri?.toString()) this.whatIfRun.source.cancel();
    if (!uri) {
      this.post({ type: 'pool', uri: null, name: '', summary: null });
      return;
    }
    try {
      const summary = await this.client.sendRequest(PoolSummaryRequest.type, {
        uri: uri.toString(),
      });
      if (this.pool?.toString() !== uri.toString()) return;
      this.post({ type: 'pool', uri: uri.toString(), name: fileName(uri), summary });
      const run = this.lastRun;
      if (run && run.pool === uri.toString() && summary.lastRun) {
        this.post(run.message);
        this.post({ type: 'curve', curve: run.curve });
      }
    } catch (error) {
      this.log.warn(`panel summary failed uri=${uri.toString()}: ${oneLine(error)}`);
      this.post({
        type: 'pool',
        uri: uri.toString(),
        name: fileName(uri),
        summary: null,
        error: oneLine(error),
      });
    }
  }

  /** Refreshes the panel when its pool was re-analysed. */
  refresh(uri: string): void {
    if (this.pool?.toString() === uri) void this.showPool(this.pool);
  }

  /** Marks the chosen pairs of a finished run and computes the budget curve. */
  showRun(pool: vscode.Uri, result: RunDesignResult): void {
    const message: PanelMessage = { type: 'run', summary: result.summary, chosen: result.chosen };
    this.lastRun = { pool: pool.toString(), message, curve: result.curve };
    if (this.pool?.toString() !== pool.toString()) return;
    this.post(message);
    this.post({ type: 'curve', curve: result.curve });
  }

  /** Filters the table to one prompt (from a code lens). */
  filterPrompt(prompt: string): void {
    this.pendingFilter = prompt;
    this.post({ type: 'filterPrompt', prompt });
  }

  private post(message: PanelMessage): void {
    void this.view?.webview.postMessage(message);
  }

  private async onMessage(message: PanelRequest): Promise<void> {
    const pool = this.pool;
    try {
      switch (message.type) {
        case 'ready':
          await this.showPool(pool);
          if (this.pendingFilter) this.post({ type: 'filterPrompt', prompt: this.pendingFilter });
          return;
        case 'page': {
          if (!pool) return;
          const params = { ...message.query, uri: pool.toString() };
          try {
            const page = await this.client.sendRequest(PairPageRequest.type, params);
            this.post({ type: 'page', id: message.id, page });
          } catch (error) {
            this.post({ type: 'pageFailed', id: message.id, error: oneLine(error) });
          }
          return;
        }
        case 'detail': {
          if (!pool) return;
          const params = { uri: pool.toString(), index: message.index };
          const detail = await this.client.sendRequest(PairDetailRequest.type, params);
          this.post({ type: 'detail', detail });
          return;
        }
        case 'compare':
          if (pool)
            await vscode.commands.executeCommand('pairCurator.comparePair', pool, message.index);
          return;
        case 'run':
          await vscode.commands.executeCommand('pairCurator.runDesign', pool);
          return;
        case 'curve':
          await this.computeCurve();
          return;
        case 'whatIf':
          await this.runWhatIf(message.budgets, message.seeds);
          return;
        case 'whatIfCancel':
          this.whatIfRun?.source.cancel();
          return;
      }
    } catch (error) {
      this.log.warn(`panel request ${message.type} failed: ${oneLine(error)}`);
    }
  }

  private async computeCurve(): Promise<void> {
    const pool = this.pool;
    if (!pool) return;
    this.curveRun?.cancel();
    const source = new vscode.CancellationTokenSource();
    this.curveRun = source;
    this.post({ type: 'curve', curve: null, computing: true });
    try {
      const curve = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: 'Pair Curator: budget curve' },
        () =>
          this.client.sendRequest(
            BudgetCurveRequest.type,
            { uri: pool.toString(), settings: {} },
            source.token,
          ),
      );
      if (!source.token.isCancellationRequested) this.post({ type: 'curve', curve });
    } catch (error) {
      if (source.token.isCancellationRequested) return;
      this.log.warn(`budget curve failed uri=${pool.toString()}: ${oneLine(error)}`);
      this.post({ type: 'curve', curve: null, error: oneLine(error) });
    } finally {
      source.dispose();
      if (this.curveRun === source) this.curveRun = undefined;
    }
  }

  /**
   * Runs a budget what-if on the panel's pool: progress in the window's status area, partial
   * results forwarded to the panel as the server sends them, cancelled by the panel's Cancel.
   */
  private async runWhatIf(budgets: number[], seeds: number): Promise<void> {
    const pool = this.pool;
    if (!pool) return;
    this.whatIfRun?.source.cancel();
    const source = new vscode.CancellationTokenSource();
    const run = { pool: pool.toString(), source };
    this.whatIfRun = run;
    this.post({ type: 'whatIf', result: null, state: 'running' });
    try {
      const result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: 'Pair Curator: budget what-if' },
        () =>
          this.client.sendRequest(
            WhatIfRequest.type,
            { uri: pool.toString(), budgets, seeds },
            source.token,
          ),
      );
      this.log.info(`what-if finished uri=${pool.toString()} truth=${result.truth}`);
      this.post({ type: 'whatIf', result, state: 'done' });
    } catch (error) {
      if (source.token.isCancellationRequested) {
        this.post({ type: 'whatIf', result: null, state: 'cancelled' });
        return;
      }
      this.log.warn(`what-if failed uri=${pool.toString()}: ${oneLine(error)}`);
      this.post({ type: 'whatIf', result: null, state: 'failed', error: oneLine(error) });
    } finally {
      source.dispose();
      if (this.whatIfRun === run) this.whatIfRun = undefined;
    }
  }

  private html(webview: vscode.Webview): string {
    const nonce = randomBytes(16).toString('base64');
    const asset = (...path: string[]) =>
      webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, ...path)).toString();
    const csp = [
      "default-src 'none'",
      `style-src ${webview.cspSource}`,
      `font-src ${webview.cspSource}`,
      `img-src ${webview.cspSource}`,
      `script-src 'nonce-${nonce}'`,
    ].join('; ');

    return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${csp}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <link rel="stylesheet" href="${asset('dist', 'codicons', 'codicon.css')}">
  <link rel="stylesheet" href="${asset('media', 'panel.css')}">
  <title>Pair Curator</title>
</head>
<body>
  <main id="app" aria-live="polite">
    <section id="summary" class="summary">
      <p class="empty">Open a pool file (*.pool.jsonl) to see its pairs.</p>
    </section>
    <section class="toolbar" aria-label="Table filters">
      <input id="filter-prompt" type="search" placeholder="Filter by prompt"
        aria-label="Filter by prompt">
      <input id="filter-min" type="number" step="any" placeholder="min score"
        aria-label="Minimum score">
      <label class="check"><input id="filter-chosen" type="checkbox"> chosen</label>
      <button id="run" class="primary" title="Run Budgeted Design">
        <span class="codicon codicon-play"></span> Run design
      </button>
    </section>
    <section class="table" aria-label="Ranked pairs">
      <div class="thead" role="row">
        <button class="th rank" data-sort="rank" role="columnheader">#</button>
        <button class="th prompt" data-sort="prompt" role="columnheader">Prompt</button>
        <span class="th pair" role="columnheader">Pair</span>
        <button class="th score" data-sort="score" role="columnheader">Score</button>
      </div>
      <div id="rows" class="rows" tabindex="0" role="grid" aria-label="Ranked pairs">
        <div id="spacer" class="spacer"></div>
      </div>
      <div id="table-status" class="table-status"></div>
    </section>
    <section id="detail" class="detail" aria-label="Selected pair"></section>
    <section class="charts">
      <figure>
        <figcaption>Score distribution</figcaption>
        <div id="histogram" class="chart"></div>
      </figure>
      <figure>
        <figcaption>Budget curve <button id="curve" class="link" title="Compute the budget curve">
          <span class="codicon codicon-graph-line"></span></button></figcaption>
        <div id="curve-chart" class="chart"></div>
      </figure>
    </section>
    <details id="what-if" class="what-if">
      <summary>Budget what-if</summary>
      <form id="what-if-form" class="what-if-form">
        <label>Budgets <input id="what-if-budgets" type="text" value="25, 50, 100, 200"
          aria-label="Budgets, increasing, separated by commas"></label>
        <label>Seeds <input id="what-if-seeds" type="number" min="1" max="1000" value="5"
          aria-label="Seeds"></label>
        <button id="what-if-run" type="submit" class="primary">Run</button>
      </form>
      <p id="what-if-status" class="what-if-status"></p>
      <div id="what-if-chart" class="chart"></div>
      <p id="what-if-caption" class="caption"></p>
    </details>
  </main>
  <script nonce="${nonce}" src="${asset('dist', 'webview.js')}"></script>
</body>
</html>`;
  }

  dispose(): void {
    this.curveRun?.cancel();
    this.whatIfRun?.source.cancel();
    this.whatIfListener.dispose();
  }
}
