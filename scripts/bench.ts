// Measures the engine end to end and prints figures: wall time of each stage, peak memory,
// criterion values and the certificate. Two pools: the real arena pool (read from
// ../shared/data/arena-pool, or the bundled sample when that is absent) and a synthetic pool of
// 20,000 prompts x 8 completions with 768-dimensional embeddings, built in memory.
//
//   npm run bench                       both pools, budget 5000
//   npm run bench -- arena --budget 500 one pool, another budget
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_DESIGN_SETTINGS } from '../src/core/design/types';
import { seededRandom } from '../src/core/design/seeded-random';
import { designPool, preparePool, scorePool } from '../src/core/engine';
import { readPoolFile } from '../src/core/pool';
import type { Pool, PromptGroup } from '../src/core/pool/pool';

const args = process.argv.slice(2);
const budgetAt = args.indexOf('--budget');
const budget = budgetAt >= 0 ? Number(args[budgetAt + 1]) : 5000;
const chosen = args.filter((a, i) => !a.startsWith('--') && args[i - 1] !== '--budget');
const which = chosen.length > 0 ? chosen : ['arena', 'synthetic'];

let peak = 0;
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;

async function stage<T>(name: string, run: () => T | Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await run();
  const seconds = (performance.now() - started) / 1000;
  peak = Math.max(peak, process.memoryUsage().rss);
  console.log(
    `  ${name.padEnd(22)} ${seconds.toFixed(2).padStart(8)} s   rss ${mb(process.memoryUsage().rss)}`,
  );
  return result;
}

function syntheticPool(prompts: number, perPrompt: number, dim: number, seed: number): Pool {
  const random = seededRandom(seed);
  const gaussian = () =>
    Math.sqrt(-2 * Math.log(random() || 1e-300)) * Math.cos(2 * Math.PI * random());
  const groups: PromptGroup[] = [];
  for (let i = 0; i < prompts; i++) {
    const centre = Float64Array.from({ length: dim }, gaussian);
    const completions = Array.from({ length: perPrompt }, (_, j) => ({
      id: String(j),
      text: `completion ${j} of prompt ${i}`,
      line: i * perPrompt + j + 1,
      embedding: centre.map((c) => c + 0.5 * gaussian()),
    }));
    groups.push({ id: `p${i}`, text: `prompt ${i}`, line: i * perPrompt + 1, completions });
  }
  return {
    file: 'synthetic',
    format: 'jsonl',
    shape: 'long',
    mapping: {},
    prompts: groups,
    labels: [],
    problems: [],
    records: prompts * perPrompt,
  };
}

async function run(name: string, load: () => Promise<Pool> | Pool): Promise<void> {
  console.log(`\n${name}, budget ${budget}`);
  peak = process.memoryUsage().rss;
  const started = performance.now();
  const pool = await stage('read', load);
  const completions = pool.prompts.reduce((n, p) => n + p.completions.length, 0);
  const pairs = pool.prompts.reduce(
    (n, p) => n + (p.completions.length * (p.completions.length - 1)) / 2,
    0,
  );
  console.log(
    `  ${pool.prompts.length} prompts, ${completions} completions, ${pairs} candidate pairs`,
  );
  const prepared = await stage('features', () => preparePool(pool, { dim: 128, seed: 0 }));
  const settings = { ...DEFAULT_DESIGN_SETTINGS, budget };
  const scores = await stage('scores', () => scorePool(prepared, settings));
  let lastStage = '';
  const designStarted = performance.now();
  const result = await stage('design', () =>
    designPool(prepared, settings, {
      progress: (name) => {
        if (name === lastStage) return;
        lastStage = name;
        const at = ((performance.now() - designStarted) / 1000).toFixed(1);
        console.log(`    ${at.padStart(7)} s  ${name}`);
      },
    }),
  );
  const total = (performance.now() - started) / 1000;
  console.log(`  design stages (ms): ${JSON.stringify(result.timingsMs)}`);
  console.log(`  total ${total.toFixed(2)} s, peak rss ${mb(peak)}`);
  console.log(`  uniform-design criterion ${scores.uniformValue.toPrecision(6)}`);
  console.log(
    `  design ${result.method}: criterion ${result.value.toPrecision(6)}, methods ${JSON.stringify(result.methods)}`,
  );
  const c = result.certificate;
  console.log(
    `  certificate: efficiency >= ${(100 * c.efficiency).toFixed(1)} %, lower bound ${c.lowerBound.toPrecision(6)}, ${c.iterations} steps, converged ${c.converged}`,
  );
  for (const b of result.baselines) {
    console.log(
      `  ${b.name.padEnd(16)} criterion ${b.criterion.toPrecision(6)}  efficiency ${(100 * b.efficiency).toFixed(1)} %  (${(b.criterion / result.value).toFixed(2)}x the design)`,
    );
  }
}

async function main(): Promise<void> {
  console.log(`node ${process.version}, ${(await import('node:os')).cpus().length} cores`);
  if (which.includes('arena')) {
    const shared = join(
      __dirname,
      '..',
      '..',
      'shared',
      'data',
      'arena-pool',
      'arena-bench-v1.long.jsonl',
    );
    const path = existsSync(shared)
      ? shared
      : join(__dirname, '..', 'examples', 'arena.pool.jsonl');
    await run(`arena pool (${path})`, () => readPoolFile(path));
  }
  if (which.includes('synthetic')) {
    await run('synthetic pool, 20000 prompts x 8 completions, 768-dim embeddings', () =>
      syntheticPool(20000, 8, 768, 1),
    );
  }
  clearInterval(sampler);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
