import type { DesignResult } from '../core/design/types';
import type { PreparedPool } from '../core/engine';
import { describeEncoding, describeReading, summarisePool, type Pool } from '../core/pool';

/** Columns a line of the summary may take. */
const WIDTH = 100;

/**
 * What was read, in a few lines: the counts (and what the file offered before empty and
 * duplicate completions were dropped), how the records were read, and the first problems.
 */
export function formatPoolSummary(pool: Pool, ms: number): string {
  const summary = summarisePool(pool);
  const { offered } = summary;
  const labels =
    summary.labels > 0 ? `, ${summary.labels} labelled pairs as prior information` : '';
  const dropped =
    offered.prompts !== summary.prompts || offered.completions !== summary.completions
      ? ` (before dropping: ${offered.prompts} prompts, ${offered.completions} completions, ` +
        `${offered.pairs} candidate pairs)`
      : '';
  const reading = describeReading(pool);
  const lines = [
    ...wrap(
      `Read ${pool.file} (${describeEncoding(pool)}) in ${ms} ms: ${summary.prompts} prompts, ` +
        `${summary.completions} completions, ${summary.pairs} candidate pairs${labels}${dropped}`,
    ),
    ...wrap(reading.charAt(0).toUpperCase() + reading.slice(1)),
  ];
  const skipped = Object.entries(summary.problemsByCode);
  if (skipped.length > 0) {
    const counts = skipped.map(([code, n]) => `${n}\0${code}`).join(', ');
    lines.push(...wrap(`Skipped or flagged: ${counts}`));
    for (const problem of pool.problems.slice(0, 5)) {
      const field = problem.field ? ` (${problem.field})` : '';
      const where = `${problem.file}:${problem.line}${field}`;
      lines.push(...wrap(`${where}: ${problem.message}`, '  ', '    '));
    }
    if (pool.problems.length > 5)
      lines.push(`  ... ${pool.problems.length - 5} more in the report`);
  }
  return lines.join('\n');
}

/**
 * Text broken at spaces into lines of at most `WIDTH` columns, indents included. `a = b` stays
 * on one line, and `\0` in the text is a space that never breaks. A word longer than a line (a
 * long path) keeps a line to itself.
 */
export function wrap(text: string, first = '', next = '  '): string[] {
  // `\0` stands for the spaces that must not break: same length, so widths are unchanged.
  const words = text.replace(/ = /g, '\0=\0').split(' ');
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    const indent = lines.length === 0 ? first : next;
    const longer = line === '' ? word : `${line} ${word}`;
    if (line !== '' && indent.length + longer.length > WIDTH) {
      lines.push(indent + line);
      line = word;
    } else {
      line = longer;
    }
  }
  lines.push((lines.length === 0 ? first : next) + line);
  return lines.map((l) => l.replace(/\0/g, ' '));
}

/** The design's result: criterion, certificate, and a table of baselines. */
export function formatDesignSummary(
  prepared: PreparedPool,
  result: DesignResult,
  paths: { pairsPath: string; reportPath: string },
): string {
  const info = prepared.features.info;
  const completions = prepared.pool.prompts.flatMap((p) => p.completions);
  const embedded = completions.filter((c) => c.embedding).length;
  const why =
    info.featurizer === 'ngram' && embedded > 0
      ? ` (n-grams: only ${embedded} of ${completions.length} completions have a usable embedding)`
      : '';
  const cert = result.certificate;
  const lines = [
    ...wrap(
      `Features: ${info.featurizer}, ${info.inputDim} -> ${info.dim} dimensions ` +
        `(${(100 * info.explainedVariance).toFixed(1)} % of variance); ` +
        `pi_0 ${result.referencePolicy}${why}`,
    ),
    ...wrap(
      `Design: ${result.chosen.length} pairs by ${result.method} on criterion ` +
        `${result.criterion}; value ${fmt(result.value)} ` +
        `(continuous relaxation ${fmt(result.continuousValue)})`,
    ),
    ...wrap(
      // The claim itself never breaks across lines (`\0`: a space that does not break).
      `Certificate: this selection is at\0least\0${(100 * cert.efficiency).toFixed(1)}\0%\0as\0` +
        'efficient as the best possible design of this budget ' +
        `(lower bound ${fmt(cert.lowerBound)}, ${cert.iterations} solver steps` +
        `${cert.converged ? '' : ', solver target not reached'})`,
    ),
    '',
    '  series           criterion    efficiency   uniform needs',
  ];
  const uniform = result.baselines.find((b) => b.name === 'uniform')?.criterion;
  const row = (name: string, value: number, efficiency: number) => {
    const ratio = uniform && result.criterion !== 'd' ? (uniform / value).toFixed(2) + 'x' : '-';
    return (
      `  ${name.padEnd(16)} ${fmt(value).padStart(10)}   ` +
      `${(100 * efficiency).toFixed(1).padStart(8)} %   ${ratio.padStart(8)}`
    );
  };
  lines.push(row(`design (${result.method})`, result.value, cert.efficiency));
  for (const baseline of result.baselines) {
    const short = baseline.pairs < result.chosen.length ? ` (${baseline.pairs})` : '';
    lines.push(row(`${baseline.name}${short}`, baseline.criterion, baseline.efficiency));
  }
  if (result.baselines.some((b) => b.pairs < result.chosen.length)) {
    lines.push('  (N): the baseline ran out of pairs and used only N labels.');
  }
  if (uniform && result.criterion !== 'd') {
    lines.push(
      '',
      'uniform needs: how many times the labels uniform random pairs need to reach each',
      "series' criterion (the criterion falls as one over the number of labels).",
    );
  }
  lines.push('', `Wrote ${paths.pairsPath}`, `      ${paths.reportPath}`);
  return lines.join('\n');
}

function fmt(value: number): string {
  return Math.abs(value) >= 1000 || Math.abs(value) < 0.01
    ? value.toExponential(3)
    : value.toPrecision(5);
}
