import type { ProgressFn } from '../core/design/types';

/**
 * A one-line progress display on stderr for runs over a second, redrawn in place; silent when
 * stderr is not a terminal, so that logs and pipes stay clean.
 */
export function terminalProgress(
  quiet = false,
  stream: NodeJS.WriteStream = process.stderr,
): {
  report: ProgressFn;
  done: () => void;
} {
  const started = Date.now();
  let shown = false;
  let lastDraw = 0;
  const report: ProgressFn = (stage, fraction) => {
    if (quiet || !stream.isTTY) return;
    const now = Date.now();
    if (now - started < 1000 || now - lastDraw < 100) return;
    lastDraw = now;
    shown = true;
    const percent = Math.round(100 * Math.max(0, Math.min(1, fraction)));
    const seconds = ((now - started) / 1000).toFixed(1);
    stream.write(`\r\x1b[2K${stage} ${percent}% (${seconds} s)`);
  };
  const done = () => {
    if (shown) stream.write('\r\x1b[2K');
  };
  return { report, done };
}
