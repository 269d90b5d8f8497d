// The heap words of the JS values that crossed since the last collection:
// a string or an object put again crosses as the word it got the first time,
// and a heap string made from a string put comes back as that string.
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
// word. So each cycle remembers the strings (up to CACHED_STRING code
// units) and host-reference values that crossed in, with their words, until
// the collection count moves; a value crossing again reuses its word, and
// the heap string made from a string comes back as that string. Every
// lookup first compares the core's collection count (read from memory: a
// gc_count() call was a third of an object tryPut+tryTake) with the one the
// entries were made under, and forgets them all if it moved, so no stale
// word is ever used; entries made after an allocation that collected are
// forgotten by the next lookup. The host-reference drain (poll.ts) forgets
// them too, so the cache keeps no object alive longer than the table does.
//
// How they are kept, each choice measured (issue 18, CPU per operation):
// - Strings: two direct-mapped tables of STRING_SLOTS, one by content (a
//   key from the length and four code units picks the slot and is compared
//   before the characters) and one by word, so a lookup is one slot, hit or
//   miss. They replaced a ring of the last 16 values searched in turn: a
//   miss scanned all 16 (~25 ns), which made a Block.get of a string not
//   seen recently 99 ns and a set 135 ns (host/get-set string16-cold),
//   against 76 and 86 before there was a cache.
// - A string read from the heap is not remembered: storing each fresh JS
//   string into the tables (V8's write barrier, a key) was a quarter of
//   such a get. Only strings put are, which is what ping-pong, a pipeline
//   stage and a field set then read again need.
// - Objects: a ring of the last RECENT_OBJECTS, searched by identity. JS
//   gives an object a hash only through a Map, and a Map from value to word
//   made every first crossing pay a hash insertion: an object tryPut+tryTake
//   of fresh objects went from ~125 ns to ~525 ns (26 % in the insertion,
//   36 % V8's collector). So a pool of many objects sent round-robin misses.
//   Eight, not sixteen: the scan is what every miss pays, and eight hold what
//   the MVar rows keep in flight (a pipeline of four workers): host/try-put-
//   take's 64 objects round-robin went from 102 to 93 ns a pair, and the
//   object pipeline from 1.317× to 1.261× (5 and 3 processes, 2026-12-06).
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
/** Slots of each string table (a power of two): a string's slot is a hash of its key, a heap string's a hash of its word. */
const STRING_SLOTS = 64;
/** Bits of a key that pick its slot: the top ones of a multiplicative hash. */
const SLOT_SHIFT = 32 - Math.log2(STRING_SLOTS);
/** Objects remembered: the last RECENT_OBJECTS that crossed (a power of two). */
const RECENT_OBJECTS = 8;

/**
 * A hash of a string's length and four of its code units (first, middle, last
 * two), compared before its characters; its top bits are its slot. Not the
 * whole string: a hash over 64 code units would cost more than the copy it saves.
 */
function stringKey(s: string): number {
  const n = s.length;
  if (n === 0) return 0;
  const h = ((n * 31 + s.charCodeAt(0)) * 31 + s.charCodeAt(n >> 1)) * 31 + s.charCodeAt(n - 1);
  return Math.imul(h * 31 + (n > 1 ? s.charCodeAt(n - 2) : 0), 0x9e3779b1);
}

/** The slot of a heap string's word (objects are 8-byte aligned, so the low three bits say nothing). */
function wordSlot(word: number): number {
  return (word >>> 3) & (STRING_SLOTS - 1);
}

/**
 * One cycle's words of recently crossed values; HeapContext.words. Each
 * lookup takes the cycle's current u32 view of memory (HeapContext.views).
 * Strings: two direct-mapped tables, by content (stringKey's slot) and by
 * heap word, so a lookup is one slot, hit or miss. Objects: a ring of the
 * last RECENT_OBJECTS, searched by identity (JS gives an object no hash but
 * through a Map, which cost more than the ring: see the Note).
 */
