/**
 * Entry point of the Pair Curator language server. The transport (IPC from the extension,
 * `--stdio` from a test or another editor) is chosen from the command line.
 */
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';

import { startServer } from './pool-server';

startServer(createConnection(ProposedFeatures.all));
