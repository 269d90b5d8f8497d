// rt.finalise / rt.finaliseLast: OCaml's Gc.finalise and Gc.finalise_last.
// One rule per case: when each kind fires, in which order, exactly once.

import { expect, test } from "vitest";
import { Block, FinaliserCallError, Runtime, StaleHandleError } from "../src/index.js";
import { generationOf } from "./heap-support.js";

test("values dying in the same collection are finalised in reverse order of registration", async () => {
  const rt = await Runtime.start({ sanity: true });
  const order: string[] = [];
  const blocks = ["a", "b", "c", "d"].map((name) => {
    const b = rt.block(0, [name]);
    rt.finalise(b, (v) => order.push(`first ${String(v.get(0))}`));
    return b;
  });
  for (const b of blocks) b.free();
  rt.gc();
  expect(order).toEqual(["first d", "first c", "first b", "first a"]);
  await rt.shutdown();
});

test("every finalise function runs before any finaliseLast function of the same collection", async () => {
  const rt = await Runtime.start({ sanity: true });
  const order: string[] = [];
  const x = rt.block(0, [1]);
  const y = rt.block(0, [2]);
  rt.finaliseLast(x, () => order.push("last x"));
  rt.finalise(x, () => order.push("first x"));
  rt.finaliseLast(y, () => order.push("last y"));
  rt.finalise(y, () => order.push("first y"));
  x.free();
  y.free();
  rt.gc();
  // x and y are resurrected by their finalise functions' collection: the
  // finaliseLast functions wait for the next collection that finds them dead.
  expect(order).toEqual(["first y", "first x"]);
  rt.gc();
  expect(order).toEqual(["first y", "first x", "last y", "last x"]);
  await rt.shutdown();
});

test("a value with only finaliseLast registrations gets them after its finalise-only neighbours, newest first", async () => {
  const rt = await Runtime.start({ sanity: true });
  const order: string[] = [];
  const a = rt.block(0, [0]);
  const b = rt.block(0, [0]);
  rt.finaliseLast(a, () => order.push("last a1"));
  rt.finaliseLast(a, () => order.push("last a2"));
  rt.finalise(b, () => order.push("first b"));
  a.free();
  b.free();
  rt.gc();
  expect(order).toEqual(["first b", "last a2", "last a1"]);
  await rt.shutdown();
});

test("finaliseLast on a young value fires at the end of the minor collection that finds it dead", async () => {
  const rt = await Runtime.start({ sanity: true });
  let fired = 0;
  const young = rt.block(0, [1, 2]);
  expect(generationOf(rt, young)).toBe(-1);
  rt.finaliseLast(young, () => fired++);
  young.free();
  const majorsBefore = rt.stats().heap.collections.major;
  rt.gc();
  expect(rt.stats().heap.collections.major).toBe(majorsBefore);
  expect(fired).toBe(1);
  await rt.shutdown();
  expect(fired).toBe(1);
});

test("finaliseLast never fires while its value is alive, through aging, promotion and major collections (OCaml PR 12001)", async () => {
  const rt = await Runtime.start({ sanity: true, generations: 3 });
  let fired = 0;
  const v = rt.block(0, [7]);
  rt.finaliseLast(v, () => fired++);
  for (let i = 0; i < 8; i++) {
    // Garbage between collections, so every minor has work.
    rt.scope(() => { for (let k = 0; k < 50; k++) rt.block(0, [k]); });
    rt.gc();
  }
  expect(generationOf(rt, v)).toBeGreaterThanOrEqual(1);
  rt.gc({ major: true });
  rt.gc();
  expect(fired).toBe(0);
  expect(v.get(0)).toBe(7);
  v.free();
  rt.gc(); // v is old: a minor collection does not find it dead
  expect(fired).toBe(0);
  rt.gc({ major: true });
  expect(fired).toBe(1);
  await rt.shutdown();
  expect(fired).toBe(1);
});

test("a finalise function may resurrect its value by storing it; it is finalised once, not again", async () => {
  const rt = await Runtime.start({ sanity: true });
  const keep = rt.block(0, [null]);
  let runs = 0;
  let lasts = 0;
  const v = rt.block(3, ["precious", 42]);
  rt.finalise(v, (value) => {
    runs++;
    keep.set(0, value);
  });
  rt.finaliseLast(v, () => lasts++);
  v.free();
  rt.gc();
  expect(runs).toBe(1);
  expect(lasts).toBe(0);
  const back = keep.get(0) as Block;
  expect(back.tag).toBe(3);
  expect(back.get(0)).toBe("precious");
  back.free();
  rt.gc({ major: true });
  expect(runs).toBe(1);
  expect(lasts).toBe(0);
  keep.set(0, null);
  rt.gc({ major: true });
  expect(runs).toBe(1);
  expect(lasts).toBe(1);
  await rt.shutdown();
});

test("the handle a finalise function receives is freed when it returns", async () => {
  const rt = await Runtime.start();
  let kept: Block | undefined;
  const v = rt.block(0, [1]);
  rt.finalise(v, (value) => {
    expect(value.get(0)).toBe(1);
    kept = value;
  });
  v.free();
  rt.gc();
  expect(kept?.freed).toBe(true);
  expect(() => kept!.get(0)).toThrow(StaleHandleError);
  await rt.shutdown();
});

