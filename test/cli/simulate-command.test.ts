import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { UsageError } from '../../src/cli/arguments';
import { parseSimulateArgs, simulateCommand } from '../../src/cli/simulate-command';

test('simulate without a pool prints the tables and writes json, markdown and svg', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'simulate-'));
  try {
    const args = ['--budgets', '5,10', '--seeds', '2', '--prompts', '8', '--completions', '4'];
    const { pool, values } = parseSimulateArgs([...args, '--dim', '3', '--out', dir]);
    assert.equal(pool, undefined);
    const printed: string[] = [];
    await simulateCommand(pool, values, { out: (t) => printed.push(t), err: () => {} });
    assert.match(printed.join('\n'), /\| dpo-greedy \|/);
    const json = JSON.parse(readFileSync(join(dir, 'simulate.json'), 'utf8'));
    assert.deepEqual(json.settings.budgets, [5, 10]);
    assert.equal(json.replications, 2);
    assert.match(readFileSync(join(dir, 'simulate.md'), 'utf8'), /Labels needed/);
    assert.match(readFileSync(join(dir, 'simulate.svg'), 'utf8'), /^<svg/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('simulate rejects bad options with a usage error', async () => {
  assert.throws(() => parseSimulateArgs(['a.jsonl', 'b.jsonl']), UsageError);
  const quiet = { out: () => {}, err: () => {} };
  const bad = async (args: string[]) => {
    const { pool, values } = parseSimulateArgs(args);
    await simulateCommand(pool, values, quiet);
  };
  await assert.rejects(bad(['--budgets', '50,25']), UsageError);
  await assert.rejects(bad(['--skew', '-1']), UsageError);
  await assert.rejects(bad(['--budgets', '1000', '--prompts', '2']), /candidate pairs/);
});
