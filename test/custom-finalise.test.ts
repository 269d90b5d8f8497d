// Custom blocks: the finaliser runs exactly once, with the payload, when a
// collection finds the block dead, or at shutdown if it is still alive.

import { expect, test } from "vitest";
import { Custom, Runtime } from "../src/index.js";

test("a dead custom block's finaliser runs after the collection that finds it dead, with its payload", async () => {
  const rt = await Runtime.start({ sanity: true });
  const seen: unknown[] = [];
  const c = rt.custom(42, (p) => seen.push(p));
  rt.gc();
  expect(seen).toEqual([]);
  c.free();
  rt.gc();
  expect(seen).toEqual([42]);
  rt.gc({ major: true });
  expect(seen).toEqual([42]);
  const report = await rt.shutdown();
  expect(report.customBlocksFinalised).toBe(0);
  expect(seen).toEqual([42]);
});

test("a bytes payload reaches the finaliser as a copy of the bytes", async () => {
  const rt = await Runtime.start();
  const bytes = new Uint8Array([1, 2, 3, 250, 0, 7]);
  const seen: unknown[] = [];
  const c = rt.custom(bytes, (p) => seen.push(p));
  bytes[0] = 99; // the block took a copy
  expect(c.payload).toEqual(new Uint8Array([1, 2, 3, 250, 0, 7]));
  c.free();
  rt.gc();
  expect(seen).toEqual([new Uint8Array([1, 2, 3, 250, 0, 7])]);
  await rt.shutdown();
});

test("a large bytes payload (a large object) and a negative integer payload round-trip", async () => {
  const rt = await Runtime.start();
  const big = new Uint8Array(20_000).map((_, i) => (i * 7) & 0xff);
  const seen: unknown[] = [];
  const a = rt.custom(big, (p) => seen.push(p));
  const b = rt.custom(-(2 ** 40), (p) => seen.push(p));
  expect(a.payload).toEqual(big);
  expect(b.payload).toBe(-(2 ** 40));
  a.free();
  b.free();
  rt.gc({ major: true });
  expect(seen).toContainEqual(big);
  expect(seen).toContainEqual(-(2 ** 40));
  expect(seen).toHaveLength(2);
  await rt.shutdown();
});

test("a block that stays reachable survives promotion and every collection, and is finalised once at shutdown", async () => {
  const rt = await Runtime.start({ sanity: true, generations: 3 });
  let runs = 0;
  const holder = rt.block(0, [rt.custom(7, () => runs++)]);
  for (let i = 0; i < 6; i++) rt.gc();
  rt.gc({ major: true });
  expect(runs).toBe(0);
  const inner = holder.get(0);
  expect(inner).toBeInstanceOf(Custom);
  expect((inner as Custom).payload).toBe(7);
  const report = await rt.shutdown();
  expect(runs).toBe(1);
  expect(report.customBlocksFinalised).toBe(1);
  expect(report.customBlocksUnfinalised).toBe(0);
});

test("exactly once across collections and shutdown: every block's finaliser runs one time in all", async () => {
  const rt = await Runtime.start({ nursery: 64 << 10 });
  const runs = new Map<number, number>();
  const fin = (p: number | Uint8Array) => runs.set(p as number, (runs.get(p as number) ?? 0) + 1);
  const kept: Custom[] = [];
  for (let i = 0; i < 5000; i++) {
    const c = rt.custom(i, fin);
    if (i % 3 === 0) kept.push(c);
    else c.free();
    if (i % 1000 === 999) rt.gc({ major: i % 2000 === 1999 });
  }
  rt.gc({ major: true });
  const beforeShutdown = runs.size;
  expect(beforeShutdown).toBe(5000 - kept.length);
  for (const c of kept) expect(runs.has(c.payload as number)).toBe(false);
  const report = await rt.shutdown();
  expect(report.customBlocksFinalised).toBe(kept.length);
  expect(runs.size).toBe(5000);
  expect([...runs.values()].every((n) => n === 1)).toBe(true);
});

test("blocks made full of the nursery are finalised by the collections allocation itself triggers", async () => {
  const rt = await Runtime.start({ nursery: 64 << 10 });
  let runs = 0;
  for (let i = 0; i < 20_000; i++) rt.custom(i, () => runs++).free();
  const stats = rt.stats();
  expect(stats.heap.collections.total).toBeGreaterThan(0);
  expect(runs).toBeGreaterThan(0);
  expect(stats.finalisers.customFinalised).toBe(runs);
  expect(stats.finalisers.customCreated).toBe(20_000);
  await rt.shutdown();
  expect(runs).toBe(20_000);
});

test("restart finalises every live custom block of the cycle that ends, and none twice", async () => {
  const rt = await Runtime.start();
  let runs = 0;
  rt.custom(1, () => runs++);
  rt.custom(2, () => runs++);
  const first = await rt.restart();
  expect(first.customBlocksFinalised).toBe(2);
  expect(runs).toBe(2);
  expect(rt.stats().finalisers.customCreated).toBe(0);
  rt.custom(3, () => runs++);
  const last = await rt.shutdown();
  expect(last.customBlocksFinalised).toBe(1);
  expect(runs).toBe(3);
});

test("finaliser slots are reused once run (Note [Function slots]): each block still gets its own finaliser and payload, once", async () => {
  const rt = await Runtime.start({ sanity: true });
  const seen: string[] = [];
  const keep = rt.custom(-1, () => seen.push("kept"));
  for (let round = 0; round < 3; round++) {
    rt.scope(() => {
      for (let i = 0; i < 100; i++) rt.custom(i, (p) => seen.push(`${round}:${String(p)}`));
    });
    rt.gc();
    expect(rt.stats().finalisers.customPending).toBe(1);
  }
  expect(seen).toHaveLength(300);
  for (let round = 0; round < 3; round++) {
    for (let i = 0; i < 100; i++) expect(seen).toContain(`${round}:${i}`);
  }
  expect(rt.stats().finalisers).toMatchObject({ customCreated: 301, customFinalised: 300 });
  expect(seen).not.toContain("kept");
  const report = await rt.shutdown();
  // The block alive throughout kept its slot: shutdown runs its own finaliser, once.
  expect(report.customBlocksFinalised).toBe(1);
  expect(seen.filter((s) => s === "kept")).toHaveLength(1);
});
