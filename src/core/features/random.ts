/**
 * The seeded random source of featurizing (the randomized PCA sketch, row subsamples): a 32-bit
 * Weyl sequence passed through a strong integer mixer, two outputs per double, so that a seed
 * reproduces the features bit for bit on any machine.
 */

/** A uniform generator of doubles in [0, 1), with 53 random bits each. */
export type Rng = () => number;

const WEYL_STEP = 0x9e3779b9;
const TWO_POW_26 = 67108864;
const TWO_POW_53 = 9007199254740992;

/** Avalanches the 32 bits of `x`: every input bit flips every output bit with probability ~1/2. */
export function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

/**
 * A generator of uniform doubles in [0, 1) from a seed. Any finite number is a valid seed: its
 * integer part is used, high and low 32-bit halves both count.
 */
export function createRng(seed: number): Rng {
  const whole = Number.isFinite(seed) ? Math.trunc(seed) : 0;
  const high = Math.floor(whole / 4294967296);
  let state = mix32((whole >>> 0) ^ mix32(high ^ 0x5bd1e995));
  const next32 = (): number => {
    state = (state + WEYL_STEP) >>> 0;
    return mix32(state);
  };
  return () => ((next32() >>> 5) * TWO_POW_26 + (next32() >>> 6)) / TWO_POW_53;
}

/** A standard normal draw (Box-Muller, cosine branch). */
export function gaussian(rng: Rng): number {
  const u = 1 - rng();
  const v = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** `count` distinct integers drawn uniformly from [0, n), in increasing order. */
export function sampleWithoutReplacement(rng: Rng, n: number, count: number): Int32Array {
  if (count > n) throw new RangeError(`Cannot sample ${count} of ${n} items`);
  const items = new Int32Array(n);
  for (let i = 0; i < n; i++) items[i] = i;
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(rng() * (n - i));
    const swap = items[i];
    items[i] = items[j];
    items[j] = swap;
  }
  return items.slice(0, count).sort();
}
