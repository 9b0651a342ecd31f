/**
 * Settings and results of scoring and designing, shared by the engine, the CLI, the language
 * server and the side panel.
 */

/** `dpo`: tr(I Sigma^-1); `a`: tr(Sigma^-1); `d`: -log det Sigma. All are minimised. */
export type CriterionName = 'dpo' | 'a' | 'd';

/** How a continuous design becomes a set of pairs for a budget. */
export type ExactMethod = 'auto' | 'greedy' | 'sample' | 'round';

export type BaselineName =
  'uniform' | 'pi0-weighted' | 'first-two' | 'best-vs-worst' | 'best-vs-random';

export interface DesignSettings {
  criterion: CriterionName;
  /** Number of labels to buy. */
  budget: number;
  method: ExactMethod;
  /** DPO temperature; only rescales the information. Default 0.1. */
  beta: number;
  /** Ridge added to every information matrix, after standardising features. Default 1e-3. */
  ridge: number;
  /** At most this many chosen pairs per prompt (0: no limit). */
  maxPerPrompt: number;
  /** Prompt ids that must get at least one chosen pair. */
  coverPrompts: string[];
  /** Allow the same pair more than once. */
  allowRepeats: boolean;
  /** Seed of every random choice (sampling, baselines). */
  seed: number;
  /** Stop the continuous solver once its certificate proves this efficiency (default 0.99). */
  targetEfficiency: number;
  /** Iteration cap of the continuous solver. */
  maxIterations: number;
}

export const DEFAULT_DESIGN_SETTINGS: DesignSettings = {
  criterion: 'dpo',
  budget: 100,
  method: 'auto',
  beta: 0.1,
  ridge: 1e-3,
  maxPerPrompt: 0,
  coverPrompts: [],
  allowRepeats: false,
  seed: 0,
  targetEfficiency: 0.99,
  maxIterations: 2000,
};

/** A candidate pair, by position in the pool. */
export interface PairRef {
  /** Index of the prompt in `Pool.prompts`. */
  prompt: number;
  /** Completion indices within the prompt, `a < b`. */
  a: number;
  b: number;
}

export interface ScoredPair extends PairRef {
  /** Exact drop of the criterion from one more label of this pair (Sherman-Morrison). */
  score: number;
}

/** A chosen pair of an exact design. */
export interface ChosenPair extends ScoredPair {
  /** 1-based order to label in: the greedy order, or by decreasing weight. */
  rank: number;
  /** The continuous design's weight on this pair (labels, summing to the budget). */
  weight: number;
  /** Times chosen (1 unless repeats are allowed). */
  count: number;
}

/** The optimality certificate of a design (DESIGN.md section 1). */
export interface Certificate {
  /** A proven lower bound on the criterion of any design of this budget. */
  lowerBound: number;
  /** Proven efficiency of the design against the best possible one, in (0, 1]. */
  efficiency: number;
  /** Frank-Wolfe gap of the continuous design at the end of the solver. */
  gap: number;
  iterations: number;
  /** True when the solver reached `targetEfficiency`. */
  converged: boolean;
}

export interface BaselineResult {
  name: BaselineName;
  criterion: number;
  /** Proven efficiency of the baseline, from the same lower bound. */
  efficiency: number;
  pairs: number;
}

export interface DesignResult {
  criterion: CriterionName;
  /** The exact method whose design is reported (for `auto`, the best on the criterion). */
  method: Exclude<ExactMethod, 'auto'>;
  /** Criterion of each exact method tried, by name. */
  methods: Partial<Record<Exclude<ExactMethod, 'auto'>, number>>;
  /** Criterion value of the reported design. */
  value: number;
  chosen: ChosenPair[];
  certificate: Certificate;
  baselines: BaselineResult[];
  /** Criterion of the continuous design with weights summing to the budget. */
  continuousValue: number;
  /** Criterion after the first `budgets[k]` labels of the design and each baseline, in order. */
  curve: BudgetCurve;
  /** Where pi_0 came from: uniform over each prompt, or a fit to the file's `logp_ref`. */
  referencePolicy: 'uniform' | 'logp_ref';
  timingsMs: Record<string, number>;
}

export interface BudgetCurve {
  budgets: number[];
  /** By series name (`design`, then baseline names); NaN where a baseline ran out of pairs. */
  series: Record<string, number[]>;
}

/** Progress reports of long computations: a stage name and a fraction in [0, 1]. */
export type ProgressFn = (stage: string, fraction: number) => void;
