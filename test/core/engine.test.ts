import assert from 'node:assert/strict';
import { test } from 'node:test';
import { criterionValue, designInformation } from '../../src/core/design/criterion';
import { DEFAULT_DESIGN_SETTINGS, type DesignSettings } from '../../src/core/design/types';
import {
  designPool,
  preparePool,
  priorInformation,
  problemFor,
  scorePool,
} from '../../src/core/engine';
import { parsePoolText } from '../../src/core/pool';

/** A long-shape pool of `prompts` prompts with `k` completions, scored, with embeddings. */
function poolText(prompts: number, k: number, dim = 6): string {
  const lines: string[] = [];
  for (let i = 0; i < prompts; i++) {
    for (let j = 0; j < k; j++) {
      const embedding = Array.from({ length: dim }, (_, d) => Math.sin(1 + i * 7 + j * 3 + d * d));
      lines.push(
        JSON.stringify({
          prompt_id: `p${i}`,
          prompt: `prompt ${i}`,
          completion: `answer ${i}.${j}`,
          score: (i + j) % 5,
          embedding,
        }),
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

const settings = (over: Partial<DesignSettings>): DesignSettings => ({
  ...DEFAULT_DESIGN_SETTINGS,
  maxIterations: 300,
  ...over,
});

test('projected features have unit mean variance', () => {
  const prepared = preparePool(parsePoolText(poolText(6, 5), 'p.jsonl'), { dim: 4 });
  const { rows, cols, data } = prepared.features.matrix;
  let total = 0;
  for (let j = 0; j < cols; j++) {
    let mean = 0;
    for (let c = 0; c < rows; c++) mean += data[c * cols + j] / rows;
    for (let c = 0; c < rows; c++) total += (data[c * cols + j] - mean) ** 2;
  }
  assert.ok(Math.abs(total / (rows * cols) - 1) < 1e-9);
});

test('limits, covered prompts and repeats are respected, and the value is the direct one', async () => {
  const prepared = preparePool(parsePoolText(poolText(6, 5), 'p.jsonl'), { dim: 4 });
  const limited = await designPool(
    prepared,
    settings({ budget: 9, maxPerPrompt: 2, coverPrompts: ['p5'] }),
  );
  const perPrompt = new Map<number, number>();
  for (const pair of limited.chosen)
    perPrompt.set(pair.prompt, (perPrompt.get(pair.prompt) ?? 0) + 1);
  assert.equal(limited.chosen.length, 9);
  assert.ok([...perPrompt.values()].every((n) => n <= 2));
  assert.ok(perPrompt.has(5), 'the covered prompt has a pair');
  const keys = limited.chosen.map((p) => `${p.prompt}:${p.a}:${p.b}`);
  assert.equal(new Set(keys).size, 9, 'no pair twice without repeats');

  const problem = problemFor(prepared, settings({}));
  const direct = criterionValue(
    problem,
    designInformation(
      problem,
      limited.chosen.map((p) => scorePool(prepared, settings({})).indexOf(p.prompt, p.a, p.b)),
    ),
  );
  assert.ok(Math.abs(direct - limited.value) <= 1e-9 * direct);
  assert.ok(limited.certificate.lowerBound <= limited.value);

  const repeated = await designPool(
    prepared,
    settings({ budget: 80, allowRepeats: true, method: 'round' }),
  );
  assert.equal(repeated.chosen.length, 80, 'more labels than the 60 pairs need repeats');
});

test('labelled pairs in the file count as prior information', async () => {
  const pairs = [
    { prompt: 'q1', chosen: 'alpha one', rejected: 'beta two' },
    { prompt: 'q1', chosen: 'alpha one', rejected: 'gamma three' },
    { prompt: 'q2', chosen: 'delta four', rejected: 'epsilon five' },
    { prompt: 'q2', chosen: 'zeta six', rejected: 'epsilon five' },
  ];
  const pool = parsePoolText(pairs.map((p) => JSON.stringify(p)).join('\n'), 'pairs.jsonl');
  assert.equal(pool.labels.length, 4);
  const prepared = preparePool(pool, { dim: 3 });
  const problem = problemFor(prepared, settings({}));
  const prior = priorInformation(prepared, problem);
  const ridgeOnly = criterionValue(problem, problem.base);
  assert.ok(criterionValue(problem, prior) < ridgeOnly, 'prior labels add information');
  const result = await designPool(prepared, settings({ budget: 1 }));
  assert.ok(result.value <= criterionValue(problem, prior));
});

test('a cover id that is not in the pool is refused', async () => {
  const prepared = preparePool(parsePoolText(poolText(3, 3), 'p.jsonl'), { dim: 2 });
  await assert.rejects(
    designPool(prepared, settings({ budget: 2, coverPrompts: ['nope'] })),
    /nope/,
  );
});

test('a cancelled design stops with the signal', async () => {
  const prepared = preparePool(parsePoolText(poolText(30, 8, 16), 'p.jsonl'), { dim: 16 });
  const controller = new AbortController();
  controller.abort();
  await assert.rejects(
    designPool(prepared, settings({ budget: 40 }), { signal: controller.signal }),
  );
});
