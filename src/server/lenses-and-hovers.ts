import type { CodeLens, Hover, Position } from 'vscode-languageserver';

import type { PoolScores } from '../core/engine';
import { pairCount } from '../core/pool/pool';
import { jsonFieldSpan } from './field-range';
import { bestPartner, shorten, topScoreOfPrompt } from './pair-table';
import type { PoolEntry } from './pool-store';

/** A score with three significant digits, in the notation that reads best at its size. */
export function formatScore(score: number): string {
  if (!Number.isFinite(score)) return '–';
  if (score === 0) return '0';
  const magnitude = Math.abs(score);
  return magnitude >= 1e-3 && magnitude < 1e4 ? score.toPrecision(3) : score.toExponential(2);
}

/**
 * One lens above the first record of each prompt: "17 completions · 136 pairs · top pair 0.042
 * · 3 chosen". Clicking it shows the prompt's pairs in the side panel.
 */
export function promptLenses(entry: PoolEntry, scores: PoolScores | undefined): CodeLens[] {
  const pool = entry.pool;
  if (!pool) return [];

  const chosenPerPrompt = new Map<number, number>();
  if (entry.run && scores) {
    for (const index of entry.run.ranks.keys()) {
      const p = scores.pairAt(index).prompt;
      chosenPerPrompt.set(p, (chosenPerPrompt.get(p) ?? 0) + 1);
    }
  }

  return pool.prompts.map((prompt, p) => {
    const k = prompt.completions.length;
    const parts = [`${k} completions`, `${pairCount(k)} pairs`];
    if (scores) parts.push(`top pair ${formatScore(topScoreOfPrompt(scores, p))}`);
    if (entry.run) parts.push(`${chosenPerPrompt.get(p) ?? 0} chosen`);
    const line = Math.max(0, prompt.line - 1);
    return {
      range: { start: { line, character: 0 }, end: { line, character: 0 } },
      command: {
        title: parts.join(' · '),
        command: 'pairCurator.showPairScores',
        arguments: [entry.uri, prompt.id],
      },
    };
  });
}

/** A Markdown code fence that no backtick run inside `text` can close. */
function fenced(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}text\n${text}\n${fence}`;
}

/** Markdown-safe inline text: every character Markdown could read as inline syntax is escaped. */
function inline(text: string): string {
  return text.replace(/[\\`*_[\]<>&|~]/g, (c) => `\\${c}`);
}

/**
 * The hover over a completion: its best partner in its prompt, the pair's score and both texts
 * shortened. On a line with several completions (a wide record), the one under the cursor.
 */
export function completionHover(
  entry: PoolEntry,
  scores: PoolScores,
  at: Position,
  onLine: { prompt: number; completion: number }[],
): Hover | undefined {
  const pool = entry.pool;
  if (!pool || onLine.length === 0) return undefined;

  let target = onLine[0];
  if (onLine.length > 1) {
    const text = entry.lines(at.line) ?? '';
    const field = pool.mapping.completion ?? 'completions';
    target =
      onLine.find(({ completion }) => {
        const span = jsonFieldSpan(text, `${field}.${completion}`);
        return span && span.start <= at.character && at.character <= span.end;
      }) ?? target;
  }

  const prompt = pool.prompts[target.prompt];
  const self = prompt.completions[target.completion];
  const best = bestPartner(pool, scores, target.prompt, target.completion);
  if (!best) return undefined;
  const partner = prompt.completions[best.partner];
  const rank = entry.run?.ranks.get(best.index);

  const lines = [
    `**Pair Curator** · completion ${inline(self.id)} of prompt ${inline(prompt.id)}`,
    '',
    `Best partner: ${inline(partner.id)} · pair score ${formatScore(best.score)}` +
      (rank ? ` · chosen, rank ${rank}` : ''),
    '',
    fenced(`${self.id}: ${shorten(self.text, 240)}`),
    fenced(`${partner.id}: ${shorten(partner.text, 240)}`),
  ];
  return { contents: { kind: 'markdown', value: lines.join('\n') } };
}
