import Papa from 'papaparse';
import { DEFAULT_DESIGN_SETTINGS, type DesignSettings } from '../core/design/types';
import { buildReport, designPool, preparePool, renderPairs, scorePool } from '../core/engine';
import { readPoolFile, summarisePool, type Pool } from '../core/pool';
import { startsWithGzip } from '../core/pool/byte-source';
import { checkOutputs, writeFilesAtomic } from '../core/report/atomic-write';
import { csvCell, reportInput, reportSkipped } from '../core/report/outputs';
import { exportTrl } from '../core/report/trl-export';
import { promises as fs } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import {
  CRITERIA,
  METHODS,
  UsageError,
  choiceOption,
  integerOption,
  readOptions,
  numberOption,
} from './arguments';
import { formatDesignSummary, formatPoolSummary } from './summary';
import { terminalProgress } from './progress';
import { outputPath } from './paths';
import { checkFeatureOptions, featureOptions } from './text-features';

type Values = Record<string, string | boolean | string[] | undefined>;

export interface Console {
  out: (text: string) => void;
  err: (text: string) => void;
  /** Aborted when the curator interrupts the run (Ctrl-C): long stages stop between steps. */
  signal?: AbortSignal;
}

function designSettings(values: Values, requireBudget: boolean): DesignSettings {
  if (requireBudget && values.budget === undefined) {
    throw new UsageError('design needs --budget N, the number of labels to buy', 'design');
  }
  return {
    ...DEFAULT_DESIGN_SETTINGS,
    criterion: choiceOption(values, 'criterion', CRITERIA, 'dpo'),
    budget: integerOption(values, 'budget', DEFAULT_DESIGN_SETTINGS.budget, 1),
    method: choiceOption(values, 'method', METHODS, 'auto'),
    beta: numberOption(values, 'beta', DEFAULT_DESIGN_SETTINGS.beta, 1e-6, 1e3),
    ridge: numberOption(values, 'ridge', DEFAULT_DESIGN_SETTINGS.ridge, 1e-12, 1e6),
    maxPerPrompt: integerOption(values, 'max-per-prompt', 0, 0),
    coverPrompts: ((values.cover as string[] | undefined) ?? []).flatMap((c) => c.split(',')),
    allowRepeats: values.repeats === true,
    seed: integerOption(values, 'seed', 0, 0, 2 ** 31 - 1),
    targetEfficiency: numberOption(values, 'target-efficiency', 0.99, 0, 1),
    maxIterations: integerOption(
      values,
      'max-iterations',
      DEFAULT_DESIGN_SETTINGS.maxIterations,
      0,
    ),
  };
}

async function loadPool(path: string, values: Values, io: Console): Promise<Pool> {
  const started = Date.now();
  const pool = await readPoolFile(path, { ...readOptions(values), signal: io.signal });
  if (!values.quiet) io.out(formatPoolSummary(pool, Date.now() - started));
  return pool;
}

/** `design`: a budgeted design, its pairs file and its report. */
export async function designCommand(path: string, values: Values, io: Console): Promise<void> {
  const settings = designSettings(values, true);
  const format = outputFormat(values);
  const pairsPath = (values.out as string | undefined) ?? outputPath(path, `pairs.${format}`);
  const reportPath = (values.report as string | undefined) ?? outputPath(path, 'design.json');
  checkFeatureOptions(values);
  await checkOutputs([pairsPath, reportPath], path);

  const timings: Record<string, number> = {};
  let mark = Date.now();
  const lap = (stage: string) => {
    timings[stage] = Date.now() - mark;
    mark = Date.now();
  };
  const pool = await loadPool(path, values, io);
  lap('read');
  const prepared = preparePool(pool, await featureOptions(values, settings.seed, pool, io));
  lap('features');
  const progress = terminalProgress(values.quiet === true);
  const result = await designPool(prepared, settings, {
    progress: progress.report,
    signal: io.signal,
  });
  progress.done();
  lap('design');

  const report = buildReport(prepared, settings, result, {
    outputs: { pairs: pairsPath, report: reportPath },
  });
  report.timingsMs = { ...timings, ...result.timingsMs };
  await writeFilesAtomic([
    { path: pairsPath, text: renderPairs(prepared, result, format) },
    { path: reportPath, text: `${JSON.stringify(report, null, 2)}\n` },
  ]);
  if (!values.quiet) io.out(formatDesignSummary(prepared, result, { pairsPath, reportPath }));
}

/** Rows of the scores file written in one piece: large pools stream, never held as one text. */
const SCORE_ROWS_A_PIECE = 10_000;

