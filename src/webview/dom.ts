/** Small DOM helpers of the side panel. Text is always set as text, never parsed as markup. */

export interface ElementOptions {
  className?: string;
  /** Set through `textContent`. */
  text?: string;
  title?: string;
}

/** Creates an element with a class, text and children. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  options: ElementOptions = {},
  children: Node[] = [],
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (options.className) node.className = options.className;
  if (options.text !== undefined) node.textContent = showControls(options.text);
  if (options.title !== undefined) node.title = showControls(options.title);
  node.append(...children);
  return node;
}

/**
 * Completion texts are untrusted: bidirectional controls (embeddings, overrides, isolates and
 * marks) could make a labeller read a text other than the one stored, so they are shown as
 * visible code points instead of being applied.
 */
export function showControls(text: string): string {
  return text.replace(/[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (c) => {
    return `[U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}]`;
  });
}

const SVG = 'http://www.w3.org/2000/svg';

/** Creates an SVG element with numeric or keyword attributes. */
export function svg(tag: string, attributes: Record<string, string | number> = {}): SVGElement {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  return node;
}

/** A score with three significant digits. */
export function formatScore(score: number): string {
  if (!Number.isFinite(score)) return '–';
  if (score === 0) return '0';
  const magnitude = Math.abs(score);
  return magnitude >= 1e-3 && magnitude < 1e4 ? score.toPrecision(3) : score.toExponential(2);
}

export function percent(x: number): string {
  return `${(100 * x).toFixed(1)} %`;
}

/** "1 error", "3 errors". */
export function plural(count: number, noun: string): string {
  return `${count.toLocaleString('en-US')} ${noun}${count === 1 ? '' : 's'}`;
}
