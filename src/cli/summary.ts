import type { DesignResult } from '../core/design/types';
import type { PreparedPool } from '../core/engine';
import { summarisePool, type Pool } from '../core/pool';

/** What was read, in two or three lines. */
export function formatPoolSummary(pool: Pool, ms: number): string {
  const summary = summarisePool(pool);
  const lines = [
    `Read ${pool.file} as ${pool.format}, ${pool.shape} shape, in ${ms} ms: ` +
      `${summary.prompts} prompts, ${summary.completions} completions, ` +
      `${summary.pairs} candidate pairs` +
      (summary.labels > 0 ? `, ${summary.labels} labelled pairs as prior information` : ''),
  ];
  const skipped = Object.entries(summary.problemsByCode);
  if (skipped.length > 0) {
    lines.push(`Skipped or flagged: ${skipped.map(([code, n]) => `${n} ${code}`).join(', ')}`);
    for (const problem of pool.problems.slice(0, 5)) {
      const field = problem.field ? ` (${problem.field})` : '';
      lines.push(`  ${problem.file}:${problem.line}${field}: ${problem.message}`);
    }
    if (pool.problems.length > 5)
      lines.push(`  ... ${pool.problems.length - 5} more in the report`);
  }
  return lines.join('\n');
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
    `Features: ${info.featurizer}, ${info.inputDim} -> ${info.dim} dimensions ` +
      `(${(100 * info.explainedVariance).toFixed(1)} % of variance); ` +
      `pi_0 ${result.referencePolicy}${why}`,
    `Design: ${result.chosen.length} pairs by ${result.method} on criterion ` +
      `${result.criterion}; value ${fmt(result.value)} ` +
      `(continuous relaxation ${fmt(result.continuousValue)})`,
    `Certificate: this selection is at least ${(100 * cert.efficiency).toFixed(1)} % as ` +
      'efficient as the best possible design of this budget ' +
      `(lower bound ${fmt(cert.lowerBound)}, ${cert.iterations} solver steps` +
      `${cert.converged ? '' : ', solver target not reached'})`,
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
