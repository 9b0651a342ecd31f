import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { preparePool } from '../core/engine';
import { readPoolFile } from '../core/pool';
import { checkOutputs, OutputError, writeFilesAtomic } from '../core/report/atomic-write';
import {
  checkRealPool,
  DEFAULT_REAL_POOL_SETTINGS,
  DEFAULT_SIMULATION_SETTINGS,
  realPoolMarkdown,
  realPoolSvg,
  scoredSubpool,
  simulate,
  syntheticMarkdown,
  syntheticSvg,
} from '../core/simulate';
import {
  EMBEDDING_OPTIONS,
  UsageError,
  integerOption,
  readOptions,
  numberOption,
} from './arguments';
import { formatPoolSummary } from './summary';
import { terminalProgress } from './progress';
import { FEATURIZER_HELP, featureOptions } from './text-features';

type Values = Record<string, string | boolean | string[] | undefined>;

/** The options of `simulate` (node:util parseArgs). */
export const SIMULATE_OPTIONS = {
  budgets: { type: 'string' },
  seeds: { type: 'string' },
  seed: { type: 'string' },
  prompts: { type: 'string' },
  completions: { type: 'string' },
  dim: { type: 'string' },
  skew: { type: 'string' },
  concentration: { type: 'string' },
  signal: { type: 'string' },
  'score-noise': { type: 'string' },
  beta: { type: 'string' },
  ridge: { type: 'string' },
  temperature: { type: 'string' },
  synthetic: { type: 'boolean' },
  map: { type: 'string', multiple: true },
  shape: { type: 'string' },
  'input-format': { type: 'string' },
  featurizer: { type: 'string' },
  ...EMBEDDING_OPTIONS,
  out: { type: 'string' },
  quiet: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** The help of `simulate`, in the words of the other commands' help. */
export const SIMULATE_HELP = `pair-curator simulate [POOL] [options]

Shows what the designs buy. Without a pool: synthetic worlds with a known true reward; for each
budget and seed every method picks its pairs, the pairs get Bradley-Terry labels, DPO is fitted
on them (ridge logistic regression, Newton's method), and the exact suboptimality
J(pi*) - J(pi_hat) of the fitted policy is reported, with the labels each design needs to match
uniform pairs. With a pool that has a score field: labels drawn from score differences, and the
held-out pairwise accuracy and expected score of the fitted policy. Methods: the dpo design
(greedy, round, sample), the d design, an oracle design that knows the true reward, and every
baseline (uniform, pi0-weighted, first-two, best-vs-worst, best-vs-random).

Both:
  --budgets B1,B2,...     label budgets, increasing (default 25,50,100,200,400)
  --seeds N               replications (default ${DEFAULT_SIMULATION_SETTINGS.seeds} synthetic, \
${DEFAULT_REAL_POOL_SETTINGS.seeds} on a pool)
  --seed S                first seed; replication k uses seed S + k (default 0)
  --beta B                DPO temperature (default 0.1)
  --ridge L               ridge of the designs and of the DPO fit (default 0.001)
  --dim D                 dimension of the synthetic world (default 8), or of the pool's
                          projected features (default 128)

Synthetic worlds:
  --prompts N             prompts (default ${DEFAULT_SIMULATION_SETTINGS.world.prompts})
  --completions K         completions per prompt (default \
${DEFAULT_SIMULATION_SETTINGS.world.completions})
  --skew S                within-prompt standard deviation of log pi_0 (default 1; 0: uniform)
  --concentration C       decay exponent of the true reward's coordinates (default 1; 0: even)
  --signal R              within-prompt standard deviation of the true reward, in logits
                          (default 1)
  --score-noise E         noise on the score the score baselines rank by (default 0.5)

Real pool:
  --temperature T         Bradley-Terry temperature on score differences (default 1)
  --synthetic             draw a synthetic truth on the pool's features and pi_0 instead (the
                          default for a pool without scores); --skew, --concentration, --signal
                          and --score-noise apply. Slow at --dim 128: try --dim 16 --seeds 5
  --map FIELD=PATH        read FIELD from a dotted PATH; repeatable
  --shape S               long, wide or pairs (default: detected)
  --input-format F        jsonl, json, csv or tsv (default: from the file name)
${FEATURIZER_HELP}

Output:
  --out DIR               write simulate.json, simulate.md (the tables) and simulate.svg (the
                          curves) in DIR
  --quiet                 print nothing but errors`;

/** Parses the arguments of `simulate`: at most one positional, the pool. */
export function parseSimulateArgs(args: string[]): { pool?: string; values: Values } {
  let parsed;
  try {
    parsed = parseArgs({ args, options: SIMULATE_OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message, 'simulate');
  }
  if (parsed.positionals.length > 1) {
    throw new UsageError(
      `simulate takes at most one pool file, got ${parsed.positionals.length}`,
      'simulate',
    );
  }
  return { pool: parsed.positionals[0], values: parsed.values as Values };
}

/**
 * `simulate`: the synthetic experiment without a pool, the real-pool check with one. Prints the
 * markdown tables, and with --out writes them with the JSON result and the SVG plot.
 */
export async function simulateCommand(
  pool: string | undefined,
  values: Values,
  io: { out(text: string): void; err(text: string): void },
): Promise<void> {
  const outDir = values.out as string | undefined;
  const outputs =
    outDir === undefined
      ? []
      : ['simulate.json', 'simulate.md', 'simulate.svg'].map((name) => join(outDir, name));
  if (outDir !== undefined) {
    // Checked before any work, as every command's outputs are: never over the pool.
    const folder = await fs.stat(outDir).catch(() => undefined);
    if (folder && !folder.isDirectory()) {
      throw new OutputError(`--out ${outDir} is a file; simulate writes into a folder`, true);
    }
    await fs.mkdir(outDir, { recursive: true });
    await checkOutputs(outputs, pool);
  }
  const progress = terminalProgress(values.quiet === true);
  let json: unknown;
  let markdown: string;
  let svg: string;

  if (pool === undefined) {
    const settings = inCommand(() => syntheticSettings(values));
    const result = await simulate(settings, { progress: progress.report });
    progress.done();
    json = { tool: 'pair-curator', command: 'simulate', ...result };
    markdown = syntheticMarkdown(result);
    svg = syntheticSvg(result);
  } else {
    const seed = integerOption(values, 'seed', 0, 0, 2 ** 31 - 1);
    const started = Date.now();
    const read = await readPoolFile(pool, readOptions(values));
    if (!values.quiet) io.out(formatPoolSummary(read, Date.now() - started));
    const prepared = preparePool(
      read,
      await inCommandAsync(() => featureOptions(values, seed, read, io)),
    );
    const info = prepared.features.info;
    const features =
      `${info.featurizer}, ${info.inputDim} -> ${info.dim} dimensions ` +
      `(${(100 * info.explainedVariance).toFixed(1)} % of variance)`;
    const scored = read.prompts.some(
      (p) => p.completions.filter((c) => c.score !== undefined).length >= 2,
    );
    const header = { tool: 'pair-curator', command: 'simulate', file: read.file, features: info };
    if (values.synthetic === true || !scored) {
      if (!scored && !values.synthetic && !values.quiet) {
        io.out(
          'The pool has no scores to check against: drawing a synthetic truth on its features.',
        );
      }
      const settings = inCommand(() => syntheticSettings(values, false));
      const { matrix, offsets } = prepared.features;
      const result = await simulate(settings, {
        progress: progress.report,
        onFeatures: { features: matrix.data, d: matrix.cols, offsets, pi0: prepared.pi0 },
      });
      progress.done();
      json = { ...header, ...result };
      markdown = syntheticMarkdown(result);
      svg = syntheticSvg(result);
    } else {
      const settings = inCommand(() => realPoolSettings(values));
      const result = await checkRealPool(scoredSubpool(prepared), settings, {
        progress: progress.report,
      });
      progress.done();
      json = { ...header, ...result };
      markdown = realPoolMarkdown(result, pool, features);
      svg = realPoolSvg(result, pool);
    }
  }

  if (!values.quiet) io.out(markdown);
  if (outDir === undefined) return;
  const written = [
    [outputs[0], `${JSON.stringify(json, null, 2)}\n`],
    [outputs[1], markdown],
    [outputs[2], svg],
  ];
  await writeFilesAtomic(written.map(([path, text]) => ({ path, text })));
  if (!values.quiet) io.out(`Wrote ${written.map(([path]) => path).join('\n      ')}`);
}

/** Usage errors of the option parsers, tagged with this command for its help line. */
function inCommand<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw tagged(error);
  }
}

