import { type Diagnostic, DiagnosticSeverity, type Range } from 'vscode-languageserver';

import type { PoolFormat, PoolProblem } from '../core/pool/pool';
import { csvCells, csvHeader, jsonFieldSpan, lineSpan } from './field-range';

/** Largest character offset LSP allows; the editor clamps it to the line's end. */
const LINE_END = 2147483647;

/** Reads line `n` (0-based) of the pool, or undefined when the text is not at hand. */
export type LineReader = (n: number) => string | undefined;

/**
 * The range of a problem: the value of its field on its line when the field can be found, else
 * the whole line. CSV and TSV fields are found through the header row.
 */
export function problemRange(problem: PoolProblem, format: PoolFormat, lines: LineReader): Range {
  const line = Math.max(0, problem.line - 1);
  const text = lines(line);
  if (text === undefined) {
    return { start: { line, character: 0 }, end: { line, character: LINE_END } };
  }

  let span = lineSpan(text);
  if (format === 'csv' || format === 'tsv') {
    const separator = format === 'csv' ? ',' : '\t';
    const header = lines(0);
    const column =
      problem.field && header ? csvHeader(header, separator).indexOf(problem.field) : -1;
    const cell = column >= 0 ? csvCells(text, separator)[column] : undefined;
    if (cell) span = cell;
  } else {
    span = jsonFieldSpan(text, problem.field) ?? span;
  }

  return { start: { line, character: span.start }, end: { line, character: span.end } };
}

/** One diagnostic per pool problem, at its line and field. */
export function problemDiagnostics(
  problems: readonly PoolProblem[],
  format: PoolFormat,
  lines: LineReader,
): Diagnostic[] {
  return problems.map((problem) => ({
    range: problemRange(problem, format, lines),
    severity: problem.severity === 'error' ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
    code: problem.code,
    source: 'pair-curator',
    message: problem.field ? `${problem.message} (field: ${problem.field})` : problem.message,
  }));
}
