// Runtime: start, stats, restart, shutdown and its report, `await using`.

import { expect, test } from "vitest";
import { Runtime, type ShutdownReport } from "../src/index.js";
import { coreOf, withCore } from "../src/runtime.js";

const UNLIMITED = 2 ** 32 - 1;

test("a started runtime is running, with an empty pool, no limit and no completed cycle", async () => {
  const rt = await Runtime.start();
  expect(rt.state).toBe("running");
  expect(rt.stats()).toEqual({
    pool: { blocks: 0, bytes: 0, peakBlocks: 0, peakBytes: 0, totalAllocs: 0, totalFrees: 0, limit: UNLIMITED },
    memoryPages: coreOf(rt).memory.buffer.byteLength / 65536,
    cycles: 0,
    heap: expect.objectContaining({ collections: { total: 0, minor: 0, major: 0, copiedBytes: 0 } }),
    finalisers: { customCreated: 0, customFinalised: 0, customPending: 0, functionsRegistered: 0, functionsRun: 0, functionsPending: 0, libraries: 0, errors: 0 },
  });
  await rt.shutdown();
});

test("stats() returns the pool counters as they move", async () => {
  const rt = await Runtime.start();
  withCore(rt, "test", (core) => {
    const a = core.pool_alloc(100);
    core.pool_alloc(50);
    core.pool_free(a);
    core.pool_alloc(10);
  });
  expect(rt.stats().pool).toEqual({ blocks: 2, bytes: 60, peakBlocks: 2, peakBytes: 150, totalAllocs: 3, totalFrees: 1, limit: UNLIMITED });
  await rt.shutdown();
});

test("shutdown reports the blocks and bytes it freed, nothing leaked, and the cycle's peak", async () => {
  const rt = await Runtime.start();
  withCore(rt, "test", (core) => {
    core.pool_alloc(1000);
    core.pool_alloc_aligned(24, 4096);
    core.pool_free(core.pool_alloc(5000));
  });
  const report = await rt.shutdown();
  expect(report).toEqual({ blocksFreed: 2, bytesFreed: 1024, leakedBlocks: 0, leakedBytes: 0, peakBytes: 6024, memoryPages: expect.any(Number), cycle: 1, hostRefsReleased: 0, pendingOperationsRejected: 0, finalisersRun: 0, finalisersDropped: 0, customBlocksFinalised: 0, customBlocksUnfinalised: 0, librariesUnloaded: 0, finaliserErrors: 0, finaliserFailures: [] });
  expect(report.memoryPages).toBeGreaterThanOrEqual(1);
  expect(rt.state).toBe("shutdown");
  expect(JSON.parse(JSON.stringify(report))).toEqual(report);
});

test("a second shutdown returns the same report, and so do concurrent ones", async () => {
  const rt = await Runtime.start();
  withCore(rt, "test", (core) => core.pool_alloc(64));
  const [a, b] = await Promise.all([rt.shutdown(), rt.shutdown()]);
  const c = await rt.shutdown();
  expect(b).toBe(a);
  expect(c).toBe(a);
  expect(a.blocksFreed).toBe(1);
});

test("`await using` shuts the runtime down when the scope ends", async () => {
  let seen: Runtime | undefined;
  {
    await using rt = await Runtime.start();
    seen = rt;
    withCore(rt, "test", (core) => core.pool_alloc(64));
    expect(rt.state).toBe("running");
  }
  expect(seen.state).toBe("shutdown");
  const report: ShutdownReport = await seen.shutdown();
  expect(report.blocksFreed).toBe(1);
});

test("`await using` shuts the runtime down when the scope throws", async () => {
  let seen: Runtime | undefined;
  const scope = async () => {
    await using rt = await Runtime.start();
    seen = rt;
    throw new Error("workload failed");
  };
  await expect(scope()).rejects.toThrow("workload failed");
  expect(seen?.state).toBe("shutdown");
});

test("disposing a runtime that was already shut down is harmless", async () => {
  const rt = await Runtime.start();
  const report = await rt.shutdown();
  await rt[Symbol.asyncDispose]();
  expect(await rt.shutdown()).toBe(report);
});

test("restart ends the cycle with its report and starts the next from scratch in the same instance", async () => {
  const rt = await Runtime.start({ maxHeap: 10_000 });
  const memory = coreOf(rt).memory;
  withCore(rt, "test", (core) => {
    core.pool_alloc(3000);
    core.pool_alloc(4000);
  });
  const report = await rt.restart();
  expect(report).toMatchObject({ blocksFreed: 2, bytesFreed: 7000, leakedBlocks: 0, leakedBytes: 0, peakBytes: 7000, cycle: 1 });
  expect(rt.state).toBe("running");
  expect(coreOf(rt).memory).toBe(memory);
  expect(rt.stats()).toMatchObject({ cycles: 1, pool: { blocks: 0, bytes: 0, peakBytes: 0, totalAllocs: 0, limit: 10_000 } });
  await rt.shutdown();
});

test("maxHeap caps the bytes outstanding, and keeps doing so after a restart", async () => {
  const rt = await Runtime.start({ maxHeap: 4096 });
  const tryAlloc = () =>
    withCore(rt, "test", (core) => {
      const fits = core.pool_alloc_noexc(4096);
      const over = core.pool_alloc_noexc(1);
      return [fits !== 0, over !== 0];
    });
  expect(rt.stats().pool.limit).toBe(4096);
  expect(tryAlloc()).toEqual([true, false]);
  await rt.restart();
  expect(tryAlloc()).toEqual([true, false]);
  await rt.shutdown();
});

test("each runtime is its own instance: separate memory, counters and ids", async () => {
  const a = await Runtime.start();
  const b = await Runtime.start({ build: "debug" });
  expect(a.id).not.toBe(b.id);
  expect(coreOf(a).memory).not.toBe(coreOf(b).memory);
  withCore(a, "test", (core) => core.pool_alloc(10));
  expect([a.stats().pool.blocks, b.stats().pool.blocks]).toEqual([1, 0]);
  expect((await b.shutdown()).blocksFreed).toBe(0);
  expect(a.stats().pool.blocks).toBe(1);
  expect((await a.shutdown()).blocksFreed).toBe(1);
});
