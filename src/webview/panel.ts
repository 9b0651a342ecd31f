/**
 * The side panel's script. Every text from the pool is untrusted: it reaches the page only
 * through `textContent`, never as markup.
 */
import type { BudgetCurve, DesignRunSummary, PairDetail, PairRow, PoolSummary } from '../protocol';
import { drawCurve, drawHistogram } from './charts';
import { el, formatScore, percent, plural } from './dom';
import type { PageQuery, PanelMessage, PanelRequest } from './messages';
import { PairTable, type TableQuery } from './pair-table';
import { whatIfSection } from './what-if';

declare function acquireVsCodeApi(): {
  postMessage(message: PanelRequest): void;
  getState(): unknown;
  setState(state: unknown): void;
};

const vscode = acquireVsCodeApi();
const post = (message: PanelRequest) => vscode.postMessage(message);

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

const summaryBox = $('summary');
const detailBox = $('detail');
const promptFilter = $<HTMLInputElement>('filter-prompt');
const minFilter = $<HTMLInputElement>('filter-min');
const chosenFilter = $<HTMLInputElement>('filter-chosen');

let summary: PoolSummary | null = null;
let poolUri: string | null = null;
let lastRun: DesignRunSummary | null = null;

const saved = (vscode.getState() ?? {}) as Partial<TableQuery>;
const table = new PairTable($('rows'), $('spacer'), $('table-status'), {
  request: (id: number, query: PageQuery) => post({ type: 'page', id, query }),
  select: (row: PairRow) => post({ type: 'detail', index: row.index }),
  open: (row: PairRow) => post({ type: 'compare', index: row.index }),
});
table.setQuery({
  sort: saved.sort ?? 'score',
  descending: saved.descending ?? true,
  prompt: saved.prompt ?? '',
});
promptFilter.value = saved.prompt ?? '';

function queryChanged(): void {
  const min = minFilter.value.trim() === '' ? undefined : Number(minFilter.value);
  const query: Partial<TableQuery> = {
    prompt: promptFilter.value,
    minScore: Number.isFinite(min) ? min : undefined,
    chosenOnly: chosenFilter.checked,
  };
  table.setQuery(query);
  vscode.setState({ ...(vscode.getState() as object), ...query });
}

let filterTimer: ReturnType<typeof setTimeout> | undefined;
for (const input of [promptFilter, minFilter]) {
  input.addEventListener('input', () => {
    clearTimeout(filterTimer);
    filterTimer = setTimeout(queryChanged, 200);
  });
}
chosenFilter.addEventListener('change', queryChanged);

const headers = Array.from(document.querySelectorAll<HTMLButtonElement>('.th[data-sort]'));

/** Shows the sorted column and its direction in the header. */
function markSort(): void {
  const { sort, descending } = table.query;
  for (const header of headers) {
    const sorted = header.dataset.sort === sort;
    header.classList.toggle('sorted', sorted);
    header.classList.toggle('descending', sorted && descending);
    header.setAttribute('aria-sort', sorted ? (descending ? 'descending' : 'ascending') : 'none');
  }
}

function sortBy(sort: TableQuery['sort'], descending: boolean): void {
  table.setQuery({ sort, descending });
  vscode.setState({ ...(vscode.getState() as object), sort, descending });
  markSort();
}

for (const header of headers) {
  header.addEventListener('click', () => {
    const sort = header.dataset.sort as TableQuery['sort'];
    const current = table.query;
    sortBy(sort, current.sort === sort ? !current.descending : sort === 'score');
  });
}
markSort();

$('run').addEventListener('click', () => post({ type: 'run' }));
$('curve').addEventListener('click', () => post({ type: 'curve' }));
const whatIf = whatIfSection(post);

function fact(label: string, value: string): HTMLElement {
  return el('div', { className: 'fact' }, [
    el('span', { className: 'label', text: label }),
    el('span', { className: 'value', text: value }),
  ]);
}

/** How the file was read, with what was dropped when anything was. */
function readingLine(s: PoolSummary): string {
  const dropped = s.offered.completions - s.completions;
  const before =
    dropped > 0
      ? `; ${plural(dropped, 'empty or duplicate completion')} dropped ` +
        `(${s.offered.pairs.toLocaleString('en-US')} pairs before)`
      : '';
  return `${s.format}, ${s.reading}${before}`;
}

