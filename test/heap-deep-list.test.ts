// A list of 10^7 cells survives minor and major collections: the collector
// never recurses over data. Built inside the core (test_build_list) so the
// test times the collector, not 10^7 host calls.

import { expect, test } from "vitest";
import { Runtime } from "../src/index.js";
import { withCore } from "../src/runtime.js";

const CELLS = 10_000_000;
const NO_HANDLE = 0xffff_ffff;

test("a 10^7-cell list survives the minor collections that build it, then explicit minor and major ones", async () => {
  const rt = await Runtime.start();
  const list = withCore(rt, "test", (core) => core.test_build_list(CELLS) >>> 0);
  expect(list).not.toBe(NO_HANDLE);
  const built = rt.stats().heap;
  expect(built.collections.minor).toBeGreaterThan(100);
  expect(built.collections.major).toBeGreaterThan(0);
  expect(withCore(rt, "test", (core) => core.test_check_list(list))).toBe(CELLS);

  rt.gc();
  expect(withCore(rt, "test", (core) => core.test_check_list(list))).toBe(CELLS);
  rt.gc({ major: true });
  expect(withCore(rt, "test", (core) => core.test_check_list(list))).toBe(CELLS);

  const old = rt.stats().heap.generations.at(-1)!;
  expect(old.objects).toBe(CELLS);
  expect(old.bytes).toBe(CELLS * 16);

  // Letting go of the head frees the whole list at the next major collection,
  // and its chunks go back to the pool.
  withCore(rt, "test", (core) => core.handle_free(list));
  rt.gc({ major: true });
  const after = rt.stats();
  expect(after.heap.generations.every((g) => g.objects === 0)).toBe(true);
  expect(after.pool.bytes).toBeLessThan(4 << 20);
  const report = await rt.shutdown();
  expect([report.leakedBlocks, report.leakedBytes]).toEqual([0, 0]);
});

test("the same list with 3 generations and the smallest nursery", async () => {
  const rt = await Runtime.start({ generations: 3, nursery: 64 << 10 });
  const n = 1_000_000;
  const list = withCore(rt, "test", (core) => core.test_build_list(n) >>> 0);
  expect(withCore(rt, "test", (core) => core.test_check_list(list))).toBe(n);
  rt.gc({ major: true });
  expect(withCore(rt, "test", (core) => core.test_check_list(list))).toBe(n);
  // A major collection promotes each survivor one generation (the oldest
  // stays): the cells still in the nursery need three to reach generation 2.
  expect(rt.stats().heap.generations.reduce((sum, g) => sum + g.objects, 0)).toBe(n);
  rt.gc({ major: true });
  rt.gc({ major: true });
  expect(rt.stats().heap.generations.map((g) => g.objects)).toEqual([0, 0, n]);
  rt.checkSanity();
  await rt.shutdown();
});