test("each function runs exactly once across collections and shutdown", async () => {
  const rt = await Runtime.start({ sanity: true, nursery: 64 << 10 });
  const runs = new Map<string, number>();
  const count = (name: string) => () => runs.set(name, (runs.get(name) ?? 0) + 1);
  const survivors: Block[] = [];
  for (let i = 0; i < 300; i++) {
    const b = rt.block(0, [i]);
    rt.finalise(b, count(`f${i}`));
    rt.finaliseLast(b, count(`l${i}`));
    if (i % 3 === 0) survivors.push(b);
    else b.free();
    if (i % 50 === 0) rt.gc({ major: i % 100 === 0 });
  }
  for (let i = 0; i < 5; i++) rt.gc({ major: i % 2 === 1 });
  const beforeShutdown = runs.size;
  expect(beforeShutdown).toBeGreaterThan(0);
  const report = await rt.shutdown();
  expect(runs.size).toBe(600);
  for (const [, n] of runs) expect(n).toBe(1);
  // The survivors' two functions, and the finaliseLast functions of values
  // resurrected by their finalise function in the last collections.
  expect(report.finalisersRun).toBe(600 - beforeShutdown);
  expect(report.finalisersDropped).toBe(0);
  expect(survivors.length).toBe(100);
});

test("a finaliser that allocates, collects and registers more finalisers works, never nested", async () => {
  const rt = await Runtime.start({ sanity: true, nursery: 64 << 10 });
  const log: string[] = [];
  let depth = 0;
  let maxDepth = 0;
  const v = rt.block(0, [0]);
  rt.finalise(v, () => {
    depth++;
    maxDepth = Math.max(maxDepth, depth);
    log.push("outer");
    // Enough garbage to fill the nursery several times: collections inside a finaliser.
    rt.scope(() => { for (let i = 0; i < 20_000; i++) rt.block(0, [i, i]); });
    const w = rt.block(0, [1]);
    rt.finalise(w, () => {
      depth++;
      maxDepth = Math.max(maxDepth, depth);
      log.push("inner");
      depth--;
    });
    w.free();
    rt.gc({ major: true });
    log.push("outer done");
    depth--;
  });
  v.free();
  rt.gc();
  expect(log).toEqual(["outer", "outer done", "inner"]);
  expect(maxDepth).toBe(1);
  expect(rt.stats().finalisers.functionsRun).toBe(2);
  await rt.shutdown();
});

test("a finaliser that throws is reported, and the others still run", async () => {
  const errors: Error[] = [];
  const rt = await Runtime.start({ onFinaliserError: (e) => errors.push(e) });
  const ran: string[] = [];
  const a = rt.block(0, [0]);
  const b = rt.block(0, [0]);
  rt.finalise(a, () => ran.push("a"));
  rt.finalise(b, function explodes() {
    throw new Error("boom");
  });
  rt.finaliseLast(a, () => ran.push("last a"));
  a.free();
  b.free();
  rt.gc();
  rt.gc();
  expect(ran).toEqual(["a", "last a"]);
  expect(errors).toHaveLength(1);
  expect(errors[0]!.message).toContain("explodes");
  expect(errors[0]!.message).toContain("boom");
  const report = await rt.shutdown();
  expect(report.finaliserErrors).toBe(1);
  expect(report.finaliserFailures[0]).toMatchObject({ phase: "collection", finaliser: "explodes", message: "Error: boom" });
});

test("the shutdown wave runs every registration once; what the wave registers is dropped and counted", async () => {
  const rt = await Runtime.start();
  const ran: string[] = [];
  const a = rt.block(0, [1]);
  rt.finalise(a, (v) => {
    ran.push("first a");
    // Made during the wave: not run by it (docs/finalisers.md, "Shutdown").
    rt.finaliseLast(v, () => ran.push("never"));
  });
  rt.finaliseLast(a, () => ran.push("last a"));
  const report = await rt.shutdown();
  expect(ran).toEqual(["first a", "last a"]);
  expect(report.finalisersRun).toBe(2);
  expect(report.finalisersDropped).toBe(1);
});

test("a finaliser cannot shut down or restart its runtime", async () => {
  const rt = await Runtime.start();
  const v = rt.block(0, []);
  const refused: unknown[] = [];
  rt.finalise(v, () => {
    refused.push(rt.shutdown().catch((e: unknown) => e));
    refused.push(rt.restart().catch((e: unknown) => e));
  });
  v.free();
  rt.gc();
  const errors = await Promise.all(refused);
  for (const e of errors) {
    expect(e).toBeInstanceOf(FinaliserCallError);
    expect((e as Error).message).toContain("while its finalisers run");
  }
  expect(rt.state).toBe("running");
  await rt.shutdown();
});

test("10^6 values dying in one collection: every finaliseLast function runs once, no stack grows", async () => {
  // A nursery that holds them all: nothing collects until rt.gc().
  const rt = await Runtime.start({ nursery: 64 << 20 });
  const n = 1_000_000;
  let runs = 0;
  const bump = () => { runs++; };
  for (let i = 0; i < n; i++) {
    const cell = rt.block(0, [i]);
    rt.finaliseLast(cell, bump);
    cell.free();
  }
  expect(rt.stats().heap.collections.total).toBe(0);
  rt.gc();
  expect(rt.stats().heap.collections.total).toBe(1);
  expect(runs).toBe(n);
  expect(rt.stats().finalisers.functionsPending).toBe(0);
  await rt.shutdown();
}, 60_000);

test("several finalise functions on one value all run in the collection that finds it dead, newest first", async () => {
  // Found by test/finalise-property.test.ts: resurrecting for the first
  // function once made the value look alive to the second.
  const rt = await Runtime.start({ sanity: true });
  const order: number[] = [];
  const v = rt.block(0, [0]);
  for (let k = 1; k <= 3; k++) rt.finalise(v, () => order.push(k));
  v.free();
  rt.gc();
  expect(order).toEqual([3, 2, 1]);
  await rt.shutdown();
});
