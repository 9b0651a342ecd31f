import { SIMULATE_HELP } from './simulate-command';
import { FEATURIZER_HELP } from './text-features';

/** The help of each command, in the words the README and the settings use. */
export const HELP: Record<string, string> = {
  simulate: SIMULATE_HELP,
  main: `pair-curator: choose which preference pairs to label for DPO

Usage:
  pair-curator design POOL --budget N [options]   choose N pairs to label; write them and a report
  pair-curator score POOL [options]               score every candidate pair
  pair-curator export LABELLED [--out PATH]       labelled pairs as a TRL preference dataset
  pair-curator simulate [POOL] [options]          what the designs buy: DPO gap, held-out accuracy
  pair-curator COMMAND --help                     the options of a command

A pool is a JSONL, JSON, CSV or TSV file (or any of them gzipped: x.jsonl.gz), or a Parquet
file, of prompts and their completions (long, wide or pairs shape). Exit status: 0 done, 1 bad
input, 2 bad usage.`,

  design: `pair-curator design POOL --budget N [options]

Chooses N pairs to label by optimal design on the DPO information matrix, and writes
<pool>.pairs.jsonl (the pairs, in the order to label) and <pool>.design.json (settings, seed,
criterion, the optimality certificate, and the baselines on the same budget).

Design:
  --budget N              labels to buy (required)
  --criterion C           dpo (tr(I Sigma^-1), default), d (-log det Sigma) or a (tr Sigma^-1)
  --method M              auto (best of the three, default), greedy, round or sample
  --max-per-prompt M      at most M chosen pairs of one prompt (default 0: no limit)
  --cover ID              a prompt id that must get a pair; repeatable
  --repeats               allow the same pair more than once
  --seed S                seed of every random choice: sampling, baselines and the randomized
                          projection of the features (default 0)
  --target-efficiency E   stop the continuous solver at this proven efficiency (default 0.99)
  --max-iterations K      iteration cap of the continuous solver (default 2000)
${poolOptions()}
Output:
  --out PATH              pairs file (default <pool>.pairs.jsonl, or .csv with --format csv)
  --report PATH           report file (default <pool>.design.json)
  --format jsonl|csv      pairs file format (default: csv when --out ends in .csv, else jsonl)
  --quiet                 print nothing but errors`,

  export: `pair-curator export LABELLED [--out PATH]

Reads a pairs file written by design, with a "label" field added to each labelled line ("a" or
"b": the preferred completion; "tie" and "skip" are left out), and writes a TRL preference
dataset: one {prompt_id, prompt, chosen, rejected} object a line (default <file>.trl.jsonl).
That file reads back as a pool of the pairs shape: its labels count as prior information.

  --out PATH              output file
  --quiet                 print nothing but errors`,

  score: `pair-curator score POOL [options]

Scores every candidate pair: the exact drop of the criterion from one more label of it, at the
uniform design over all candidates. Writes one pair a line, best first (prompt_id, a_id, b_id,
score), and a report of what was read and skipped.

  --criterion C           dpo (default), d or a
  --seed S                seed of the randomized projection (default 0)
${poolOptions()}
Output:
  --out PATH              scores file (default <pool>.scores.jsonl)
  --report PATH           report file (default <pool>.scores-report.json)
  --format jsonl|csv      scores file format (default jsonl)
  --quiet                 print nothing but errors`,
};

function poolOptions(): string {
  return `
Reading and features:
  --map FIELD=PATH        read FIELD from a dotted PATH (completion=choices.0.text); repeatable
  --shape S               long, wide or pairs (default: detected)
  --input-format F        jsonl, json, csv or tsv (default: from the file name)
${FEATURIZER_HELP}
  --dim R                 feature dimension after projection (default 128)
  --beta B                DPO temperature (default 0.1)
  --ridge L               ridge added to every information matrix (default 0.001)
`;
}