/** `inCommand` for an asynchronous step. */
async function inCommandAsync<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw tagged(error);
  }
}

function tagged(error: unknown): unknown {
  if (error instanceof UsageError && error.command === undefined) {
    return new UsageError(error.message, 'simulate');
  }
  return error;
}

function syntheticSettings(values: Values, drawnFeatures = true) {
  const defaults = DEFAULT_SIMULATION_SETTINGS;
  const world = defaults.world;
  const settings = {
    budgets: budgetsOption(values, defaults.budgets),
    seeds: integerOption(values, 'seeds', defaults.seeds, 1, 10000),
    seed: integerOption(values, 'seed', defaults.seed, 0, 2 ** 31 - 1),
    ridge: numberOption(values, 'ridge', defaults.ridge),
    world: {
      ...world,
      prompts: integerOption(values, 'prompts', world.prompts, 1, 1_000_000),
      completions: integerOption(values, 'completions', world.completions, 2, 1000),
      dim: integerOption(values, 'dim', world.dim, 1, 1024),
      skew: nonNegativeOption(values, 'skew', world.skew),
      concentration: nonNegativeOption(values, 'concentration', world.concentration),
      signal: nonNegativeOption(values, 'signal', world.signal),
      scoreNoise: nonNegativeOption(values, 'score-noise', world.scoreNoise),
      beta: numberOption(values, 'beta', world.beta),
    },
  };
  const { prompts, completions } = settings.world;
  const pairs = (prompts * completions * (completions - 1)) / 2;
  const largest = settings.budgets[settings.budgets.length - 1];
  if (drawnFeatures && largest > pairs) {
    throw new UsageError(
      `--budgets goes up to ${largest}, but the world has only ${pairs} candidate pairs; ` +
        'raise --prompts or --completions',
      'simulate',
    );
  }
  return settings;
}

