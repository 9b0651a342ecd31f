/** The side panel's "Budget what-if" section: its form, its Run / Cancel button and its chart. */
import type { WhatIfResult } from '../protocol';
import { drawWhatIf } from './charts';
import { el } from './dom';
import type { PanelMessage, PanelRequest } from './messages';

type WhatIfMessage = Extract<PanelMessage, { type: 'whatIf' }>;

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/** "25, 50, 100" as increasing whole numbers, or undefined when it is not that. */
export function parseBudgets(text: string): number[] | undefined {
  const budgets = text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map(Number);
  const valid =
    budgets.length > 0 &&
    budgets.every((b, k) => Number.isInteger(b) && b >= 1 && (k === 0 || b > budgets[k - 1]));
  return valid ? budgets : undefined;
}

/** What the chart shows and what it cannot, in one line. */
function caption(result: WhatIfResult): string {
  if (result.metric === 'gap') {
    return (
      'Mean gap J(π*) − J(π̂) ± 1 standard error (lower is better) under a synthetic true ' +
      "reward drawn on this pool's features: the pool has no scores, so this shows how the " +
      'designs behave on its geometry, not how good its completions are.'
    );
  }
  return (
    'Held-out pairwise accuracy ± 1 standard error (higher is better), labels drawn from ' +
    "the pool's " +
    'scores: it shows how well each method recovers the score, not how real annotators or a ' +
    'trained model would do.'
  );
}

/** Wires the section to the extension; `receive` takes the extension's `whatIf` messages. */
export function whatIfSection(post: (message: PanelRequest) => void) {
  const form = $<HTMLFormElement>('what-if-form');
  const budgetsInput = $<HTMLInputElement>('what-if-budgets');
  const seedsInput = $<HTMLInputElement>('what-if-seeds');
  const button = $<HTMLButtonElement>('what-if-run');
  const status = $('what-if-status');
  const chart = $('what-if-chart');
  const captionBox = $('what-if-caption');
  let running = false;

  function setRunning(value: boolean): void {
    running = value;
    button.textContent = value ? 'Cancel' : 'Run';
    button.classList.toggle('primary', !value);
    budgetsInput.disabled = value;
    seedsInput.disabled = value;
  }

  function show(result: WhatIfResult): void {
    chart.replaceChildren();
    drawWhatIf(chart, result);
    captionBox.textContent = caption(result);
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (running) {
      post({ type: 'whatIfCancel' });
      return;
    }
    const budgets = parseBudgets(budgetsInput.value);
    const seeds = Number(seedsInput.value);
    if (!budgets) {
      status.textContent = 'Budgets must be increasing whole numbers, e.g. 25, 50, 100, 200.';
      return;
    }
    if (!Number.isInteger(seeds) || seeds < 1 || seeds > 1000) {
      status.textContent = 'Seeds must be a whole number from 1 to 1000.';
      return;
    }
    post({ type: 'whatIf', budgets, seeds });
  });

  return {
    receive(message: WhatIfMessage): void {
      setRunning(message.state === 'running');
      const result = message.result;
      if (result) show(result);
      const steps = result?.truth === 'scores' ? 'budgets' : 'replications';
      if (message.state === 'running') {
        status.textContent = result
          ? `Running: ${result.done} of ${result.total} ${steps} done.`
          : 'Running…';
        if (!result) chart.replaceChildren(el('p', { className: 'empty', text: 'Starting…' }));
      } else if (message.state === 'done' && result) {
        const truth = result.truth === 'scores' ? "the pool's scores" : 'a synthetic truth';
        status.textContent = `Done: ${result.total} ${steps}, labels from ${truth}.`;
      } else if (message.state === 'cancelled') {
        status.textContent = 'Cancelled; the chart shows the results so far.';
      } else if (message.state === 'failed') {
        status.textContent = `The what-if failed: ${message.error ?? 'unknown error'}`;
      }
    },
    /** A new pool: forget the last chart. */
    reset(): void {
      chart.replaceChildren();
      captionBox.textContent = '';
      status.textContent = '';
    },
  };
}
