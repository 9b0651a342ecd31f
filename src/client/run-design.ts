import { randomBytes } from 'node:crypto';

import * as vscode from 'vscode';
import { type LanguageClient, WorkDoneProgress } from 'vscode-languageclient/node';

import {
  type DesignRunSummary,
  type PoolSettings,
  RunDesignRequest,
  type RunDesignResult,
} from '../protocol';
import { showError } from './errors';
import { readSettings } from './settings';
import { outputUris, writeAtomically } from './write-results';

const CRITERIA: { id: PoolSettings['criterion']; label: string; detail: string }[] = [
  {
    id: 'dpo',
    label: 'dpo',
    detail: 'tr(I Σ⁻¹): the expected suboptimality of the DPO-trained policy',
  },
  { id: 'a', label: 'a', detail: 'tr(Σ⁻¹): A-optimal, every direction weighted alike' },
  { id: 'd', label: 'd', detail: 'log det Σ: D-optimal' },
];

async function askBudget(settings: PoolSettings): Promise<number | undefined> {
  const text = await vscode.window.showInputBox({
    title: 'Pair Curator: Run Budgeted Design (1/2)',
    prompt: 'Budget: how many pairs to label',
    value: String(settings.budget),
    validateInput: (value) =>
      /^\s*[1-9]\d*\s*$/.test(value) ? undefined : 'Enter a whole number of pairs, 1 or more.',
  });
  return text === undefined ? undefined : Number(text.trim());
}

async function askCriterion(
  settings: PoolSettings,
): Promise<PoolSettings['criterion'] | undefined> {
  const items = CRITERIA.map((c) => ({
    label: c.label,
    description: c.id === settings.criterion ? '(setting)' : '',
    detail: c.detail,
    id: c.id,
  }));
  items.sort((x, y) => Number(y.id === settings.criterion) - Number(x.id === settings.criterion));
  const picked = await vscode.window.showQuickPick(items, {
    title: 'Pair Curator: Run Budgeted Design (2/2)',
    placeHolder: 'Criterion to minimise',
  });
  return picked?.id;
}

function percent(x: number): string {
  return `${(100 * x).toFixed(1)} %`;
}

/** The one line a curator reads after a run. */
export function summaryLine(summary: DesignRunSummary, file: string): string {
  const parts = [
    `Chose ${summary.chosen} pairs of ${file} (${summary.method}, ${summary.criterion})`,
    `at least ${percent(summary.efficiency)} as efficient as the best possible design`,
  ];
  if (summary.gainOverUniform !== null) {
    const times = summary.gainOverUniform.toFixed(2);
    parts.push(`uniform random pairs would need ${times}× the labels`);
  }
  return `${parts.join(' · ')}.`;
}

export interface RunDesignDeps {
  client: LanguageClient;
  log: vscode.LogOutputChannel;
  /** Called with the result once its files are written. */
  onResult: (pool: vscode.Uri, result: RunDesignResult) => void;
}

/**
 * "Pair Curator: Run Budgeted Design": asks for the budget and criterion, runs the design in the
 * server with cancellable progress, writes the pairs and the report beside the pool, and opens
 * the pairs.
 */
/** Pools with a design under way: one at a time each, so two runs never race to write. */
const running = new Set<string>();

export async function runDesignCommand(deps: RunDesignDeps, pool: vscode.Uri): Promise<void> {
  const { client, log } = deps;
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showWarningMessage(
      'Pair Curator: designs write files, so they run only in a trusted workspace.',
    );
    return;
  }

  if (pool.scheme !== 'file') {
    void vscode.window.showWarningMessage(
      'Pair Curator: save the pool to a file first; the pairs and the report go beside it.',
    );
    return;
  }
  const key = pool.toString();
  if (running.has(key)) {
    void vscode.window.showWarningMessage(
      'Pair Curator: a design of this pool is already running; cancel it or wait for it.',
    );
    return;
  }

  const settings = readSettings(pool);
  const budget = await askBudget(settings);
  if (budget === undefined) return;
  const criterion = await askCriterion(settings);
  if (criterion === undefined) return;

  const file = pool.path.slice(pool.path.lastIndexOf('/') + 1);
  log.info(`design requested pool=${pool.fsPath} budget=${budget} criterion=${criterion}`);

  let cancelled = false;
  running.add(key);
  try {
    const result = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: `Pair Curator: designing ${budget} pairs`,
        cancellable: true,
      },
      async (progress, token) => {
        const workDoneToken = `pair-curator-${randomBytes(6).toString('hex')}`;
        let done = 0;
        const listener = client.onProgress(WorkDoneProgress.type, workDoneToken, (value) => {
          if (value.kind === 'end') return;
          const at = value.percentage ?? done;
          progress.report({ message: value.message, increment: Math.max(0, at - done) });
          done = Math.max(done, at);
        });
        token.onCancellationRequested(() => (cancelled = true));
        try {
          const params = {
            uri: pool.toString(),
            settings: { budget, criterion },
            format: 'jsonl' as const,
            workDoneToken,
          };
          const answer = await client.sendRequest(RunDesignRequest.type, params, token);
          if (token.isCancellationRequested) throw new vscode.CancellationError();
          progress.report({ message: 'writing the pairs and the report' });
          const out = outputUris(pool, 'jsonl');
          await writeAtomically(
            [
              { uri: out.pairs, text: answer.pairsText },
              { uri: out.report, text: answer.reportText },
            ],
            pool,
          );
          return answer;
        } finally {
          listener.dispose();
        }
      },
    );

    const out = outputUris(pool, 'jsonl');
    log.info(`design written pairs=${out.pairs.fsPath} report=${out.report.fsPath}`);
    deps.onResult(pool, result);
    await vscode.window.showTextDocument(out.pairs, { preview: false });
    const line = summaryLine(result.summary, file);
    log.info(line);
    void vscode.window.showInformationMessage(`Pair Curator: ${line}`, 'Open Report').then((c) => {
      if (c === 'Open Report') void vscode.window.showTextDocument(out.report, { preview: false });
    });
  } catch (error) {
    if (cancelled || error instanceof vscode.CancellationError) {
      log.info(`design cancelled pool=${pool.fsPath}; nothing was written`);
      void vscode.window.showInformationMessage(
        'Pair Curator: design cancelled; nothing was written.',
      );
      return;
    }
    showError(log, `the design of ${file} failed`, error);
  } finally {
    running.delete(key);
  }
}
