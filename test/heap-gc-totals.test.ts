// The collector's running totals in stats().heap: bytes kept by every
// collection, and the remembered sets' traffic (objects the barrier recorded,
// entries collections scanned as roots), which the sets' current lengths
// cannot show once a collection has emptied them.

import { expect, test } from "vitest";
import { Runtime } from "../src/index.js";
import { generationOf } from "./heap-support.js";

/** Header and two fields (BLOCK2_BYTES in assembly/heap/alloc.ts). */
const BLOCK2_BYTES = 16;

test("copiedBytes sums what each collection kept, and a collection that keeps nothing adds nothing", async () => {
  const rt = await Runtime.start({ sanity: true });
  const kept = [];
  for (let i = 0; i < 10; i++) kept.push(rt.block(0, [i, null]));
  rt.gc();
  const afterFirst = rt.stats().heap.collections.copiedBytes;
  expect(afterFirst).toBe(10 * BLOCK2_BYTES);
  for (const cell of kept) cell.free();
  rt.gc();
  // The cells are in generation 0's to-space now; dead, they are not copied again.
  expect(rt.stats().heap.collections.copiedBytes).toBe(afterFirst);
  await rt.shutdown();
});

test("the barrier's records count every old object it puts on a set, and a minor scans each as a root", async () => {
  const rt = await Runtime.start({ sanity: true });
  const olds = [rt.block(0, [null]), rt.block(0, [null]), rt.block(0, [null])];
  rt.gc();
  rt.gc();
  for (const old of olds) expect(generationOf(rt, old)).toBe(1);
  const before = rt.stats().heap.rememberedSets;
  rt.scope(() => {
    for (const old of olds) old.set(0, rt.block(1, []));
    // A second store into a recorded object records nothing more.
    olds[0]!.set(0, rt.block(2, []));
  });
  expect(rt.stats().heap.rememberedSets.recorded - before.recorded).toBe(3);
  rt.gc(); // minor: the three are roots
  const after = rt.stats().heap.rememberedSets;
  expect(after.scanned - before.scanned).toBe(3);
  await rt.shutdown();
});

test("immediate stores record nothing, and a restart starts the totals over", async () => {
  const rt = await Runtime.start();
  const old = rt.block(0, [null]);
  rt.gc();
  rt.gc();
  old.set(0, 7);
  expect(rt.stats().heap.rememberedSets.recorded).toBe(0);
  old.set(0, rt.block(1, []));
  expect(rt.stats().heap.rememberedSets.recorded).toBe(1);
  rt.gc();
  expect(rt.stats().heap.collections.copiedBytes).toBeGreaterThan(0);
  old.free();
  await rt.restart();
  expect(rt.stats().heap.rememberedSets).toEqual({ recorded: 0, scanned: 0 });
  expect(rt.stats().heap.collections.copiedBytes).toBe(0);
  await rt.shutdown();
});
