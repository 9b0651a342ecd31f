import * as vscode from 'vscode';

/** The first line of an error's message, for a notification. */
export function oneLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0].trim() || 'Unknown error.';
}

/**
 * Tells the curator what failed in one line, with a "Show Output" button; the detail (stack,
 * context) goes to the log.
 */
export function showError(log: vscode.LogOutputChannel, what: string, error: unknown): void {
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  log.error(`${what}: ${detail}`);
  void vscode.window
    .showErrorMessage(`Pair Curator: ${what}: ${oneLine(error)}`, 'Show Output')
    .then((choice) => {
      if (choice === 'Show Output') log.show(true);
    });
}
