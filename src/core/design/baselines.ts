import type { ExactConstraints } from './constraints';
import { pairIndex, type DesignProblem } from './problem';
import { randomInt, shuffle, type Random } from './seeded-random';
import type { BaselineName } from './types';

/**
 * What curators do today, on the same pool and budget as the design. Each baseline returns its
 * pairs in order, distinct, at most `budget` of them (fewer when it runs out of pairs).
 */
export interface BaselineInput {
  problem: DesignProblem;
  constraints: ExactConstraints;
  random: Random;
  /** Per-completion score from the file (NaN where absent), for the score baselines. */
  scores?: Float64Array;
  /** Per-completion reference probability within its prompt. */
  pi0: Float64Array;
}

export function baselinePairs(name: BaselineName, input: BaselineInput): number[] | undefined {
  switch (name) {
    case 'uniform':
      return uniformPairs(input);
    case 'pi0-weighted':
      return referenceWeightedPairs(input);
    case 'first-two':
      return firstTwoPairs(input);
    case 'best-vs-worst':
      return scoredPairs(input, 'worst');
    case 'best-vs-random':
      return scoredPairs(input, 'random');
  }
}

/** Uniform random pairs, without replacement. */
function uniformPairs({ problem, constraints, random }: BaselineInput): number[] {
  const total = problem.pairA.length;
  const budget = Math.min(constraints.budget, total);
  if (budget * 4 > total) return shuffle(random, indices(total)).slice(0, budget);
  const seen = new Set<number>();
  const order: number[] = [];
  while (order.length < budget) {
    const e = randomInt(random, total);
    if (seen.has(e)) continue;
    seen.add(e);
    order.push(e);
  }
  return order;
}

/**
 * Pairs drawn as a curator sampling from the reference policy would: a prompt uniformly, then
 * two completions with probability pi0(a) pi0(b); without replacement (Efraimidis-Spirakis).
 */
function referenceWeightedPairs({ problem, constraints, random, pi0 }: BaselineInput): number[] {
  const total = problem.pairA.length;
  const prompts = problem.offsets.length - 1;
  const keyed: { e: number; key: number }[] = [];
  for (let i = 0; i < prompts; i++) {
    let norm = 0;
    for (let e = problem.pairOffsets[i]; e < problem.pairOffsets[i + 1]; e++) {
      norm += pi0[problem.pairA[e]] * pi0[problem.pairB[e]];
    }
    for (let e = problem.pairOffsets[i]; e < problem.pairOffsets[i + 1]; e++) {
      const weight = (pi0[problem.pairA[e]] * pi0[problem.pairB[e]]) / (norm * prompts);
      if (weight > 0) keyed.push({ e, key: Math.log(random() || Number.MIN_VALUE) / weight });
    }
  }
  keyed.sort((a, b) => b.key - a.key);
  return keyed.slice(0, Math.min(constraints.budget, total)).map((k) => k.e);
}

/**
 * The first two completions of each prompt, prompts in file order; past one pair a prompt it
 * goes on with the next two completions (2, 3), then (4, 5), and so on.
 */
function firstTwoPairs({ problem, constraints }: BaselineInput): number[] {
  const prompts = problem.offsets.length - 1;
  const order: number[] = [];
  for (let round = 0; order.length < constraints.budget; round++) {
    let added = 0;
    for (let i = 0; i < prompts && order.length < constraints.budget; i++) {
      const k = problem.offsets[i + 1] - problem.offsets[i];
      if (2 * round + 1 >= k) continue;
      order.push(pairIndex(problem, i, 2 * round, 2 * round + 1));
      added++;
    }
    if (added === 0) break;
  }
  return order;
}

/**
 * Best-vs-worst (the k-th best against the k-th worst in round k) or best-vs-random (the best
 * against a random other completion), by the file's score, prompts in a seeded random order.
 */
function scoredPairs(
  { problem, constraints, random, scores }: BaselineInput,
  partner: 'worst' | 'random',
): number[] | undefined {
  if (!scores) return undefined;
  const prompts = problem.offsets.length - 1;
  const ranked: number[][] = [];
  for (let i = 0; i < prompts; i++) {
    const first = problem.offsets[i];
    const scored = indices(problem.offsets[i + 1] - first).filter((a) => !isNaN(scores[first + a]));
    ranked.push(scored.sort((a, b) => scores[first + b] - scores[first + a] || a - b));
  }
  if (ranked.every((list) => list.length < 2)) return undefined;

  const order: number[] = [];
  const used = new Set<number>();
  const promptOrder = shuffle(random, indices(prompts));
  for (let round = 0; order.length < constraints.budget; round++) {
    let added = 0;
    for (const i of promptOrder) {
      if (order.length >= constraints.budget) break;
      const list = ranked[i];
      let a: number;
      let b: number;
      if (partner === 'worst') {
        if (2 * round + 1 >= list.length) continue;
        a = list[round];
        b = list[list.length - 1 - round];
      } else {
        const k = problem.offsets[i + 1] - problem.offsets[i];
        const others = indices(k).filter((c) => c !== list[0]);
        const free = others.filter((c) => !used.has(pairIndex(problem, i, list[0], c)));
        if (list.length === 0 || free.length === 0) continue;
        a = list[0];
        b = free[randomInt(random, free.length)];
      }
      const e = pairIndex(problem, i, a, b);
      if (used.has(e)) continue;
      used.add(e);
      order.push(e);
      added++;
    }
    if (added === 0) break;
  }
  return order;
}

function indices(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
