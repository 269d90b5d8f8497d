// The LRU plugin (bench/plugins/lru-kernels.ts), the write-barrier workload of
// heap/lru: under sanity (the checker after every collection) it keeps the
// remembered-set rule on every collection and finds what the JS peer finds;
// with the barrier told to forget old-to-young stores, the checker catches it
// on this workload. Run through rt.call, which throws a sanity verdict after
// the call. No timing.

import { afterEach, expect, test } from "vitest";
import { startKernels, type LruKernels } from "../bench/kernels.js";
import { LruCacheJs } from "../bench/peers/lru-js.js";
import { seededRandom, uniformInt } from "../bench/random.js";
import { SanityError } from "../src/index.js";
import type { Runtime } from "../src/runtime.js";
import { thrownBy } from "./support/thrown.js";

let rt: Runtime | undefined;
afterEach(async () => {
  if (rt?.state === "running") await rt.shutdown();
  rt = undefined;
});

const U32_BYTES = Uint32Array.BYTES_PER_ELEMENT;
const CAPACITY = 256;
const HASH_BITS = 8;
const NURSERY = 64 << 10;

function keys(seed: number, n: number): Uint32Array {
  const random = seededRandom(seed);
  return Uint32Array.from({ length: n }, () => uniformInt(random, 0, 2 * CAPACITY - 1));
}

/** A cache on a fresh runtime, and the keys copied into its memory. */
async function lruOn(options: Parameters<typeof startKernels>[2], sequence: Uint32Array): Promise<{ k: LruKernels; cache: number; at: number; out: number }> {
  const started = await startKernels("lru-kernels", "test lru", options);
  rt = started.rt;
  const k = started.kernels;
  const at = k.heap_alloc(sequence.length * U32_BYTES) >>> 0;
  new Uint32Array(k.memory.buffer, at, sequence.length).set(sequence);
  const out = k.heap_alloc(4 * U32_BYTES) >>> 0;
  const cache = k.lruSetup(CAPACITY, HASH_BITS);
  return { k, cache, at, out };
}

test("under sanity, every collection of the LRU workload passes the checker, and the counts equal the JS peer's", async () => {
  const sequence = keys(0x5eed, 1 << 14);
  const { k, cache, at, out } = await lruOn({ nursery: NURSERY, sanity: true }, sequence);
  const js = new LruCacheJs(CAPACITY, HASH_BITS);
  for (let round = 0; round < 3; round++) {
    // rt.call throws the checker's verdict after the call, had any collection broken a rule.
    expect(rt!.call("lruRun", cache, at, sequence.length, out)).toBe(sequence.length);
    const [hits, misses, evictions, checksum] = new Uint32Array(k.memory.buffer, out, 4);
    expect({ hits, misses, evictions, checksum }).toEqual(js.run(sequence, sequence.length));
    expect(k.lruSize()).toBe(js.size);
  }
  const heap = rt!.stats().heap;
  expect(heap.collections.minor).toBeGreaterThan(10);
  expect(heap.collections.major).toBeGreaterThan(0);
  // The barrier recorded old objects, and minors took them as roots.
  expect(heap.rememberedSets.recorded).toBeGreaterThan(1000);
  expect(heap.rememberedSets.scanned).toBeGreaterThan(1000);
  rt!.checkSanity();
  k.handle_free(cache);
});

test("with the barrier skipping old-to-young stores, the checker catches it on the LRU workload", async () => {
  const sequence = keys(0x5eed, 1 << 14);
  const { cache, at, out } = await lruOn({ nursery: NURSERY, sanity: true, faults: { skipBarrier: "old-to-young" } }, sequence);
  // One operation a call, so the verdict is thrown right after the collection that found it.
  let error: unknown;
  let calls = 0;
  while (calls < sequence.length && error === undefined) {
    error = thrownBy(() => rt!.call("lruRun", cache, at + calls * U32_BYTES, 1, out));
    calls++;
  }
  expect(error, `no verdict in ${calls} operations`).toBeInstanceOf(SanityError);
  expect(["remembered", "pointer"]).toContain((error as SanityError).check);
  expect((error as SanityError).generation).toBe(1);
});
