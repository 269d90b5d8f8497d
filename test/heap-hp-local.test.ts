// A mutator holding the nursery's Hp in a local (Note [Hp in a local],
// assembly/heap/nursery.ts), through the nursery-allocation kernel
// (nurseryAlloc, a plugin on the public API's takeHp … giveHp): its collections happen where a full nursery says,
// it hands Hp back so the heap's own accounting and the host's next
// allocation continue where it stopped, and the heap stays sane.

import { afterEach, expect, test } from "vitest";
import type { Runtime } from "../src/runtime.js";
import { startKernels } from "../bench/kernels.js";

const NURSERY = 64 << 10;
/** A block of two fields: header and two values (BLOCK2_BYTES in assembly/heap/alloc.ts). */
const BLOCK2_BYTES = 16;
const PER_NURSERY = NURSERY / BLOCK2_BYTES;

let rt: Runtime | undefined;
afterEach(async () => {
  await rt?.shutdown();
  rt = undefined;
});

test("a run of allocations with Hp in a local collects once per full nursery and hands Hp back", async () => {
  const started = await startKernels("heap-kernels", "test hp-local", { nursery: NURSERY, sanity: true });
  rt = started.rt;
  const core = started.kernels;
  const n = 2 * PER_NURSERY + PER_NURSERY / 2;
  core.nurseryAlloc(n);
  const heap = rt.stats().heap;
  // The first nursery is created by the first allocation (Note [Lazy nursery]);
  // each later full one is collected, nothing surviving.
  expect(heap.collections).toEqual({ total: 2, minor: 2, major: 0, copiedBytes: 0 });
  expect(heap.nursery.used).toBe((n - 2 * PER_NURSERY) * BLOCK2_BYTES);
  expect(heap.generations.map((g) => g.objects)).toEqual([0, 0]);
  rt.checkSanity();

  // The host's allocator continues at the Hp the kernel handed back.
  const b = rt.block(9, [1, 2]);
  expect(rt.stats().heap.nursery.used).toBe((n - 2 * PER_NURSERY + 1) * BLOCK2_BYTES);
  expect((core.heap_nursery_size() - core.heap_nursery_used()) / BLOCK2_BYTES).toBe(PER_NURSERY - (n - 2 * PER_NURSERY + 1));
  // And the kernel again after the host, across one more collection.
  core.nurseryAlloc(PER_NURSERY);
  expect(rt.stats().heap.collections.total).toBe(3);
  expect([b.tag, b.get(0), b.get(1)]).toEqual([9, 1, 2]);
  rt.checkSanity();
  b.free();
});

test("the kernel's objects are well-formed blocks the collector can walk", async () => {
  const started = await startKernels("heap-kernels", "test hp-local", { nursery: NURSERY, sanity: true });
  rt = started.rt;
  const core = started.kernels;
  const kept = rt.block(0, [null]);
  core.nurseryAlloc(PER_NURSERY / 4);
  rt.checkSanity(); // walks the nursery object by object up to the handed-back Hp
  rt.gc({ major: true });
  expect(rt.stats().heap.generations.map((g) => g.objects)).toEqual([1, 0]); // only `kept` survives; it ages
  kept.free();
});
