// Seeded randomness for benchmark inputs, so two runs (and two machines)
// measure the same sizes in the same order.

import { Random } from "../src/threads/random.js";

/** A generator of floats in [0, 1), from the project's one seeded PRNG (src/threads/random.ts). */
export function seededRandom(seed: number): () => number {
  const random = new Random(seed >>> 0);
  return () => random.nextFloat();
}

/** A whole number in [min, max], uniformly. */
export function uniformInt(random: () => number, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

/**
 * A whole number in [min, max] whose logarithm is uniform: as many sizes in
 * 16–32 B as in 32–64 KiB, the way real allocation sizes skew small.
 */
export function logUniformInt(random: () => number, min: number, max: number): number {
  const value = Math.floor(Math.exp(Math.log(min) + random() * (Math.log(max + 1) - Math.log(min))));
  return Math.min(max, Math.max(min, value));
}

/** 0..n-1 in a random order (Fisher–Yates). */
export function permutation(random: () => number, n: number): Uint32Array {
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
  return order;
}
