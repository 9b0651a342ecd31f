/**
 * Feeding JSONL and JSON-array text to the record handler, from a string, from bytes, or from a
 * file read in chunks (gunzipped on the way when it is gzip): the file is never held whole, only
 * the record being cut out of it.
 */
import { textChunks } from './byte-source';
import { BomStripper, JsonDocumentSplitter, type PieceSink } from './json-splitters';
import type { PoolCompression } from './pool';
import type { RecordHandler } from './record-handler';
import { countInvalidMarks, describeFault, type Utf8Decoder } from './utf8-decoder';

/**
 * Passes records to the handler, except those holding bytes that are not UTF-8: they are
 * skipped with an `invalid-encoding` problem. Records are only searched while the decoder has
 * unclaimed faults, so text that is all UTF-8 costs nothing here.
 */
class EncodingCheck implements PieceSink {
  constructor(
    private readonly handler: RecordHandler,
    private readonly decoder: Utf8Decoder,
    private readonly compressed: boolean,
  ) {}

  piece(text: string, line: number): void {
    const marks = this.decoder.faults.length > 0 ? countInvalidMarks(text) : 0;
    if (marks === 0) {
      this.handler.piece(text, line);
      return;
    }
    const fault = this.decoder.claim(line, marks);
    const message =
      `the record holds ${describeFault(fault, this.compressed)}; record skipped: ` +
      'save the file as UTF-8';
    this.handler.invalidEncoding(line, message);
  }

  broken(line: number, message: string): void {
    this.handler.broken(line, message);
  }

  invalidBetween(line: number): void {
    const fault = this.decoder.claim(line, 1);
    const message =
      `${describeFault(fault, this.compressed)}, between two records of the array; ignored: ` +
      'save the file as UTF-8';
    this.handler.invalidEncoding(line, message, false);
  }
}

/**
 * Whatever the file's name says, text starting with `[` is read as one array and anything else
 * as one record a line: records are objects, so neither reading can take the other's text.
 */
function jsonFeed(handler: RecordHandler, decoder?: Utf8Decoder, compressed = false) {
  const sink = decoder ? new EncodingCheck(handler, decoder, compressed) : handler;
  const document = new JsonDocumentSplitter(sink);
  const splitter = new BomStripper(document);
  return {
    push: (chunk: string) => splitter.push(chunk),
    end: () => {
      splitter.end();
      if (document.format) handler.format = document.format;
    },
  };
}

/**
 * Read JSON or JSONL text held in memory. With the decoder that made the text from bytes, the
 * records holding bytes that were not UTF-8 are skipped with a problem.
 */
export function parseJsonText(text: string, handler: RecordHandler, decoder?: Utf8Decoder): void {
  const feed = jsonFeed(handler, decoder);
  feed.push(text);
  feed.end();
}

/** Read a JSON or JSONL file chunk by chunk, decompressing it when it is gzip. */
export async function streamJsonFile(
  path: string,
  compression: PoolCompression | undefined,
  decoder: Utf8Decoder,
  handler: RecordHandler,
  signal?: AbortSignal,
): Promise<void> {
  const feed = jsonFeed(handler, decoder, compression !== undefined);
  for await (const text of textChunks(path, compression, decoder, signal)) feed.push(text);
  feed.end();
}
