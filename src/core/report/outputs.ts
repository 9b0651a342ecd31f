import Papa from 'papaparse';
import type { DesignResult, DesignSettings } from '../design/types';
import type { PreparedPool } from '../engine';
import { describeReading, summarisePool, type Pool } from '../pool';

/** One line of `<pool>.pairs.jsonl`, in the order to label (DESIGN.md section 3). */
export interface PairRecord {
  pair_id: string;
  prompt_id: string;
  prompt: string;
  a_id: string;
  b_id: string;
  completion_a: string;
  completion_b: string;
  rank: number;
  score: number;
  weight: number;
}

/** The chosen pairs as records, in labelling order. */
export function pairRecords(prepared: PreparedPool, result: DesignResult): PairRecord[] {
  return result.chosen.map((pair) => {
    const prompt = prepared.pool.prompts[pair.prompt];
    const a = prompt.completions[pair.a];
    const b = prompt.completions[pair.b];
    return {
      pair_id: `${prompt.id}#${pair.a}-${pair.b}`,
      prompt_id: prompt.id,
      prompt: prompt.text,
      a_id: a.id,
      b_id: b.id,
      completion_a: a.text,
      completion_b: b.text,
      rank: pair.rank,
      score: roundTo(pair.score, 9),
      weight: roundTo(pair.weight, 6),
    };
  });
}

/**
 * The text of the pairs file: JSON lines, or CSV with a header row. `pair_id` is the prompt id
 * and the two completions' positions in it, unique whatever the ids hold. In CSV, cells a
 * spreadsheet would run as formulas get a leading quote (`csvCell`).
 */
export function renderPairs(
  prepared: PreparedPool,
  result: DesignResult,
  format: 'jsonl' | 'csv',
): string {
  const records = pairRecords(prepared, result);
  if (format === 'csv') {
    const cells = records.map((r) => ({
      ...r,
      pair_id: csvCell(r.pair_id, 'id'),
      prompt_id: csvCell(r.prompt_id, 'id'),
      prompt: csvCell(r.prompt, 'text'),
      a_id: csvCell(r.a_id, 'id'),
      b_id: csvCell(r.b_id, 'id'),
      completion_a: csvCell(r.completion_a, 'text'),
      completion_b: csvCell(r.completion_b, 'text'),
    }));
    return `${Papa.unparse(cells, { newline: '\n' })}\n`;
  }
  return records.map((record) => `${JSON.stringify(record)}\n`).join('');
}

/**
 * The report `<pool>.design.json`: what was read and skipped, the settings and seed, the
 * design's criterion and certificate, and every baseline on the same budget.
 */
export function buildReport(
  prepared: PreparedPool,
  settings: DesignSettings,
  result: DesignResult,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const { pool, features } = prepared;
  const uniform = result.baselines.find((b) => b.name === 'uniform');
  return {
    tool: 'pair-curator',
    ...extra,
    input: reportInput(pool),
    skipped: reportSkipped(pool),
    features: features.info,
    referencePolicy: result.referencePolicy,
    settings,
    seed: settings.seed,
    design: {
      criterion: result.criterion,
      method: result.method,
      methods: result.methods,
      labels: result.chosen.length,
      value: result.value,
      continuousValue: result.continuousValue,
      certificate: result.certificate,
      statement:
        `This selection is at least ${(100 * result.certificate.efficiency).toFixed(1)} % ` +
        'as efficient as the best possible design of this budget.',
      gainOverUniform: uniform ? uniformGain(result, uniform.criterion) : null,
    },
    baselines: result.baselines,
    curve: result.curve,
    timingsMs: result.timingsMs,
  };
}

/**
 * The `input` section of every report: the file, how it was read (shape, dataset layout, the
 * mapping, and the reading statement), and the counts before and after empty and duplicate
 * completions were dropped.
 */
export function reportInput(pool: Pool): Record<string, unknown> {
  const summary = summarisePool(pool);
  const { offered } = summary;
  return {
    file: pool.file,
    format: pool.format,
    compression: pool.compression ?? null,
    shape: pool.shape,
    dataset: pool.dataset ?? null,
    reading: describeReading(pool),
    mapping: pool.mapping,
    records: pool.records,
    prompts: summary.prompts,
    completions: summary.completions,
    candidatePairs: summary.pairs,
    priorLabels: summary.labels,
    offered: {
      prompts: offered.prompts,
      completions: offered.completions,
      candidatePairs: offered.pairs,
    },
  };
}

/** The `skipped` section of every report: each problem of the file, counted by code. */
export function reportSkipped(pool: Pool): Record<string, unknown> {
  return { byCode: summarisePool(pool).problemsByCode, problems: pool.problems };
}

/**
 * A CSV cell a spreadsheet would run as a formula, quoted to stay text. Free text (prompts and
 * completions) is guarded against every formula lead (=, +, -, @, tab, CR); ids only against
 * = (the lead every spreadsheet runs), so that ids like `-42` or `@cf/meta/llama` still join
 * back to the pool.
 */
export function csvCell(value: string, kind: 'text' | 'id'): string {
  const leads = kind === 'text' ? /^[=+\-@\t\r]/ : /^=/;
  return leads.test(value) ? `'${value}` : value;
}

/**
 * How many times more labels uniform random pairs need for the design's precision: the ratio
 * of criteria for trace criteria (the criterion falls as one over the labels), and for log det
 * the ratio of D-efficiencies.
 */
function uniformGain(result: DesignResult, uniformValue: number): number {
  if (result.criterion === 'd') {
    const uniform = result.baselines.find((b) => b.name === 'uniform');
    return uniform && uniform.efficiency > 0
      ? result.certificate.efficiency / uniform.efficiency
      : 0;
  }
  return uniformValue / result.value;
}

function roundTo(value: number, digits: number): number {
  return Number(value.toPrecision(digits));
}
