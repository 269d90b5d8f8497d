// The heap words of the JS values that crossed since the last collection:
// a string or an object put again crosses as the word it got the first time,
// and a heap string read again comes back as the JS string it gave before.
// See Note [One word per value until a collection].

import type { CoreExports } from "../core/exports.js";

// Note [One word per value until a collection]
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
// A string used to be copied into a new heap string on every put and
// decoded into a new JS string on every take; an object got a new host
// reference (a heap object and a slot of the table) on every put. CPU
// profiles of ping-pong (issue 18) put V8's collector at 14 % of a string
// round trip, with encode and decode another 18 %; an object's had the
// host-reference table's drain, add and the collections the extra heap
// objects caused. Yet between two collections nothing in the heap moves or
// dies: the heap string or host reference made for a value is still at its
// word. So each cycle keeps the last RECENT values that crossed (strings up
// to CACHED_STRING code units, and host-reference values) with their words,
// until the collection count moves; a value crossing again reuses its word,
// and a heap string read again is the JS string remembered for its word.
// Every lookup first compares the core's collection count (read from
// memory: a gc_count() call was a third of an object tryPut+tryTake) with
// the one the entries were made under, and forgets them all if it moved, so
// no stale word is ever used; entries made after an allocation that
// collected are forgotten by the next lookup. The host-reference drain
// (poll.ts) forgets them too, so the cache keeps no object alive longer
// than the table does.
//
// A ring, not a Map: a Map from value to word made every first crossing
// pay a hash insertion, and an object tryPut+tryTake of fresh objects went
// from ~125 ns to ~525 ns CPU (26 % in the insertion, 36 % V8's collector);
// the ring costs a scan of RECENT identity comparisons and three stores
// (~140 ns). Strings compare by content, so each also has a key (length
// and three code units, stringKey) compared first: without it a miss
// compared the characters of 16 strings of the same length, and a string
// round trip cost twice what it did with the key. It catches what the
// profiles showed: a value sent on or back soon after it arrived
// (ping-pong, a pipeline stage, a field set and read again), not a pool of
// many values sent round-robin, which a Map caught.
//
// What it changes: a heap string may be shared by several places a string
// of the same characters was put while it was remembered (heap strings are
// immutable once made: a plugin fills a new one before storing it,
// assembly/api.ts stringData), a taken string is the very string put (===
// as before, since JS compares strings by value), and an object put again
// while remembered is one host reference, which comes back as the object
// itself, as before.

/** Strings longer than this are copied and decoded every time (a copy dwarfs a lookup). */
export const CACHED_STRING = 64;
/** Values remembered: the last RECENT that crossed (a power of two). */
const RECENT = 16;

/** The key of every non-string value (no string's key is negative). */
const OBJECT_KEY = -1;

/** A cheap summary of a string (its length and three code units), compared before its characters. */
function stringKey(s: string): number {
  const n = s.length;
  if (n === 0) return 0;
  return ((n << 16) ^ s.charCodeAt(n - 1) ^ (s.charCodeAt(n >> 1) << 4) ^ (s.charCodeAt(0) << 8)) >>> 0;
}

/**
 * One cycle's words of recently crossed values; HeapContext.words. Each
 * lookup takes the cycle's current u32 view of memory (HeapContext.views).
 * A ring of the last RECENT values and their words, searched by identity
 * (strings: by value): no hashing and no allocation on a miss, which a Map
 * cost (see the Note).
 */
export class WordCache {
  /** gc_count() when the entries were made. */
  #collections = -1;
  /** Index of the core's collection count in a u32 view of its memory (gc_count_address); -1 until asked. */
  #countAt = -1;
  readonly #values: unknown[] = new Array<unknown>(RECENT).fill(undefined);
  readonly #words: number[] = new Array<number>(RECENT).fill(0);
  /** stringKey of each string value; OBJECT_KEY for the others. */
  readonly #keys: number[] = new Array<number>(RECENT).fill(OBJECT_KEY);
  #next = 0;

  /** The word `s` crossed as since the last collection, or undefined. */
  stringWord(core: CoreExports, words: Uint32Array, s: string): number | undefined {
    this.#check(core, words);
    // Strings compare by content: a cheap key first, so a miss rarely compares characters.
    const key = stringKey(s);
    const keys = this.#keys;
    const values = this.#values;
    for (let k = 0; k < RECENT; k++) if (keys[k] === key && values[k] === s) return this.#words[k];
    return undefined;
  }

  /** The word `o` (an object, function, symbol or bigint: a host reference) crossed as since the last collection, or undefined. */
  objectWord(core: CoreExports, words: Uint32Array, o: unknown): number | undefined {
    this.#check(core, words);
    const values = this.#values;
    for (let k = 0; k < RECENT; k++) if (values[k] === o) return this.#words[k];
    return undefined;
  }

  /** The JS string of the heap string at `word`, if it crossed since the last collection. */
  decodedString(core: CoreExports, words: Uint32Array, word: number): string | undefined {
    this.#check(core, words);
    const cached = this.#words;
    for (let k = 0; k < RECENT; k++) {
      if (cached[k] === word) {
        const value = this.#values[k];
        if (typeof value === "string") return value;
      }
    }
    return undefined;
  }

  /** `s` is the heap string at `word` (made from it, or read from it). */
  rememberString(s: string, word: number): void {
    this.#remember(s, word, stringKey(s));
  }

  /** `o` is the host reference at `word`. */
  rememberObject(o: unknown, word: number): void {
    this.#remember(o, word, OBJECT_KEY);
  }

  /** Lets go of every value: the cycle ended, or a collection freed host references. */
  clear(): void {
    this.#values.fill(undefined);
    this.#words.fill(0);
    this.#collections = -1;
  }

  #remember(value: unknown, word: number, key: number): void {
    const k = this.#next;
    this.#keys[k] = key;
    this.#values[k] = value;
    this.#words[k] = word;
    this.#next = (k + 1) & (RECENT - 1);
  }

  #check(core: CoreExports, words: Uint32Array): void {
    // Read from memory, not by a call: gc_count() was a third of an object tryPut+tryTake.
    let at = this.#countAt;
    if (at < 0) at = this.#countAt = core.gc_count_address() >>> 2;
    const collections = words[at]!;
    if (collections !== this.#collections) {
      if (this.#collections !== -1) {
        this.#values.fill(undefined);
        this.#words.fill(0);
      }
      this.#collections = collections;
    }
  }
}
