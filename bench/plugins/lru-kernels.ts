// A write-barrier workload, as a plugin (docs/plugins.md): an LRU cache whose
// every structure is a block of the GC heap, written against the public API
// (assembly/api.ts) only, in its simple forms (newBlock, newBlock2, field,
// setField: every store through the barrier). Built by
// scripts/build-plugins.mjs into build/bench/lru-kernels.wasm; timed by
// bench/rows/lru.ts against the same program on JS objects
// (bench/peers/lru-js.ts).
//
// The cache lives across calls, so its table, its sentinel and the entries
// that stay in it are old; each operation stores young objects into them:
//   miss   a new entry (young) goes into its bucket (the table is old) and
//          after the sentinel (old), and becomes the old first entry's prev;
//          past capacity the tail is evicted (its neighbours relinked)
//   hit    the entry gets a new value box (young) and moves to the front
// so the remembered sets fill between minors and every minor scans them.
//
//   cache  ┌──────────────┬──────────┬──────────────┬─────────────────┐
//          │ info (tag 6) │ len = 2  │ table: block │ sentinel: entry │
//          └──────────────┴──────────┴──────────────┴─────────────────┘
//   table  a block of 2^bits fields (tag 7), each a chain of entries or null
//   entry  ┌──────────────┬──────────┬─────┬─────────────┬──────┬──────┬───────┐
//          │ info (tag 8) │ len = 5  │ key │ value: box  │ prev │ next │ chain │
//          └──────────────┴──────────┴─────┴─────────────┴──────┴──────┴───────┘
//   box    a block {value: int, null} (tag 9): the entry's value, replaced on a hit
//
// The recency list is circular through the sentinel: sentinel.next is the
// most recently used entry, sentinel.prev the least (the next evicted); an
// empty cache has both pointing at the sentinel. Keys are small ints;
// bucket = Fibonacci hash of the key, its top `bits` bits.
//
// Rooting (Note [Rooting in a mutator], assembly/api.ts): the cache block
// sits on the root stack for a whole run, re-read (peek) after every
// allocation; an entry needed across an allocation is pushed and popped.
// Nothing else survives an allocation in a local.

export * from "../../assembly/index";
import {
  Value, Handle, NULL, fromInt, toInt, field, setField, initField, push, pop, peek,
  newBlock, newBlock2, handleNew, handleGet,
} from "../../assembly/api";

@inline const CACHE_TAG: u32 = 6;
@inline const TABLE_TAG: u32 = 7;
@inline const ENTRY_TAG: u32 = 8;
@inline const BOX_TAG: u32 = 9;

/** Fields of the cache block. */
@inline const CACHE_TABLE: u32 = 0;
@inline const CACHE_SENTINEL: u32 = 1;
@inline const CACHE_FIELDS: u32 = CACHE_SENTINEL + 1;
/** Fields of an entry. */
@inline const ENTRY_KEY: u32 = 0;
@inline const ENTRY_VALUE: u32 = 1;
@inline const ENTRY_PREV: u32 = 2;
@inline const ENTRY_NEXT: u32 = 3;
@inline const ENTRY_CHAIN: u32 = 4;
@inline const ENTRY_FIELDS: u32 = ENTRY_CHAIN + 1;
/** Fields of a value box. */
@inline const BOX_VALUE: u32 = 0;

/** Knuth's multiplicative constant, 2^32 / φ: the same in bench/peers/lru-js.ts. */
@inline const HASH_MULTIPLIER: u32 = 0x9e3779b1;
@inline const HASH_BITS_MAX: u32 = 24;
/** Keys are ints of the heap's immediate range; the host draws them far below it. */
@inline const KEY_MAX: u32 = 1 << 29;
/** What a value is: a function of the key and the operation's index, masked to an immediate. */
@inline const VALUE_MASK: u32 = (1 << 29) - 1;
@inline const VALUE_KEY_FACTOR: u32 = 7;

/** Counters a run writes to the host's `out`, u32 each, in this order. */
@inline const OUT_HITS: usize = 0;
@inline const OUT_MISSES: usize = 1;
@inline const OUT_EVICTIONS: usize = 2;
@inline const OUT_CHECKSUM: usize = 3;
@inline const U32: usize = sizeof<u32>();

let capacity: u32 = 0;
let bits: u32 = 0;
let size: u32 = 0;

@inline function bucketOf(key: u32): u32 { return (key * HASH_MULTIPLIER) >>> (32 - bits); }

/**
 * A new, empty cache of `cap` entries and 2^hashBits buckets; its handle
 * (the host frees it). One cache at a time: the plugin keeps its size.
 */
