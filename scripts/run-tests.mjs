// Runs every test/**/*.test.ts with node:test, TypeScript loaded through tsx.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function findTests(dir, skip) {
  const found = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (skip.has(path) || name === 'node_modules') continue;
    if (statSync(path).isDirectory()) found.push(...findTests(path, skip));
    else if (name.endsWith('.test.ts')) found.push(path);
  }
  return found;
}

const only = process.argv.slice(2);
const files = only.length > 0 ? only : findTests('test', new Set([join('test', 'e2e')])).sort();
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=spec', ...files],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