function realPoolSettings(values: Values) {
  const defaults = DEFAULT_REAL_POOL_SETTINGS;
  return {
    budgets: budgetsOption(values, defaults.budgets),
    seeds: integerOption(values, 'seeds', defaults.seeds, 1, 10000),
    seed: integerOption(values, 'seed', defaults.seed, 0, 2 ** 31 - 1),
    beta: numberOption(values, 'beta', defaults.beta),
    ridge: numberOption(values, 'ridge', defaults.ridge),
    temperature: numberOption(values, 'temperature', defaults.temperature),
  };
}

/** `--budgets 25,50,100`: increasing positive whole numbers. */
function budgetsOption(values: Values, fallback: number[]): number[] {
  const raw = values.budgets;
  if (raw === undefined) return fallback;
  const budgets = String(raw)
    .split(',')
    .map((part) => Number(part.trim()));
  const valid =
    budgets.length > 0 &&
    budgets.every((b, k) => Number.isInteger(b) && b >= 1 && (k === 0 || b > budgets[k - 1]));
  if (!valid) {
    throw new UsageError(
      `--budgets must be increasing whole numbers separated by commas, got '${raw}'`,
      'simulate',
    );
  }
  return budgets;
}

/** A number option that may be zero. */
function nonNegativeOption(values: Values, name: string, fallback: number): number {
  const raw = values[name];
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) {
    throw new UsageError(`--${name} must be a number of 0 or more, got '${raw}'`, 'simulate');
  }
  return value;
}
