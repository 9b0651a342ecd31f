import { PoolError, type PoolProblem } from '../pool/pool';

/**
 * Turns a labelled pairs file (the design's `<pool>.pairs.jsonl` with a `label` field added by
 * the labellers: `a` or `b` for the preferred completion) into a TRL preference dataset, one
 * `{prompt, chosen, rejected}` object a line. Lines without a label are counted as unlabelled;
 * `tie` and `skip` are counted and left out. The result reads back as a pool of the pairs shape,
 * whose labels count as prior information for the next design.
 */
export interface TrlExport {
  text: string;
  exported: number;
  unlabelled: number;
  ties: number;
  problems: PoolProblem[];
}

const LABEL_FIELDS = ['label', 'preferred', 'winner'] as const;

export function exportTrl(text: string, file: string): TrlExport {
  const out: string[] = [];
  const problems: PoolProblem[] = [];
  let unlabelled = 0;
  let ties = 0;
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = index + 1;
    if (raw.trim() === '') return;
    let record: Record<string, unknown>;
    try {
      record = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      problems.push(problem(file, line, undefined, 'Not a JSON object; fix or remove the line'));
      return;
    }
    const field = LABEL_FIELDS.find((f) => record[f] !== undefined && record[f] !== null);
    if (!field) {
      unlabelled++;
      return;
    }
    const label = String(record[field]).trim().toLowerCase();
    if (label === 'tie' || label === 'skip') {
      ties++;
      return;
    }
    if (label !== 'a' && label !== 'b') {
      problems.push(
        problem(file, line, field, `Label must be "a", "b", "tie" or "skip", got "${label}"`),
      );
      return;
    }
    for (const name of ['prompt', 'completion_a', 'completion_b']) {
      if (typeof record[name] !== 'string') {
        problems.push(problem(file, line, name, `Missing text field "${name}"`));
        return;
      }
    }
    const [chosen, rejected] =
      label === 'a'
        ? [record.completion_a, record.completion_b]
        : [record.completion_b, record.completion_a];
    out.push(
      JSON.stringify({ prompt_id: record.prompt_id, prompt: record.prompt, chosen, rejected }),
    );
  });
  if (out.length === 0 && problems.length === 0) {
    throw new PoolError(
      `No labelled pair: add a "label" field ("a" or "b") to the lines of the pairs file`,
      file,
    );
  }
  return {
    text: out.map((l) => `${l}\n`).join(''),
    exported: out.length,
    unlabelled,
    ties,
    problems,
  };
}

function problem(
  file: string,
  line: number,
  field: string | undefined,
  message: string,
): PoolProblem {
  return { code: 'malformed-record', severity: 'error', file, line, field, message };
}
