import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';

import { PairDetailRequest } from '../protocol';

/** URI scheme of the read-only documents that show one completion of a pair. */
export const PAIR_SCHEME = 'pair-curator-pair';

function sideUri(pool: vscode.Uri, index: number, side: 'a' | 'b', id: string): vscode.Uri {
  const name = id.replace(/[^\w.-]+/g, '_').slice(0, 60) || side;
  const query = new URLSearchParams({ pool: pool.toString(), index: String(index), side });
  return vscode.Uri.from({
    scheme: PAIR_SCHEME,
    path: `/${index}/${side}-${name}.txt`,
    query: query.toString(),
  });
}

/** Serves each side of a pair as a virtual text document, fetched from the server. */
export class PairContentProvider implements vscode.TextDocumentContentProvider {
  constructor(private readonly client: LanguageClient) {}

  async provideTextDocumentContent(
    uri: vscode.Uri,
    token: vscode.CancellationToken,
  ): Promise<string> {
    const query = new URLSearchParams(uri.query);
    const params = { uri: query.get('pool') ?? '', index: Number(query.get('index')) };
    const detail = await this.client.sendRequest(PairDetailRequest.type, params, token);
    return query.get('side') === 'b' ? detail.completionB : detail.completionA;
  }
}

/** Opens the two completions of a pair side by side in a diff editor. */
export async function comparePair(
  client: LanguageClient,
  pool: vscode.Uri,
  index: number,
): Promise<void> {
  const detail = await client.sendRequest(PairDetailRequest.type, { uri: pool.toString(), index });
  const left = sideUri(pool, index, 'a', detail.aId);
  const right = sideUri(pool, index, 'b', detail.bId);
  const prompt = detail.prompt.replace(/\s+/g, ' ').slice(0, 60);
  const title = `${detail.aId} ↔ ${detail.bId} · ${prompt}`;
  await vscode.commands.executeCommand('vscode.diff', left, right, title, { preview: true });
}
