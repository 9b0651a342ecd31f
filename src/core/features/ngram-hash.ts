/**
 * The built-in text featurizer's first step: word unigrams and bigrams and character 3- to
 * 5-grams of a text, hashed into a fixed number of buckets. No vocabulary, no model, no network;
 * the same text gives the same vector on every machine.
 *
 * Each n-gram is hashed with 32-bit FNV-1a over its UTF-16 code units, starting from a basis
 * that depends on its family (word, word pair, characters), so that "the" as a word and "the" as
 * characters land apart. The hash is then mixed; its high bits pick the bucket and its lowest bit
 * a sign, so that colliding n-grams cancel on average instead of piling up.
 */
import { mix32 } from './random';
import { SparseMatrixBuilder, type SparseMatrix, type SparseVector } from './sparse-matrix';

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const SPACE = 0x20;

const WORD_BASIS = Math.imul(FNV_OFFSET ^ 0x01, FNV_PRIME);
const BIGRAM_BASIS = Math.imul(FNV_OFFSET ^ 0x02, FNV_PRIME);
const CHAR_BASIS = Math.imul(FNV_OFFSET ^ 0x03, FNV_PRIME);

/** Keeps `mixed * hashDim` below 2^53, so that the bucket is computed exactly. */
const MAX_HASH_DIM = 1 << 21;

const WHITESPACE = 1;
const WORD_UNIT = 2;

let classTable: Uint8Array | undefined;

/**
 * The class of every UTF-16 code unit: white space (as the regular expression `\s` defines it),
 * part of a word (a letter, mark or digit, or half of a surrogate pair: a character outside the
 * Basic Multilingual Plane), or other. Built once, on first use.
 */
function characterClasses(): Uint8Array {
  if (classTable) return classTable;
  const table = new Uint8Array(65536);
  const space = /\s/;
  const word = /[\p{L}\p{M}\p{N}]/u;
  for (let c = 0; c < 65536; c++) {
    const unit = String.fromCharCode(c);
    if (space.test(unit)) table[c] = WHITESPACE;
    else if ((c >= 0xd800 && c <= 0xdfff) || word.test(unit)) table[c] = WORD_UNIT;
  }
  classTable = table;
  return table;
}

/**
 * Writes the normal form of `text` into `codes` (which must hold `text.length * 3` units, the
 * most lower-casing can produce), and returns its length: lower case, every run of white space one
 * space, no space at either end.
 */
function normalizeInto(text: string, codes: Uint16Array): number {
  const classes = characterClasses();
  const lower = text.toLowerCase();
  let length = 0;
  let pendingSpace = false;
  for (let t = 0; t < lower.length; t++) {
    const c = lower.charCodeAt(t);
    if (classes[c] === WHITESPACE) {
      pendingSpace = length > 0;
      continue;
    }
    if (pendingSpace) codes[length++] = SPACE;
    pendingSpace = false;
    codes[length++] = c;
  }
  return length;
}

/** Lower case, every run of white space one space, no space at either end. */
export function normalizeText(text: string): string {
  const codes = new Uint16Array(text.length * 3);
  const length = normalizeInto(text, codes);
  let out = '';
  for (let t = 0; t < length; t += 8192) {
    out += String.fromCharCode(...codes.subarray(t, Math.min(length, t + 8192)));
  }
  return out;
}

/**
 * Raw FNV-1a hashes of the word unigrams and bigrams (hashed as "first second") of codes[0 ..
 * length - 1], written to `hashes` from position `at`; returns the position after the last.
 */
function wordGrams(codes: Uint16Array, length: number, hashes: Int32Array, at: number): number {
  const classes = characterClasses();
  let previousStart = -1;
  let previousEnd = -1;
  let t = 0;
  while (t < length) {
    if (classes[codes[t]] !== WORD_UNIT) {
      t++;
      continue;
    }
    const start = t;
    while (t < length && classes[codes[t]] === WORD_UNIT) t++;
    hashes[at++] = fnvRange(WORD_BASIS, codes, start, t);
    if (previousStart >= 0) {
      const first = fnvRange(BIGRAM_BASIS, codes, previousStart, previousEnd);
      hashes[at++] = fnvRange(Math.imul(first ^ SPACE, FNV_PRIME), codes, start, t);
    }
    previousStart = start;
    previousEnd = t;
  }
  return at;
}

/**
 * Raw FNV-1a hashes of every run of 3, 4 and 5 consecutive code units (spaces included) of
 * codes[0 .. length - 1], written to `hashes` from position `at`; returns the position after.
 */
function characterGrams(
  codes: Uint16Array,
  length: number,
  hashes: Int32Array,
  at: number,
): number {
  for (let i = 0; i + 3 <= length; i++) {
    let h = Math.imul(CHAR_BASIS ^ codes[i], FNV_PRIME);
    h = Math.imul(h ^ codes[i + 1], FNV_PRIME);
    h = Math.imul(h ^ codes[i + 2], FNV_PRIME);
    hashes[at++] = h;
    if (i + 3 === length) break;
    h = Math.imul(h ^ codes[i + 3], FNV_PRIME);
    hashes[at++] = h;
    if (i + 4 === length) continue;
    h = Math.imul(h ^ codes[i + 4], FNV_PRIME);
    hashes[at++] = h;
  }
  return at;
}

/** FNV-1a of codes[start .. end - 1], continuing from state `h`. */
function fnvRange(h: number, codes: Uint16Array, start: number, end: number): number {
  for (let t = start; t < end; t++) h = Math.imul(h ^ codes[t], FNV_PRIME);
  return h;
}

