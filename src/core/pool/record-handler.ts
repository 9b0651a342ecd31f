/**
 * The one place records go, whatever their source (a file streamed from disk or a document in
 * memory, JSON or CSV). The first records are held back until the layout is known; after that
 * each record is read into the builder and dropped, so memory holds extracted fields only.
 */
import { parseJson } from './json-text';
import type { PieceSink } from './json-splitters';
import { longExtractor } from './long-records';
import { pairExtractor } from './pair-records';
import {
  poolErrorAt,
  type MappedField,
  type Pool,
  type PoolFormat,
  type PoolError,
  type ProblemCode,
  type ReadOptions,
} from './pool';
import { PoolBuilder, countProblems, type Extractor } from './pool-builder';
import { isRecord } from './record-fields';
import { detectLayout, usedMapping, type Layout, type LinedRecord } from './shape-detect';
import { describeValue } from './text';
import { wideExtractor } from './wide-records';

/** Valid records looked at before deciding the layout. */
const DETECTION_SAMPLE = 32;
/** Records between two checks of the abort signal. */
const ABORT_CHECK_EVERY = 256;

/** The mapping fields the curator named with `--map`, in the order given. */
function curatorFields(options: ReadOptions): MappedField[] {
  const map = options.map ?? {};
  return (Object.keys(map) as MappedField[]).filter((field) => map[field] !== undefined);
}

/** Receives records, detects the layout, and builds the pool. */
export class RecordHandler implements PieceSink {
  private readonly builder: PoolBuilder;
  private sample: LinedRecord[] = [];
  private layout: Layout | undefined;
  private extract: Extractor | undefined;
  private records = 0;

  constructor(
    private readonly file: string,
    private readonly options: ReadOptions,
    /** The encoding being read; a source may refine it (a `.json` file holding JSONL). */
    public format: PoolFormat,
  ) {
    this.builder = new PoolBuilder(file);
  }

  /** One record's JSON text, starting at `line`. */
  piece(text: string, line: number): void {
    const parsed = parseJson(text);
    if (parsed.ok) {
      this.record(parsed.value, line);
      return;
    }
    this.count();
    let message = `not valid JSON (${parsed.reason}); record skipped: fix or delete it`;
    if (startsWithBom(text)) {
      message =
        `a byte-order mark (U+FEFF) at the start of line ${line}, where a record should ` +
        'start (two files joined into one?); record skipped: delete the mark';
    }
    this.builder.report('malformed-record', line, undefined, message);
  }

  /** A fault in the file's structure outside any one record. */
  broken(line: number, message: string): void {
    this.builder.report('malformed-record', line, undefined, message);
  }

  /** A record that could not be read at all (CSV rows with the wrong number of cells...). */
  malformed(line: number, message: string): void {
    this.count();
    this.builder.report('malformed-record', line, undefined, message);
  }

  /**
   * Bytes that are not UTF-8 at `line`: the record there is skipped (`skipped`), or, for a CSV
   * header, read as it is. Always an error: the text a curator would label is not what the file
   * means.
   */
  invalidEncoding(line: number, message: string, skipped = true): void {
    if (skipped) this.count();
    const file = this.file;
    this.builder.problems.push({
      code: 'invalid-encoding',
      severity: 'error',
      file,
      line,
      message,
    });
  }

  /** A problem a source finds in a record it still passes on (a Parquet value out of range). */
  problem(code: ProblemCode, line: number, field: string | undefined, message: string): void {
    this.builder.report(code, line, field, message);
  }

  /** One parsed record: a JSON value, a CSV row keyed by the header, or a Parquet row. */
  record(value: unknown, line: number): void {
    this.count();
    if (!isRecord(value)) {
      const message = `the record is ${describeValue(value)}, not an object; record skipped`;
      this.builder.report('malformed-record', line, undefined, message);
      return;
    }
    if (this.extract) {
      this.extract(value, line);
      return;
    }
    this.sample.push({ value, line });
    if (this.sample.length >= DETECTION_SAMPLE) this.detect();
  }

  /** The pool of every record received. Throws `PoolError` when the file has nothing usable. */
  finish(): Pool {
    this.options.signal?.throwIfAborted();
    if (this.records === 0) {
      const message = 'the file holds no records';
      throw poolErrorAt(this.file, undefined, message, undefined, 'empty-file');
    }
    if (!this.extract && this.sample.length > 0) this.detect();
    if (!this.layout) throw this.unreadable();

    const { used, idFields } = this.builder;
    this.reportUnusedMapping();
    const mapping = usedMapping(this.layout, used, idFields, this.options.map);
    return this.builder.finish({
      format: this.format,
      shape: this.layout.shape,
      dataset: this.layout.dataset,
      mapping,
      curatorFields: curatorFields(this.options),
      records: this.records,
    });
  }

  /**
   * An optional field the curator mapped that no record held a usable value in: most often a
   * misspelt path. The read goes on; the warning says what the statement cannot.
   */
  private reportUnusedMapping(): void {
    const map = this.options.map ?? {};
    const optional: MappedField[] = [
      'prompt_id',
      'prompt',
      'score',
      'logp_ref',
      'embedding',
      'cost',
    ];
    for (const field of optional) {
      const path = map[field];
      if (path === undefined || this.builder.used.has(field)) continue;
      const message =
        `--map ${field}=${path}: no record held a usable value there; check the path ` +
        '(nothing was read for it)';
      this.builder.report('unused-mapping', 1, path, message);
    }
    const ids = map.completion_id;
    if (ids !== undefined && this.builder.idFields.size === 0) {
      const message = `--map completion_id=${ids}: no record held an id there; check the path`;
      this.builder.report('unused-mapping', 1, ids, message);
    }
  }

  private count(): void {
    this.records++;
    if (this.records % ABORT_CHECK_EVERY === 0) this.options.signal?.throwIfAborted();
  }

  private detect(): void {
    const layout = detectLayout(this.sample, this.file, this.options);
    this.layout = layout;
    if (layout.shape === 'long') this.extract = longExtractor(layout, this.builder);
    else if (layout.shape === 'wide') this.extract = wideExtractor(layout, this.builder);
    else this.extract = pairExtractor(layout, this.builder);

    const sample = this.sample;
    this.sample = [];
    for (const { value, line } of sample) this.extract(value, line);
  }

  private unreadable(): PoolError {
    const problems = this.builder.problems;
    const first = problems[0];
    // The message starts with the first problem's line: it is not said twice.
    const where = first ? `; first: ${first.message}` : '';
    const message =
      `no record could be read; ${this.records} records, ${countProblems(problems)}` + where;
    return poolErrorAt(this.file, first?.line, message, first?.field, first?.code);
  }
}

/** True when a record's text starts with a byte-order mark, as where two files were joined. */
function startsWithBom(text: string): boolean {
  const start = /[^ \t\r\n]/.exec(text);
  return start !== null && text.charCodeAt(start.index) === 0xfeff;
}
