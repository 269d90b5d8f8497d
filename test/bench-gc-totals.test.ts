// bench/gc-totals.ts: what each side's collector did over a task's calls.
// A run that made no collection fails verifyCollected on either side, and a
// run that did passes, with its collections counted by kind. No timing.

import { afterEach, expect, test } from "vitest";
import { expectedChecks } from "../bench/binary-trees.js";
import { HeapGcTotals, JsGcTotals } from "../bench/gc-totals.js";
import { startKernels } from "../bench/kernels.js";
import { binaryTreesJs } from "../bench/peers/binary-trees-js.js";
import type { Runtime } from "../src/runtime.js";

let rt: Runtime | undefined;
afterEach(async () => {
  await rt?.shutdown();
  rt = undefined;
});

const U32_BYTES = Uint32Array.BYTES_PER_ELEMENT;

test("ours: a run without collections fails verifyCollected; binary-trees at 64 KiB makes minors and majors", async () => {
  const started = await startKernels("heap-kernels", "test gc-totals", { nursery: 64 << 10 });
  rt = started.rt;
  const k = started.kernels;
  const totals = new HeapGcTotals(k);
  totals.measure(() => k.binaryTreesLines(12));
  expect(() => totals.verifyCollected("test")).toThrow(/0 minor and 0 major/);

  const out = k.heap_alloc(expectedChecks(12).length * U32_BYTES) >>> 0;
  totals.measure(() => k.binaryTrees(12, out));
  totals.verifyCollected("test");
  const extras = totals.extras();
  expect(totals.minors).toBe(rt.stats().heap.collections.minor);
  expect(totals.majors).toBe(rt.stats().heap.collections.major);
  expect(totals.majors).toBeGreaterThan(0);
  expect(totals.copiedBytes).toBe(rt.stats().heap.collections.copiedBytes);
  // Two runs: the extras are per run.
  expect(extras.minors).toBe(totals.minors / 2);
  expect(extras.peakMiB).toBe(k.memory.buffer.byteLength / (1 << 20));
  // binary-trees never stores into an old object.
  expect(totals.recorded).toBe(0);
  k.heap_free(out);
});

test("ours: a run with majors but no minors still fails (both kinds are required)", async () => {
  const started = await startKernels("heap-kernels", "test gc-totals");
  rt = started.rt;
  const k = started.kernels;
  const totals = new HeapGcTotals(k);
  totals.measure(() => k.gc_collect(1));
  expect(totals.majors).toBe(1);
  expect(totals.minors).toBe(0);
  expect(() => totals.verifyCollected("test")).toThrow(/0 minor and 1 major/);
});

test("plain JS: the observer counts the scavenges inside the runs only, once they are delivered", async () => {
  const js = new JsGcTotals();
  try {
    js.measure(() => 0);
    await js.settle();
    expect(() => js.verifyCollected("test")).toThrow(/saw 0 minor and 0 major/);
    for (let i = 0; i < 3; i++) js.measure(() => binaryTreesJs(14));
    await js.settle();
    js.verifyCollected("test");
    expect(js.totals().minors).toBeGreaterThan(0);
    expect(js.extras().peakMiB).toBeGreaterThan(0);
  } finally {
    js.disconnect();
  }
});
