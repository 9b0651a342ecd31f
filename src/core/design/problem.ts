import { psdSqrt, scaledIdentity } from './dense';
import type { CriterionName, PairRef } from './types';

/**
 * A design problem: the candidate pairs of a pool in feature space, and what the criterion
 * measures. Pair `e = (a, b)` of prompt `i` has difference vector `g_e = x_a - x_b`, where
 * `x = beta * phi` are the scaled completion features.
 */
export interface DesignProblem {
  /** Feature dimension r. */
  r: number;
  /** Number of completions (rows of `x`). */
  n: number;
  /** n x r, row-major: beta times the completion features. */
  x: Float64Array;
  /** offsets[i] is the first row of prompt i; offsets[N] = n. */
  offsets: Int32Array;
  /** Pair e compares rows pairA[e] and pairB[e] of prompt pairPrompt[e]. */
  pairA: Int32Array;
  pairB: Int32Array;
  pairPrompt: Int32Array;
  /** pairOffsets[i] is the first pair of prompt i; pairOffsets[N] = number of pairs. */
  pairOffsets: Int32Array;
  /** Per-completion pilot margins (the pilot's reward); none: every s_e = 1/4. */
  margin?: Float64Array;
  /** 'trace': f = tr(T Sigma^-1); 'logdet': f = -log det Sigma. */
  kind: 'trace' | 'logdet';
  /** r x r target T (I for dpo, the identity for a; unused for d). */
  target: Float64Array;
  /** r x r symmetric square root of T, used to compute t_e as a squared norm. */
  targetRoot: Float64Array;
  /** r x r information that every design starts from: ridge * Id plus prior labels. */
  base: Float64Array;
}

/**
 * Builds the pair index and criterion of a problem. `features` is n x r row-major; `policy` is
 * the r x r policy-relevant matrix I of DESIGN.md (used by `dpo`).
 */
export function createProblem(input: {
  features: Float64Array;
  r: number;
  offsets: Int32Array;
  beta: number;
  ridge: number;
  criterion: CriterionName;
  policy: Float64Array;
  margin?: Float64Array;
}): DesignProblem {
  const { r, offsets, beta } = input;
  const n = offsets[offsets.length - 1];
  const x = new Float64Array(n * r);
  for (let i = 0; i < n * r; i++) x[i] = beta * input.features[i];

  const prompts = offsets.length - 1;
  const pairOffsets = new Int32Array(prompts + 1);
  for (let i = 0; i < prompts; i++) {
    const k = offsets[i + 1] - offsets[i];
    pairOffsets[i + 1] = pairOffsets[i] + (k * (k - 1)) / 2;
  }
  const total = pairOffsets[prompts];
  const pairA = new Int32Array(total);
  const pairB = new Int32Array(total);
  const pairPrompt = new Int32Array(total);
  let e = 0;
  for (let i = 0; i < prompts; i++) {
    for (let a = offsets[i]; a < offsets[i + 1]; a++) {
      for (let b = a + 1; b < offsets[i + 1]; b++) {
        pairA[e] = a;
        pairB[e] = b;
        pairPrompt[e] = i;
        e++;
      }
    }
  }

  const kind = input.criterion === 'd' ? 'logdet' : 'trace';
  const target = input.criterion === 'dpo' ? input.policy.slice() : scaledIdentity(r, 1);
  return {
    r,
    n,
    x,
    offsets,
    pairA,
    pairB,
    pairPrompt,
    pairOffsets,
    margin: input.margin,
    kind,
    target,
    targetRoot: kind === 'trace' ? psdSqrt(target, r) : scaledIdentity(r, 1),
    base: scaledIdentity(r, input.ridge),
  };
}

/** Number of candidate pairs. */
export function pairTotal(problem: DesignProblem): number {
  return problem.pairA.length;
}

/** s_e = sigma'(u_e), the Bradley-Terry curvature of pair e at the pilot margin (1/4 without). */
export function pairCurvature(problem: DesignProblem, e: number): number {
  const m = problem.margin;
  if (!m) return 0.25;
  const u = m[problem.pairA[e]] - m[problem.pairB[e]];
  const p = 1 / (1 + Math.exp(-u));
  return p * (1 - p);
}

/** g_e = x_a - x_b as a fresh vector of length r. */
export function pairVector(problem: DesignProblem, e: number, out?: Float64Array): Float64Array {
  const { r, x } = problem;
  const g = out ?? new Float64Array(r);
  const a = problem.pairA[e] * r;
  const b = problem.pairB[e] * r;
  for (let j = 0; j < r; j++) g[j] = x[a + j] - x[b + j];
  return g;
}

/** The pair as prompt-relative completion indices. */
export function pairRef(problem: DesignProblem, e: number): PairRef {
  const prompt = problem.pairPrompt[e];
  const first = problem.offsets[prompt];
  return { prompt, a: problem.pairA[e] - first, b: problem.pairB[e] - first };
}

/** Global pair index of completions a < b (prompt-relative) of a prompt. */
export function pairIndex(problem: DesignProblem, prompt: number, a: number, b: number): number {
  const k = problem.offsets[prompt + 1] - problem.offsets[prompt];
  const [lo, hi] = a < b ? [a, b] : [b, a];
  if (lo < 0 || hi >= k || lo === hi) throw new Error('Pair is not in the prompt');
  // Pairs (lo, .) start after the rows of every smaller lo: sum_{j<lo} (k - 1 - j).
  const before = lo * (k - 1) - (lo * (lo - 1)) / 2;
  return problem.pairOffsets[prompt] + before + (hi - lo - 1);
}
