import { DesignCounts, type ExactConstraints } from './constraints';
import type { DesignProblem } from './problem';
import type { Random } from './seeded-random';

/**
 * Exact designs from a continuous one (masses `weights`, summing to the budget). Both reserve
 * the best-weighted pair of each prompt to cover first and then respect every limit.
 */

/**
 * `sample`, the randomized design: pairs drawn without replacement with probability in
 * proportion to their weight (Efraimidis-Spirakis keys u^(1/w)), or, with repeats, budget
 * independent draws from the weights.
 */
export function sampleDesign(
  problem: DesignProblem,
  weights: Float64Array,
  constraints: ExactConstraints,
  random: Random,
): number[] {
  if (constraints.allowRepeats) {
    const cumulative = new Float64Array(weights.length);
    let sum = 0;
    for (let e = 0; e < weights.length; e++) cumulative[e] = sum += weights[e];
    const draws: number[] = [];
    const counts = new DesignCounts(problem, constraints);
    reserveCover(problem, weights, constraints, counts, draws);
    let attempts = 0;
    while (draws.length < constraints.budget && attempts++ < 100 * constraints.budget) {
      const e = lowerBound(cumulative, random() * sum);
      if (!counts.allows(e)) continue;
      counts.add(e);
      draws.push(e);
    }
    return fill(weights, constraints, counts, draws);
  }

  const keyed: { e: number; key: number }[] = [];
  for (let e = 0; e < weights.length; e++) {
    if (weights[e] > 0) keyed.push({ e, key: Math.log(random() || Number.MIN_VALUE) / weights[e] });
  }
  keyed.sort((x, y) => y.key - x.key);
  return choose(
    problem,
    weights,
    constraints,
    keyed.map((k) => k.e),
  );
}

/**
 * `round`: without repeats, the pairs of largest weight; with repeats, efficient rounding
 * (Pukelsheim and Rieder): n_e = ceil((B - l/2) w_e / B) on the l supported pairs, then
 * labels taken from the pair of largest (n_e - 1) / w_e or given to the smallest n_e / w_e until
 * the counts sum to the budget B.
 */
export function roundDesign(
  problem: DesignProblem,
  weights: Float64Array,
  constraints: ExactConstraints,
): number[] {
  const ranked = rankByWeight(weights);
  if (!constraints.allowRepeats || constraints.maxPerPrompt > 0 || constraints.cover.length > 0) {
    return choose(problem, weights, constraints, ranked);
  }

  const budget = constraints.budget;
  const support = ranked.filter((e) => weights[e] > 0);
  const share = budget - support.length / 2;
  const n = support.map((e) => Math.max(0, Math.ceil((share * weights[e]) / budget)));
  let sum = n.reduce((a, b) => a + b, 0);
  while (sum > budget) {
    let pick = 0;
    for (let i = 1; i < n.length; i++) {
      if ((n[i] - 1) / weights[support[i]] > (n[pick] - 1) / weights[support[pick]]) pick = i;
    }
    n[pick]--;
    sum--;
  }
  while (sum < budget) {
    let pick = 0;
    for (let i = 1; i < n.length; i++) {
      if (n[i] / weights[support[i]] < n[pick] / weights[support[pick]]) pick = i;
    }
    n[pick]++;
    sum++;
  }
  const order: number[] = [];
  support.forEach((e, i) => {
    for (let k = 0; k < n[i]; k++) order.push(e);
  });
  return order;
}

function rankByWeight(weights: Float64Array): number[] {
  const ranked = Array.from({ length: weights.length }, (_, e) => e);
  return ranked.sort((a, b) => weights[b] - weights[a] || a - b);
}

/** Takes pairs in the given preference order, within the limits, after the covering pairs. */
function choose(
  problem: DesignProblem,
  weights: Float64Array,
  constraints: ExactConstraints,
  preference: number[],
): number[] {
  const counts = new DesignCounts(problem, constraints);
  const order: number[] = [];
  reserveCover(problem, weights, constraints, counts, order);
  for (const e of preference) {
    if (order.length >= constraints.budget) break;
    if (!counts.allows(e)) continue;
    counts.add(e);
    order.push(e);
  }
  return fill(weights, constraints, counts, order);
}

function reserveCover(
  problem: DesignProblem,
  weights: Float64Array,
  constraints: ExactConstraints,
  counts: DesignCounts,
  order: number[],
): void {
  for (const prompt of constraints.cover) {
    let best = -1;
    for (let e = problem.pairOffsets[prompt]; e < problem.pairOffsets[prompt + 1]; e++) {
      if (counts.allows(e) && (best < 0 || weights[e] > weights[best])) best = e;
    }
    if (best < 0) throw new Error('A prompt to cover has no allowed pair');
    counts.add(best);
    order.push(best);
  }
}

/** Tops a short design up with the allowed pairs of largest weight, then any allowed pair. */
function fill(
  weights: Float64Array,
  constraints: ExactConstraints,
  counts: DesignCounts,
  order: number[],
): number[] {
  if (order.length >= constraints.budget) return order;
  for (const e of rankByWeight(weights)) {
    while (order.length < constraints.budget && counts.allows(e)) {
      counts.add(e);
      order.push(e);
      if (!constraints.allowRepeats) break;
    }
    if (order.length >= constraints.budget) break;
  }
  if (order.length < constraints.budget) throw new Error('No allowed pair is left for the budget');
  return order;
}

function lowerBound(cumulative: Float64Array, value: number): number {
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cumulative[mid] > value) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
