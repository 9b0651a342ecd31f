import type { PoolScores } from '../core/engine';
import type { Pool } from '../core/pool/pool';
import type { PairDetail, PairPage, PairPageParams, PairRow, ScoreHistogram } from '../protocol';
import type { PoolEntry } from './pool-store';

/** Shortens a text to one line of at most `max` characters. */
export function shorten(text: string, max: number): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length <= max ? line : `${line.slice(0, max - 1)}…`;
}

/** The best-scoring partner of completion `c` of prompt `p`, or undefined with one completion. */
export function bestPartner(
  pool: Pool,
  scores: PoolScores,
  p: number,
  c: number,
): { partner: number; index: number; score: number } | undefined {
  const k = pool.prompts[p].completions.length;
  let best: { partner: number; index: number; score: number } | undefined;
  for (let other = 0; other < k; other++) {
    if (other === c) continue;
    const index = scores.indexOf(p, Math.min(c, other), Math.max(c, other));
    const score = scores.scores[index];
    if (!best || score > best.score) best = { partner: other, index, score };
  }
  return best;
}

/** The highest score among the pairs of prompt `p`. */
export function topScoreOfPrompt(scores: PoolScores, p: number): number {
  const end = p + 1 < scores.pairOffsets.length ? scores.pairOffsets[p + 1] : scores.scores.length;
  let top = -Infinity;
  for (let i = scores.pairOffsets[p]; i < end; i++) top = Math.max(top, scores.scores[i]);
  return top;
}

/** Equal-width histogram of every pair score. */
export function scoreHistogram(scores: Float64Array, bins = 40): ScoreHistogram {
  let min = Infinity;
  let max = -Infinity;
  for (const s of scores) {
    if (s < min) min = s;
    if (s > max) max = s;
  }
  const counts = new Array<number>(bins).fill(0);
  if (scores.length === 0) return { min: 0, max: 0, counts };

  const width = max > min ? (max - min) / bins : 1;
  for (const s of scores) counts[Math.min(bins - 1, Math.floor((s - min) / width))]++;
  return { min, max, counts };
}

function orderKey(params: PairPageParams, entry: PoolEntry): string {
  const { sort, descending, prompt, minScore, maxScore, chosenOnly } = params;
  const run = entry.run?.seq ?? -1;
  return JSON.stringify([
    entry.scores?.key,
    run,
    sort,
    descending,
    prompt,
    minScore,
    maxScore,
    chosenOnly,
  ]);
}

/** The pair indices that pass the page's filters, sorted as asked. */
function sortedOrder(entry: PoolEntry, scores: PoolScores, params: PairPageParams): Int32Array {
  const pool = entry.pool as Pool;
  const ranks = entry.run?.ranks;
  const needle = params.prompt?.trim().toLowerCase() ?? '';
  const promptOk = pool.prompts.map(
    (p) => !needle || p.id.toLowerCase().includes(needle) || p.text.toLowerCase().includes(needle),
  );
  const min = params.minScore ?? -Infinity;
  const max = params.maxScore ?? Infinity;

  const kept: number[] = [];
  for (let p = 0; p < pool.prompts.length; p++) {
    if (!promptOk[p]) continue;
    const end =
      p + 1 < scores.pairOffsets.length ? scores.pairOffsets[p + 1] : scores.scores.length;
    for (let i = scores.pairOffsets[p]; i < end; i++) {
      const s = scores.scores[i];
      if (s < min || s > max) continue;
      if (params.chosenOnly && !ranks?.has(i)) continue;
      kept.push(i);
    }
  }

  const order = Int32Array.from(kept);
  const sign = params.descending ? -1 : 1;
  const byScore = (x: number, y: number) => sign * (scores.scores[x] - scores.scores[y]) || x - y;
  if (params.sort === 'score') {
    order.sort(byScore);
  } else if (params.sort === 'rank') {
    const rank = (i: number) => ranks?.get(i) ?? Infinity;
    order.sort((x, y) => {
      const rx = rank(x);
      const ry = rank(y);
      if (rx === ry) return sign * (scores.scores[y] - scores.scores[x]) || x - y;
      return rx === Infinity ? 1 : ry === Infinity ? -1 : sign * (rx - ry);
    });
  } else if (params.descending) {
    order.reverse();
  }
  return order;
}

/** The prompt and both completions of pair `index`. */
function pairParts(entry: PoolEntry, scores: PoolScores, index: number) {
  const ref = scores.pairAt(index);
  const prompt = (entry.pool as Pool).prompts[ref.prompt];
  return { ref, prompt, a: prompt.completions[ref.a], b: prompt.completions[ref.b] };
}

function pairRow(entry: PoolEntry, scores: PoolScores, index: number): PairRow {
  const { ref, prompt, a, b } = pairParts(entry, scores, index);
  return {
    index,
    prompt: ref.prompt,
    promptId: prompt.id,
    promptText: shorten(prompt.text, 120),
    aId: a.id,
    bId: b.id,
    aText: shorten(a.text, 120),
    bText: shorten(b.text, 120),
    score: scores.scores[index],
    rank: entry.run?.ranks.get(index) ?? null,
  };
}

/** A page of the ranked pair table; the sorted order is kept for the next page of the query. */
export function pairPage(entry: PoolEntry, scores: PoolScores, params: PairPageParams): PairPage {
  const key = orderKey(params, entry);
  if (entry.order?.key !== key) entry.order = { key, value: sortedOrder(entry, scores, params) };
  const order = entry.order.value;

  const offset = Math.max(0, Math.min(params.offset, order.length));
  const limit = Math.max(0, Math.min(params.limit, 1000));
  const rows: PairRow[] = [];
  for (let i = offset; i < Math.min(order.length, offset + limit); i++) {
    rows.push(pairRow(entry, scores, order[i]));
  }
  return { uri: entry.uri, version: entry.version, total: order.length, offset, rows };
}

/** Both completions of one pair in full. */
export function pairDetail(entry: PoolEntry, scores: PoolScores, index: number): PairDetail {
  if (!Number.isInteger(index) || index < 0 || index >= scores.scores.length) {
    throw new RangeError(`No pair ${index}: the pool has ${scores.scores.length} pairs.`);
  }
  const { prompt, a, b } = pairParts(entry, scores, index);
  return {
    index,
    promptId: prompt.id,
    prompt: prompt.text,
    aId: a.id,
    bId: b.id,
    completionA: a.text,
    completionB: b.text,
    score: scores.scores[index],
    rank: entry.run?.ranks.get(index) ?? null,
  };
}
