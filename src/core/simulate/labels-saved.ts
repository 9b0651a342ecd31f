/**
 * How many labels a method needs to reach a target gap, read off its mean-gap curve on the
 * budget grid. Gap curves fall roughly as a power of the budget, so the curve is interpolated
 * linearly in log(budget) against log(gap) between the two grid budgets around the first
 * crossing: with b0 < b1 the budgets where the curve is last above and first at or below the
 * target,
 *
 *     log B = log b0 + (log b1 - log b0) (log target - log gap0) / (log gap1 - log gap0)
 *
 * No extrapolation: a curve already at or below the target at the smallest budget gives
 * `below` (fewer labels than the grid's first budget), one that never reaches it gives
 * `above`.
 */
export interface LabelsNeeded {
  /** Interpolated budget, or the grid end it lies beyond. */
  labels: number;
  bound: 'inside' | 'below' | 'above';
}

/** Labels a curve (mean gap at each of `budgets`, increasing) needs to reach `target`. */
export function labelsToReach(
  budgets: readonly number[],
  curve: readonly number[],
  target: number,
): LabelsNeeded {
  const first = curve.findIndex((gap) => gap <= target);
  if (first < 0 || !Number.isFinite(target)) {
    return { labels: budgets[budgets.length - 1], bound: 'above' };
  }
  if (first === 0) return { labels: budgets[0], bound: curve[0] === target ? 'inside' : 'below' };
  const [b0, b1] = [budgets[first - 1], budgets[first]];
  const [g0, g1] = [curve[first - 1], curve[first]];
  if (!Number.isFinite(g0)) return { labels: b1, bound: 'inside' };
  if (!(g0 > 0 && g1 > 0 && target > 0) || g0 === g1) {
    const t = g0 === g1 ? 1 : (g0 - target) / (g0 - g1);
    return { labels: b0 + t * (b1 - b0), bound: 'inside' };
  }
  const t = (Math.log(target) - Math.log(g0)) / (Math.log(g1) - Math.log(g0));
  return { labels: Math.exp(Math.log(b0) + t * (Math.log(b1) - Math.log(b0))), bound: 'inside' };
}

/**
 * For each grid budget B: the labels a method needs to match the reference's (uniform's) mean
 * gap at B, and the share saved, 1 - needed / B (only when `inside` the grid).
 */
export function labelsSaved(
  budgets: readonly number[],
  curve: readonly number[],
  reference: readonly number[],
): { budget: number; needed: LabelsNeeded; saved: number }[] {
  return budgets.map((budget, k) => {
    const needed = labelsToReach(budgets, curve, reference[k]);
    const saved = needed.bound === 'inside' ? 1 - needed.labels / budget : NaN;
    return { budget, needed, saved };
  });
}
