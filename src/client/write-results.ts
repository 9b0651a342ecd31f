import { randomBytes } from 'node:crypto';

import * as vscode from 'vscode';

/** Where a design's outputs go: beside the pool, named after it. */
export interface OutputUris {
  pairs: vscode.Uri;
  report: vscode.Uri;
}

/**
 * `data/arena.pool.jsonl` gives `data/arena.pool.pairs.jsonl` and `data/arena.pool.design.json`:
 * the pool's own extension (and `.gz`) replaced by the output's suffix, as the CLI names them.
 */
export function outputUris(pool: vscode.Uri, format: 'jsonl' | 'csv'): OutputUris {
  const path = pool.path;
  const slash = path.lastIndexOf('/');
  const name = path.slice(slash + 1).replace(/\.gz$/i, '');
  const stem = path.slice(0, slash + 1) + name.replace(/\.(jsonl|ndjson|json|csv|tsv)$/i, '');
  return {
    pairs: pool.with({ path: `${stem}.pairs.${format}` }),
    report: pool.with({ path: `${stem}.design.json` }),
  };
}

function temporary(target: vscode.Uri): vscode.Uri {
  const slash = target.path.lastIndexOf('/');
  const name = target.path.slice(slash + 1);
  const tag = randomBytes(4).toString('hex');
  return target.with({ path: `${target.path.slice(0, slash + 1)}.${name}.${tag}.tmp` });
}

/**
 * Writes each file whole or not at all: every text goes to a temporary file beside its target,
 * and only when all are written are they renamed over their targets. A failure removes the
 * temporary files and leaves the targets as they were. No target may be the pool itself.
 */
export async function writeAtomically(
  files: { uri: vscode.Uri; text: string }[],
  protect: vscode.Uri,
): Promise<void> {
  for (const { uri } of files) {
    if (uri.toString() === protect.toString()) {
      throw new Error(`Refusing to write over the pool ${protect.fsPath}.`);
    }
  }

  const staged: { temp: vscode.Uri; target: vscode.Uri }[] = [];
  try {
    for (const { uri, text } of files) {
      const temp = temporary(uri);
      staged.push({ temp, target: uri });
      await vscode.workspace.fs.writeFile(temp, Buffer.from(text, 'utf8'));
    }
    for (const { temp, target } of staged) {
      await vscode.workspace.fs.rename(temp, target, { overwrite: true });
    }
  } catch (error) {
    for (const { temp } of staged) {
      await Promise.resolve(vscode.workspace.fs.delete(temp)).catch(() => undefined);
    }
    throw error;
  }
}
