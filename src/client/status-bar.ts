import * as vscode from 'vscode';

import type { PoolSummary } from '../protocol';

function plural(count: number, noun: string): string {
  return `${count.toLocaleString('en-US')} ${noun}${count === 1 ? '' : 's'}`;
}

/** The status bar item of the active pool: its size, or why it cannot be scored. */
export class PoolStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem(
    'pairCurator.status',
    vscode.StatusBarAlignment.Right,
    100,
  );

  constructor() {
    this.item.name = 'Pair Curator';
    this.item.command = 'pairCurator.showPairScores';
  }

  hide(): void {
    this.item.hide();
  }

  busy(text: string): void {
    this.item.text = `$(sync~spin) ${text}`;
    this.item.backgroundColor = undefined;
    this.item.show();
  }

  show(name: string, summary: PoolSummary): void {
    const prompts = plural(summary.prompts, 'prompt');
    const pairs = plural(summary.pairs, 'pair');
    this.item.text = `$(git-compare) ${prompts} · ${pairs}`;
    const lines = [
      `Pair Curator: ${name}`,
      `${prompts}, ${plural(summary.completions, 'completion')}, ${pairs} to choose from`,
      `${plural(summary.errors, 'error')}, ${plural(summary.warnings, 'warning')}`,
      `features: ${summary.featurizer}, ${summary.dim} dimensions`,
      `${summary.format}, ${summary.reading}`,
    ];
    if (summary.lastRun) {
      lines.push(`last design: ${summary.lastRun.chosen} pairs (${summary.lastRun.method})`);
    }
    this.item.tooltip = lines.join('\n');
    this.item.backgroundColor =
      summary.errors > 0 ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.show();
  }

  failed(name: string, message: string): void {
    this.item.text = `$(warning) Pair Curator`;
    this.item.tooltip = `${name}: ${message}`;
    this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
