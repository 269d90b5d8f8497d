// Note [The backstop registers late] (src/heap/handles.ts): a handle made
// outside a scope is registered with the FinalizationRegistry in a later turn
// or after a batch of handles, unless it was freed first. What must hold
// whatever the timing: a dropped handle is still reclaimed, a freed one is
// not reclaimed twice, and a flush queued by a cycle that ended does nothing.

import { expect, test } from "vitest";
import { Block, Runtime, StaleHandleError } from "../src/index.js";

async function collectUntil(done: () => boolean): Promise<void> {
  for (let attempt = 0; attempt < 50 && !done(); attempt++) {
    globalThis.gc!();
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

test("one handle dropped without free() is reclaimed (the flush in a later turn registers it)", async () => {
  const rt = await Runtime.start();
  (() => rt.block(0, [1]))();
  expect(rt.stats().heap.handles.live).toBe(1);
  await collectUntil(() => rt.stats().heap.handles.live === 0);
  expect(rt.stats().heap.handles).toMatchObject({ live: 0, reclaimedByFinalizer: 1 });
  await rt.shutdown();
});

test("handles freed before the flush are never reclaimed, kept ones stay usable after it", async () => {
  const rt = await Runtime.start();
  const kept: Block[] = [];
  // More than a batch, in one turn: some flushes run synchronously.
  for (let i = 0; i < 1000; i++) {
    const b = rt.block(0, [i]);
    if (i % 100 === 0) kept.push(b);
    else b.free();
  }
  await collectUntil(() => false);
  expect(rt.stats().heap.handles).toMatchObject({ live: 10, reclaimedByFinalizer: 0 });
  expect(kept.map((b) => b.get(0))).toEqual([0, 100, 200, 300, 400, 500, 600, 700, 800, 900]);
  for (const b of kept) b.free();
  expect(rt.stats().heap.handles.live).toBe(0);
  await rt.shutdown();
});

test("a Block taken from an MVar is a handle of its own: freeing it leaves the sender's usable", async () => {
  const rt = await Runtime.start();
  const mv = rt.mvar<Block>();
  const sent = rt.block(0, [7, "x"]);
  for (let round = 0; round < 600; round++) {
    await mv.put(sent);
    const got = await mv.take();
    expect(got).not.toBe(sent);
    expect(got.get(0)).toBe(7);
    got.free();
    expect(() => got.get(0)).toThrow(StaleHandleError);
  }
  expect(sent.get(1)).toBe("x");
  expect(rt.stats().heap.handles.live).toBe(2);
  sent.free();
  mv.free();
  await rt.shutdown();
});

test("a flush queued by a cycle that ended first does nothing, and its handles are stale", async () => {
  const rt = await Runtime.start();
  const b = rt.block(0, [1]);
  await rt.restart();
  // The queued flush runs in a later turn, after the restart emptied the list.
  await new Promise((resolve) => setTimeout(resolve, 10));
  expect(() => b.get(0)).toThrow(/restarted|shutdown/);
  const fresh = rt.block(0, [2]);
  expect(fresh.get(0)).toBe(2);
  fresh.free();
  expect(rt.stats().heap.handles).toMatchObject({ live: 0, reclaimedByFinalizer: 0 });
  await rt.shutdown();
});