/** `score`: every candidate pair's score, best first. */
export async function scoreCommand(path: string, values: Values, io: Console): Promise<void> {
  const settings = designSettings(values, false);
  const format = outputFormat(values);
  const outPath = (values.out as string | undefined) ?? outputPath(path, `scores.${format}`);
  const reportPath =
    (values.report as string | undefined) ?? outputPath(path, 'scores-report.json');
  checkFeatureOptions(values);
  await checkOutputs([outPath, reportPath], path);

  const pool = await loadPool(path, values, io);
  const prepared = preparePool(pool, await featureOptions(values, settings.seed, pool, io));
  const scored = scorePool(prepared, settings);
  const { scores } = scored;
  const order = new Int32Array(scores.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  order.sort((x, y) => scores[y] - scores[x] || x - y);

  const row = (rank: number) => {
    const index = order[rank];
    const ref = scored.pairAt(index);
    const prompt = pool.prompts[ref.prompt];
    return {
      rank: rank + 1,
      prompt_id: prompt.id,
      a_id: prompt.completions[ref.a].id,
      b_id: prompt.completions[ref.b].id,
      score: Number(scores[index].toPrecision(9)),
    };
  };
  function* pieces(): Generator<string> {
    if (format === 'csv') yield 'rank,prompt_id,a_id,b_id,score\n';
    for (let start = 0; start < order.length; start += SCORE_ROWS_A_PIECE) {
      const end = Math.min(order.length, start + SCORE_ROWS_A_PIECE);
      const rows: ScoreRow[] = [];
      for (let rank = start; rank < end; rank++) rows.push(row(rank));
      yield scoreLines(rows, format);
    }
  }
  const report = {
    tool: 'pair-curator',
    command: 'score',
    input: reportInput(pool),
    counts: summarisePool(pool),
    skipped: reportSkipped(pool),
    features: prepared.features.info,
    referencePolicy: prepared.referencePolicy,
    settings: { criterion: settings.criterion, beta: settings.beta, ridge: settings.ridge },
    seed: settings.seed,
    uniformValue: scored.uniformValue,
    output: { file: outPath, format, pairs: order.length },
  };
  await writeFilesAtomic([
    { path: outPath, text: pieces() },
    { path: reportPath, text: `${JSON.stringify(report, null, 2)}\n` },
  ]);
  if (!values.quiet) {
    const best = order.length > 0 ? row(0) : undefined;
    io.out(`Scored ${order.length} pairs; best ${best?.score ?? 0} (${best?.prompt_id ?? '-'})`);
    io.out(`Wrote ${outPath}\n      ${reportPath}`);
  }
}

interface ScoreRow {
  rank: number;
  prompt_id: string;
  a_id: string;
  b_id: string;
  score: number;
}

/** Lines of the scores file: JSON, or CSV rows whose ids a spreadsheet keeps as text. */
function scoreLines(rows: ScoreRow[], format: 'jsonl' | 'csv'): string {
  if (format === 'jsonl') return rows.map((row) => `${JSON.stringify(row)}\n`).join('');
  const cells = rows.map((r) => [
    r.rank,
    ...[r.prompt_id, r.a_id, r.b_id].map((id) => csvCell(id, 'id')),
    r.score,
  ]);
  return `${Papa.unparse(cells, { newline: '\n' })}\n`;
}

/** `export`: a labelled pairs file as a TRL prompt / chosen / rejected dataset. */
export async function exportCommand(path: string, values: Values, io: Console): Promise<void> {
  const outPath = (values.out as string | undefined) ?? outputPath(path, 'trl.jsonl');
  await checkOutputs([outPath], path);
  const result = exportTrl(await readText(path), path);
  if (result.problems.length > 0) {
    const first = result.problems[0];
    const more = result.problems.length > 1 ? ` (and ${result.problems.length - 1} more)` : '';
    throw new Error(
      `${first.file}:${first.line} (${first.field ?? 'line'}): ${first.message}${more}`,
    );
  }
  await writeFilesAtomic([{ path: outPath, text: result.text }]);
  if (!values.quiet) {
    io.out(
      `Exported ${result.exported} labelled pairs to ${outPath}` +
        ` (${result.unlabelled} unlabelled, ${result.ties} ties or skips left out)`,
    );
  }
}

/** A labelled pairs file's text, gunzipped when its bytes are gzip (as `design` writes `.gz`). */
async function readText(path: string): Promise<string> {
  try {
    const bytes = await fs.readFile(path);
    return (startsWithGzip(bytes) ? gunzipSync(bytes) : bytes).toString('utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'EISDIR'
        ? ': it is a folder'
        : code
          ? ` (${code})`
          : `: ${(error as Error).message}`;
    throw new Error(`Cannot read ${path}${why}`);
  }
}

/** `--format`, or else the extension of `--out` (`.csv` writes CSV), or else JSON lines. */
function outputFormat(values: Values): 'jsonl' | 'csv' {
  const out = values.out as string | undefined;
  const implied = out?.toLowerCase().replace(/\.gz$/, '').endsWith('.csv') ? 'csv' : 'jsonl';
  return choiceOption(values, 'format', ['jsonl', 'csv'] as const, implied);
}
