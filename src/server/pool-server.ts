import {
  CodeLensRefreshRequest,
  type Connection,
  DidChangeConfigurationNotification,
  ErrorCodes,
  ResponseError,
  TextDocuments,
  TextDocumentSyncKind,
  type WorkDoneProgressServerReporter,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';

import {
  BudgetCurveRequest,
  OpenPoolFileRequest,
  PairDetailRequest,
  PairPageRequest,
  PoolChangedNotification,
  type PoolSettings,
  type PoolSummary,
  PoolSummaryRequest,
  RunDesignRequest,
  DesignResultNotification,
  WhatIfProgressNotification,
  WhatIfRequest,
  type ServerStartOptions,
  WorkspaceTrustNotification,
} from '../protocol';
import { describeEncoding, describeReading, summarisePool } from '../core/pool';
import { budgetCurve, runDesign } from './design-runner';
import { problemDiagnostics } from './diagnostics';
import { completionHover, promptLenses } from './lenses-and-hovers';
import { pairDetail, pairPage, scoreHistogram } from './pair-table';
import { EmbeddingCancelled, type PoolEntry, PoolStore } from './pool-store';
import { normaliseSettings, SettingsSource } from './settings';
import { runWhatIf } from './what-if-runner';

/** The environment variable the embeddings endpoint's API key is read from, as in the CLI. */
const ENDPOINT_KEY_VARIABLE = 'PAIR_CURATOR_EMBEDDINGS_KEY';

/** Delay between the last edit of a pool document and its analysis. */
const ANALYSIS_DELAY_MS = 250;

/**
 * Sends that nobody awaits: a client that went away (a closed window) rejects them, which is
 * no error of the server's.
 */
function quietly(sent: Promise<unknown>): void {
  sent.catch(() => undefined);
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Wires the Pair Curator language server onto a connection: document sync, diagnostics, code
 * lenses, hovers and the custom requests of `src/protocol.ts`.
 */
export function startServer(connection: Connection): void {
  const documents = new TextDocuments(TextDocument);
  const store = new PoolStore();
  const settings = new SettingsSource(connection);
  const pending = new Map<string, NodeJS.Timeout>();
  let lensRefresh = false;
  let dynamicConfiguration = false;
  /** Feature cache folder from the client; without one, the cache sits beside each pool. */
  let cacheDir: string | undefined;
  let trusted = true;

  const log = connection.console;

  connection.onInitialize((params) => {
    const start = (params.initializationOptions ?? {}) as ServerStartOptions;
    if (typeof start.cacheDir === 'string' && start.cacheDir !== '') cacheDir = start.cacheDir;
    trusted = start.trusted !== false;
    const workspace = params.capabilities.workspace;
    settings.supported = Boolean(workspace?.configuration);
    lensRefresh = Boolean(workspace?.codeLens?.refreshSupport);
    dynamicConfiguration = Boolean(workspace?.didChangeConfiguration?.dynamicRegistration);
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        codeLensProvider: { resolveProvider: false },
        hoverProvider: true,
      },
      serverInfo: { name: 'Pair Curator' },
    };
  });

  connection.onInitialized(() => {
    if (dynamicConfiguration) {
      void connection.client.register(DidChangeConfigurationNotification.type, {
        section: 'pairCurator',
      });
    }
  });

  async function settingsFor(
    uri: string,
    overrides?: Partial<PoolSettings>,
  ): Promise<PoolSettings> {
    const base = await settings.get(uri);
    return normaliseSettings({ ...base, ...(overrides ?? {}) });
  }

  connection.onNotification(WorkspaceTrustNotification.type, (params) => {
    trusted = params.trusted;
    store.invalidateResults();
    for (const document of documents.all()) schedule(document.uri, 0);
  });

  /**
   * The text embedding vectors a featurizer needs, computed (with progress the curator can
   * cancel) or awaited; nothing for the featurizers that need no model. The endpoint is refused
   * in an untrusted workspace: a workspace's settings must not send its texts elsewhere.
   */
  async function ensureFeatures(
    entry: PoolEntry,
    current: PoolSettings,
    retry = false,
  ): Promise<void> {
    if (current.featurizer === 'endpoint') {
      if (!trusted) {
        throw new ResponseError(
          ErrorCodes.InvalidRequest,
          'The embeddings endpoint is refused in an untrusted workspace: trust the workspace, ' +
            'or choose another featurizer (pairCurator.featurizer).',
        );
      }
      const { url, model } = current.embeddings;
      if (url === '' || model === '') {
        throw new ResponseError(
          ErrorCodes.InvalidRequest,
          'The endpoint featurizer needs pairCurator.embeddings.url and ' +
            'pairCurator.embeddings.model.',
        );
      }
    }
    let reporter: WorkDoneProgressServerReporter | undefined;
    let finished = false;
    let shown = -1;
    try {
      await store.embed(entry, current, {
        retry,
        ...(cacheDir ? { cacheDir } : {}),
        // Small batches: between two batches the server answers the editor's other requests.
        use: { batchSize: 4 },
        ...(current.featurizer === 'endpoint'
          ? { endpoint: { ...current.embeddings, apiKey: process.env[ENDPOINT_KEY_VARIABLE] } }
          : {}),
        warn: (text) => log.warn(`embedding uri=${entry.uri}: ${text}`),
        progress: (done, total) => {
          const percent = total > 0 ? Math.floor((100 * done) / total) : 100;
          if (percent === shown) return;
          shown = percent;
          reporter?.report(
            percent,
            `${done.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} texts`,
          );
        },
        onStart: (abort) => {
          log.info(`embedding started uri=${entry.uri} featurizer=${current.featurizer}`);
          void connection.window.createWorkDoneProgress().then(
            (created) => {
              if (finished) return created.done();
              reporter = created;
              created.begin(
                `Pair Curator: embedding completions (${current.featurizer})`,
                0,
                '',
                true,
              );
              created.token.onCancellationRequested(() => abort.abort());
            },
            () => undefined,
          );
        },
      });
    } catch (error) {
      if (error instanceof EmbeddingCancelled) {
        throw new ResponseError(ErrorCodes.InvalidRequest, error.message);
      }
      throw new ResponseError(ErrorCodes.InvalidRequest, `Embedding failed: ${message(error)}`);
    } finally {
      finished = true;
      reporter?.done();
    }
  }

  function publish(entry: PoolEntry): void {
    const format = entry.pool?.format ?? 'jsonl';
    const diagnostics = problemDiagnostics(entry.problems, format, entry.lines);
    quietly(connection.sendDiagnostics({ uri: entry.uri, version: entry.version, diagnostics }));
  }

  function refreshLenses(): void {
    if (lensRefresh) quietly(connection.sendRequest(CodeLensRefreshRequest.type));
  }

  /** Parses a document, publishes its diagnostics, then scores it and tells the client. */
  async function analyse(uri: string): Promise<void> {
    const document = documents.get(uri);
    if (!document) return;

    const started = Date.now();
    const current = await settingsFor(uri);
    const entry = store.fromDocument(document, current);
    publish(entry);
    const pool = entry.pool;
    log.info(
      `pool parsed uri=${uri} version=${entry.version} prompts=${pool?.prompts.length ?? 0} ` +
        `problems=${entry.problems.length} ms=${Date.now() - started}`,
    );

    try {
      await ensureFeatures(entry, current);
      const scored = Date.now();
      const scores = store.scores(entry, current);
      log.info(`pool scored uri=${uri} pairs=${scores.scores.length} ms=${Date.now() - scored}`);
      quietly(
        connection.sendNotification(PoolChangedNotification.type, {
          uri,
          version: entry.version,
          state: 'ready',
        }),
      );
    } catch (error) {
      log.warn(`pool not scored uri=${uri}: ${message(error)}`);
      quietly(
        connection.sendNotification(PoolChangedNotification.type, {
          uri,
          version: entry.version,
          state: 'failed',
          message: entry.failure ?? message(error),
        }),
      );
    }
    refreshLenses();
  }

  function schedule(uri: string, delay = ANALYSIS_DELAY_MS): void {
    clearTimeout(pending.get(uri));
    pending.set(
      uri,
      setTimeout(() => {
        pending.delete(uri);
        analyse(uri).catch((error) => log.error(`analysis failed uri=${uri}: ${message(error)}`));
      }, delay),
    );
  }

  documents.onDidOpen(({ document }) => schedule(document.uri, 0));
  documents.onDidChangeContent(({ document }) => schedule(document.uri));
  documents.onDidClose(({ document }) => {
    clearTimeout(pending.get(document.uri));
    pending.delete(document.uri);
    store.delete(document.uri);
    quietly(connection.sendDiagnostics({ uri: document.uri, diagnostics: [] }));
  });

  connection.onDidChangeConfiguration(() => {
    settings.clear();
    store.invalidateResults();
    for (const document of documents.all()) schedule(document.uri, 0);
    // Pools read from disk are read again on their next request; tell the client to ask.
    for (const entry of store.all()) {
      if (entry.source !== 'disk') continue;
      quietly(
        connection.sendNotification(PoolChangedNotification.type, {
          uri: entry.uri,
          version: entry.version,
          state: 'ready',
        }),
      );
    }
  });

  /** The current entry of a pool: an open document, or a file read from disk before. */
  async function entryFor(uri: string): Promise<PoolEntry> {
    const document = documents.get(uri);
    const current = await settingsFor(uri);
    if (document) return store.fromDocument(document, current);
    if (store.get(uri)?.source === 'disk') return store.fromDisk(uri, current);
    throw new ResponseError(
      ErrorCodes.InvalidParams,
      `The pool ${uri} is not open: open it in the editor, or run "Pair Curator: Open as Pool".`,
    );
  }

  async function summaryOf(entry: PoolEntry, retry = false): Promise<PoolSummary> {
    const current = await settingsFor(entry.uri);
    const pool = entry.pool;
    if (!pool) throw new ResponseError(ErrorCodes.InvalidParams, entry.failure ?? 'Empty pool.');
    await ensureFeatures(entry, current, retry);
    const scores = store.scores(entry, current);
    const prepared = store.prepared(entry, current);
    const histogram = scoreHistogram(scores.scores);
    const { completions, offered } = summarisePool(pool);
    const info = prepared.features.info;
    return {
      uri: entry.uri,
      version: entry.version,
      source: entry.source,
      format: describeEncoding(pool),
      shape: pool.shape,
      dataset: pool.dataset ?? null,
      reading: describeReading(pool),
      offered: {
        completions: offered.completions,
        pairs: offered.pairs,
      },
      records: pool.records,
      prompts: pool.prompts.length,
      completions,
      pairs: scores.scores.length,
      labels: pool.labels.length,
      errors: entry.problems.filter((p) => p.severity === 'error').length,
      warnings: entry.problems.filter((p) => p.severity === 'warning').length,
      featurizer: info.featurizer,
      dim: info.dim,
      criterion: current.criterion,
      uniformValue: scores.uniformValue,
      topScore: histogram.max,
      histogram,
      ...(entry.run ? { lastRun: entry.run.summary } : {}),
    };
  }

  connection.onCodeLens(async ({ textDocument }) => {
    const document = documents.get(textDocument.uri);
    if (!document) return [];
    const current = await settingsFor(document.uri);
    const entry = store.fromDocument(document, current);
    try {
      // With a text model, the lenses wait for its vectors (shared with the analysis's run).
      await ensureFeatures(entry, current);
      return promptLenses(entry, store.scores(entry, current));
    } catch {
      return promptLenses(entry, undefined);
    }
  });

  connection.onHover(async ({ textDocument, position }) => {
    const document = documents.get(textDocument.uri);
    if (!document) return null;
    const current = await settingsFor(document.uri);
    const entry = store.fromDocument(document, current);
    const onLine = store.completionsOnLine(entry, position.line);
    if (onLine.length === 0) return null;
    try {
      const scores = store.scores(entry, current);
      return completionHover(entry, scores, position, onLine) ?? null;
    } catch {
      return null;
    }
  });

  connection.onRequest(PoolSummaryRequest.type, async ({ uri }) => summaryOf(await entryFor(uri)));

  connection.onRequest(OpenPoolFileRequest.type, async ({ uri }, token) => {
    const controller = new AbortController();
    token.onCancellationRequested(() => controller.abort());
    const started = Date.now();
    const entry = await store.fromDisk(uri, await settingsFor(uri), controller.signal);
    log.info(`pool read from disk uri=${uri} ms=${Date.now() - started}`);
    publish(entry);
    return summaryOf(entry, true);
  });

  connection.onRequest(PairPageRequest.type, async (params) => {
    const entry = await entryFor(params.uri);
    const current = await settingsFor(params.uri);
    await ensureFeatures(entry, current);
    return pairPage(entry, store.scores(entry, current), params);
  });

  connection.onRequest(PairDetailRequest.type, async ({ uri, index }) => {
    const entry = await entryFor(uri);
    const current = await settingsFor(uri);
    await ensureFeatures(entry, current);
    const scores = store.scores(entry, current);
    try {
      return pairDetail(entry, scores, index);
    } catch (error) {
      throw new ResponseError(ErrorCodes.InvalidParams, message(error));
    }
  });

  connection.onRequest(RunDesignRequest.type, async (params, token) => {
    const progress = connection.window.attachWorkDoneProgress(params.workDoneToken);
    const entry = await entryFor(params.uri);
    const current = await settingsFor(params.uri, params.settings);
    log.info(
      `design started uri=${params.uri} budget=${current.budget} criterion=${current.criterion} ` +
        `method=${current.method} dim=${current.dim} seed=${current.seed}`,
    );
    const started = Date.now();
    await ensureFeatures(entry, current, true);
    const result = await runDesign(store, entry, current, params.format, token, progress);
    const { summary } = result;
    log.info(
      `design finished uri=${params.uri} chosen=${summary.chosen} value=${summary.value} ` +
        `efficiency=${summary.efficiency} method=${summary.method} ms=${Date.now() - started}`,
    );
    quietly(
      connection.sendNotification(DesignResultNotification.type, {
        uri: entry.uri,
        version: entry.version,
        summary,
      }),
    );
    refreshLenses();
    return result;
  });

  connection.onRequest(BudgetCurveRequest.type, async (params, token) => {
    const progress = connection.window.attachWorkDoneProgress(params.workDoneToken);
    const entry = await entryFor(params.uri);
    const current = await settingsFor(params.uri, params.settings);
    await ensureFeatures(entry, current);
    return budgetCurve(store, entry, current, token, progress);
  });

  connection.onRequest(WhatIfRequest.type, async (params, token) => {
    const { uri, budgets, seeds } = params;
    const increasing = budgets.every(
      (b, k) => Number.isInteger(b) && b >= 1 && (k === 0 || b > budgets[k - 1]),
    );
    if (budgets.length === 0 || !increasing) {
      throw new ResponseError(
        ErrorCodes.InvalidParams,
        `Budgets must be increasing whole numbers, got ${JSON.stringify(budgets)}.`,
      );
    }
    if (!Number.isInteger(seeds) || seeds < 1 || seeds > 1000) {
      throw new ResponseError(ErrorCodes.InvalidParams, `Seeds must be 1 to 1000, got ${seeds}.`);
    }
    const progress = connection.window.attachWorkDoneProgress(params.workDoneToken);
    const entry = await entryFor(uri);
    const current = await settingsFor(uri);
    await ensureFeatures(entry, current);
    log.info(
      `what-if started uri=${uri} budgets=${budgets.join(',')} seeds=${seeds} dim=${current.dim}`,
    );
    const started = Date.now();
    try {
      const result = await runWhatIf({
        store,
        entry,
        settings: current,
        budgets,
        seeds,
        token,
        progress,
        onPartial: (partial) =>
          quietly(connection.sendNotification(WhatIfProgressNotification.type, partial)),
      });
      log.info(`what-if finished uri=${uri} truth=${result.truth} ms=${Date.now() - started}`);
      return result;
    } catch (error) {
      if (error instanceof ResponseError) throw error;
      throw new ResponseError(ErrorCodes.InvalidParams, message(error));
    }
  });

  documents.listen(connection);
  connection.listen();
}
