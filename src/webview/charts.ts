/** The side panel's two charts, drawn as SVG from numbers only. */
import type { BudgetCurve, ScoreHistogram } from '../protocol';
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
