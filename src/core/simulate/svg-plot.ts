/**
 * A line chart of curves against the label budget, with error bars, as a standalone SVG
 * document written by hand: the budget axis is logarithmic, the value axis logarithmic or
 * linear. Each series is drawn at a small horizontal offset of its own so that error bars at
 * the same budget stay apart.
 */
export interface PlotSeries {
  name: string;
  /** One value and one standard error per budget; NaN where there is none. */
  mean: number[];
  se: number[];
  dashed?: boolean;
}

export interface PlotInput {
  title: string;
  subtitle?: string;
  yLabel: string;
  budgets: number[];
  series: PlotSeries[];
  logY: boolean;
}

const WIDTH = 820;
const HEIGHT = 480;
const PLOT = { left: 78, right: 600, top: 58, bottom: 418 };
const COLORS = [
  '#1f5fa8',
  '#4c8fd6',
  '#87b6ea',
  '#7a4fb3',
  '#2b9348',
  '#c0392b',
  '#e67e22',
  '#b8860b',
  '#7f8c8d',
  '#d35d9b',
];

/** The chart as an SVG document. */
export function curvePlotSvg(input: PlotInput): string {
  const { budgets, series } = input;
  const values: number[] = [];
  for (const s of series) {
    s.mean.forEach((m, k) => {
      if (!Number.isFinite(m)) return;
      const se = Number.isFinite(s.se[k]) ? s.se[k] : 0;
      values.push(m + se, input.logY && m - se <= 0 ? m : m - se);
    });
  }
  const positive = values.filter((v) => !input.logY || v > 0);
  const yAxis = axisRange(positive, input.logY);
  const xMin = Math.log(budgets[0]) - 0.15;
  const xMax = Math.log(budgets[budgets.length - 1]) + 0.15;
  const px = (budget: number, shift = 0) =>
    PLOT.left + ((Math.log(budget) + shift - xMin) / (xMax - xMin)) * (PLOT.right - PLOT.left);
  const py = (value: number) => {
    const v = input.logY ? Math.log10(Math.max(value, yAxis.min)) : value;
    const t = (v - yAxis.lo) / (yAxis.hi - yAxis.lo);
    return PLOT.bottom - t * (PLOT.bottom - PLOT.top);
  };

  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" ` +
      `viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    `<text x="${PLOT.left}" y="24" font-size="15" font-weight="bold">${escape(input.title)}</text>`,
  );
  if (input.subtitle) {
    parts.push(`<text x="${PLOT.left}" y="42" fill="#555">${escape(input.subtitle)}</text>`);
  }

  for (const tick of yAxis.ticks) {
    const y = py(tick).toFixed(1);
    parts.push(
      `<line x1="${PLOT.left}" x2="${PLOT.right}" y1="${y}" y2="${y}" stroke="#e5e5e5"/>`,
      `<text x="${PLOT.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">` +
        `${formatTick(tick)}</text>`,
    );
  }
  for (const budget of budgets) {
    const x = px(budget).toFixed(1);
    parts.push(
      `<line x1="${x}" x2="${x}" y1="${PLOT.top}" y2="${PLOT.bottom}" stroke="#f0f0f0"/>`,
      `<text x="${x}" y="${PLOT.bottom + 18}" text-anchor="middle">${budget}</text>`,
    );
  }
  parts.push(
    `<rect x="${PLOT.left}" y="${PLOT.top}" width="${PLOT.right - PLOT.left}" ` +
      `height="${PLOT.bottom - PLOT.top}" fill="none" stroke="#333"/>`,
    `<text x="${(PLOT.left + PLOT.right) / 2}" y="${PLOT.bottom + 40}" text-anchor="middle">` +
      'labels (log scale)</text>',
    `<text transform="translate(18 ${(PLOT.top + PLOT.bottom) / 2}) rotate(-90)" ` +
      `text-anchor="middle">${escape(input.yLabel)}${input.logY ? ' (log scale)' : ''}</text>`,
  );

  series.forEach((s, index) => {
    const color = COLORS[index % COLORS.length];
    const shift = (index - (series.length - 1) / 2) * 0.012;
    const points = s.mean
      .map((m, k) => (Number.isFinite(m) ? [px(budgets[k], shift), py(m)] : undefined))
      .filter((p): p is number[] => p !== undefined);
    const dash = s.dashed ? ' stroke-dasharray="5 3"' : '';
    const path = points.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(' ');
    parts.push(
      `<g><title>${escape(s.name)}</title>`,
      `<polyline points="${path}" fill="none" stroke="${color}" stroke-width="1.8"${dash}/>`,
    );
    s.mean.forEach((m, k) => {
      if (!Number.isFinite(m)) return;
      const x = px(budgets[k], shift).toFixed(1);
      const se = Number.isFinite(s.se[k]) ? s.se[k] : 0;
      const top = py(m + se).toFixed(1);
      const bottom = py(input.logY && m - se <= 0 ? yAxis.min : m - se).toFixed(1);
      parts.push(
        `<line x1="${x}" x2="${x}" y1="${top}" y2="${bottom}" stroke="${color}"/>`,
        `<circle cx="${x}" cy="${py(m).toFixed(1)}" r="2.6" fill="${color}"/>`,
      );
    });
    parts.push('</g>');
    const ly = PLOT.top + 8 + index * 20;
    parts.push(
      `<line x1="${PLOT.right + 16}" x2="${PLOT.right + 40}" y1="${ly}" y2="${ly}" ` +
        `stroke="${color}" stroke-width="2"${dash}/>`,
      `<text x="${PLOT.right + 46}" y="${ly}" dominant-baseline="middle">${escape(s.name)}</text>`,
    );
  });
  parts.push(
    `<text x="${PLOT.right + 16}" y="${PLOT.top + 20 * series.length + 16}" fill="#555">` +
      'bars: ±1 standard error</text>',
    '</svg>',
  );
  return `${parts.join('\n')}\n`;
}

/** Axis bounds and tick values: decades (and 2, 5 within them) on a log axis. */
function axisRange(
  values: number[],
  log: boolean,
): { lo: number; hi: number; min: number; ticks: number[] } {
  if (values.length === 0) return { lo: 0, hi: 1, min: 1e-12, ticks: [0, 1] };
  let min = Math.min(...values);
  let max = Math.max(...values);
  if (log) {
    const lo = Math.floor(Math.log10(min) * 4) / 4;
    const hi = Math.ceil(Math.log10(max) * 4) / 4;
    const ticks: number[] = [];
    for (let decade = Math.floor(lo); decade <= Math.ceil(hi); decade++) {
      for (const m of [1, 2, 5]) {
        const t = m * 10 ** decade;
        if (Math.log10(t) >= lo - 1e-9 && Math.log10(t) <= hi + 1e-9) ticks.push(t);
      }
    }
    if (ticks.length < 2) ticks.push(10 ** lo, 10 ** hi);
    return { lo, hi: hi > lo ? hi : lo + 1, min: 10 ** lo, ticks };
  }
  if (max === min) [min, max] = [min - 1, max + 1];
  const step = niceStep((max - min) / 6);
  const lo = Math.floor(min / step) * step;
  const hi = Math.ceil(max / step) * step;
  const ticks: number[] = [];
  for (let t = lo; t <= hi + step / 2; t += step) ticks.push(Number(t.toPrecision(12)));
  return { lo, hi, min: lo, ticks };
}

function niceStep(raw: number): number {
  const power = 10 ** Math.floor(Math.log10(raw));
  const m = raw / power;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * power;
}

function formatTick(value: number): string {
  if (value === 0) return '0';
  return Math.abs(value) >= 1e4 || Math.abs(value) < 1e-3
    ? value.toExponential(0)
    : String(Number(value.toPrecision(3)));
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
