import type { LabelsNeeded } from './labels-saved';
import { ALL_METHODS, DESIGN_METHODS, type SimulationMethod } from './methods';
import type { RealPoolResult } from './real-pool';
import type { SimulationResult } from './simulate';
import type { Estimate } from './statistics';
import { curvePlotSvg, type PlotSeries } from './svg-plot';

/**
 * The simulation's human-readable outputs: markdown tables (what the CLI prints and writes to
 * simulate.md) and the SVG plots (simulate.svg).
 */

/** Markdown report of a synthetic simulation: gaps, labels saved, the design's criterion. */
export function syntheticMarkdown(result: SimulationResult): string {
  const { settings } = result;
  const w = settings.world;
  const budgets = settings.budgets;
  const head = `| method | ${budgets.join(' | ')} |\n|---|${budgets.map(() => '---:').join('|')}|`;
  const last = settings.seed + result.replications - 1;
  const onPool = result.featureSource === 'pool';
  const lines = [
    onPool
      ? "# Simulation: synthetic truths on a pool's features"
      : '# Simulation: synthetic worlds',
    '',
    `${result.replications} worlds (seeds ${settings.seed} to ${last}) ` +
      (onPool
        ? "on the pool's own features and pi_0 (only the truth is drawn); "
        : `of ${w.prompts} prompts x ${w.completions} completions, dimension ${w.dim}; ` +
          `skew ${w.skew}, spread ${w.spread}, `) +
      `concentration ${w.concentration}, signal ${w.signal}, beta ${w.beta}, ` +
      `score noise ${w.scoreNoise}; ridge ${settings.ridge}.`,
    '',
    '## Mean gap J(pi*) - J(pi_hat), ± standard error over worlds',
    '',
    head,
    ...ALL_METHODS.map(
      (m) => `| ${m} | ${result.curves[m].gap.map((e) => formatEstimate(e)).join(' | ')} |`,
    ),
    '',
    `Gap of pi_0 itself (no labels): ${formatEstimate(result.referenceGap)}.`,
    '',
    "## Labels needed to match uniform's mean gap",
    '',
    head,
    ...Object.entries(result.labelsSaved).map(
      ([m, row]) =>
        `| ${m} | ${row!.map((cell) => formatNeeded(cell.needed, cell.budget)).join(' | ')} |`,
    ),
    '',
    "Each cell: the labels the method needs to reach uniform's mean gap at that column's " +
      'budget, and the share of labels saved. Read off the mean-gap curve by linear ' +
      'interpolation of log(gap) against log(budget) between the two grid budgets around the ' +
      'first crossing; no extrapolation ("< first budget" or "> last budget" when the ' +
      'crossing lies outside the grid).',
    '',
    "## The design's view: criterion tr(I Sigma^-1) of each method's pairs (s_e = 1/4)",
    '',
    head,
    ...ALL_METHODS.map(
      (m) =>
        `| ${m} | ${result.curves[m].criterion.map((e) => formatNumber(e.mean)).join(' | ')} |`,
    ),
    '',
    `${result.fits} DPO fits, ${result.unconverged} stopped before Newton's method converged; ` +
      `${(result.elapsedMs / 1000).toFixed(1)} s.`,
    '',
    methodsNote('r* (the true reward)', 'r* plus noise'),
    '',
    WORLD_NOTE,
  ];
  return `${lines.join('\n')}\n`;
}

function methodsNote(truth: string, ranking: string): string {
  return (
    'Methods: dpo-greedy, dpo-round, dpo-sample: the `dpo` design (tr(I Sigma^-1), s_e = 1/4) ' +
    'by each exact method; d: the D-optimal design; oracle: the `dpo` criterion with ' +
    `s_e = sigma'(u_a - u_b) at u = ${truth}; uniform, pi0-weighted, first-two: the ` +
    `baselines; best-vs-worst, best-vs-random: by ${ranking}. A dash: the method ran out of ` +
    'pairs before the budget.'
  );
}

const WORLD_NOTE = `How the worlds are made. Policies are log-linear over each prompt's pool,
pi_theta(j|i) ∝ exp(theta' phi_ij); the reference is pi_0 = pi_theta0 (log pi_0 has within-prompt
standard deviation \`skew\`); the truth is theta* = theta_0 + delta with reward
r* = beta delta' phi (within-prompt standard deviation \`signal\`, in logits), so
pi* = pi_0 exp(r* / beta) / Z maximises J(pi) = mean_i [E_pi r* - beta KL(pi || pi_0)].
Labels are Bradley-Terry on r*, the same draw for a pair whichever method chose it. DPO is the
ridge logistic regression on g_e = beta (phi_a - phi_b), solved by Newton's method; the gap is
J(pi*) - J(pi_hat) = beta mean_i KL(pi_hat || pi*), computed exactly over the pools. Designs see
the features and pi_0 (as a curator with reference log-probabilities would); the score
baselines rank by r* plus noise; only \`oracle\` sees r* (for s_e).`;

