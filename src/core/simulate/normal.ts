import type { Random } from '../design/seeded-random';

/**
 * A standard normal draw from a seeded uniform source (Box-Muller, one of the pair kept), so
 * that every synthetic world is reproducible from its seed.
 */
export function normal(random: Random): number {
  let u = random();
  while (u <= 0) u = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}
