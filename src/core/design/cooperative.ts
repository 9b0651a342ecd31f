/**
 * Long loops of the engine hand control back to the event loop every few tens of milliseconds,
 * so that in the language server a cancellation or a hover is answered mid-design, and progress
 * notifications go out while the work runs.
 */
export type Checkpoint = () => Promise<void>;

/** A checkpoint that yields after `sliceMs` of work and throws once `signal` is aborted. */
export function checkpointFor(signal?: AbortSignal, sliceMs = 25): Checkpoint {
  let last = performance.now();
  return async () => {
    throwIfAborted(signal);
    const now = performance.now();
    if (now - last < sliceMs) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    last = performance.now();
    throwIfAborted(signal);
  };
}

/** Throws the signal's reason, or a plain cancellation error, once it is aborted. */
export function throwIfAborted(signal?: AbortSignal): void {
  if (!signal?.aborted) return;
  throw signal.reason instanceof Error ? signal.reason : new CancelledError();
}

export class CancelledError extends Error {
  constructor() {
    super('The run was cancelled');
    this.name = 'AbortError';
  }
}
