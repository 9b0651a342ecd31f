// Writes the fixtures of test/fixtures/pools/encodings: the same small pool as Parquet (one file
// per compression codec, plus nested and 64-bit integer columns, and text columns holding bytes
// that are not UTF-8) and as gzip, BOM + CRLF and invalid UTF-8 text. Run it again only to change
// them: `node scripts/make-parquet-fixtures.mjs`.
//
// Parquet pages are compressed with hyparquet-writer's own snappy, Node's zlib (gzip, brotli) and
// the `zstd` command (Node 20's zlib has no zstd); without that command the zstd file is skipped.
// hyparquet-writer writes one row group per `rowGroupSize` rows: 2 here, so that even these small
// files have several row groups.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { ByteWriter, parquetWrite } from 'hyparquet-writer';

const POOLS = join('test', 'fixtures', 'pools');
const OUT = join(POOLS, 'encodings');
mkdirSync(OUT, { recursive: true });

function zstd(bytes) {
  const run = spawnSync('zstd', ['-q', '-c', '-19'], { input: bytes });
  if (run.error || run.status !== 0) throw new Error('the zstd command failed or is missing');
  return new Uint8Array(run.stdout);
}

const CODECS = {
  UNCOMPRESSED: undefined,
  SNAPPY: undefined,
  GZIP: (bytes) => new Uint8Array(gzipSync(bytes)),
  BROTLI: (bytes) => new Uint8Array(brotliCompressSync(bytes)),
  ZSTD: zstd,
};

function write(name, codec, columnData, schema) {
  const compress = CODECS[codec];
  const compressors = compress ? { [codec]: compress } : {};
  const writer = new ByteWriter();
  parquetWrite({ writer, columnData, schema, codec, compressors, rowGroupSize: 2 });
  writeFileSync(join(OUT, name), new Uint8Array(writer.getBuffer()));
  console.log(`wrote ${join(OUT, name)}`);
}

