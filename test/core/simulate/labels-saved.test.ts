import assert from 'node:assert/strict';
import { test } from 'node:test';
import { labelsSaved, labelsToReach } from '../../../src/core/simulate/labels-saved';

const budgets = [25, 50, 100, 200, 400];

test('a power-law curve is interpolated exactly', () => {
  // Uniform's gap is 2 / B and the design's 1 / B: the design needs B / 2 labels.
  const design = budgets.map((b) => 1 / b);
  const uniform = budgets.map((b) => 2 / b);
  const rows = labelsSaved(budgets, design, uniform);
  // At 25 the design is already below uniform's 2 / 25: fewer labels than the grid holds.
  assert.deepEqual(rows[0].needed, { labels: 25, bound: 'below' });
  assert.ok(Number.isNaN(rows[0].saved));
  for (const row of rows.slice(1)) {
    assert.equal(row.needed.bound, 'inside');
    assert.ok(Math.abs(row.needed.labels - row.budget / 2) < 1e-9, `${row.needed.labels}`);
    assert.ok(Math.abs(row.saved - 0.5) < 1e-12);
  }
});

test('a made-up curve: log-log interpolation between the grid points around the crossing', () => {
  const curve = [0.5, 0.3, 0.2, 0.08, 0.05];
  // Target 0.1 lies between 0.2 (at 100) and 0.08 (at 200):
  // log B = log 100 + log 2 * (log 0.1 - log 0.2) / (log 0.08 - log 0.2), so B = 100 * 2^0.7565
  const needed = labelsToReach(budgets, curve, 0.1);
  assert.equal(needed.bound, 'inside');
  const t = Math.log(0.5) / Math.log(0.4);
  assert.ok(Math.abs(needed.labels - 100 * 2 ** t) < 1e-9, `${needed.labels}`);
  assert.ok(Math.abs(needed.labels - 168.94) < 0.01);
});

test('crossings outside the grid are bounds, and the first crossing counts', () => {
  const curve = [0.5, 0.3, 0.2, 0.25, 0.05];
  assert.deepEqual(labelsToReach(budgets, curve, 0.9), { labels: 25, bound: 'below' });
  assert.deepEqual(labelsToReach(budgets, curve, 0.01), { labels: 400, bound: 'above' });
  // 0.22 is first reached at 100 (0.2), although the curve goes back above it at 200.
  const needed = labelsToReach(budgets, curve, 0.22);
  assert.ok(needed.labels > 50 && needed.labels < 100);
  const rows = labelsSaved(budgets, curve, [1, 1, 1, 1, 0.01]);
  assert.ok(Number.isNaN(rows[4].saved));
});
