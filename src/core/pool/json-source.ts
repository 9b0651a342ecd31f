/**
 * Feeding JSONL and JSON-array text to the record handler, from a string or from a file read in
 * chunks: the file is never held whole, only the record being cut out of it.
 */
import { createReadStream } from 'node:fs';
import { BomStripper, JsonDocumentSplitter } from './json-splitters';
import type { RecordHandler } from './record-handler';

/** Chunk size for reading files: large enough for throughput, small next to any pool. */
const CHUNK_BYTES = 1 << 20;

/**
 * Whatever the file's name says, text starting with `[` is read as one array and anything else
 * as one record a line: records are objects, so neither reading can take the other's text.
 */
function jsonFeed(handler: RecordHandler) {
  const document = new JsonDocumentSplitter(handler);
  const splitter = new BomStripper(document);
  return {
    push: (chunk: string) => splitter.push(chunk),
    end: () => {
      splitter.end();
      if (document.format) handler.format = document.format;
    },
  };
}

/** Read JSON or JSONL text held in memory. */
export function parseJsonText(text: string, handler: RecordHandler): void {
  const feed = jsonFeed(handler);
  feed.push(text);
  feed.end();
}

/** Read a JSON or JSONL file chunk by chunk. */
export async function streamJsonFile(
  path: string,
  handler: RecordHandler,
  signal?: AbortSignal,
): Promise<void> {
  const feed = jsonFeed(handler);
  const options = { encoding: 'utf8' as const, highWaterMark: CHUNK_BYTES };
  const stream = createReadStream(path, signal ? { ...options, signal } : options);
  for await (const chunk of stream) feed.push(chunk as string);
  feed.end();
}
