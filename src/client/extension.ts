import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';

import {
  DesignResultNotification,
  OpenPoolFileRequest,
  PairPageRequest,
  PoolChangedNotification,
  PoolSummaryRequest,
} from '../protocol';
import { ActivePool, POOL_LANGUAGE } from './active-pool';
import { comparePair, PAIR_SCHEME, PairContentProvider } from './compare';
import { oneLine, showError } from './errors';
import { startLanguageClient } from './language-client';
import { PairPanel } from './panel';
import { runDesignCommand } from './run-design';
import { PoolStatusBar } from './status-bar';

/** Files the editor does not sync to extensions; the server reads them from disk instead. */
const DOCUMENT_LIMIT_BYTES = 50 * 1024 * 1024;
/** Compressed and columnar pools are bytes, not text: the server reads them from disk. */
const BINARY_POOL = /\.(parquet|gz)$/i;

let client: LanguageClient | undefined;

function fileName(uri: vscode.Uri): string {
  return uri.path.slice(uri.path.lastIndexOf('/') + 1);
}

/** The file of the active tab, for editors that are not text editors (a Parquet file's). */
function activeTabUri(): vscode.Uri | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  return input instanceof vscode.TabInputText || input instanceof vscode.TabInputCustom
    ? input.uri
    : undefined;
}

