import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { asyncBufferFromFile, parquetMetadataAsync } from 'hyparquet';
import {
  PoolError,
  describeEncoding,
  formatFromName,
  compressionFromName,
  parsePoolBytes,
  parsePoolText,
  readPoolFile,
  summarisePool,
  type Pool,
  type ReadOptions,
} from '../../../src/core/pool/index';
import { INVALID_MARK, Utf8Decoder } from '../../../src/core/pool/utf8-decoder';
import { content, fixture, where } from './helpers';

const encoding = (name: string) => fixture(join('encodings', name));

const dir = mkdtempSync(join(tmpdir(), 'pair-curator-encodings-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Write bytes to a file of the temporary folder and return its path. */
function temp(name: string, bytes: Uint8Array | string): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

/** What two readings of the same records must share: everything but the file and encoding. */
function reading(pool: Pool) {
  return {
    shape: pool.shape,
    mapping: pool.mapping,
    records: pool.records,
    content: content(pool),
    promptLines: pool.prompts.map((p) => p.line),
    completionLines: pool.prompts.map((p) => p.completions.map((c) => c.line)),
    problems: pool.problems.map(({ code, severity, line, field }) => ({
      code,
      severity,
      line,
      field,
    })),
  };
}

/** Prompts, completions, candidate pairs and records, as the summary counts them. */
function counts(pool: Pool) {
  const summary = summarisePool(pool);
  return {
    prompts: summary.prompts,
    completions: summary.completions,
    pairs: summary.pairs,
    records: pool.records,
  };
}

const texts = (pool: Pool) => pool.prompts.map((p) => p.completions.map((c) => c.text));
const ids = (pool: Pool) => pool.prompts.map((p) => p.completions.map((c) => c.id));

/** `prompts` prompts of 4 completions, one JSON record a line. */
function jsonlPool(prompts: number): string {
  const lines: string[] = [];
  for (let p = 0; p < prompts; p++) {
    for (let c = 0; c < 4; c++) {
      const completion = `réponse ${c} à la question ${p} ${'ü'.repeat(c + 1)}`;
      lines.push(JSON.stringify({ prompt_id: `q${p}`, prompt: `Question ${p}?`, completion }));
    }
  }
  return lines.join('\n') + '\n';
}

/** Asserts a `PoolError` naming the file once, at the start (`file: ` or `file:line: `). */
async function rejectsWithPoolError(reading: Promise<unknown>, file: string, pattern: RegExp) {
  await assert.rejects(reading, (error: unknown) => {
    assert.ok(error instanceof PoolError, `expected a PoolError, got ${String(error)}`);
    assert.equal(error.file, file);
    const where = error.line === undefined ? file : `${file}:${error.line}`;
    assert.ok(error.message.startsWith(`${where}: `), error.message);
    assert.equal(error.message.split(file).length, 2, `the file named once: ${error.message}`);
    assert.match(error.message, pattern);
    return true;
  });
}

describe('encodings from the file name', () => {
  it('reads the format through a .gz suffix and knows .parquet', () => {
    assert.equal(formatFromName('x.pool.jsonl.gz'), 'jsonl');
    assert.equal(formatFromName('X.CSV.GZ'), 'csv');
    assert.equal(formatFromName('x.json.gz'), 'json');
    assert.equal(formatFromName('x.parquet'), 'parquet');
    assert.equal(formatFromName('x.gz'), undefined);
    assert.equal(compressionFromName('x.tsv.gz'), 'gzip');
    assert.equal(compressionFromName('x.tsv'), undefined);
  });
});

describe('gzip-compressed pools', () => {
  for (const [name, format] of [
    ['long.jsonl', 'jsonl'],
    ['long.json', 'json'],
    ['long.csv', 'csv'],
  ] as const) {
    it(`reads ${name}.gz to the same pool as ${name}`, async () => {
      const pool = await readPoolFile(encoding(`${name}.gz`));
      assert.equal(pool.format, format);
      assert.equal(pool.compression, 'gzip');
      assert.equal(describeEncoding(pool), `${format} (gzip)`);
      assert.deepEqual(counts(pool), { prompts: 2, completions: 5, pairs: 4, records: 5 });
      assert.deepEqual(pool.problems, []);

      const plain = await readPoolFile(fixture(name));
      assert.equal(plain.compression, undefined);
      assert.equal(describeEncoding(plain), format);
      assert.deepEqual(reading(pool), reading(plain));
    });
  }

  it('knows gzip by its first bytes when the name does not say so', async () => {
    const bare = join(dir, 'pool-without-extension');
    copyFileSync(encoding('long.jsonl.gz'), bare);
    const sniffed = await readPoolFile(bare);
    assert.equal(sniffed.format, 'jsonl');
    assert.equal(sniffed.compression, 'gzip');

    const misnamed = join(dir, 'rows.csv');
    copyFileSync(encoding('long.csv.gz'), misnamed);
    const csv = await readPoolFile(misnamed);
    assert.equal(csv.compression, 'gzip');
    assert.deepEqual(reading(csv), reading(await readPoolFile(fixture('long.csv'))));
  });

  it('reads gzip bytes held in memory the same way', async () => {
    const file = encoding('long.jsonl.gz');
    const fromBytes = parsePoolBytes(readFileSync(file), file);
    assert.deepEqual(fromBytes, await readPoolFile(file));
  });

  it('refuses a truncated gzip stream, naming the file and the last line read', async () => {
    // Stored blocks (level 0) make the cut land at a known place in the text.
    const text = jsonlPool(2000);
    const gz = gzipSync(text, { level: 0 });
    const cut = Math.floor(gz.length * 0.6);
    const path = temp('cut.jsonl.gz', gz.subarray(0, cut));
    await rejectsWithPoolError(readPoolFile(path), path, /gzip data is corrupt or cut short/);

    const error = (await readPoolFile(path).catch((e: unknown) => e)) as PoolError;
    const line = Number(/after line (\d+)/.exec(error.message)?.[1]);
    // Stored blocks hold the text as is, after a header: fewer bytes than `cut` came out.
    const linesBefore =
      Buffer.from(text).subarray(0, cut).toString('latin1').split('\n').length - 1;
    assert.ok(line > 0 && line <= linesBefore, `line ${line} of ${linesBefore}`);
    assert.equal(error.line, line + 1);

    const small = encoding('long.jsonl.gz');
    const tiny = temp('tiny.jsonl.gz', readFileSync(small).subarray(0, 40));
    await rejectsWithPoolError(readPoolFile(tiny), tiny, /unexpected end of file/);
    assert.throws(() => parsePoolBytes(readFileSync(tiny), tiny), PoolError);
  });

  it('refuses corrupt gzip data', async () => {
    const gz = Buffer.from(readFileSync(encoding('long.jsonl.gz')));
    for (let i = 20; i < gz.length - 12; i += 7) gz[i] ^= 0x5a;
    const corrupt = temp('corrupt.jsonl.gz', gz);
    await rejectsWithPoolError(readPoolFile(corrupt), corrupt, /gzip data is corrupt/);
  });

  it('reads plain text named .gz as text, saying it is not gzip-compressed', async () => {
    const bytes = readFileSync(fixture('long.jsonl'));
    const notGzip = temp('plain.jsonl.gz', bytes);
    const plain = await readPoolFile(fixture('long.jsonl'));
    const warning = {
      code: 'misnamed-file',
      severity: 'warning',
      file: notGzip,
      line: 1,
      message: 'the file is named .gz but is not gzip-compressed; read as plain text',
    };

    for (const pool of [
      await readPoolFile(notGzip),
      parsePoolBytes(bytes, notGzip),
      parsePoolText(bytes.toString('utf8'), notGzip),
    ]) {
      assert.equal(pool.format, 'jsonl');
      assert.equal(pool.compression, undefined);
      assert.deepEqual(pool.problems, [warning]);
      assert.deepEqual(content(pool), content(plain));
    }
  });

  it('refuses data after the end of the gzip stream, saying so', async () => {
    const gz = readFileSync(encoding('long.jsonl.gz'));
    const appended = Buffer.concat([gz, Buffer.from('{"prompt": "Q", "completion": "late"}\n')]);
    const path = temp('appended.jsonl.gz', appended);
    const trailing = /other data follows the end of the gzip stream/;
    await rejectsWithPoolError(readPoolFile(path), path, trailing);
    const error = (await readPoolFile(path).catch((e: unknown) => e)) as PoolError;
    assert.doesNotMatch(error.message, /corrupt|cut short/);
    assert.throws(() => parsePoolBytes(appended, path), trailing);

    // Zero padding and a second gzip stream are no such data.
    const padded = temp('padded.jsonl.gz', Buffer.concat([gz, Buffer.alloc(16)]));
    assert.deepEqual(counts(await readPoolFile(padded)).records, 5);
    const twice = temp('twice.jsonl.gz', Buffer.concat([gz, gz]));
    assert.deepEqual(counts(await readPoolFile(twice)).records, 10);
  });

  it('stops reading a gzip stream when its signal is aborted', async () => {
    const path = temp('abort.jsonl.gz', gzipSync(jsonlPool(20_000)));
    const controller = new AbortController();
    const reading = readPoolFile(path, { signal: controller.signal });
    setImmediate(() => controller.abort());
    await assert.rejects(reading, { name: 'AbortError' });
  });

  it('refuses gzip and Parquet files offered as text', () => {
    const gz = readFileSync(encoding('long.jsonl.gz'));
    assert.throws(() => parsePoolText(gz.toString('utf8'), 'untitled:1'), /binary/);
    assert.throws(() => parsePoolText(gz.toString('utf8'), 'x.jsonl.gz'), /gzip file is binary/);
    const parquet = readFileSync(encoding('long.snappy.parquet'));
    assert.throws(() => parsePoolText(parquet.toString('utf8'), 'untitled:1'), /Parquet/);
    assert.throws(() => parsePoolText('', 'x.parquet'), PoolError);
    assert.throws(() => parsePoolBytes(parquet, 'x.parquet'), /readPoolFile/);
  });
});

describe('Parquet pools', () => {
  const codecs = ['UNCOMPRESSED', 'SNAPPY', 'GZIP', 'BROTLI', 'ZSTD'];

  for (const codec of codecs) {
    const name = `long.${codec.toLowerCase()}.parquet`;
    it(`reads ${name} (three row groups) to the same pool as long.jsonl`, async () => {
      const file = await asyncBufferFromFile(encoding(name));
      const metadata = await parquetMetadataAsync(file);
      assert.equal(metadata.row_groups.length, 3);
      const used = metadata.row_groups.flatMap((g) => g.columns.map((c) => c.meta_data?.codec));
      assert.deepEqual(new Set(used), new Set([codec]));

      const pool = await readPoolFile(encoding(name));
      assert.equal(pool.format, 'parquet');
      assert.equal(pool.compression, undefined);
      assert.deepEqual(counts(pool), { prompts: 2, completions: 5, pairs: 4, records: 5 });
      assert.deepEqual(pool.problems, []);
      // A list<float> column is read as the embedding; rows are numbered from 1 like lines.
      assert.deepEqual(Array.from(pool.prompts[1]!.completions[2]!.embedding!), [0.25, 0, 0.75]);
      assert.deepEqual(reading(pool), reading(await readPoolFile(fixture('long.jsonl'))));
    });
  }

  it('reads a list of structs and a struct column as the JSON of the same records', async () => {
    const options: ReadOptions = { map: { prompt_id: 'meta.id' } };
    const pool = await readPoolFile(encoding('nested.snappy.parquet'), options);
    const twin = await readPoolFile(encoding('nested.jsonl'), options);
    assert.equal(pool.shape, 'wide');
    assert.deepEqual(
      pool.prompts.map((p) => p.id),
      ['uf-1', 'uf-2'],
    );
    assert.deepEqual(texts(pool), [
      ['2', 'Seven', 'Nine'],
      ['Bonjour', 'Salut, ça va ?'],
    ]);
    assert.deepEqual(counts(pool), { prompts: 2, completions: 5, pairs: 4, records: 3 });
    assert.deepEqual(where(pool.problems), where(twin.problems));
    assert.deepEqual(reading(pool), reading(twin));
  });

  it('reads 64-bit integers as numbers and reports those a number cannot hold', async () => {
    const pool = await readPoolFile(encoding('int64.uncompressed.parquet'));
    assert.deepEqual(
      pool.prompts.map((p) => p.id),
      ['1', '2'],
    );
    assert.deepEqual(
      pool.prompts.map((p) => p.completions.map((c) => c.score)),
      [
        [9, 4],
        [undefined, -3],
      ],
    );
    assert.deepEqual(where(pool.problems), ['non-finite-number@3:score']);
    assert.equal(pool.problems[0]!.severity, 'warning');
    assert.match(pool.problems[0]!.message, /1152921504606846976/);
  });

  it('knows Parquet by its first bytes when the name does not say so', async () => {
    const bare = join(dir, 'columns');
    copyFileSync(encoding('long.zstd.parquet'), bare);
    assert.equal((await readPoolFile(bare)).format, 'parquet');

    // A name that says otherwise does not make the bytes JSONL.
    const misnamed = join(dir, 'columns.jsonl');
    copyFileSync(encoding('long.zstd.parquet'), misnamed);
    const pool = await readPoolFile(misnamed);
    assert.equal(pool.format, 'parquet');
    assert.deepEqual(pool.problems, []);
    assert.deepEqual(reading(pool), reading(await readPoolFile(fixture('long.jsonl'))));
  });

  it('keeps 64-bit integer ids beyond 2^53 exact, as JSONL with string ids does', async () => {
    const pool = await readPoolFile(encoding('int64-ids.uncompressed.parquet'));
    const twin = await readPoolFile(encoding('int64-ids.jsonl'));
    assert.deepEqual(
      pool.prompts.map((p) => p.id),
      ['9007199254740993', '9007199254740992'],
    );
    assert.deepEqual(ids(pool), [
      ['9007199254741003', '9007199254741004'],
      ['9007199254741003', '9007199254741004'],
    ]);
    assert.deepEqual(pool.problems, []);
    assert.deepEqual(counts(pool), { prompts: 2, completions: 4, pairs: 2, records: 4 });
    assert.deepEqual(reading(pool), reading(twin));
  });

  it('skips a row whose text is not UTF-8, keeping a real U+FFFD and binary columns', async () => {
    const file = encoding('invalid-utf8.snappy.parquet');
    const pool = await readPoolFile(file);
    assert.deepEqual(where(pool.problems), ['invalid-encoding@3:-']);
    assert.equal(pool.problems[0]!.severity, 'error');
    assert.equal(
      pool.problems[0]!.message,
      "`completion` (e8) holds bytes that are not UTF-8; row skipped: write the file's text " +
        'as UTF-8',
    );
    // The `blob` column holds bytes that are not UTF-8 in every row: binary, not text.
    assert.deepEqual(texts(pool), [
      ['2', 'Seven'],
      ['Bonjour \uFFFD', 'Salut'],
    ]);
    assert.deepEqual(counts(pool), { prompts: 2, completions: 4, pairs: 2, records: 5 });
  });

  it('refuses damaged Parquet files with an error naming the file', async () => {
    const bytes = readFileSync(encoding('long.snappy.parquet'));
    const cut = temp('cut.parquet', bytes.subarray(0, bytes.length - 40));
    await rejectsWithPoolError(readPoolFile(cut), cut, /cannot read the Parquet file/);

    const text = temp('text.parquet', readFileSync(fixture('long.jsonl')));
    await rejectsWithPoolError(readPoolFile(text), text, /cannot read the Parquet file/);

    // Footer intact, pages overwritten: the metadata reads, the data does not.
    const pages = Buffer.from(bytes);
    pages.fill(0xff, 4, Math.floor(bytes.length / 2));
    const damaged = temp('pages.parquet', pages);
    await rejectsWithPoolError(readPoolFile(damaged), damaged, /cannot read the Parquet file/);
  });
});

describe('byte-order marks and CRLF line ends', () => {
  it('reads a JSONL file with both as the plain file, line for line', async () => {
    const file = encoding('bom-crlf.jsonl');
    const pool = await readPoolFile(file);
    assert.deepEqual(reading(pool), reading(await readPoolFile(fixture('long.jsonl'))));
    assert.ok(
      texts(pool)
        .flat()
        .every((text) => !text.includes('\r')),
    );
    assert.deepEqual(parsePoolText(readFileSync(file, 'utf8'), file), pool);
    assert.deepEqual(parsePoolBytes(readFileSync(file), file), pool);
  });

  it('reads a CSV file with both as the plain file, the quoted cell and header clean', async () => {
    const file = encoding('bom-crlf.csv');
    const pool = await readPoolFile(file);
    assert.deepEqual(reading(pool), reading(await readPoolFile(fixture('long.csv'))));
    assert.equal(pool.mapping.prompt_id, 'prompt_id');
    assert.equal(pool.mapping.embedding, 'embedding');
    assert.equal(pool.prompts[1]!.completions[2]!.text, 'He said "bonjour",\nthen left.');
    assert.deepEqual(parsePoolText(readFileSync(file, 'utf8'), file), pool);
    assert.deepEqual(parsePoolBytes(readFileSync(file), file), pool);
  });

  it('names a byte-order mark at the start of a later line, as where two files were joined', () => {
    const record = (c: string) => JSON.stringify({ prompt: 'Q', completion: c });
    const text = `\uFEFF${record('a')}\n${record('b')}\n\uFEFF${record('c')}\n${record('d')}\n`;
    const pool = parsePoolText(text, 'joined.jsonl');
    assert.deepEqual(where(pool.problems), ['malformed-record@3:-']);
    assert.equal(
      pool.problems[0]!.message,
      'a byte-order mark (U+FEFF) at the start of line 3, where a record should start (two ' +
        'files joined into one?); record skipped: delete the mark',
    );
    assert.deepEqual(texts(pool), [['a', 'b', 'd']]);
  });

  it('keeps a CRLF whole when a chunk ends between its CR and LF', async () => {
    const header = 'prompt_id,prompt,completion\r\n';
    const row = (p: number, c: number, text: string) => `q${p},Question ${p}?,${text}${c}\r\n`;
    let text = header;
    let p = 0;
    while (text.length < (1 << 20) - 200) {
      for (let c = 0; c < 2; c++) text += row(p, c, 'answer ');
      p++;
    }
    // Pad one row so that its CR is the last byte of the first 1 MiB chunk.
    const last = row(p, 0, '');
    text += row(p, 0, 'x'.repeat((1 << 20) - text.length - last.length + 1));
    assert.equal(text[(1 << 20) - 1], '\r');
    text += row(p, 1, 'answer ');
    const pool = await readPoolFile(temp('split-crlf.csv', text));
    assert.deepEqual(pool.problems, []);
    assert.equal(pool.records, 2 * (p + 1));
    assert.ok(
      texts(pool)
        .flat()
        .every((t) => !t.includes('\r')),
    );
  });
});

describe('bytes that are not UTF-8', () => {
  const jsonlFile = encoding('invalid-utf8.jsonl');
  const jsonlBytes = readFileSync(jsonlFile);
  const offset = (...bytes: number[]) => jsonlBytes.indexOf(Buffer.from(bytes));

  it('skips each JSONL record holding them, at its line and byte offset', async () => {
    const pool = await readPoolFile(jsonlFile);
    assert.deepEqual(where(pool.problems), [
      'invalid-encoding@3:-',
      'invalid-encoding@6:-',
      'invalid-encoding@7:-',
      'invalid-encoding@8:-',
      'invalid-encoding@10:-',
    ]);
    assert.ok(pool.problems.every((p) => p.severity === 'error'));
    const messages = pool.problems.map((p) => p.message);
    assert.match(messages[0]!, new RegExp(`\\(e8\\) at line 3, byte offset ${offset(0xe8)};`));
    assert.match(
      messages[1]!,
      new RegExp(`\\(e2 82\\) at line 6, byte offset ${offset(0xe2, 0x82, 0x20)};`),
    );
    assert.match(
      messages[2]!,
      new RegExp(`\\(c0 af\\) at line 7, byte offset ${offset(0xc0, 0xaf)};`),
    );
    assert.match(
      messages[3]!,
      new RegExp(`\\(ed a0 80\\) at line 8, byte offset ${offset(0xed, 0xa0)};`),
    );
    assert.match(
      messages[4]!,
      new RegExp(`\\(f0 9f\\) at line 10, byte offset ${jsonlBytes.length - 2};`),
    );

    // A U+FFFD written in the file (EF BF BD) is text like any other.
    assert.deepEqual(texts(pool), [
      ['2', 'Seven'],
      ['Bonjour \uFFFD', 'Salut', 'emoji \u{1F600} fine'],
    ]);
    assert.deepEqual(counts(pool), { prompts: 2, completions: 5, pairs: 4, records: 10 });
  });

  it('finds them the same way in memory and through gzip', async () => {
    const fromDisk = await readPoolFile(jsonlFile);
    assert.deepEqual(parsePoolBytes(jsonlBytes, jsonlFile), fromDisk);

    const gzFile = temp('invalid-utf8.jsonl.gz', gzipSync(jsonlBytes));
    const gz = await readPoolFile(gzFile);
    assert.deepEqual(reading(gz), reading(fromDisk));
    assert.match(gz.problems[0]!.message, /byte offset \d+ of the decompressed data/);
  });

  it('skips each CSV row holding them, naming the file line inside a multi-line row', async () => {
    const file = encoding('invalid-utf8.csv');
    const bytes = readFileSync(file);
    const pool = await readPoolFile(file);
    assert.deepEqual(where(pool.problems), ['invalid-encoding@4:-', 'invalid-encoding@7:-']);
    assert.match(
      pool.problems[0]!.message,
      new RegExp(`at line 4, byte offset ${bytes.indexOf(0xe8)};`),
    );
    assert.match(
      pool.problems[1]!.message,
      new RegExp(`at line 8, byte offset ${bytes.indexOf(0xff)};`),
    );
    assert.deepEqual(texts(pool), [
      ['2', 'Seven'],
      ['Bonjour \uFFFD', 'Salut', 'Coucou'],
    ]);
    assert.deepEqual(counts(pool), { prompts: 2, completions: 5, pairs: 4, records: 7 });
    assert.deepEqual(parsePoolBytes(bytes, file), pool);
  });

  it('reports them between two elements of a JSON array, losing no record', async () => {
    const record = (c: string) => JSON.stringify({ prompt: 'Q', completion: c });
    const bytes = Buffer.concat([
      Buffer.from(`[ ${record('r1')},\n`),
      Buffer.from([0xff]),
      Buffer.from(`\n${record('r2')},\n${record('r3')} ]\n`),
    ]);
    const path = temp('between.json', bytes);
    for (const pool of [await readPoolFile(path), parsePoolBytes(bytes, path)]) {
      assert.deepEqual(where(pool.problems), ['invalid-encoding@2:-']);
      assert.equal(
        pool.problems[0]!.message,
        `bytes that are not UTF-8 (ff) at line 2, byte offset ${bytes.indexOf(0xff)}, between ` +
          'two records of the array; ignored: save the file as UTF-8',
      );
      assert.deepEqual(texts(pool), [['r1', 'r2', 'r3']]);
      assert.equal(pool.records, 3);
    }
  });

  it('reports them right after an element of a JSON array, before the comma, losing no record', async () => {
    const record = (c: string) => JSON.stringify({ prompt: 'Q', completion: c });
    for (const bad of [[0xff], [0xe2, 0x82]]) {
      const bytes = Buffer.concat([
        Buffer.from(`[\n${record('r1')},\n${record('r2')}`),
        Buffer.from(bad),
        Buffer.from(`,\n${record('r3')}\n]\n`),
      ]);
      const path = temp('after-element.json', bytes);
      for (const pool of [await readPoolFile(path), parsePoolBytes(bytes, path)]) {
        assert.deepEqual(where(pool.problems), ['invalid-encoding@3:-']);
        const hex = bad.map((b) => b.toString(16)).join(' ');
        assert.equal(
          pool.problems[0]!.message,
          `bytes that are not UTF-8 (${hex}) at line 3, byte offset ` +
            `${bytes.indexOf(Buffer.from(bad))}, between two records of the array; ignored: ` +
            'save the file as UTF-8',
        );
        assert.deepEqual(texts(pool), [['r1', 'r2', 'r3']]);
        assert.equal(pool.records, 3);
      }
    }
  });

  it('reports a NUL or byte-order mark between two elements of a JSON array, losing no record', () => {
    const record = (c: string) => JSON.stringify({ prompt: 'Q', completion: c });
    const cases = [
      [
        `[\n${record('r1')},\u0000\n${record('r2')},\n${record('r3')}\n]\n`,
        2,
        'a NUL character (U+0000)',
      ],
      [
        `[\n${record('r1')},\n${record('r2')}\u0000,\n${record('r3')}\n]\n`,
        3,
        'a NUL character (U+0000)',
      ],
      [
        `[\n${record('r1')},\n\uFEFF${record('r2')},\n${record('r3')}\n]\n`,
        3,
        'a byte-order mark (U+FEFF)',
      ],
      [
        `[\n${record('r1')},\n${record('r2')}\uFEFF,\n${record('r3')}\n]\n`,
        3,
        'a byte-order mark (U+FEFF)',
      ],
    ] as const;
    for (const [text, line, what] of cases) {
      for (const pool of [
        parsePoolText(text, 'x.json'),
        parsePoolBytes(Buffer.from(text), 'x.json'),
      ]) {
        assert.deepEqual(where(pool.problems), [`malformed-record@${line}:-`]);
        assert.equal(
          pool.problems[0]!.message,
          `${what} between two records of the array; ignored`,
        );
        assert.doesNotMatch(pool.problems[0]!.message, /[\u0000-\u001f\ufeff]/);
        assert.deepEqual(texts(pool), [['r1', 'r2', 'r3']]);
        assert.equal(pool.records, 3);
      }
    }
  });

  it('names the same line for a CSV row in a gzip CRLF file as its message does', async () => {
    const rows = [
      'prompt_id,prompt,completion',
      '',
      'p1,Q,"two',
      'lines"',
      'p1,Q,b',
      '',
      'p1,Q,caf\u00e9',
      'p1,Q,d',
    ];
    const text = rows.join('\r\n') + '\r\n';
    // é in Latin-1 (e9) on line 7, where its row starts.
    const bytes = Buffer.from(text, 'latin1');
    const path = temp('bad-crlf.csv.gz', gzipSync(bytes));
    const pool = await readPoolFile(path);
    assert.deepEqual(where(pool.problems), ['invalid-encoding@7:-']);
    assert.match(
      pool.problems[0]!.message,
      / at line 7, byte offset \d+ of the decompressed data;/,
    );
    assert.deepEqual(
      pool.prompts[0]!.completions.map((c) => c.line),
      [3, 5, 8],
    );
  });

  it('refuses UTF-16 text, and a Latin-1 file whose every record is skipped', async () => {
    const utf16 = '\uFEFF' + readFileSync(fixture('long.jsonl'), 'utf8');
    const utf16File = temp('utf16.jsonl', Buffer.from(utf16, 'utf16le'));
    await rejectsWithPoolError(readPoolFile(utf16File), utf16File, /UTF-16 text; save it as UTF-8/);

    const latin1 = ['prompt_id\tprompt\tcompletion', 'p1\tQ?\tcaf\u00e9', 'p1\tQ?\tth\u00e9'];
    const latin1File = temp('latin1.tsv', Buffer.from(latin1.join('\n'), 'latin1'));
    await rejectsWithPoolError(
      readPoolFile(latin1File),
      latin1File,
      new RegExp(
        '^[^ ]*latin1\\.tsv:2: no record could be read; 2 records, problems: 2 invalid-encoding; ' +
          'first: the row holds bytes that are not UTF-8 \\(e9\\) at line 2,',
      ),
    );
  });

  it('decodes the same text and faults whatever the chunk boundaries', () => {
    const bytes = Buffer.concat([
      jsonlBytes,
      Buffer.from('\nnaïve 日本 \u{1F600}\uFFFD'),
      Buffer.from([0x80, 0x41, 0xf4, 0x90, 0x80, 0x80, 0xe0, 0x80, 0x80, 0xc3]),
    ]);
    const whole = new Utf8Decoder();
    const text = whole.decode(bytes) + whole.end();
    // One mark per run of bad bytes: 5 in the file's records, then 80, and the run from f4 to the
    // c3 that the data ends in.
    assert.equal(text.split(INVALID_MARK).length - 1, 7);
    assert.equal(whole.faults.length, 7);
    const run = bytes.indexOf(Buffer.from([0xf4, 0x90]));
    assert.deepEqual(whole.faults.at(-1), {
      line: 11,
      offset: run,
      bytes: [0xf4, 0x90, 0x80, 0x80],
    });
    assert.ok(text.includes('naïve 日本 \u{1F600}\uFFFD'));

    for (const size of [1, 2, 3, 5, 7]) {
      const chunked = new Utf8Decoder();
      let got = '';
      for (let i = 0; i < bytes.length; i += size)
        got += chunked.decode(bytes.subarray(i, i + size));
      got += chunked.end();
      assert.equal(got, text, `chunks of ${size}`);
      assert.deepEqual(chunked.faults, whole.faults, `chunks of ${size}`);
      assert.equal(chunked.line, whole.line);
    }
  });
});
