import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hashNgrams, hashTexts, normalizeText } from '../../../src/core/features/ngram-hash';

/** Word unigrams + bigrams and character 3- to 5-grams of a normalised text, counted by hand. */
function ngramCount(normal: string): number {
  const words = normal.split(/[^\p{L}\p{M}\p{N}]+/u).filter((w) => w.length > 0).length;
  let characters = 0;
  for (let n = 3; n <= 5; n++) characters += Math.max(0, normal.length - n + 1);
  return words + Math.max(0, words - 1) + characters;
}

const sumOfMagnitudes = (values: Float64Array) => values.reduce((s, v) => s + Math.abs(v), 0);

test('normalising lower-cases and collapses white space', () => {
  assert.equal(normalizeText('  Hello,\t\n  WORLD!  '), 'hello, world!');
  assert.equal(normalizeText('a\u00a0\u2003b'), 'a b');
  assert.equal(normalizeText(' \n '), '');
});

test('hashing is deterministic and ignores case and spacing', () => {
  const a = hashNgrams('The quick brown fox jumps over the lazy dog.');
  const b = hashNgrams('The quick brown fox jumps over the lazy dog.');
  const c = hashNgrams('the   QUICK brown\nfox jumps over the lazy dog.');
  assert.deepEqual(a, b);
  assert.deepEqual(a, c);
  assert.equal(a.dim, 4096);
});

test('indices are increasing, in range, and carry non-zero values', () => {
  for (const hashDim of [1, 7, 4096]) {
    const v = hashNgrams('Some text, with words and punctuation; and more words.', hashDim);
    assert.equal(v.indices.length, v.values.length);
    for (let t = 0; t < v.indices.length; t++) {
      assert.ok(v.indices[t] >= 0 && v.indices[t] < hashDim);
      if (t > 0) assert.ok(v.indices[t] > v.indices[t - 1]);
      assert.notEqual(v.values[t], 0);
    }
  }
});

test('every n-gram is counted once, with sign +1 or -1', () => {
  const texts = ['ab', 'abc', 'Hello world', 'one two three four five six', 'x'.repeat(40)];
  for (const text of texts) {
    const total = ngramCount(normalizeText(text));
    // With 2^21 buckets these few n-grams do not collide, so nothing cancels.
    const wide = hashNgrams(text, 1 << 21);
    const distinct = new Set<string>();
    const normal = normalizeText(text);
    for (let n = 3; n <= 5; n++) {
      for (let i = 0; i + n <= normal.length; i++) distinct.add(`c:${normal.slice(i, i + n)}`);
    }
    const words = normal.split(' ');
    words.forEach((w, i) => {
      distinct.add(`w:${w}`);
      if (i > 0) distinct.add(`b:${words[i - 1]} ${w}`);
    });
    assert.equal(sumOfMagnitudes(wide.values), total, text);
    assert.equal(wide.indices.length, distinct.size, text);
    // In one bucket everything collides: the value is a sum of `total` signs.
    const single = hashNgrams(text, 1);
    const value = single.values.length === 0 ? 0 : single.values[0];
    assert.ok(Math.abs(value) <= total && (total - value) % 2 === 0, text);
  }
});

test('a repeated word is counted as often as it occurs', () => {
  const once = hashNgrams('zebra', 1 << 21);
  const thrice = hashNgrams('zebra zebra zebra', 1 << 21);
  const wordBuckets = [...once.indices].filter((b) => thrice.indices.includes(b));
  const magnitudes = wordBuckets.map((b) => Math.abs(thrice.values[thrice.indices.indexOf(b)]));
  assert.ok(magnitudes.includes(3), 'the unigram "zebra" and its character grams occur 3 times');
});

test('distinct texts give distinct vectors, and signs are balanced', () => {
  const texts = ['yes', 'no', 'Yes.', 'The answer is 4.', 'The answer is 5.', 'def f(x): return x'];
  const keys = texts.map((t) => {
    const v = hashNgrams(t);
    return `${[...v.indices]}|${[...v.values]}`;
  });
  assert.equal(new Set(keys).size, texts.length);

  const long = Array.from({ length: 400 }, (_, i) => `word${i}`).join(' ');
  const v = hashNgrams(long, 1 << 21);
  const negative = v.values.filter((x) => x < 0).length / v.values.length;
  assert.ok(negative > 0.45 && negative < 0.55, `share of negative signs ${negative}`);
});

test('hashTexts stacks the hashNgrams rows', () => {
  const texts = ['first completion', '', 'second completion, longer than the first'];
  const m = hashTexts(texts, 512);
  assert.equal(m.rows, 3);
  assert.equal(m.cols, 512);
  texts.forEach((text, i) => {
    const row = hashNgrams(text, 512);
    const start = m.rowStart[i];
    const end = m.rowStart[i + 1];
    assert.deepEqual([...m.indices.subarray(start, end)], [...row.indices]);
    assert.deepEqual([...m.values.subarray(start, end)], [...row.values]);
  });
  assert.equal(m.rowStart[2] - m.rowStart[1], 0);
});

test('hashTexts stops when its signal is aborted', () => {
  assert.throws(() => hashTexts(['a', 'b'], 64, AbortSignal.abort()), { name: 'AbortError' });
});
