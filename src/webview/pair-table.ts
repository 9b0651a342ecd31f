/**
 * The ranked pair table, virtualised: it holds only the pages of rows near the viewport and
 * draws only the rows in view, so 100,000 pairs scroll like 100.
 */
import type { PairPage, PairRow, PairSort } from '../protocol';
import { el, formatScore } from './dom';
import type { PageQuery } from './messages';

export interface TableQuery {
  sort: PairSort;
  descending: boolean;
  prompt: string;
  minScore?: number;
  chosenOnly?: boolean;
}

export interface TableCallbacks {
  request(id: number, query: PageQuery): void;
  select(row: PairRow): void;
  open(row: PairRow): void;
}

const ROW_HEIGHT = 24;
const PAGE_SIZE = 200;
const OVERSCAN = 8;
/** The table's height when it has many rows; fewer rows shrink it. */
const MAX_HEIGHT = 320;

export class PairTable {
  query: TableQuery = { sort: 'score', descending: true, prompt: '' };

  private total = 0;
  private generation = 0;
  private nextId = 1;
  private enabled = false;
  private readonly pages = new Map<number, PairRow[]>();
  /** Request id -> the generation and page it asked for. */
  private readonly inflight = new Map<number, { generation: number; page: number }>();
  private readonly drawn = new Map<number, HTMLElement>();
  private selected = -1;
  private selectTimer: ReturnType<typeof setTimeout> | undefined;
  private frame = 0;

  constructor(
    private readonly viewport: HTMLElement,
    private readonly spacer: HTMLElement,
    private readonly status: HTMLElement,
    private readonly callbacks: TableCallbacks,
  ) {
    viewport.addEventListener('scroll', () => this.schedule());
    viewport.addEventListener('keydown', (event) => this.onKey(event));
    new ResizeObserver(() => this.schedule()).observe(viewport);
  }

  setQuery(change: Partial<TableQuery>): void {
    this.query = { ...this.query, ...change };
    this.reset(this.enabled);
  }

  /** Forgets every row and asks again from the top; `enabled` is false while there is no pool. */
  reset(enabled: boolean): void {
    this.enabled = enabled;
    this.generation++;
    this.pages.clear();
    this.inflight.clear();
    this.total = 0;
    this.selected = -1;
    for (const node of this.drawn.values()) node.remove();
    this.drawn.clear();
    this.spacer.style.height = '0px';
    this.viewport.scrollTop = 0;
    this.status.textContent = enabled ? 'Loading pairs…' : '';
    if (enabled) this.fetch(0);
  }

  receive(id: number, page: PairPage): void {
    const asked = this.inflight.get(id);
    this.inflight.delete(id);
    if (!asked || asked.generation !== this.generation) return;

    this.pages.set(asked.page, page.rows);
    this.total = page.total;
    this.spacer.style.height = `${this.total * ROW_HEIGHT}px`;
    this.viewport.style.height = `${Math.min(MAX_HEIGHT, Math.max(3, this.total) * ROW_HEIGHT)}px`;
    this.status.textContent =
      this.total === 0
        ? 'No pair matches the filters.'
        : `${this.total.toLocaleString('en-US')} pairs`;
    for (const node of this.drawn.values()) node.remove();
    this.drawn.clear();
    this.draw();
  }

  failed(id: number, error: string): void {
    const asked = this.inflight.get(id);
    this.inflight.delete(id);
    if (asked?.generation === this.generation) this.status.textContent = error;
  }

  private fetch(page: number): void {
    for (const asked of this.inflight.values()) {
      if (asked.generation === this.generation && asked.page === page) return;
    }
    const id = this.nextId++;
    this.inflight.set(id, { generation: this.generation, page });
    const { sort, descending, prompt, minScore, chosenOnly } = this.query;
    const query: PageQuery = { offset: page * PAGE_SIZE, limit: PAGE_SIZE, sort, descending };
    if (prompt.trim()) query.prompt = prompt.trim();
    if (minScore !== undefined) query.minScore = minScore;
    if (chosenOnly) query.chosenOnly = true;
    this.callbacks.request(id, query);
  }

