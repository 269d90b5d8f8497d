// Row heap/lru: a workload that stresses the write barrier. An LRU cache
// (a hash table of bucket chains and a doubly-linked recency list, every
// part a block of the GC heap) in a plugin on the public API
// (bench/plugins/lru-kernels.ts), against the same program on JS objects
// (bench/peers/lru-js.ts). The cache outlives the calls, so its table, its
// sentinel and the entries that stay are old, and every operation stores
// young objects into them: the remembered sets fill between minors and each
// minor scans them. Target: within 1.5× of plain JS.
//
// Both sides run the same keys (bench/random.ts, the run's seed) from an
// empty cache of the same capacity, so call i of each finds the same hits,
// misses, evictions and checksum; ours' verify compares them call by call,
// and fails unless our collector made minors, the barrier recorded old
// objects and minors scanned them (bench/gc-totals.ts). V8's observer must
// have seen collections on the JS side.

import { HeapGcTotals, JsGcTotals } from "../gc-totals.js";
import { startKernels } from "../kernels.js";
import { LruCacheJs, type LruCounts } from "../peers/lru-js.js";
import { seededRandom, uniformInt } from "../random.js";
import { defineRow, type Case, type RunContext, type TaskSpec } from "../row.js";

const CAPACITIES = [1 << 16] as const;
type Capacity = (typeof CAPACITIES)[number];

/** A quick run: a small cache and nursery, still with minors and barrier records. */
const QUICK_CAPACITY = 1 << 10;
const QUICK_NURSERY = 64 << 10;
/**
 * Operations per call, quick runs too: V8's young generation grows to 16 MiB
 * here, and a call of 2^17 makes ~7 MiB of JS objects, so a few calls are
 * sure to scavenge (verify needs V8's observer to see collections).
 */
const OPS = 1 << 17;
/** Keys are drawn from [0, KEY_RANGE × capacity): about half the lookups hit once the cache is full. */
const KEY_RANGE = 2;
/** Out counters of lruRun: hits, misses, evictions, checksum (u32 each). */
const OUT_WORDS = 4;
const U32_BYTES = Uint32Array.BYTES_PER_ELEMENT;

const JS_PEER = "plain JS objects";
const ROW = "heap/lru";

export const lruRow = defineRow<{ capacity: Capacity }>({
  name: ROW,
  title: "LRU cache, a write-barrier workload: an AssemblyScript mutator on the GC heap vs the same program on JS objects",
  unit: "cache operation",
  method:
    "An LRU cache of `capacity` entries, 2^16 buckets (load factor 1), kept across calls: a lookup walks the key's " +
    "bucket chain (Fibonacci hash, the same on both sides); a hit boxes a new value into the entry and moves it to the " +
    "front of a circular doubly-linked recency list through a sentinel; a miss makes an entry (and its value box), " +
    "links it into its bucket and at the front, and past capacity evicts the tail (unlinked from the list and its chain). " +
    "Keys: 2^17 per call, uniform in [0, 2 × capacity) from bench/random.ts's PRNG and the run's seed, the same array " +
    "every call for both sides; about half the lookups hit. Ours: every part a heap block (entry {key, value, prev, next, " +
    "chain} of 32 B (28 aligned to 8), box {value, null} of 16 B, the table a block of 2^16 fields), an AssemblyScript plugin on the " +
    "public API's simple forms (newBlock, newBlock2, setField through the write barrier; bench/plugins/lru-kernels.ts), " +
    "nursery 1 MiB, generations 2. The table, the sentinel and the entries that stay are old, and each operation stores " +
    "young entries and boxes into them, so the remembered sets fill between minors and every minor scans them. Peer: " +
    "the same program on JS classes (Entry, Box, an array of buckets; bench/peers/lru-js.ts), V8's generational GC. " +
    "Each call checks hits + misses = operations and the size's change; verify checks ours' hits, misses, evictions " +
    "and checksum equal the peer's call by call, that our collector made minors, the barrier recorded old objects and " +
    "minors scanned them, and that V8's observer saw collections. Extras per call as in heap/binary-trees, and ours' " +
    "recorded (objects the barrier put on a remembered set) and scanned (entries minors took as roots). " +
    "Quick runs: capacity 1024, 2^10 buckets, nursery 64 KiB.",
  grid: { capacity: CAPACITIES },
  targets: [{ peer: JS_PEER, maxRatio: 1.5 }],
  prepare: prepareLru,
});

/** The same n keys for both sides: uniform in [0, KEY_RANGE × capacity). */
function lruKeys(seed: number, capacity: number, n: number): Uint32Array {
  const random = seededRandom(seed);
  const keys = new Uint32Array(n);
  for (let i = 0; i < n; i++) keys[i] = uniformInt(random, 0, KEY_RANGE * capacity - 1);
  return keys;
}

