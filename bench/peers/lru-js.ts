// The plain-JS peer of the LRU workload (bench/plugins/lru-kernels.ts): the
// same cache on JS objects, V8's generational GC underneath. The same hash,
// capacity, bucket chains, recency list through a sentinel, value boxes
// replaced on a hit, and the same values and checksum, so for the same keys
// both sides report the same hits, misses, evictions and checksum.
// Idiomatic JS: classes, an array of buckets, fields assigned in place.

/** Knuth's multiplicative constant, 2^32 / φ (HASH_MULTIPLIER in the plugin). */
const HASH_MULTIPLIER = 0x9e3779b1;
const VALUE_MASK = (1 << 29) - 1;
const VALUE_KEY_FACTOR = 7;

class Box {
  constructor(readonly value: number) {}
}

class Entry {
  prev: Entry;
  next: Entry;
  constructor(
    readonly key: number,
    public value: Box | null,
    public chain: Entry | null,
  ) {
    this.prev = this;
    this.next = this;
  }
}

/** What one run of a key sequence found. */
export interface LruCounts {
  hits: number;
  misses: number;
  evictions: number;
  /** The values the hits found, summed modulo 2^32. */
  checksum: number;
}

export class LruCacheJs {
  readonly #capacity: number;
  readonly #shift: number;
  readonly #table: (Entry | null)[];
  readonly #sentinel = new Entry(-1, null, null);
  #size = 0;

  constructor(capacity: number, hashBits: number) {
    if (!Number.isInteger(capacity) || capacity < 1 || !Number.isInteger(hashBits) || hashBits < 1 || hashBits > 24) {
      throw new RangeError(`LruCacheJs: capacity must be ≥ 1 and hash bits 1..24, got ${capacity} and ${hashBits}`);
    }
    this.#capacity = capacity;
    this.#shift = 32 - hashBits;
    this.#table = new Array<Entry | null>(1 << hashBits).fill(null);
  }

  get size(): number {
    return this.#size;
  }

  #bucket(key: number): number {
    return Math.imul(key, HASH_MULTIPLIER) >>> this.#shift;
  }

  #linkFirst(e: Entry): void {
    const sentinel = this.#sentinel;
    const first = sentinel.next;
    e.prev = sentinel;
    e.next = first;
    first.prev = e;
    sentinel.next = e;
  }

  /** As lruRun: a hit boxes a new value and moves to the front; a miss inserts, evicting past capacity. */
  run(keys: Uint32Array, n: number): LruCounts {
    let hits = 0;
    let misses = 0;
    let evictions = 0;
    let checksum = 0;
    const table = this.#table;
    for (let i = 0; i < n; i++) {
      const key = keys[i]!;
      const value = (key * VALUE_KEY_FACTOR + i) & VALUE_MASK;
      const b = this.#bucket(key);
      let e: Entry | null = table[b]!;
      while (e !== null && e.key !== key) e = e.chain;
      if (e !== null) {
        hits++;
        checksum = (checksum + e.value!.value) >>> 0;
        e.value = new Box(value);
        e.prev.next = e.next;
        e.next.prev = e.prev;
        this.#linkFirst(e);
        continue;
      }
      misses++;
      e = new Entry(key, new Box(value), table[b]!);
      table[b] = e;
      this.#linkFirst(e);
      if (this.#size < this.#capacity) {
        this.#size++;
        continue;
      }
      const tail = this.#sentinel.prev;
      tail.prev.next = tail.next;
      tail.next.prev = tail.prev;
      this.#unchain(tail);
      evictions++;
    }
    return { hits, misses, evictions, checksum };
  }

  #unchain(e: Entry): void {
    const table = this.#table;
    const b = this.#bucket(e.key);
    let p = table[b]!;
    if (p === e) {
      table[b] = e.chain;
      return;
    }
    while (p.chain !== e) p = p.chain!;
    p.chain = e.chain;
  }
}
