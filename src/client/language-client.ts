import * as vscode from 'vscode';
import {
  LanguageClient,
  type LanguageClientOptions,
  type ServerOptions,
  TransportKind,
} from 'vscode-languageclient/node';

import { type ServerStartOptions, WorkspaceTrustNotification } from '../protocol';
import { POOL_LANGUAGE } from './active-pool';

/**
 * Starts the Pair Curator language server (dist/server.js, over IPC) for pool documents. Its
 * console lands in the extension's log channel.
 */
export async function startLanguageClient(
  context: vscode.ExtensionContext,
  log: vscode.LogOutputChannel,
): Promise<LanguageClient> {
  const module = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: {
      module,
      transport: TransportKind.ipc,
      options: { execArgv: ['--nolazy', '--inspect=6019'] },
    },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: POOL_LANGUAGE },
      { scheme: 'untitled', language: POOL_LANGUAGE },
    ],
    synchronize: { configurationSection: 'pairCurator' },
    initializationOptions: {
      cacheDir: vscode.Uri.joinPath(context.globalStorageUri, 'feature-cache').fsPath,
      trusted: vscode.workspace.isTrusted,
    } satisfies ServerStartOptions,
    outputChannel: log,
  };

  const client = new LanguageClient('pairCurator', 'Pair Curator', serverOptions, clientOptions);
  await client.start();
  context.subscriptions.push(
    vscode.workspace.onDidGrantWorkspaceTrust(
      () => void client.sendNotification(WorkspaceTrustNotification.type, { trusted: true }),
    ),
  );
  return client;
}