/** What every call must hold on either side: each operation a hit or a miss, and the size moved by misses − evictions. */
function checkCall(who: string, counts: LruCounts, n: number, sizeBefore: number, sizeAfter: number, capacity: number): void {
  if (counts.hits + counts.misses !== n || sizeAfter - sizeBefore !== counts.misses - counts.evictions || sizeAfter > capacity) {
    throw new Error(`bench ${ROW} (${who}): ${counts.hits} hits + ${counts.misses} misses of ${n} operations, ${counts.evictions} evictions, size ${sizeBefore} → ${sizeAfter} (capacity ${capacity})`);
  }
}

function sameCounts(a: LruCounts, b: LruCounts): boolean {
  return a.hits === b.hits && a.misses === b.misses && a.evictions === b.evictions && a.checksum === b.checksum;
}

async function prepareLru(params: { capacity: Capacity }, ctx: RunContext): Promise<Case> {
  const capacity = ctx.quick ? QUICK_CAPACITY : params.capacity;
  const hashBits = Math.log2(capacity);
  const n = OPS;
  const keys = lruKeys(ctx.seed, capacity, n);

  const { rt, kernels } = await startKernels("lru-kernels", `bench ${ROW}`, ctx.quick ? { nursery: QUICK_NURSERY } : {});
  // Raw TLSF, outside the ring and the heap: the kernel only reads the keys and writes the counts.
  const keysAt = kernels.heap_alloc(n * U32_BYTES) >>> 0;
  const out = kernels.heap_alloc(OUT_WORDS * U32_BYTES) >>> 0;
  new Uint32Array(kernels.memory.buffer, keysAt, n).set(keys);
  const cache = kernels.lruSetup(capacity, hashBits);
  const ourGc = new HeapGcTotals(kernels);
  const ourCounts: LruCounts[] = [];

  const jsCache = new LruCacheJs(capacity, hashBits);
  const jsGc = new JsGcTotals();
  const jsCounts: LruCounts[] = [];

  const ours: TaskSpec = {
    name: "GC heap",
    ops: n,
    fn: () => {
      const before = kernels.lruSize();
      const done = ourGc.measure(() => kernels.lruRun(cache, keysAt, n, out));
      const [hits, misses, evictions, checksum] = new Uint32Array(kernels.memory.buffer, out, OUT_WORDS);
      const counts = { hits: hits!, misses: misses!, evictions: evictions!, checksum: checksum! };
      checkCall("GC heap", counts, done, before, kernels.lruSize(), capacity);
      ourCounts.push(counts);
      return done;
    },
    verify: (calls) => {
      if (ourCounts.length !== calls) throw new Error(`bench ${ROW}: ours checked ${ourCounts.length} calls of ${calls}`);
      const mismatch = ourCounts.findIndex((c, i) => i < jsCounts.length && !sameCounts(c, jsCounts[i]!));
      if (mismatch >= 0) {
        throw new Error(`bench ${ROW}: call ${mismatch} found ${JSON.stringify(ourCounts[mismatch])} on the GC heap but ${JSON.stringify(jsCounts[mismatch])} on JS objects`);
      }
      ourGc.verifyCollected(ROW, { majors: false });
      if (ourGc.recorded === 0 || ourGc.scanned === 0) {
        throw new Error(`bench ${ROW}: the barrier recorded ${ourGc.recorded} old objects and minors scanned ${ourGc.scanned} remembered entries; the workload must exercise both`);
      }
    },
    extras: () => ourGc.extras(),
  };
  const js: TaskSpec = {
    name: JS_PEER,
    ops: n,
    fn: () => {
      const before = jsCache.size;
      const counts = jsGc.measure(() => jsCache.run(keys, n));
      checkCall(JS_PEER, counts, n, before, jsCache.size, capacity);
      jsCounts.push(counts);
      return counts.checksum;
    },
    verify: (calls) => {
      if (jsCounts.length !== calls) throw new Error(`bench ${ROW}: ${JS_PEER} checked ${jsCounts.length} calls of ${calls}`);
      jsGc.verifyCollected(`${ROW} (${JS_PEER})`);
    },
    extras: () => jsGc.extras(),
    settle: () => jsGc.settle(),
  };
  return {
    ours,
    peers: [js],
    teardown: async () => {
      jsGc.disconnect();
      kernels.handle_free(cache);
      kernels.heap_free(out);
      kernels.heap_free(keysAt);
      await rt.shutdown();
    },
  };
}
