import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createProblem, type DesignProblem } from '../../../src/core/design/problem';
import type { CriterionName } from '../../../src/core/design/types';

/** The independently computed tiny pool of ../shared/fixtures, or a local copy. */
export interface TinyFixture {
  beta: number;
  lam: number;
  pool: Record<string, number[][]>;
  pi0: Record<string, number[]>;
  I: number[][];
  pairs: [string, number, number][];
  uniform_design: { criterion: number; score: number[]; directional_derivative_d: number[] };
  continuous_optimum: { criterion: number; weights: number[]; c: number };
  exact_best_subsets_unit_weights: Record<
    string,
    { criterion: number; pairs: [string, number, number][] }
  >;
}

export function loadTinyFixture(): TinyFixture {
  const path = join(import.meta.dirname, '..', '..', 'fixtures', 'tiny-pool-dpo.json');
  return JSON.parse(readFileSync(path, 'utf8')) as TinyFixture;
}

/** The fixture's pool as a design problem, features used as given. */
export function tinyProblem(fixture: TinyFixture, criterion: CriterionName = 'dpo'): DesignProblem {
  const names = Object.keys(fixture.pool);
  const rows = names.flatMap((name) => fixture.pool[name]);
  const offsets = new Int32Array(names.length + 1);
  names.forEach((name, i) => (offsets[i + 1] = offsets[i] + fixture.pool[name].length));
  return createProblem({
    features: Float64Array.from(rows.flat()),
    r: 3,
    offsets,
    beta: fixture.beta,
    ridge: fixture.lam,
    criterion,
    policy: Float64Array.from(fixture.I.flat()),
  });
}