/** Markdown report of the real-pool check, with what it can and cannot show. */
export function realPoolMarkdown(result: RealPoolResult, source: string, features: string): string {
  const { settings, pool, references } = result;
  const budgets = settings.budgets;
  const head = `| method | ${budgets.join(' | ')} |\n|---|${budgets.map(() => '---:').join('|')}|`;
  const lines = [
    `# Simulation: real pool ${source}`,
    '',
    `${pool.prompts} prompts, ${pool.completions} scored completions, ${pool.pairs} candidate ` +
      `pairs (${pool.orderedPairs} of unequal score); left out: ${pool.droppedCompletions} ` +
      `completions without a score, ${pool.droppedPrompts} prompts with fewer than two. ` +
      `Features: ${features}; pi_0 ${pool.referencePolicy}. Labels: Bradley-Terry, ` +
      `P(a preferred) = sigma((score_a - score_b) / T) with T = ${settings.temperature}; ` +
      `beta ${settings.beta}, ridge ${settings.ridge}; ${settings.seeds} label draws ` +
      `(seeds ${settings.seed} to ${settings.seed + settings.seeds - 1}).`,
    '',
    '## Held-out pairwise accuracy of the fitted reward, ± standard error over label draws',
    '',
    head,
    ...ALL_METHODS.map(
      (m) => `| ${m} | ${result.curves[m].accuracy.map((e) => formatEstimate(e, 3)).join(' | ')} |`,
    ),
    '',
    'Over every candidate pair of unequal score that the method did not label.',
    '',
    '## Expected score of the fitted DPO policy over each prompt pool',
    '',
    head,
    ...ALL_METHODS.map(
      (m) =>
        `| ${m} | ${result.curves[m].expectedScore.map((e) => formatEstimate(e, 3)).join(' | ')} |`,
    ),
    '',
    'pi_hat(j|i) = pi_0(j|i) exp(r_hat_ij / beta) / Z_i with r_hat the fitted reward; the ' +
      'expected score is the mean over prompts of sum_j pi_hat(j|i) score_ij.',
    '',
    `Yardsticks: pi_0 ${references.referenceScore.toFixed(3)}; the best completion of each ` +
      `prompt ${references.bestScore.toFixed(3)}; pi* = pi_0 exp(score / (T beta)) / Z ` +
      `${references.optimalScore.toFixed(3)}; every pair labelled once: accuracy ` +
      `${references.allPairsAccuracy.toFixed(3)} (in sample), expected score ` +
      `${references.allPairsScore.toFixed(3)}. ${(result.elapsedMs / 1000).toFixed(1)} s.`,
    '',
    methodsNote('score / T', 'the score itself'),
    '',
    REAL_POOL_NOTE,
  ];
  return `${lines.join('\n')}\n`;
}

const REAL_POOL_NOTE = `What this can show: on real text features and a real quality signal,
whether the pairs a design picks teach DPO's linear reward more about the score's ordering than
the heuristics' pairs do, at the same number of labels.

What it cannot show. The labels are drawn from the score by a Bradley-Terry model, not given by
people; the score is an absolute grade (often tied), not a preference. The reward is linear in
the projected features, and the grade need not be: the design is optimal for a well-specified
log-linear model, so a misspecified one can undo its advantage, and the all-pairs accuracy
bounds what any method can reach. Held-out pairs share prompts and completions with the
labelled ones: this measures filling in one pool, not generalising to new prompts. The expected
score is that of a policy restricted to the pool's completions, not of a trained model. The
score baselines rank by the oracle itself. One pool, so the error bars cover label draws and
randomized designs, not pools.`;

/** Gap against budget, log-log, one curve per method. */
export function syntheticSvg(result: SimulationResult): string {
  const w = result.settings.world;
  return curvePlotSvg({
    title: 'DPO suboptimality against labels',
    subtitle:
      (result.featureSource === 'pool'
        ? `${result.replications} synthetic truths on the pool's features, `
        : `${result.replications} synthetic worlds, ${w.prompts} x ${w.completions} ` +
          `completions, d = ${w.dim}, skew ${w.skew}, `) +
      `concentration ${w.concentration}, signal ${w.signal}, beta ${w.beta}`,
    yLabel: 'gap J(pi*) - J(pi_hat)',
    budgets: result.settings.budgets,
    series: seriesOf((m) => result.curves[m].gap),
    logY: true,
  });
}

/** Held-out accuracy against budget, one curve per method. */
export function realPoolSvg(result: RealPoolResult, source: string): string {
  return curvePlotSvg({
    title: 'Held-out pairwise accuracy against labels',
    subtitle: `${source}: ${result.pool.prompts} prompts, ${result.settings.seeds} label draws`,
    yLabel: 'accuracy',
    budgets: result.settings.budgets,
    series: seriesOf((m) => result.curves[m].accuracy),
    logY: false,
  });
}

function seriesOf(pick: (method: SimulationMethod) => Estimate[]): PlotSeries[] {
  return ALL_METHODS.map((method) => ({
    name: method,
    mean: pick(method).map((e) => e.mean),
    se: pick(method).map((e) => e.se),
    dashed: !DESIGN_METHODS.includes(method),
  }));
}

/** Mean ± standard error, the error to two significant digits and the mean to match. */
function formatEstimate(e: Estimate, digits?: number): string {
  if (!Number.isFinite(e.mean)) return '-';
  if (digits !== undefined) {
    return Number.isFinite(e.se)
      ? `${e.mean.toFixed(digits)} ± ${e.se.toFixed(digits)}`
      : e.mean.toFixed(digits);
  }
  if (!(e.se > 0)) return formatNumber(e.mean);
  const places = Math.max(0, 1 - Math.floor(Math.log10(e.se)));
  if (places > 8) return `${formatNumber(e.mean)} ± ${formatNumber(e.se)}`;
  return `${e.mean.toFixed(places)} ± ${e.se.toFixed(places)}`;
}

function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return '-';
  return Math.abs(value) >= 1e4 || (value !== 0 && Math.abs(value) < 1e-3)
    ? value.toExponential(2)
    : value.toPrecision(3);
}

function formatNeeded(needed: LabelsNeeded, budget: number): string {
  if (needed.bound === 'below') return `< ${needed.labels}`;
  if (needed.bound === 'above') return `> ${needed.labels}`;
  const saved = Math.round(100 * (1 - needed.labels / budget));
  const share = saved >= 0 ? `${saved} % saved` : `${-saved} % more`;
  return `${Math.round(needed.labels)} (${share})`;
}