const utf8 = (name) => ({
  name,
  type: 'BYTE_ARRAY',
  converted_type: 'UTF8',
  repetition_type: 'OPTIONAL',
});
const double = (name) => ({ name, type: 'DOUBLE', repetition_type: 'OPTIONAL' });
const int64 = (name) => ({ name, type: 'INT64', repetition_type: 'OPTIONAL' });
/** A `list<...>` column in the three-level layout every Parquet writer uses. */
const list = (name, children) => [
  { name, repetition_type: 'OPTIONAL', converted_type: 'LIST', num_children: 1 },
  { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
  ...children,
];
const struct = (name, fields) => [
  { name, repetition_type: 'OPTIONAL', num_children: fields.length },
  ...fields,
];
const root = (...columns) => [{ name: 'root', num_children: columns.length }, ...columns.flat()];

// The long pool of ../long.jsonl, column by column.
const long = readFileSync(join(POOLS, 'long.jsonl'), 'utf8')
  .trim()
  .split('\n')
  .map((line) => JSON.parse(line));
const longColumns = [
  'prompt_id',
  'prompt',
  'model',
  'completion',
  'score',
  'logp_ref',
  'embedding',
];
const longSchema = root(
  utf8('prompt_id'),
  utf8('prompt'),
  utf8('model'),
  utf8('completion'),
  double('score'),
  double('logp_ref'),
  list('embedding', [{ name: 'element', type: 'FLOAT', repetition_type: 'REQUIRED' }]),
);
const longData = longColumns.map((name) => ({
  name,
  data: long.map((record) => record[name] ?? null),
}));

for (const codec of Object.keys(CODECS)) {
  const name = `long.${codec.toLowerCase()}.parquet`;
  try {
    write(name, codec, longData, longSchema);
  } catch (error) {
    console.warn(`skipped ${name}: ${error.message}`);
  }
}

// A wide pool whose completions are a list of structs, with a struct column beside it; its
// JSONL twin holds the same records, for the tests to compare.
const nested = [
  {
    meta: { id: 'uf-1', lang: 'en' },
    instruction: 'Name a prime number.',
    completions: [
      { model: 'a', response: '2', overall_score: 9 },
      { model: 'b', response: 'Seven', overall_score: 4.5 },
      { model: 'c', response: 'Nine', overall_score: null },
    ],
  },
  {
    meta: { id: 'uf-2', lang: 'fr' },
    instruction: 'Say hello in French.',
    completions: [
      { model: 'a', response: 'Bonjour', overall_score: 8 },
      { model: 'b', response: 'Salut, ça va ?', overall_score: 7 },
    ],
  },
  {
    meta: { id: 'uf-3', lang: 'en' },
    instruction: 'Count to three.',
    completions: [{ model: 'a', response: '1, 2, 3', overall_score: 10 }],
  },
];
write(
  'nested.snappy.parquet',
  'SNAPPY',
  ['meta', 'instruction', 'completions'].map((name) => ({
    name,
    data: nested.map((record) => record[name]),
  })),
  root(
    struct('meta', [utf8('id'), utf8('lang')]),
    utf8('instruction'),
    list('completions', [
      { name: 'element', repetition_type: 'OPTIONAL', num_children: 3 },
      utf8('model'),
      utf8('response'),
      double('overall_score'),
    ]),
  ),
);
writeFileSync(join(OUT, 'nested.jsonl'), nested.map((r) => JSON.stringify(r)).join('\n') + '\n');

// 64-bit integer columns: ids and scores, one score beyond 2^53.
const int64Rows = [
  { prompt_id: 1n, prompt: 'Name a prime number.', completion: '2', score: 9n },
  { prompt_id: 1n, prompt: 'Name a prime number.', completion: 'Seven', score: 4n },
  { prompt_id: 2n, prompt: 'Say hello in French.', completion: 'Bonjour', score: 2n ** 60n },
  { prompt_id: 2n, prompt: 'Say hello in French.', completion: 'Salut', score: -3n },
];
write(
  'int64.uncompressed.parquet',
  'UNCOMPRESSED',
  ['prompt_id', 'prompt', 'completion', 'score'].map((name) => ({
    name,
    data: int64Rows.map((record) => record[name]),
  })),
  root(int64('prompt_id'), utf8('prompt'), utf8('completion'), int64('score')),
);

// 64-bit integer ids beyond 2^53, two of them a number cannot tell apart, and the same records
// as JSONL with the ids written as strings: both must read to the same pool.
const big = 2n ** 53n;
const bigIdRows = [
  {
    prompt_id: big + 1n,
    prompt: 'Name a prime number.',
    completion_id: big + 11n,
    completion: '2',
  },
  {
    prompt_id: big + 1n,
    prompt: 'Name a prime number.',
    completion_id: big + 12n,
    completion: '7',
  },
  { prompt_id: big, prompt: 'Name a prime number.', completion_id: big + 11n, completion: '3' },
  { prompt_id: big, prompt: 'Name a prime number.', completion_id: big + 12n, completion: '5' },
];
const bigIdColumns = ['prompt_id', 'prompt', 'completion_id', 'completion'];
write(
  'int64-ids.uncompressed.parquet',
  'UNCOMPRESSED',
  bigIdColumns.map((name) => ({ name, data: bigIdRows.map((record) => record[name]) })),
  root(int64('prompt_id'), utf8('prompt'), int64('completion_id'), utf8('completion')),
);
writeFileSync(
  join(OUT, 'int64-ids.jsonl'),
  bigIdRows
    .map((r) => JSON.stringify(r, (_, v) => (typeof v === 'bigint' ? v.toString() : v)))
    .join('\n') + '\n',
);

// Text columns holding bytes that are not UTF-8 (row 3: Latin-1 è), beside a real U+FFFD
// (row 4); a binary column (no text annotation) of bytes that are not UTF-8 in every row, which
// must not spoil the rows.
const raw = (...parts) =>
  new Uint8Array(
    Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p)))),
  );