/**
 * Counts the hashed n-grams of one text at a time into a dense scratch vector of `hashDim`
 * buckets, and hands them out as a sparse row. Reused across texts: the scratch is cleared by
 * visiting only the buckets touched.
 */
export class NgramHasher {
  private readonly counts: Float64Array;
  /** Buckets that left zero since the last drain, in that order (a bucket may recur). */
  private readonly touched: Int32Array;
  /** For a power-of-two hashDim, the bucket is the top bits of the mixed hash. */
  private readonly shift: number;
  private codes = new Uint16Array(4096);
  private hashes = new Int32Array(16384);

  constructor(readonly hashDim: number) {
    if (!Number.isInteger(hashDim) || hashDim < 1 || hashDim > MAX_HASH_DIM) {
      throw new RangeError(`hashDim must be an integer in [1, ${MAX_HASH_DIM}], got ${hashDim}`);
    }
    this.counts = new Float64Array(hashDim);
    this.touched = new Int32Array(hashDim);
    this.shift = hashDim > 1 && (hashDim & (hashDim - 1)) === 0 ? 32 - Math.log2(hashDim) : -1;
  }

  /**
   * Hashes `text` and returns the number of non-zero buckets, written in increasing bucket order
   * to `indices` and `values` (signed counts). Both must hold `hashDim` entries.
   */
  hash(text: string, indices: Int32Array, values: Float64Array): number {
    // Lower-casing can triple a text's length; it has at most 4 n-grams per code unit.
    if (this.codes.length < text.length * 3) this.codes = new Uint16Array(text.length * 3);
    const length = normalizeInto(text, this.codes);
    if (this.hashes.length < length * 4 + 8) this.hashes = new Int32Array(length * 4 + 8);
    let count = wordGrams(this.codes, length, this.hashes, 0);
    count = characterGrams(this.codes, length, this.hashes, count);
    return this.drain(this.accumulate(this.hashes, count), indices, values);
  }

  /**
   * Adds each hash's sign (+1 or -1, its lowest mixed bit, applied without a branch: it is a coin
   * flip) to its bucket (its highest mixed bits). Returns how many buckets were listed in
   * `touched`, or -1 if the list overflowed.
   */
  private accumulate(hashes: Int32Array, count: number): number {
    const { counts, touched, shift, hashDim } = this;
    let listed = 0;
    for (let t = 0; t < count; t++) {
      const mixed = mix32(hashes[t]);
      const bucket = shift >= 0 ? mixed >>> shift : Math.floor((mixed * hashDim) / 4294967296);
      if (counts[bucket] === 0) {
        if (listed === hashDim) return this.accumulateUnlisted(hashes, t, count);
        touched[listed++] = bucket;
      }
      counts[bucket] += 1 - 2 * (mixed & 1);
    }
    return listed;
  }

  /** `accumulate` from hash `first` on, once the list of touched buckets is full. */
  private accumulateUnlisted(hashes: Int32Array, first: number, count: number): number {
    const { counts, shift, hashDim } = this;
    for (let t = first; t < count; t++) {
      const mixed = mix32(hashes[t]);
      const bucket = shift >= 0 ? mixed >>> shift : Math.floor((mixed * hashDim) / 4294967296);
      counts[bucket] += 1 - 2 * (mixed & 1);
    }
    return -1;
  }

  /**
   * Emits the non-zero buckets in increasing order and clears them: from the sorted list of
   * touched buckets, or by scanning every bucket when the list is long or overflowed. A bucket
   * that went back to zero and up again is listed twice; its second visit finds it cleared.
   */
  private drain(listed: number, indices: Int32Array, values: Float64Array): number {
    const { counts, hashDim } = this;
    const scan = listed < 0 || listed * 8 > hashDim;
    const touched = this.touched.subarray(0, Math.max(0, listed));
    if (!scan) touched.sort();
    const total = scan ? hashDim : listed;
    // Written unconditionally and kept only when non-zero: no unpredictable branch per bucket.
    let size = 0;
    for (let t = 0; t < total; t++) {
      const bucket = scan ? t : touched[t];
      const value = counts[bucket];
      indices[size] = bucket;
      values[size] = value;
      size += value === 0 ? 0 : 1;
      counts[bucket] = 0;
    }
    return size;
  }
}

/**
 * The hashed n-gram counts of one text: a sparse vector of dimension `hashDim` whose entries are
 * signed counts (each n-gram adds +1 or -1 to its bucket, by its sign hash).
 */
export function hashNgrams(text: string, hashDim = 4096): SparseVector {
  const hasher = new NgramHasher(hashDim);
  const indices = new Int32Array(hashDim);
  const values = new Float64Array(hashDim);
  const size = hasher.hash(text, indices, values);
  return { dim: hashDim, indices: indices.slice(0, size), values: values.slice(0, size) };
}

/**
 * The hashed n-gram counts of many texts: a texts.length x hashDim sparse matrix, row `i` the
 * `hashNgrams` vector of `texts[i]`.
 */
export function hashTexts(
  texts: readonly string[],
  hashDim = 4096,
  signal?: AbortSignal,
): SparseMatrix {
  const hasher = new NgramHasher(hashDim);
  const builder = new SparseMatrixBuilder(hashDim);
  const indices = new Int32Array(hashDim);
  const values = new Float64Array(hashDim);
  for (let i = 0; i < texts.length; i++) {
    if ((i & 255) === 0) signal?.throwIfAborted();
    const size = hasher.hash(texts[i], indices, values);
    builder.addRow(indices, values, size);
  }
  return builder.build();
}
