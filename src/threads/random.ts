// A small seeded pseudo-random number generator: the same seed gives the same
// sequence on every machine and every run, which is what makes a stress run,
// a property test or a chaos schedule reproducible from the one number it
// prints.
//
// Note [Which generator]
// ~~~~~~~~~~~~~~~~~~~~~~
// sfc32 (Chris Doty-Humphrey's Small Fast Chaotic generator, 32-bit variant,
// from PractRand): four 32-bit words of state, passes PractRand and BigCrush,
// and needs only 32-bit integer operations, which JavaScript does exactly
// with `| 0`, `>>>` and Math.imul. Not cryptographic, and not meant to be.
// The 32-bit seed is spread over the 128-bit state with splitmix32, and the
// first SEED_DISCARD outputs are thrown away, so nearby seeds (1, 2, 3, …)
// give unrelated sequences from the first number on.
//
// Note [Unbiased nextInt]
// ~~~~~~~~~~~~~~~~~~~~~~~
// `nextU32() % n` favours small results whenever n does not divide 2^32. We
// use rejection instead: draw, and redraw while the draw falls in the last,
// incomplete run of n values. At most half the draws are rejected (n ≤ 2^32),
// so the expected cost is under two draws.

import { ArgumentError } from "../core/errors.js";
import { describe } from "../core/options.js";

/** 2^32, as a number: the count of distinct nextU32() results. */
const TWO_POW_32 = 2 ** 32;
/** Outputs thrown away after seeding; See Note [Which generator]. */
const SEED_DISCARD = 12;
/** The splitmix32 increment (the golden ratio in 32 bits). */
const GOLDEN_GAMMA = 0x9e3779b9;

/** The largest seed accepted: seeds are 32-bit unsigned integers. */
export const MAX_SEED = TWO_POW_32 - 1;

/** A seeded sfc32 generator. See Note [Which generator]. */
export class Random {
  /** The seed this generator started from, for reproduction commands. */
  readonly seed: number;
  #a: number;
  #b: number;
  #c: number;
  #d: number;

  /** @param seed an integer from 0 to 2^32 − 1 */
  constructor(seed: number) {
    if (!isSeed(seed)) {
      throw new ArgumentError(`Random: seed must be a whole number from 0 to ${MAX_SEED}, got ${describe(seed)}`);
    }
    this.seed = seed;
    let mix = seed | 0;
    const next = (): number => {
      mix = (mix + GOLDEN_GAMMA) | 0;
      let z = mix;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) | 0;
    };
    this.#a = next();
    this.#b = next();
    this.#c = next();
    this.#d = 1; // sfc32's counter; any start value is fine
    for (let i = 0; i < SEED_DISCARD; i++) this.nextU32();
  }

  /** A uniformly distributed integer from 0 to 2^32 − 1. */
  nextU32(): number {
    const a = this.#a;
    const b = this.#b;
    const c = this.#c;
    const d = this.#d;
    const t = (((a + b) | 0) + d) | 0;
    this.#d = (d + 1) | 0;
    this.#a = b ^ (b >>> 9);
    this.#b = (c + (c << 3)) | 0;
    this.#c = (((c << 21) | (c >>> 11)) + t) | 0;
    return t >>> 0;
  }

  /** A uniformly distributed integer from 0 to n − 1, n from 1 to 2^32. See Note [Unbiased nextInt]. */
  nextInt(n: number): number {
    if (!Number.isSafeInteger(n) || n < 1 || n > TWO_POW_32) {
      throw new ArgumentError(`Random.nextInt: n must be a whole number from 1 to 2^32, got ${describe(n)}`);
    }
    // The largest multiple of n that fits in 2^32; draws at or above it are redrawn.
    const limit = TWO_POW_32 - (TWO_POW_32 % n);
    for (;;) {
      const x = this.nextU32();
      if (x < limit) return x % n;
    }
  }

  /** A uniformly distributed integer from lo to hi, both included. */
  nextRange(lo: number, hi: number): number {
    if (!Number.isSafeInteger(lo) || !Number.isSafeInteger(hi) || hi < lo) {
      throw new ArgumentError(`Random.nextRange: lo and hi must be whole numbers with lo ≤ hi, got ${describe(lo)} and ${describe(hi)}`);
    }
    return lo + this.nextInt(hi - lo + 1);
  }

  /** A uniformly distributed float in [0, 1), with 32 bits of randomness. */
  nextFloat(): number {
    return this.nextU32() / TWO_POW_32;
  }

  /** true with probability p (0 ≤ p ≤ 1). */
  chance(p: number): boolean {
    if (typeof p !== "number" || !(p >= 0 && p <= 1)) {
      throw new ArgumentError(`Random.chance: p must be a probability from 0 to 1, got ${describe(p)}`);
    }
    return this.nextFloat() < p;
  }

  /** One element of a non-empty array, uniformly. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new ArgumentError("Random.pick: the array is empty; there is nothing to pick");
    return items[this.nextInt(items.length)]!;
  }

  /**
   * Picks an index with probability proportional to its weight. Weights are
   * non-negative and at least one is positive.
   */
  pickWeighted(weights: readonly number[]): number {
    let total = 0;
    for (const w of weights) {
      if (typeof w !== "number" || !(w >= 0) || !Number.isFinite(w)) {
        throw new ArgumentError(`Random.pickWeighted: weights must be finite and non-negative, got ${describe(w)}`);
      }
      total += w;
    }
    if (total <= 0) throw new ArgumentError("Random.pickWeighted: at least one weight must be positive");
    let x = this.nextFloat() * total;
    for (let i = 0; i < weights.length; i++) {
      x -= weights[i]!;
      if (x < 0 && weights[i]! > 0) return i;
    }
    // Rounding can leave x a hair above 0 after the loop: the last positive weight wins.
    for (let i = weights.length - 1; ; i--) if (weights[i]! > 0) return i;
  }

  /** Shuffles an array in place (Fisher–Yates) and returns it. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.nextInt(i + 1);
      const tmp = items[i]!;
      items[i] = items[j]!;
      items[j] = tmp;
    }
    return items;
  }

  /**
   * A new generator seeded from this one: an independent stream for a
   * sub-task (one cycle, one thread), so adding draws to one sub-task does
   * not shift the numbers every later one sees.
   */
  fork(): Random {
    return new Random(this.nextU32());
  }
}

/** true for an integer from 0 to 2^32 − 1. */
export function isSeed(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0 && value <= MAX_SEED;
}

/** A fresh seed from the operating system's entropy, for runs given none. */
export function freshSeed(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0]!;
}
