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
// word. So each cycle keeps, until the collection count moves, the word each
// string and object crossed as (strings up to CACHED_STRING code units), and
// the JS string each heap string was read as; a value crossing again reuses
// them. Every lookup first compares the core's collection count with the one
// the entries were made under and empties the maps if it moved, so no stale
// word is ever used; entries made after an allocation that collected are
// dropped by the next lookup. The maps are emptied too when they reach
// MAX_ENTRIES, and when the host drains the host references a collection
// found dead (poll.ts), so that the cache keeps no object alive longer than
// the table does.
//
// What it changes: a heap string is shared by every place a string of the
// same characters was put in the same interval (heap strings are immutable
// once made: a plugin fills a new one before storing it, assembly/api.ts
// stringData), a taken string is the very string put (=== as before, since
// JS compares strings by value), and an object put twice between collections
// is one host reference, which comes back as the object itself, as before.

/** Strings longer than this are copied and decoded every time (a copy dwarfs a lookup). */
export const CACHED_STRING = 64;
/** Entries per map before it is emptied. */
const MAX_ENTRIES = 4096;

/**
 * One cycle's words of recently crossed values; HeapContext.words. Each
 * lookup takes the cycle's current u32 view of memory (HeapContext.views).
 */
export class WordCache {
  /** gc_count() when the entries were made. */
  #collections = -1;
  /** Index of the core's collection count in a u32 view of its memory (gc_count_address); -1 until asked. */
  #countAt = -1;
  #strings = new Map<string, number>();
  #objects = new Map<unknown, number>();
  /** Heap string word → the JS string it was read as or made from. */
  #decoded = new Map<number, string>();

  /** The word `s` crossed as since the last collection, or undefined. */
  stringWord(core: CoreExports, words: Uint32Array, s: string): number | undefined {
    this.#check(core, words);
    return this.#strings.get(s);
  }

  /** The word `o` (an object, function, symbol or bigint: a host reference) crossed as since the last collection, or undefined. */
  objectWord(core: CoreExports, words: Uint32Array, o: unknown): number | undefined {
    this.#check(core, words);
    return this.#objects.get(o);
  }

  /** The JS string of the heap string at `word`, if it crossed since the last collection. */
  decodedString(core: CoreExports, words: Uint32Array, word: number): string | undefined {
    this.#check(core, words);
    return this.#decoded.get(word);
  }

  /** `s` is the heap string at `word` (made from it, or read from it). */
  rememberString(s: string, word: number): void {
    if (this.#strings.size >= MAX_ENTRIES || this.#decoded.size >= MAX_ENTRIES) this.#clear();
    this.#strings.set(s, word);
    this.#decoded.set(word, s);
  }

  /** `o` is the host reference at `word`. */
  rememberObject(o: unknown, word: number): void {
    if (this.#objects.size >= MAX_ENTRIES) this.#clear();
    this.#objects.set(o, word);
  }

  /** The cycle ended: let go of every value. */
  clear(): void {
    this.#clear();
    this.#collections = -1;
  }

  #check(core: CoreExports, words: Uint32Array): void {
    // Read from memory, not by a call: gc_count() was a third of an object tryPut+tryTake.
    let at = this.#countAt;
    if (at < 0) at = this.#countAt = core.gc_count_address() >>> 2;
    const collections = words[at]!;
    if (collections !== this.#collections) {
      this.#clear();
      this.#collections = collections;
    }
  }

  #clear(): void {
    if (this.#strings.size !== 0) this.#strings.clear();
    if (this.#objects.size !== 0) this.#objects.clear();
    if (this.#decoded.size !== 0) this.#decoded.clear();
  }
}
