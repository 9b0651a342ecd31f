/**
 * The Pair Curator language server in the test's own process, spoken to over a pair of
 * in-memory streams by a plain JSON-RPC client that plays the editor.
 */
import { PassThrough } from 'node:stream';

import {
  createProtocolConnection,
  type Diagnostic,
  InitializeRequest,
  PublishDiagnosticsNotification,
  type ProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  DidOpenTextDocumentNotification,
  DidChangeTextDocumentNotification,
  ConfigurationRequest,
  CodeLensRefreshRequest,
  ShowMessageNotification,
  WorkDoneProgressCreateRequest,
} from 'vscode-languageserver-protocol/node';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';

import {
  DEFAULT_POOL_SETTINGS,
  type PoolChangedParams,
  PoolChangedNotification,
  type PoolSettings,
  type ServerStartOptions,
} from '../../src/protocol';
import { startServer } from '../../src/server/pool-server';

export interface Harness {
  client: ProtocolConnection;
  /** Settings the editor answers configuration requests with. */
  settings: PoolSettings;
  /** Diagnostics of a document once published for the given version. */
  diagnostics(uri: string, version?: number): Promise<Diagnostic[]>;
  open(uri: string, text: string, version?: number): void;
  change(uri: string, text: string, version: number): void;
  lensRefreshes: number;
  /** Messages the server showed the curator (window/showMessage), in order. */
  messages: string[];
  /** Tokens of the progress the server created itself (text embedding runs), in order. */
  progressTokens: (number | string)[];
  /** The analysis outcome the server announced for a document, once it has. */
  analysed(uri: string): Promise<PoolChangedParams>;
  close(): void;
}

export async function startHarness(
  settings: Partial<PoolSettings> = {},
  start: ServerStartOptions = {},
): Promise<Harness> {
  const toServer = new PassThrough();
  const toClient = new PassThrough();
  const server = createConnection(
    ProposedFeatures.all,
    new StreamMessageReader(toServer),
    new StreamMessageWriter(toClient),
  );
  startServer(server);

  const client = createProtocolConnection(
    new StreamMessageReader(toClient),
    new StreamMessageWriter(toServer),
  );
  const published = new Map<string, { version?: number; diagnostics: Diagnostic[] }>();
  const waiters: (() => void)[] = [];
  const changed = new Map<string, PoolChangedParams>();
  const harness: Harness = {
    client,
    settings: { ...DEFAULT_POOL_SETTINGS, ...settings },
    lensRefreshes: 0,
    progressTokens: [],
    messages: [],
    diagnostics(uri, version) {
      return new Promise((resolve) => {
        const check = () => {
          const got = published.get(uri);
          if (got && (version === undefined || got.version === version)) {
            resolve(got.diagnostics);
            return true;
          }
          return false;
        };
        const wait = () => {
          if (!check()) waiters.push(wait);
        };
        wait();
      });
    },
    open(uri, text, version = 1) {
      void client.sendNotification(DidOpenTextDocumentNotification.type, {
        textDocument: { uri, languageId: 'preference-pool', version, text },
      });
    },
    change(uri, text, version) {
      void client.sendNotification(DidChangeTextDocumentNotification.type, {
        textDocument: { uri, version },
        contentChanges: [{ text }],
      });
    },
    analysed(uri) {
      return new Promise((resolve) => {
        const check = () => {
          const got = changed.get(uri);
          if (got) resolve(got);
          return got !== undefined;
        };
        const wait = () => {
          if (!check()) waiters.push(wait);
        };
        wait();
      });
    },
    close() {
      client.dispose();
      server.dispose();
      toServer.destroy();
      toClient.destroy();
    },
  };

  client.onNotification(PublishDiagnosticsNotification.type, (params) => {
    published.set(params.uri, { version: params.version, diagnostics: params.diagnostics });
    for (const wake of waiters.splice(0)) wake();
  });
  client.onNotification(ShowMessageNotification.type, ({ message }) => {
    harness.messages.push(message);
  });
  client.onNotification(PoolChangedNotification.type, (params) => {
    changed.set(params.uri, params);
    for (const wake of waiters.splice(0)) wake();
  });
  // Server-made progress (text embedding runs): accepted, shown nowhere.
  client.onRequest(WorkDoneProgressCreateRequest.type, ({ token }) => {
    harness.progressTokens.push(token);
  });
  client.onRequest(ConfigurationRequest.type, (params) =>
    params.items.map(() => ({ ...harness.settings })),
  );
  client.onRequest(CodeLensRefreshRequest.type, () => {
    harness.lensRefreshes++;
  });
  client.listen();

  await client.sendRequest(InitializeRequest.type, {
    processId: null,
    rootUri: null,
    initializationOptions: start,
    capabilities: {
      workspace: { configuration: true, codeLens: { refreshSupport: true } },
      window: { workDoneProgress: true },
    },
  });
  await client.sendNotification('initialized', {});
  return harness;
}