const badText = [
  ['p1', '2'],
  ['p1', 'Seven'],
  ['p1', raw('Tr', [0xe8], 's bien')],
  ['p2', 'Bonjour \uFFFD'],
  ['p2', 'Salut'],
];
write(
  'invalid-utf8.snappy.parquet',
  'SNAPPY',
  [
    { name: 'prompt_id', data: badText.map(([id]) => id) },
    { name: 'completion', data: badText.map(([, text]) => text) },
    { name: 'blob', data: badText.map((_, i) => new Uint8Array([0xff, 0xfe, i])) },
  ],
  root(utf8('prompt_id'), utf8('completion'), {
    name: 'blob',
    type: 'BYTE_ARRAY',
    repetition_type: 'OPTIONAL',
  }),
);

// gzip: the plain fixtures compressed, names saying so.
for (const name of ['long.jsonl', 'long.json', 'long.csv']) {
  writeFileSync(join(OUT, `${name}.gz`), gzipSync(readFileSync(join(POOLS, name))));
  console.log(`wrote ${join(OUT, `${name}.gz`)}`);
}

// A byte-order mark and CRLF line ends (inside the quoted CSV cell too); the CSV's first header
// cell quoted, which a byte-order mark before it must not spoil.
const BOM = '\uFEFF';
const crlf = (text) => text.replace(/\n/g, '\r\n');
writeFileSync(
  join(OUT, 'bom-crlf.jsonl'),
  BOM + crlf(readFileSync(join(POOLS, 'long.jsonl'), 'utf8')),
);
const csv = readFileSync(join(POOLS, 'long.csv'), 'utf8').replace(/^prompt_id,/, '"prompt_id",');
writeFileSync(join(OUT, 'bom-crlf.csv'), BOM + crlf(csv));

// Bytes that are not UTF-8, among valid text that includes a real U+FFFD (EF BF BD).
const bytes = (...parts) =>
  Buffer.concat(
    parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))),
  );
const line = (prompt, model, ...completion) =>
  bytes(
    `{"prompt_id": "${prompt}", "prompt": "Prompt ${prompt}", "model": "${model}", "completion": "`,
    ...completion,
    '"}\n',
  );
writeFileSync(
  join(OUT, 'invalid-utf8.jsonl'),
  Buffer.concat([
    line('p1', 'a', '2'),
    line('p1', 'b', 'Seven'),
    line('p1', 'c', 'Tr', [0xe8], 's bien'), // Latin-1 è
    line('p2', 'a', 'Bonjour \uFFFD'),
    line('p2', 'b', 'Salut'),
    line('p2', 'c', 'cut ', [0xe2, 0x82], ' short'), // a euro sign missing its last byte
    line('p2', 'd', 'overlong ', [0xc0, 0xaf]),
    line('p2', 'e', 'surrogate ', [0xed, 0xa0, 0x80]),
    line('p2', 'f', 'emoji \u{1F600} fine'),
    bytes('{"prompt_id": "p2", "model": "g", "completion": "end"}', [0xf0, 0x9f]), // cut short
  ]),
);
writeFileSync(
  join(OUT, 'invalid-utf8.csv'),
  bytes(
    'prompt_id,prompt,completion\n',
    'p1,Name a prime number.,2\n',
    'p1,Name a prime number.,Seven\n',
    'p1,Name a prime number.,Tr',
    [0xe8],
    's\n',
    'p2,Say hello in French.,"Bonjour \uFFFD"\n',
    'p2,Say hello in French.,Salut\n',
    'p2,Say hello in French.,"two\nlines ',
    [0xff],
    '"\n',
    'p2,Say hello in French.,Coucou\n',
  ),
);
console.log(`wrote the text fixtures in ${OUT}`);
