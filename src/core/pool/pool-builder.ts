/**
 * Collects prompts, completions and prior labels as the shape readers extract them, checks what
 * spans records (duplicate texts within a prompt, one embedding dimension for the whole pool),
 * and assembles the final `Pool`. Every problem of a file passes through `report`.
 */
import {
  pairCount,
  poolErrorAt,
  type PoolError,
  type Completion,
  type DatasetShape,
  type MappedField,
  type OfferedCounts,
  type Pool,
  type PoolFormat,
  type PoolProblem,
  type PoolShape,
  type ProblemCode,
  type FieldMapping,
  type PromptGroup,
} from './pool';
import { readEmbedding, readNumber } from './record-fields';
import { describeValue, duplicateKey, textOf } from './text';

/** How a file was read, as the record handler decided it. */
export interface ReadingInfo {
  format: PoolFormat;
  shape: PoolShape;
  dataset: DatasetShape | undefined;
  mapping: FieldMapping;
  /** Mapping fields the curator gave (`--map`). */
  curatorFields: MappedField[];
  records: number;
}

/** Reads one record of a known layout into the builder. */
export type Extractor = (record: Record<string, unknown>, line: number) => void;

/** A prompt being filled. */
export interface GroupDraft {
  id: string;
  text: string;
  line: number;
  /** The field the prompt was grouped by, for problems about the prompt as a whole. */
  keyField: string;
  completions: Completion[];
  /**
   * Completions offered so far, kept or not: the next one's position in its prompt (pairs:
   * distinct side texts and empty sides, counted by the pairs reader).
   */
  offered: number;
  /** Duplicate key of each kept text -> its index in `completions`. */
  keys: Map<string, number>;
  ids: Set<string>;
}

interface LabelDraft {
  group: GroupDraft;
  chosen: number;
  rejected: number;
  line: number;
}

/** Problems a curator must fix before the file reads as intended; the rest are warnings. */
const ERRORS = new Set<ProblemCode>([
  'malformed-record',
  'missing-prompt',
  'embedding-dimension',
  'unknown-shape',
  'empty-file',
]);

/** The growing pool of one file. */
export class PoolBuilder {
  readonly problems: PoolProblem[] = [];
  /** Mapped fields that held a value in at least one record. */
  readonly used = new Set<MappedField>();
  /** Fields that gave a completion its id, in the order first used. */
  readonly idFields = new Set<string>();
  private readonly groups = new Map<string, GroupDraft>();
  private readonly labels: LabelDraft[] = [];
  private dimension: { size: number; line: number } | undefined;

  constructor(readonly file: string) {}

  /** Record a problem at a 1-based line (or Parquet row). */
  report(code: ProblemCode, line: number, field: string | undefined, message: string): void {
    const severity = ERRORS.has(code) ? 'error' : 'warning';
    const problem: PoolProblem = { code, severity, file: this.file, line, message };
    if (field !== undefined) problem.field = field;
    this.problems.push(problem);
  }

  /** Report a completion without text, saying whether the field is absent, empty or not text. */
  missingText(line: number, field: string, value: unknown, consequence: string): void {
    let what = `\`${field}\` holds ${describeValue(value)}, not text`;
    if (value === undefined) what = `no \`${field}\` field`;
    else if (value === null || textOf(value) !== undefined) what = `\`${field}\` is empty`;
    else if (Array.isArray(value) && value.length === 0) what = `\`${field}\` is empty`;
    this.report('missing-text', line, field, `${what}; ${consequence}`);
  }

  /**
   * The prompt with this id, created at `line` on first sight. `textField`, when given, names
   * where `text` came from: a record whose id is known but whose text differs is flagged.
   */
  group(id: string, text: string, line: number, keyField: string, textField?: string): GroupDraft {
    const known = this.groups.get(id);
    if (known) {
      // Records grouped by id may carry the prompt text on some lines only.
      if (known.text === '') known.text = text;
      else if (textField !== undefined && text !== '' && text !== known.text) {
        const message =
          `\`${keyField}\` ${describeValue(id)} has another prompt text than on line ` +
          `${known.line}; grouped by the id, with that line's text: check the ids`;
        this.report('prompt-mismatch', line, textField, message);
      }
      return known;
    }
    const group: GroupDraft = {
      id,
      text,
      line,
      keyField,
      completions: [],
      offered: 0,
      keys: new Map(),
      ids: new Set<string>(),
    };
    this.groups.set(id, group);
    return group;
  }

  /**
   * Add a completion to its prompt, or drop it as a duplicate of an earlier text of the same
   * prompt: a pair of identical texts has a zero difference vector and carries no information.
   */
  add(group: GroupDraft, completion: Completion, field: string): number | undefined {
    const key = duplicateKey(completion.text);
    const earlier = group.keys.get(key);
    if (earlier === undefined) return this.keep(group, completion, key);

    const first = group.completions[earlier]!;
    const message =
      `completion repeats completion \`${first.id}\` (line ${first.line}) of the same prompt; ` +
      'dropped: identical texts carry no preference information';
    this.report('duplicate-completion', completion.line, field, message);
    return undefined;
  }

