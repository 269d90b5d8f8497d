// Handles are stamped with their runtime cycle: freed, foreign, shut-down and
// restarted handles are refused with clear errors; free is idempotent; scopes
// free temporaries; the FinalizationRegistry reclaims what nobody freed.

import { expect, test } from "vitest";
import { Block, ForeignHandleError, Runtime, StaleHandleError } from "../src/index.js";

test("a freed handle is refused, and free() is idempotent", async () => {
  const rt = await Runtime.start();
  const b = rt.block(0, [1]);
  expect(b.freed).toBe(false);
  b.free();
  b.free();
  expect(b.freed).toBe(true);
  expect(() => b.get(0)).toThrow(StaleHandleError);
  expect(() => b.get(0)).toThrow(/Block\.get: stale handle: the handle was freed/);
  expect(() => b.length).toThrow(StaleHandleError);
  expect(() => rt.block(0, [b])).toThrow(/Runtime\.block: stale handle/);
  try {
    b.set(0, 2);
  } catch (e) {
    expect([(e as StaleHandleError).code, (e as StaleHandleError).reason]).toEqual(["ERR_STALE_HANDLE", "freed"]);
  }
  expect(rt.stats().heap.handles.live).toBe(0);
  await rt.shutdown();
});

test("Symbol.dispose frees, so `using` works", async () => {
  const rt = await Runtime.start();
  {
    using b = rt.block(0, []);
    expect(rt.stats().heap.handles.live).toBe(1);
    expect(b.length).toBe(0);
  }
  expect(rt.stats().heap.handles.live).toBe(0);
  await rt.shutdown();
});

test("a handle of another runtime is refused with ForeignHandleError", async () => {
  const a = await Runtime.start();
  const b = await Runtime.start();
  const fromA = a.block(0, []);
  const inB = b.block(0, [null]);
  expect(() => b.block(0, [fromA])).toThrow(ForeignHandleError);
  expect(() => inB.set(0, fromA)).toThrow(new RegExp(`belongs to runtime #${a.id}, not to runtime #${b.id}`));
  expect(inB.get(0)).toBe(null);
  await a.shutdown();
  await b.shutdown();
});

test("after shutdown a handle is stale; free() is still fine", async () => {
  const rt = await Runtime.start();
  const b = rt.block(0, [1]);
  await rt.shutdown();
  expect(() => b.get(0)).toThrow(StaleHandleError);
  expect(() => b.get(0)).toThrow(/its runtime has been shut down/);
  b.free();
  expect(() => rt.block(0, [])).toThrow(/shut down/);
});

test("after a restart, handles of the previous cycle are stale", async () => {
  const rt = await Runtime.start();
  const b = rt.block(0, [1]);
  await rt.restart();
  expect(() => b.get(0)).toThrow(/was restarted since the handle was made/);
  expect(() => rt.block(0, [b])).toThrow(StaleHandleError);
  b.free();
  const fresh = rt.block(0, [2]);
  expect(fresh.get(0)).toBe(2);
  expect(rt.stats().heap.handles.live).toBe(1);
  await rt.shutdown();
});

test("rt.scope frees every handle made inside it except the one returned", async () => {
  const rt = await Runtime.start({ nursery: 64 << 10 });
  // Build a 10,000-cell list from the host; only the head survives the scope.
  const head = rt.scope(() => {
    let list: Block = rt.block(0, [0, null]);
    for (let i = 1; i < 10_000; i++) list = rt.block(0, [i, list]);
    return list;
  });
  expect(rt.stats().heap.handles.live).toBe(1);
  // Walk it: each step makes a handle, the scope frees them.
  const sum = rt.scope(() => {
    let total = 0;
    let cell: Block | null = head;
    while (cell !== null) {
      total += cell.get(0) as number;
      cell = cell.get(1) as Block | null;
    }
    return total;
  });
  expect(sum).toBe((9_999 * 10_000) / 2);
  expect(rt.stats().heap.handles.live).toBe(1);
  expect(head.get(0)).toBe(9_999);
  // Nested: the inner scope's result moves to the outer scope and dies with it.
  rt.scope(() => {
    const inner = rt.scope(() => rt.block(1, []));
    expect(inner.freed).toBe(false);
    expect(rt.stats().heap.handles.live).toBe(2);
  });
  expect(rt.stats().heap.handles.live).toBe(1);
  // A throwing body frees its handles too.
  expect(() => rt.scope(() => { rt.block(0, []); throw new Error("boom"); })).toThrow("boom");
  expect(rt.stats().heap.handles.live).toBe(1);
  expect(() => rt.scope(async () => rt.block(0, []))).toThrow(/scopes are synchronous/);
  expect(rt.stats().heap.handles.live).toBe(1);
  await rt.shutdown();
});

test("the FinalizationRegistry reclaims handles that were dropped without free()", async () => {
  const rt = await Runtime.start();
  const drop = (): void => {
    for (let i = 0; i < 1000; i++) rt.block(0, [i]);
  };
  drop();
  expect(rt.stats().heap.handles.live).toBe(1000);
  for (let attempt = 0; attempt < 50 && rt.stats().heap.handles.live > 0; attempt++) {
    globalThis.gc!();
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const handles = rt.stats().heap.handles;
  expect(handles.live).toBe(0);
  expect(handles.reclaimedByFinalizer).toBe(1000);
  rt.gc({ major: true });
  expect(rt.stats().heap.generations.every((g) => g.objects === 0)).toBe(true);
  await rt.shutdown();
});