  private rowAt(position: number): PairRow | undefined {
    return this.pages.get(Math.floor(position / PAGE_SIZE))?.[position % PAGE_SIZE];
  }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.draw();
    });
  }

  /** Draws the rows in view, reusing the ones already drawn, and asks for missing pages. */
  private draw(): void {
    const first = Math.max(0, Math.floor(this.viewport.scrollTop / ROW_HEIGHT) - OVERSCAN);
    const visible = Math.ceil(this.viewport.clientHeight / ROW_HEIGHT) + 2 * OVERSCAN;
    const last = Math.min(this.total, first + visible);

    for (const [position, node] of this.drawn) {
      if (position < first || position >= last) {
        node.remove();
        this.drawn.delete(position);
      }
    }

    for (let position = first; position < last; position++) {
      const row = this.rowAt(position);
      if (!row) {
        this.fetch(Math.floor(position / PAGE_SIZE));
        continue;
      }
      let node = this.drawn.get(position);
      if (!node) {
        node = this.rowNode(row, position);
        this.drawn.set(position, node);
        this.viewport.append(node);
      }
      node.classList.toggle('selected', position === this.selected);
      node.setAttribute('aria-selected', String(position === this.selected));
    }
  }

  private rowNode(row: PairRow, position: number): HTMLElement {
    const rank = row.rank
      ? el('span', { className: 'td rank chosen', title: `Chosen, rank ${row.rank}` }, [
          el('span', { className: 'codicon codicon-check' }),
          el('span', { text: String(row.rank) }),
        ])
      : el('span', { className: 'td rank', text: String(position + 1) });
    const node = el('div', { className: row.rank ? 'row chosen' : 'row' }, [
      rank,
      el('span', { className: 'td prompt', text: row.promptText, title: row.promptText }),
      el('span', {
        className: 'td pair',
        text: `${row.aId} ↔ ${row.bId}`,
        title: `A: ${row.aText}\nB: ${row.bText}`,
      }),
      el('span', { className: 'td score', text: formatScore(row.score) }),
    ]);
    node.setAttribute('role', 'row');
    node.dataset.index = String(row.index);
    node.style.transform = `translateY(${position * ROW_HEIGHT}px)`;
    node.addEventListener('click', () => this.select(position));
    node.addEventListener('dblclick', () => this.callbacks.open(row));
    return node;
  }

  /** Selects the row at a position, scrolls it into view and shows its pair (debounced). */
  select(position: number): void {
    if (this.total === 0) return;
    this.selected = Math.max(0, Math.min(this.total - 1, position));

    const top = this.selected * ROW_HEIGHT;
    const view = this.viewport;
    if (top < view.scrollTop) view.scrollTop = top;
    else if (top + ROW_HEIGHT > view.scrollTop + view.clientHeight) {
      view.scrollTop = top + ROW_HEIGHT - view.clientHeight;
    }
    this.draw();

    clearTimeout(this.selectTimer);
    const chosen = this.selected;
    this.selectTimer = setTimeout(() => {
      const row = this.rowAt(chosen);
      if (row) this.callbacks.select(row);
    }, 120);
  }

  private onKey(event: KeyboardEvent): void {
    const page = Math.max(1, Math.floor(this.viewport.clientHeight / ROW_HEIGHT) - 1);
    const moves: Record<string, number> = {
      ArrowDown: 1,
      ArrowUp: -1,
      PageDown: page,
      PageUp: -page,
      Home: -Infinity,
      End: Infinity,
    };

    if (event.key in moves) {
      event.preventDefault();
      const from = this.selected < 0 ? -1 : this.selected;
      const step = moves[event.key];
      const to = Number.isFinite(step) ? from + step : step > 0 ? this.total - 1 : 0;
      this.select(to);
    } else if (event.key === 'Enter' && this.selected >= 0) {
      event.preventDefault();
      const row = this.rowAt(this.selected);
      if (row) this.callbacks.open(row);
    }
  }
}