function renderSummary(name: string, error?: string): void {
  summaryBox.replaceChildren();
  if (!poolUri) {
    summaryBox.append(
      el('p', { className: 'empty', text: 'Open a pool file (*.pool.jsonl) to see its pairs.' }),
    );
    return;
  }
  summaryBox.append(el('h2', { text: name, title: poolUri }));
  if (!summary) {
    const text = error ? `This pool cannot be scored: ${error}` : 'Scoring the pool…';
    summaryBox.append(el('p', { className: error ? 'error' : 'empty', text }));
    return;
  }

  const s = summary;
  const facts = el('div', { className: 'facts' }, [
    fact('prompts', s.prompts.toLocaleString('en-US')),
    fact('completions', s.completions.toLocaleString('en-US')),
    fact('pairs', s.pairs.toLocaleString('en-US')),
    fact('features', `${s.featurizer} · ${s.dim}`),
    fact('criterion', s.criterion),
    fact('top pair', formatScore(s.topScore)),
  ]);
  summaryBox.append(facts);
  summaryBox.append(el('p', { className: 'reading', text: `${readingLine(s)}.` }));
  if (s.errors + s.warnings > 0) {
    const counts = `${plural(s.errors, 'error')}, ${plural(s.warnings, 'warning')}`;
    const text = `${counts}: see the Problems panel.`;
    summaryBox.append(el('p', { className: s.errors ? 'error' : 'warning', text }));
  }
  if (lastRun) {
    const gain = lastRun.gainOverUniform;
    const text =
      `Last design: ${lastRun.chosen} pairs (${lastRun.method}), at least ` +
      `${percent(lastRun.efficiency)} as efficient as the best design` +
      (gain !== null ? `; uniform pairs would need ${gain.toFixed(2)}× the labels.` : '.');
    summaryBox.append(
      el('p', { className: 'run' }, [
        el('span', { className: 'codicon codicon-check' }),
        el('span', { text }),
      ]),
    );
  }
}

function completionColumn(side: string, id: string, text: string): HTMLElement {
  return el('div', { className: 'completion' }, [
    el('h4', { text: `${side} · ${id}` }),
    el('div', { className: 'text', text }),
  ]);
}

function renderDetail(detail: PairDetail | null): void {
  detailBox.replaceChildren();
  if (!detail) return;
  const compare = el('button', { className: 'link', title: 'Compare Pair in a diff editor' }, [
    el('span', { className: 'codicon codicon-diff' }),
    el('span', { text: ' Compare' }),
  ]);
  compare.addEventListener('click', () => post({ type: 'compare', index: detail.index }));
  const rank = detail.rank ? ` · chosen, rank ${detail.rank}` : '';
  detailBox.append(
    el('div', { className: 'detail-head' }, [
      el('h3', { text: `Pair ${detail.index} · score ${formatScore(detail.score)}${rank}` }),
      compare,
    ]),
    el('div', { className: 'prompt-text', text: detail.prompt }),
    el('div', { className: 'side-by-side' }, [
      completionColumn('A', detail.aId, detail.completionA),
      completionColumn('B', detail.bId, detail.completionB),
    ]),
  );
}

function renderCurve(curve: BudgetCurve | null, note?: string): void {
  const box = $('curve-chart');
  box.replaceChildren();
  if (curve && curve.points.length > 0) drawCurve(box, curve);
  else
    box.append(
      el('p', { className: 'empty', text: note ?? 'Run a design to see the budget curve.' }),
    );
}

window.addEventListener('message', (event: MessageEvent<PanelMessage>) => {
  const message = event.data;
  switch (message.type) {
    case 'pool': {
      const changed = message.uri !== poolUri;
      poolUri = message.uri;
      summary = message.summary;
      if (changed) {
        lastRun = summary?.lastRun ?? null;
        renderDetail(null);
        renderCurve(null);
        whatIf.reset();
      } else if (summary?.lastRun) {
        lastRun = summary.lastRun;
      }
      renderSummary(message.name, message.error);
      $('histogram').replaceChildren();
      if (summary) drawHistogram($('histogram'), summary.histogram);
      table.reset(Boolean(summary));
      return;
    }
    case 'page':
      table.receive(message.id, message.page);
      return;
    case 'pageFailed':
      table.failed(message.id, message.error);
      return;
    case 'detail':
      renderDetail(message.detail);
      return;
    case 'run':
      lastRun = message.summary;
      if (summary) renderSummary(summaryBox.querySelector('h2')?.textContent ?? '');
      sortBy('rank', false);
      return;
    case 'curve':
      renderCurve(message.curve, message.computing ? 'Computing the curve…' : message.error);
      return;
    case 'filterPrompt':
      promptFilter.value = message.prompt;
      queryChanged();
      return;
    case 'whatIf':
      whatIf.receive(message);
      return;
  }
});

post({ type: 'ready' });