export class WordCache {
  /** gc_count() when the entries were made. */
  #collections = -1;
  /** Index of the core's collection count in a u32 view of its memory (gc_count_address); -1 until asked. */
  #countAt = -1;
  /** By content: slot stringKey(s) >>> SLOT_SHIFT holds s, its key and its word. */
  readonly #strings: (string | undefined)[] = new Array<string | undefined>(STRING_SLOTS).fill(undefined);
  readonly #stringKeys = new Int32Array(STRING_SLOTS);
  readonly #stringWords = new Uint32Array(STRING_SLOTS);
  /** By word: slot wordSlot(word) holds the word (0: none) and the JS string of its heap string. */
  readonly #decodedWords = new Uint32Array(STRING_SLOTS);
  readonly #decoded: (string | undefined)[] = new Array<string | undefined>(STRING_SLOTS).fill(undefined);
  readonly #objects: unknown[] = new Array<unknown>(RECENT_OBJECTS).fill(undefined);
  readonly #objectWords = new Uint32Array(RECENT_OBJECTS);
  #nextObject = 0;
  /** The key stringWord computed last, so a miss's rememberString need not read the string again. */
  #lastKey = 0;

  /** The word `s` crossed as since the last collection, or undefined. */
  stringWord(core: CoreExports, words: Uint32Array, s: string): number | undefined {
    this.#check(core, words);
    const key = (this.#lastKey = stringKey(s));
    const slot = key >>> SLOT_SHIFT;
    // The key first, so a string in the same slot rarely costs a comparison of characters.
    if (this.#stringKeys[slot] === key && this.#strings[slot] === s) return this.#stringWords[slot];
    return undefined;
  }

  /** The word `o` (an object, function, symbol or bigint: a host reference) crossed as since the last collection, or undefined. */
  objectWord(core: CoreExports, words: Uint32Array, o: unknown): number | undefined {
    this.#check(core, words);
    const objects = this.#objects;
    for (let k = 0; k < RECENT_OBJECTS; k++) if (objects[k] === o) return this.#objectWords[k];
    return undefined;
  }

  /** The JS string of the heap string at `word`, if it crossed since the last collection. */
  decodedString(core: CoreExports, words: Uint32Array, word: number): string | undefined {
    this.#check(core, words);
    const slot = wordSlot(word);
    return this.#decodedWords[slot] === word ? this.#decoded[slot] : undefined;
  }

  /**
   * `s` is the heap string at `word`, just made from it after stringWord's
   * lookup of `s` missed: that lookup's key is reused (on a string built by
   * concatenation each code unit read costs).
   */
  rememberString(s: string, word: number): void {
    const key = this.#lastKey;
    const slot = key >>> SLOT_SHIFT;
    this.#strings[slot] = s;
    this.#stringKeys[slot] = key;
    this.#stringWords[slot] = word;
    const at = wordSlot(word);
    this.#decodedWords[at] = word;
    this.#decoded[at] = s;
  }

  /** `o` is the host reference at `word`. */
  rememberObject(o: unknown, word: number): void {
    const k = this.#nextObject;
    this.#objects[k] = o;
    this.#objectWords[k] = word;
    this.#nextObject = (k + 1) & (RECENT_OBJECTS - 1);
  }

  /** Lets go of every value: the cycle ended, or a collection freed host references. */
  clear(): void {
    this.#forget();
    this.#collections = -1;
  }

  #forget(): void {
    // No word is 0, so a zeroed word slot matches nothing; undefined matches no string or object.
    this.#strings.fill(undefined);
    this.#decoded.fill(undefined);
    this.#decodedWords.fill(0);
    this.#objects.fill(undefined);
  }

  #check(core: CoreExports, words: Uint32Array): void {
    // Read from memory, not by a call: gc_count() was a third of an object tryPut+tryTake.
    let at = this.#countAt;
    if (at < 0) at = this.#countAt = core.gc_count_address() >>> 2;
    const collections = words[at]!;
    if (collections !== this.#collections) {
      if (this.#collections !== -1) this.#forget();
      this.#collections = collections;
    }
  }
}
