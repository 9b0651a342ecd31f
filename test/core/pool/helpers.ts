/** Shared by the pool reader tests: fixture paths and a comparable view of a pool. */
import { join } from 'node:path';
import type { Pool, PoolProblem } from '../../../src/core/pool/index';

/** Fixture pools, relative to the repository root the test runner starts in. */
export const FIXTURES = join('test', 'fixtures', 'pools');

export function fixture(name: string): string {
  return join(FIXTURES, name);
}

/** A pool's content without line numbers, with embeddings as plain arrays. */
export function content(pool: Pool) {
  return {
    prompts: pool.prompts.map((p) => ({
      id: p.id,
      text: p.text,
      completions: p.completions.map((c) => ({
        id: c.id,
        text: c.text,
        score: c.score,
        logpRef: c.logpRef,
        cost: c.cost,
        embedding: c.embedding ? Array.from(c.embedding) : undefined,
      })),
    })),
    labels: pool.labels.map(({ prompt, chosen, rejected }) => ({ prompt, chosen, rejected })),
  };
}

/** Problems as `code@line:field`, the form the problem tests assert. */
export function where(problems: readonly PoolProblem[]): string[] {
  return problems.map((p) => `${p.code}@${p.line}:${p.field ?? '-'}`);
}