function asUri(value: unknown): vscode.Uri | undefined {
  if (value instanceof vscode.Uri) return value;
  if (typeof value === 'string' && value) return vscode.Uri.parse(value);
  return undefined;
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const log = vscode.window.createOutputChannel('Pair Curator', { log: true });
  context.subscriptions.push(log);
  log.info(`activating version=${context.extension.packageJSON.version as string}`);

  try {
    client = await startLanguageClient(context, log);
  } catch (error) {
    showError(log, 'the language server did not start', error);
    return;
  }
  const lc = client;

  const active = new ActivePool();
  const status = new PoolStatusBar();
  const panel = new PairPanel(context.extensionUri, lc, log);
  context.subscriptions.push(active, status, panel);

  async function updateStatus(uri: vscode.Uri | undefined): Promise<void> {
    if (!uri) return status.hide();
    try {
      const summary = await lc.sendRequest(PoolSummaryRequest.type, { uri: uri.toString() });
      if (active.uri?.toString() === uri.toString()) status.show(fileName(uri), summary);
    } catch (error) {
      if (active.uri?.toString() === uri.toString()) status.failed(fileName(uri), oneLine(error));
    }
  }

  context.subscriptions.push(
    vscode.window.registerWebviewViewProvider(PairPanel.viewId, panel, {
      webviewOptions: { retainContextWhenHidden: true },
    }),
    vscode.workspace.registerTextDocumentContentProvider(PAIR_SCHEME, new PairContentProvider(lc)),
    active.onDidChange((uri) => {
      void panel.showPool(uri);
      if (uri) status.busy(`Pair Curator: scoring ${fileName(uri)}`);
      void updateStatus(uri);
    }),
    lc.onNotification(PoolChangedNotification.type, ({ uri, state, message }) => {
      if (active.uri?.toString() !== uri) return;
      if (state === 'failed') status.failed(fileName(active.uri), message ?? 'cannot be scored');
      else void updateStatus(active.uri);
      panel.refresh(uri);
    }),
    lc.onNotification(DesignResultNotification.type, ({ uri }) => {
      if (active.uri?.toString() === uri) void updateStatus(active.uri);
    }),
  );

  const deps = {
    client: lc,
    log,
    onResult: (pool: vscode.Uri, result: Parameters<PairPanel['showRun']>[1]) =>
      panel.showRun(pool, result),
  };

  function poolOrWarn(arg: unknown): vscode.Uri | undefined {
    const uri = asUri(arg) ?? active.uri;
    if (!uri) {
      void vscode.window.showWarningMessage(
        'Pair Curator: open a pool file (*.pool.jsonl, *.pool.json, *.pool.csv) first, or run ' +
          '"Pair Curator: Open as Pool" on a JSONL, JSON or CSV file.',
      );
    }
    return uri;
  }

  context.subscriptions.push(
    vscode.commands.registerCommand('pairCurator.runDesign', async (arg?: unknown) => {
      const pool = poolOrWarn(arg);
      if (pool) await runDesignCommand(deps, pool);
    }),

    vscode.commands.registerCommand(
      'pairCurator.showPairScores',
      async (arg?: unknown, prompt?: unknown) => {
        const pool = asUri(arg);
        if (pool) active.set(pool, active.fromDisk && active.uri?.toString() === pool.toString());
        await vscode.commands.executeCommand(`${PairPanel.viewId}.focus`);
        if (typeof prompt === 'string') panel.filterPrompt(prompt);
      },
    ),

    vscode.commands.registerCommand('pairCurator.openAsPool', async (arg?: unknown) => {
      const uri = asUri(arg) ?? vscode.window.activeTextEditor?.document.uri ?? activeTabUri();
      if (!uri) {
        void vscode.window.showWarningMessage(
          'Pair Curator: open a JSONL, JSON, CSV, TSV, Parquet or gzip file first.',
        );
        return;
      }
      try {
        const size = (await vscode.workspace.fs.stat(uri)).size;
        if (size > DOCUMENT_LIMIT_BYTES || BINARY_POOL.test(uri.path)) {
          log.info(`reading pool from disk uri=${uri.toString()} bytes=${size}`);
          await vscode.window.withProgress(
            { location: vscode.ProgressLocation.Notification, title: `Reading ${fileName(uri)}` },
            () => lc.sendRequest(OpenPoolFileRequest.type, { uri: uri.toString() }),
          );
          active.set(uri, true);
          // Opened again (after a settings change, say): show what the server read this time.
          panel.refresh(uri.toString());
          void updateStatus(uri);
        } else {
          const document = await vscode.workspace.openTextDocument(uri);
          const pool = await vscode.languages.setTextDocumentLanguage(document, POOL_LANGUAGE);
          await vscode.window.showTextDocument(pool);
          active.set(pool.uri);
        }
        await vscode.commands.executeCommand(`${PairPanel.viewId}.focus`);
      } catch (error) {
        showError(log, `${fileName(uri)} could not be opened as a pool`, error);
      }
    }),

    vscode.commands.registerCommand(
      'pairCurator.comparePair',
      async (arg?: unknown, index?: unknown) => {
        const pool = poolOrWarn(arg);
        if (!pool) return;
        try {
          let pair = typeof index === 'number' ? index : undefined;
          if (pair === undefined) pair = await pickPair(lc, pool);
          if (pair !== undefined) await comparePair(lc, pool, pair);
        } catch (error) {
          showError(log, 'the pair could not be compared', error);
        }
      },
    ),
  );

  if (active.uri) {
    void panel.showPool(active.uri);
    void updateStatus(active.uri);
  }
  log.info('activated');
}

/** Asks for one of the pool's 200 best pairs. */
async function pickPair(lc: LanguageClient, pool: vscode.Uri): Promise<number | undefined> {
  const page = await lc.sendRequest(PairPageRequest.type, {
    uri: pool.toString(),
    offset: 0,
    limit: 200,
    sort: 'score',
    descending: true,
  });
  const items = page.rows.map((row) => ({
    label: `${row.aId} ↔ ${row.bId}`,
    description: `score ${row.score.toPrecision(3)}${row.rank ? ` · rank ${row.rank}` : ''}`,
    detail: row.promptText,
    index: row.index,
  }));
  const picked = await vscode.window.showQuickPick(items, {
    title: 'Pair Curator: Compare Pair',
    placeHolder: 'Pair to compare (best pairs first)',
    matchOnDetail: true,
  });
  return picked?.index;
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
