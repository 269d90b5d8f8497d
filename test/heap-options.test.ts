// The heap's options are validated with messages that say what was wrong, and
// stats() reports the heap as configured.

import { expect, test } from "vitest";
import { ArgumentError, Runtime } from "../src/index.js";

test.each([
  [{ nursery: 1000 }, /nursery must be a whole number of bytes from 65536/],
  [{ nursery: (64 << 10) + 1 }, /a multiple of 8/],
  [{ nursery: "1MiB" }, /nursery must be/],
  [{ generations: 1 }, /generations must be a whole number from 2 to 16, got 1/],
  [{ generations: 17 }, /generations must be/],
  [{ generations: 2.5 }, /generations must be/],
  [{ sanity: "yes" }, /sanity must be true or false/],
  [{ faults: "skip" }, /faults must be an object/],
  [{ faults: { skipBarrier: "always" } }, /faults\.skipBarrier must be 'old-to-young'/],
  [{ faults: { other: 1 } }, /unknown fault 'other'/],
])("Runtime.start(%o) is refused", async (options, message) => {
  await expect(Runtime.start(options as never)).rejects.toThrow(ArgumentError);
  await expect(Runtime.start(options as never)).rejects.toThrow(message);
});

test("stats() reports the configured heap, collections and pauses", async () => {
  const rt = await Runtime.start({ nursery: 128 << 10, generations: 4 });
  let heap = rt.stats().heap;
  expect(heap.nursery).toEqual({ size: 128 << 10, used: 0, promotedInPlace: 0 });
  expect(heap.generations.map((g) => g.generation)).toEqual([0, 1, 2, 3]);
  expect(heap.collections).toEqual({ total: 0, minor: 0, major: 0, copiedBytes: 0 });
  expect(heap.pauses.count).toBe(0);
  const b = rt.block(0, [1, "two", 3.5]);
  rt.gc();
  rt.gc();
  rt.gc({ major: true });
  heap = rt.stats().heap;
  expect(heap.collections).toEqual(expect.objectContaining({ total: 3, minor: 2, major: 1 }));
  expect(heap.collections.copiedBytes).toBeGreaterThan(0);
  expect([heap.pauses.count, heap.pauses.minor.count, heap.pauses.major.count]).toEqual([3, 2, 1]);
  expect(heap.pauses.p50Ms).toBeGreaterThan(0);
  expect(heap.pauses.p99Ms).toBeGreaterThanOrEqual(heap.pauses.p50Ms);
  expect(heap.pauses.totalMs).toBeGreaterThanOrEqual(heap.pauses.maxMs);
  expect(heap.pauses.maxMs).toBeGreaterThanOrEqual(heap.pauses.lastMs);
  expect(heap.handles).toEqual({ live: 1, capacity: expect.any(Number), reclaimedByFinalizer: 0 });
  expect(heap.generations.reduce((n, g) => n + g.objects, 0)).toBe(3);
  expect(JSON.parse(JSON.stringify(heap))).toEqual(heap);
  b.free();
  await rt.shutdown();
});
