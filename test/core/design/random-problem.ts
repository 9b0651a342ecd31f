import { criterionValue, designInformation } from '../../../src/core/design/criterion';
import { policyMatrix } from '../../../src/core/design/policy';
import { createProblem, pairTotal, type DesignProblem } from '../../../src/core/design/problem';
import { seededRandom } from '../../../src/core/design/seeded-random';
import type { CriterionName } from '../../../src/core/design/types';

/** A small random pool in feature space, with uniform pi_0, for brute-force checks. */
export function randomProblem(
  seed: number,
  sizes: number[],
  r: number,
  criterion: CriterionName = 'dpo',
  withMargins = false,
): DesignProblem {
  const random = seededRandom(seed);
  const offsets = new Int32Array(sizes.length + 1);
  sizes.forEach((k, i) => (offsets[i + 1] = offsets[i] + k));
  const n = offsets[sizes.length];
  const features = Float64Array.from({ length: n * r }, () => 4 * random() - 2);
  const pi0 = new Float64Array(n);
  sizes.forEach((k, i) => pi0.fill(1 / k, offsets[i], offsets[i + 1]));
  const margin = withMargins
    ? Float64Array.from({ length: n }, () => 3 * random() - 1.5)
    : undefined;
  return createProblem({
    features,
    r,
    offsets,
    beta: 0.5,
    ridge: 1e-3,
    criterion,
    policy: policyMatrix(features, r, offsets, pi0),
    margin,
  });
}

/** Every subset of `size` pairs, each once, with the smallest criterion. */
export function bruteForceBest(
  problem: DesignProblem,
  size: number,
  base: Float64Array = problem.base,
): { value: number; pairs: number[] } {
  const total = pairTotal(problem);
  let best = { value: Infinity, pairs: [] as number[] };
  const chosen: number[] = [];
  const visit = (start: number) => {
    if (chosen.length === size) {
      const value = criterionValue(problem, designInformation(problem, chosen, undefined, base));
      if (value < best.value) best = { value, pairs: chosen.slice() };
      return;
    }
    for (let e = start; e < total; e++) {
      chosen.push(e);
      visit(e + 1);
      chosen.pop();
    }
  };
  visit(0);
  return best;
}
