// Host references are released when their heap object dies, and all of them
// at shutdown (counted in the ShutdownReport).

import { expect, test } from "vitest";
import { Runtime } from "../src/index.js";

test("a host reference is released when its object dies, not before", async () => {
  const rt = await Runtime.start({ sanity: true });
  const kept = rt.block(0, [{ kept: true }]);
  rt.scope(() => {
    for (let i = 0; i < 100; i++) rt.block(0, [{ i }]);
  });
  expect(rt.stats().heap.hostRefs).toEqual({ live: 101, released: 0 });
  rt.gc();
  expect(rt.stats().heap.hostRefs).toEqual({ live: 1, released: 100 });
  // The survivor moves (nursery → gen 0 → gen 1) and keeps its value.
  rt.gc();
  rt.gc({ major: true });
  expect(kept.get(0)).toEqual({ kept: true });
  expect(rt.stats().heap.hostRefs).toEqual({ live: 1, released: 100 });
  kept.free();
  rt.gc({ major: true });
  expect(rt.stats().heap.hostRefs).toEqual({ live: 0, released: 101 });
  const report = await rt.shutdown();
  expect(report.hostRefsReleased).toBe(0);
});

test("the JS value becomes collectable once its heap object dies", async () => {
  const rt = await Runtime.start();
  let collected = false;
  const registry = new FinalizationRegistry(() => {
    collected = true;
  });
  rt.scope(() => {
    const value = { big: new Array(1000).fill(0) };
    registry.register(value, "value");
    rt.block(0, [value]);
  });
  rt.gc();
  for (let attempt = 0; attempt < 50 && !collected; attempt++) {
    globalThis.gc!();
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  expect(collected).toBe(true);
  await rt.shutdown();
});

test("shutdown and restart release every host reference still held", async () => {
  const rt = await Runtime.start();
  const a = rt.block(0, [Symbol("a"), () => 1]);
  expect(rt.stats().heap.hostRefs.live).toBe(2);
  const first = await rt.restart();
  expect(first.hostRefsReleased).toBe(2);
  expect(rt.stats().heap.hostRefs).toEqual({ live: 0, released: 0 });
  rt.block(0, [new Map()]);
  const last = await rt.shutdown();
  expect(last.hostRefsReleased).toBe(1);
  expect(a.freed).toBe(false);
});