  /** Add a completion, or find the earlier one with the same text (pairs share completions). */
  merge(group: GroupDraft, completion: Completion): number {
    const key = duplicateKey(completion.text);
    return group.keys.get(key) ?? this.keep(group, completion, key);
  }

  private keep(group: GroupDraft, completion: Completion, key: string): number {
    completion.id = uniqueId(group.ids, completion.id);
    group.ids.add(completion.id);
    group.keys.set(key, group.completions.length);
    group.completions.push(completion);
    return group.completions.length - 1;
  }

  /** A labelled pair: indices into the prompt's completions. */
  label(group: GroupDraft, chosen: number, rejected: number, line: number): void {
    this.labels.push({ group, chosen, rejected, line });
  }

  /**
   * A finite number from a field, or undefined (reporting why) when it is absent or unusable.
   * `mapped` names the mapping entry the field stands for, to record it as used.
   */
  number(value: unknown, line: number, field: string, mapped?: MappedField): number | undefined {
    const read = readNumber(value);
    if (!read.ok) {
      this.report(
        'non-finite-number',
        line,
        field,
        `\`${field}\` ${read.reason}; treated as missing`,
      );
      return undefined;
    }
    if (read.value !== undefined && mapped) this.used.add(mapped);
    return read.value;
  }

  /**
   * An embedding from a field, or undefined when absent or unusable. All embeddings of a pool
   * must have the dimension of the first one seen; a different one is dropped.
   */
  embedding(value: unknown, line: number, field: string, mapped = true): Float64Array | undefined {
    const read = readEmbedding(value);
    if (!read.ok) {
      const message = `\`${field}\` ${read.reason}; the embedding is dropped`;
      this.report('non-finite-number', line, field, message);
      return undefined;
    }

    const vector = read.vector;
    if (vector === undefined) return undefined;
    if (mapped) this.used.add('embedding');
    if (!this.dimension) this.dimension = { size: vector.length, line };
    if (vector.length === this.dimension.size) return vector;

    const message =
      `\`${field}\` has ${vector.length} dimensions but the first embedding (line ` +
      `${this.dimension.line}) has ${this.dimension.size}; dropped: embeddings must all come ` +
      'from the same model';
    this.report('embedding-dimension', line, field, message);
    return undefined;
  }

  /**
   * The pool: prompts with at least two completions, in order of first appearance, and the
   * labels that fall in them. Throws `PoolError` when no prompt is usable.
   */
  finish(info: ReadingInfo): Pool {
    const { format, shape, dataset, mapping, curatorFields, records } = info;
    const prompts: PromptGroup[] = [];
    const index = new Map<GroupDraft, number>();
    const offered: OfferedCounts = { prompts: this.groups.size, completions: 0, pairs: 0 };
    for (const group of this.groups.values()) {
      offered.completions += group.offered;
      offered.pairs += pairCount(group.offered);
      const k = group.completions.length;
      if (k < 2) {
        const message =
          `prompt \`${group.id}\` has ${k} usable completion${k === 1 ? '' : 's'}; ` +
          'left out: a pair needs two distinct completions';
        this.report('single-completion', group.line, group.keyField, message);
        continue;
      }
      index.set(group, prompts.length);
      const { id, text, line, completions } = group;
      prompts.push({ id, text, line, completions });
    }

    // Problems arrive out of order (records read before the shape was known); sort is stable.
    this.problems.sort((a, b) => a.line - b.line);
    if (prompts.length === 0) throw this.nothingUsable(records);

    const labels = [];
    for (const { group, chosen, rejected, line } of this.labels) {
      const prompt = index.get(group);
      if (prompt !== undefined) labels.push({ prompt, chosen, rejected, line });
    }
    const pool: Pool = {
      file: this.file,
      format,
      shape,
      mapping,
      prompts,
      labels,
      problems: this.problems,
      records,
      offered,
    };
    if (dataset) pool.dataset = dataset;
    if (curatorFields.length > 0) pool.curatorFields = curatorFields;
    return pool;
  }

  private nothingUsable(records: number): PoolError {
    const first = this.problems.find((p) => p.code !== 'single-completion') ?? this.problems[0];
    // The message starts with the first problem's line: it is not said twice.
    const where = first ? `; first: ${first.message}` : '';
    const message =
      `no prompt has two usable completions; ${records} records read, ` +
      `${countProblems(this.problems)}${where}`;
    return poolErrorAt(this.file, first?.line, message, first?.field, first?.code);
  }
}

/** `3 missing-text, 1 single-completion`, most frequent first. */
export function countProblems(problems: readonly PoolProblem[]): string {
  if (problems.length === 0) return 'no problems found';

  const counts = new Map<ProblemCode, number>();
  for (const p of problems) counts.set(p.code, (counts.get(p.code) ?? 0) + 1);
  const sorted = [...counts].sort((a, b) => b[1] - a[1]);
  return 'problems: ' + sorted.map(([code, n]) => `${n} ${code}`).join(', ');
}

/** `id`, or `id#2`, `id#3`... when the prompt already has a completion with that id. */
function uniqueId(taken: Set<string>, id: string): string {
  if (!taken.has(id)) return id;
  let n = 2;
  while (taken.has(`${id}#${n}`)) n++;
  return `${id}#${n}`;
}
