/** The side panel's charts, drawn as SVG from numbers only. */
import type { BudgetCurve, ScoreHistogram, WhatIfResult, WhatIfSeries } from '../protocol';
import { el, formatScore, svg } from './dom';

const WIDTH = 320;
const HEIGHT = 140;
const PAD = { left: 44, right: 8, top: 8, bottom: 22 };

function text(x: number, y: number, value: string, anchor = 'start'): SVGElement {
  const node = svg('text', { x, y, 'text-anchor': anchor, class: 'axis-label' });
  node.textContent = value;
  return node;
}

/** Bars of the score histogram, with the range on the x axis. */
export function drawHistogram(box: HTMLElement, histogram: ScoreHistogram): void {
  const root = svg('svg', { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'img', class: 'histogram' });
  const peak = Math.max(1, ...histogram.counts);
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const barW = plotW / Math.max(1, histogram.counts.length);

  histogram.counts.forEach((count, i) => {
    const h = (plotH * count) / peak;
    const bar = svg('rect', {
      x: PAD.left + i * barW,
      y: PAD.top + plotH - h,
      width: Math.max(1, barW - 1),
      height: h,
      class: 'bar',
    });
    const tip = svg('title');
    tip.textContent = `${count} pairs`;
    bar.append(tip);
    root.append(bar);
  });

  root.append(
    text(PAD.left, HEIGHT - 6, formatScore(histogram.min)),
    text(WIDTH - PAD.right, HEIGHT - 6, formatScore(histogram.max), 'end'),
    text(PAD.left - 4, PAD.top + 8, String(peak), 'end'),
    text(PAD.left - 4, PAD.top + plotH, '0', 'end'),
  );
  root.setAttribute(
    'aria-label',
    `Histogram of ${histogram.counts.reduce((a, b) => a + b, 0)} pair scores`,
  );
  box.append(root);
}

const SERIES_CLASSES = ['s0', 's1', 's2', 's3', 's4', 's5'];

/** Criterion against budget, one line per series, on a log scale when every value is positive. */
export function drawCurve(box: HTMLElement, curve: BudgetCurve): void {
  const names = ['design', ...Object.keys(curve.points[0]?.baselines ?? {})];
  const value = (point: BudgetCurve['points'][number], name: string): number =>
    (name === 'design' ? point.design : point.baselines[name]) ?? NaN;

  const all = curve.points.flatMap((p) => names.map((n) => value(p, n))).filter(Number.isFinite);
  const log = all.every((v) => v > 0);
  const f = (v: number) => (log ? Math.log10(v) : v);
  const lo = Math.min(...all.map(f));
  const hi = Math.max(...all.map(f));
  const budgets = curve.points.map((p) => p.budget);
  const bLo = Math.min(...budgets);
  const bHi = Math.max(...budgets);

  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const x = (b: number) => PAD.left + (bHi > bLo ? ((b - bLo) / (bHi - bLo)) * plotW : plotW / 2);
  const y = (v: number) => PAD.top + (hi > lo ? (1 - (f(v) - lo) / (hi - lo)) * plotH : plotH / 2);

  const root = svg('svg', { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'img', class: 'curve' });
  root.setAttribute('aria-label', `Criterion ${curve.criterion} against budget`);
  names.forEach((name, i) => {
    const points = curve.points
      .filter((p) => Number.isFinite(value(p, name)))
      .map((p) => `${x(p.budget).toFixed(1)},${y(value(p, name)).toFixed(1)}`);
    const cls = SERIES_CLASSES[i % SERIES_CLASSES.length];
    root.append(svg('polyline', { points: points.join(' '), class: `line ${cls}` }));
  });

  const fmt = (v: number) => formatScore(log ? 10 ** v : v);
  root.append(
    text(PAD.left, HEIGHT - 6, String(bLo)),
    text(WIDTH - PAD.right, HEIGHT - 6, `${bHi} labels`, 'end'),
    text(PAD.left - 4, PAD.top + 8, fmt(hi), 'end'),
    text(PAD.left - 4, PAD.top + plotH, fmt(lo), 'end'),
  );
  box.append(root);

  const legend = el('ul', { className: 'legend' });
  names.forEach((name, i) => {
    const swatch = el('span', { className: `swatch ${SERIES_CLASSES[i % SERIES_CLASSES.length]}` });
    legend.append(el('li', {}, [swatch, el('span', { text: name })]));
  });
  box.append(legend);
}

/** The methods a what-if chart draws: the product's designs and the common baselines. */
const WHAT_IF_METHODS = [
  'dpo-greedy',
  'dpo-sample',
  'd',
  'uniform',
  'pi0-weighted',
  'best-vs-worst',
];

/**
 * A what-if's mean gap or accuracy against budget, one line per method with error bars of one
 * standard error; budgets not reached yet are left out, so the curve fills in as results come.
 */
export function drawWhatIf(box: HTMLElement, result: WhatIfResult): void {
  const series = WHAT_IF_METHODS.map((m) => result.series.find((s) => s.method === m)).filter(
    (s): s is WhatIfSeries => s !== undefined,
  );
  const known = (v: number | null): v is number => v !== null && Number.isFinite(v);
  const spans = series.flatMap((s) =>
    s.mean.flatMap((m, k) => (known(m) ? [m - (s.se[k] ?? 0), m + (s.se[k] ?? 0)] : [])),
  );
  if (spans.length === 0) return;
  const lo = Math.min(...spans);
  const hi = Math.max(...spans);
  const budgets = result.budgets;
  const bLo = budgets[0];
  const bHi = budgets[budgets.length - 1];

  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const x = (b: number) => PAD.left + (bHi > bLo ? ((b - bLo) / (bHi - bLo)) * plotW : plotW / 2);
  const y = (v: number) => PAD.top + (hi > lo ? (1 - (v - lo) / (hi - lo)) * plotH : plotH / 2);

  const root = svg('svg', { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'img', class: 'curve' });
  const what = result.metric === 'gap' ? 'Gap' : 'Held-out accuracy';
  root.setAttribute('aria-label', `${what} against budget`);
  series.forEach((s, i) => {
    const cls = SERIES_CLASSES[i % SERIES_CLASSES.length];
    const points: string[] = [];
    s.mean.forEach((m, k) => {
      if (!known(m)) return;
      const px = x(budgets[k]);
      points.push(`${px.toFixed(1)},${y(m).toFixed(1)}`);
      const se = s.se[k];
      if (known(se) && se > 0) {
        const bar = { x1: px, x2: px, y1: y(m - se), y2: y(m + se), class: `error-bar ${cls}` };
        root.append(svg('line', bar));
      }
    });
    root.append(svg('polyline', { points: points.join(' '), class: `line ${cls}` }));
  });

  root.append(
    text(PAD.left, HEIGHT - 6, String(bLo)),
    text(WIDTH - PAD.right, HEIGHT - 6, `${bHi} labels`, 'end'),
    text(PAD.left - 4, PAD.top + 8, formatScore(hi), 'end'),
    text(PAD.left - 4, PAD.top + plotH, formatScore(lo), 'end'),
  );
  box.append(root);

  const legend = el('ul', { className: 'legend' });
  series.forEach((s, i) => {
    const swatch = el('span', { className: `swatch ${SERIES_CLASSES[i % SERIES_CLASSES.length]}` });
    legend.append(el('li', {}, [swatch, el('span', { text: s.method })]));
  });
  box.append(legend);
}