export function lruSetup(cap: u32, hashBits: u32): Handle {
  if (cap == 0 || hashBits == 0 || hashBits > HASH_BITS_MAX) {
    abort("lruSetup: capacity must be ≥ 1 and hash bits 1.." + HASH_BITS_MAX.toString() + ", got " + cap.toString() + " and " + hashBits.toString());
  }
  capacity = cap;
  bits = hashBits;
  size = 0;
  let sentinel = newBlock(ENTRY_TAG, ENTRY_FIELDS);
  initField(sentinel, ENTRY_PREV, sentinel);
  initField(sentinel, ENTRY_NEXT, sentinel);
  push(sentinel);
  let table = newBlock(TABLE_TAG, 1 << hashBits);
  sentinel = pop();
  let cache = newBlock2(CACHE_TAG, table, sentinel);
  return handleNew(cache);
}

/** Entries the cache holds now. */
export function lruSize(): u32 { return size; }

/** The entry of `key` in its chain, or NULL. Allocates nothing. */
function lookup(table: Value, key: u32): Value {
  let e = field(table, bucketOf(key));
  while (e != NULL && <u32>toInt(field(e, ENTRY_KEY)) != key) e = field(e, ENTRY_CHAIN);
  return e;
}

@inline function unlink(e: Value): void {
  let prev = field(e, ENTRY_PREV);
  let next = field(e, ENTRY_NEXT);
  setField(prev, ENTRY_NEXT, next);
  setField(next, ENTRY_PREV, prev);
}

/** Links `e` right after the sentinel: the most recently used. */
@inline function linkFirst(sentinel: Value, e: Value): void {
  let first = field(sentinel, ENTRY_NEXT);
  setField(e, ENTRY_PREV, sentinel);
  setField(e, ENTRY_NEXT, first);
  setField(first, ENTRY_PREV, e);
  setField(sentinel, ENTRY_NEXT, e);
}

/**
 * Takes `e` off its bucket's chain. The walk is bounded by the size: a longer
 * chain is a broken heap (a lost barrier record shows up here first), and
 * fails loudly instead of looping.
 */
function unchain(table: Value, e: Value): void {
  let b = bucketOf(<u32>toInt(field(e, ENTRY_KEY)));
  let p = field(table, b);
  if (p == e) {
    setField(table, b, field(e, ENTRY_CHAIN));
    return;
  }
  let steps: u32 = 0;
  while (field(p, ENTRY_CHAIN) != e) {
    p = field(p, ENTRY_CHAIN);
    if (p == NULL || ++steps > size) abort("lruRun: an evicted entry is missing from its bucket's chain");
  }
  setField(p, ENTRY_CHAIN, field(e, ENTRY_CHAIN));
}

/**
 * Looks up each of the n keys at `keys` (u32) in the cache: a hit gives the
 * entry a new value box and moves it to the front; a miss inserts a new
 * entry at the front, evicting the least recently used past capacity. The
 * value of operation i for key k is (7k + i) masked to an immediate; the
 * checksum adds the value each hit finds. Writes hits, misses, evictions and
 * the checksum (u32, wrapping) to `out`; returns hits + misses.
 */
export function lruRun(cache: Handle, keys: usize, n: u32, out: usize): u32 {
  if (capacity == 0) abort("lruRun: call lruSetup first");
  let hits: u32 = 0;
  let misses: u32 = 0;
  let evictions: u32 = 0;
  let checksum: u32 = 0;
  push(handleGet(cache)); // peek(0) from here on, after every allocation
  for (let i: u32 = 0; i < n; i++) {
    let key = load<u32>(keys + <usize>i * U32);
    if (key >= KEY_MAX) abort("lruRun: key " + key.toString() + " is outside 0.." + (KEY_MAX - 1).toString());
    let value = fromInt(<i32>((key * VALUE_KEY_FACTOR + i) & VALUE_MASK));
    let e = lookup(field(peek(0), CACHE_TABLE), key);
    if (e != NULL) {
      hits++;
      checksum += <u32>toInt(field(field(e, ENTRY_VALUE), BOX_VALUE));
      push(e);
      let box = newBlock2(BOX_TAG, value, NULL);
      e = pop();
      setField(e, ENTRY_VALUE, box);
      unlink(e);
      linkFirst(field(peek(0), CACHE_SENTINEL), e);
      continue;
    }
    misses++;
    push(newBlock2(BOX_TAG, value, NULL));
    e = newBlock(ENTRY_TAG, ENTRY_FIELDS);
    // Fresh and young: its own fields need no barrier.
    initField(e, ENTRY_KEY, fromInt(<i32>key));
    initField(e, ENTRY_VALUE, pop());
    let c = peek(0);
    let table = field(c, CACHE_TABLE);
    let sentinel = field(c, CACHE_SENTINEL);
    let b = bucketOf(key);
    initField(e, ENTRY_CHAIN, field(table, b));
    setField(table, b, e);
    linkFirst(sentinel, e);
    if (size < capacity) {
      size++;
      continue;
    }
    let tail = field(sentinel, ENTRY_PREV);
    unlink(tail);
    unchain(table, tail);
    evictions++;
  }
  pop();
  store<u32>(out + OUT_HITS * U32, hits);
  store<u32>(out + OUT_MISSES * U32, misses);
  store<u32>(out + OUT_EVICTIONS * U32, evictions);
  store<u32>(out + OUT_CHECKSUM * U32, checksum);
  return hits + misses;
}
