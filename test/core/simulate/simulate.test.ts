import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ALL_METHODS } from '../../../src/core/simulate/methods';
import { simulate, type SimulationSettings } from '../../../src/core/simulate/simulate';
import {
  createWorld,
  DEFAULT_WORLD_SETTINGS,
  worldOnFeatures,
} from '../../../src/core/simulate/world';
import { syntheticMarkdown, syntheticSvg } from '../../../src/core/simulate/report';

const small: SimulationSettings = {
  world: { ...DEFAULT_WORLD_SETTINGS, prompts: 12, completions: 4, dim: 3 },
  budgets: [6, 12, 24],
  seeds: 2,
  seed: 4,
  ridge: 1e-3,
};

test('the simulator is reproducible from its seed', async () => {
  const first = await simulate(small);
  const second = await simulate(small);
  assert.deepEqual(first.raw, second.raw);
  assert.deepEqual(first.curves, second.curves);
  assert.equal(
    syntheticMarkdown({ ...first, elapsedMs: 0 }),
    syntheticMarkdown({ ...second, elapsedMs: 0 }),
  );
  assert.equal(syntheticSvg(first), syntheticSvg(second));

  const other = await simulate({ ...small, seed: 5 });
  assert.notDeepEqual(first.raw[0].gaps, other.raw[0].gaps);
});

test('every method gets a finite, positive gap at every budget', async () => {
  const result = await simulate(small);
  assert.equal(result.replications, 2);
  assert.equal(result.unconverged, 0);
  for (const method of ALL_METHODS) {
    for (const estimate of result.curves[method].gap) {
      assert.ok(estimate.mean > 0 && Number.isFinite(estimate.mean), `${method}: ${estimate.mean}`);
      assert.equal(estimate.count, 2);
    }
  }
  const svg = syntheticSvg(result);
  assert.ok(svg.startsWith('<svg') && svg.trimEnd().endsWith('</svg>'));
});

test('a world is reproducible and scaled as its settings say', () => {
  const settings = { ...DEFAULT_WORLD_SETTINGS, prompts: 30, completions: 6, dim: 5, skew: 1.5 };
  const world = createWorld(settings, 9);
  assert.deepEqual(world, createWorld(settings, 9));

  // Within-prompt standard deviation of log pi_0 is `skew`, of r* is `signal`.
  const spread = (values: Float64Array) => {
    let squares = 0;
    for (let i = 0; i < settings.prompts; i++) {
      const slice = values.subarray(i * 6, i * 6 + 6);
      const mean = slice.reduce((a, b) => a + b, 0) / 6;
      squares += slice.reduce((a, b) => a + (b - mean) ** 2, 0);
    }
    return Math.sqrt(squares / values.length);
  };
  assert.ok(Math.abs(spread(world.pi0.map(Math.log)) - 1.5) < 1e-9);
  assert.ok(Math.abs(spread(world.reward) - settings.signal) < 1e-9);
});

test('cancellation stops a run', async () => {
  const controller = new AbortController();
  controller.abort();
  await assert.rejects(simulate(small, { signal: controller.signal }));
});

test("a world on a pool's features keeps them and its pi_0, and draws only the truth", async () => {
  const drawn = createWorld({ ...DEFAULT_WORLD_SETTINGS, prompts: 10, completions: 5, dim: 3 }, 2);
  const offsets = Int32Array.from([0, 5, 9, 15, 20, 25, 30, 36, 40, 45, 50]);
  const pi0 = new Float64Array(50);
  for (let i = 0; i < 10; i++)
    pi0.fill(1 / (offsets[i + 1] - offsets[i]), offsets[i], offsets[i + 1]);
  const source = { features: drawn.features, d: 3, offsets, pi0 };
  const world = worldOnFeatures(source, { ...DEFAULT_WORLD_SETTINGS, signal: 2 }, 7);
  assert.equal(world.features, drawn.features);
  assert.equal(world.pi0, pi0);
  assert.equal(world.theta0, undefined);
  assert.deepEqual(world, worldOnFeatures(source, { ...DEFAULT_WORLD_SETTINGS, signal: 2 }, 7));

  const result = await simulate({ ...small, budgets: [5, 10] }, { onFeatures: source });
  assert.equal(result.featureSource, 'pool');
  assert.ok(result.curves['dpo-greedy'].gap.every((e) => e.mean > 0));
});
