// init → work → exit, 1,000 times in one instance: after the first cycle
// memory.size() never grows again for the same workload (Note [Restart
// without growth]), and every exit gives back exactly what the cycle left.

import { expect, test } from "vitest";
import { instantiateCore } from "../src/core/load.js";
import { ShutdownError } from "../src/core/errors.js";
import { handleSlot } from "../src/heap/handles.js";
import type { ShutdownReport } from "../src/core/report.js";
import { Runtime, withCore } from "../src/runtime.js";
import { runWorkload } from "./support/workload.js";

const CYCLES = 1000;
const INT_5 = (5 << 1) | 1;

test("the test processes expose gc(), which the leak checks rely on", () => {
  expect(typeof globalThis.gc).toBe("function");
});

test("1,000 raw init/exit cycles, nested two deep, never grow memory after the first", () => {
  const core = instantiateCore();
  let pages = 0;
  const grewAt: number[] = [];
  for (let cycle = 1; cycle <= CYCLES; cycle++) {
    core.rt_init();
    const left = runWorkload(core);
    core.rt_init();
    core.pool_alloc(1000);
    expect(core.rt_exit()).toBe(1);
    expect(core.rt_exit()).toBe(0);
    expect([core.pool_last_freed_blocks(), core.pool_last_freed_bytes()]).toEqual([left.blocks + 1, left.bytes + 1000]);
    expect([core.pool_blocks(), core.pool_bytes()]).toEqual([0, 0]);
    core.rt_reset();
    if (cycle === 1) pages = core.memory_pages();
    else if (core.memory_pages() !== pages) grewAt.push(cycle);
  }
  expect(grewAt).toEqual([]);
  expect(core.rt_cycles()).toBe(CYCLES);
});

test("1,000 Runtime restarts report the same frees every cycle and never grow memory after the first", async () => {
  const rt = await Runtime.start();
  const first = withCore(rt, "workload", (core) => runWorkload(core));
  let report = await rt.restart();
  expect(report).toMatchObject({ blocksFreed: first.blocks, bytesFreed: first.bytes, leakedBlocks: 0, leakedBytes: 0, cycle: 1 });
  const pages = report.memoryPages;
  const differing: ShutdownReport[] = [];
  for (let cycle = 2; cycle <= CYCLES; cycle++) {
    withCore(rt, "workload", (core) => runWorkload(core));
    report = await rt.restart();
    if (report.blocksFreed !== first.blocks || report.bytesFreed !== first.bytes || report.memoryPages !== pages || report.leakedBlocks !== 0) {
      differing.push(report);
    }
  }
  expect(differing).toEqual([]);
  expect(report.cycle).toBe(CYCLES);
  expect(rt.stats()).toMatchObject({ cycles: CYCLES, memoryPages: pages, pool: { blocks: 0, bytes: 0, totalAllocs: 0 } });
  const last = await rt.shutdown();
  expect(last).toMatchObject({ blocksFreed: 0, leakedBlocks: 0, memoryPages: pages, cycle: CYCLES + 1 });
});

test("restarts of the debug build (TLSF's own checks on) never grow memory either", async () => {
  const rt = await Runtime.start({ build: "debug" });
  withCore(rt, "workload", (core) => runWorkload(core));
  const pages = (await rt.restart()).memoryPages;
  for (let cycle = 2; cycle <= 200; cycle++) {
    withCore(rt, "workload", (core) => runWorkload(core));
    expect((await rt.restart()).memoryPages).toBe(pages);
  }
  await rt.shutdown();
});

test("a heap verdict nobody read before a restart does not surface in the next cycle (Note [Exit clears the failure record])", async () => {
  const rt = await Runtime.start();
  const mv = rt.mvar<number>();
  const taker = mv.take().then(() => undefined, (error: unknown) => error);
  // A full MVar with a taker waiting: the checker records a verdict, and the host never reads it.
  withCore(rt, "test", (core) => {
    core.test_mvar_force_value(handleSlot(mv, "test"), INT_5);
    expect(core.sanity_check()).toBe(0);
    expect(core.failure_check()).not.toBe(0);
  });
  await rt.restart();
  expect(await taker).toBeInstanceOf(ShutdownError);
  expect(withCore(rt, "test", (core) => [core.failure_check(), core.failure_message()])).toEqual([0, 0]);
  // Each allocation polls the core; a leaked verdict would be thrown here as a SanityError.
  const next = rt.mvar<number>();
  await next.put(1);
  expect(await next.take()).toBe(1);
  rt.checkSanity();
  await rt.shutdown();
});
