/**
 * Seeds of the independent random streams of one simulation run (the world, the labels, each
 * randomized design), derived from the run's seed and a stream name by a 32-bit hash, so that
 * adding a stream never shifts the draws of another.
 */
export function streamSeed(seed: number, stream: string): number {
  let h = Math.imul((Math.floor(seed) ^ 0x85ebca6b) >>> 0, 0xc2b2ae35) >>> 0;
  for (let i = 0; i < stream.length; i++) {
    h = Math.imul(h ^ stream.charCodeAt(i), 0x01000193) >>> 0;
    h ^= h >>> 15;
  }
  return (Math.imul(h ^ (h >>> 13), 0x5bd1e995) >>> 0) & 0x7fffffff;
}
