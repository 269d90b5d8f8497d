// The heap lives entirely in pool blocks: every cycle gives every byte back,
// and the same heap workload after a restart fits in the memory already grown.

import { expect, test } from "vitest";
import { Runtime } from "../src/index.js";
import { withCore } from "../src/runtime.js";

test("200 restarts with a heap workload each: nothing leaks, memory.size() stops growing after the first cycle", async () => {
  const rt = await Runtime.start({ nursery: 64 << 10, generations: 3 });
  const pages: number[] = [];
  for (let cycle = 0; cycle < 200; cycle++) {
    withCore(rt, "test", (core) => {
      const list = core.test_build_list(50_000 + (cycle % 7) * 1000) >>> 0;
      core.gc_collect(1);
      core.handle_free(list);
    });
    rt.block(cycle % 256, ["s".repeat(cycle), { cycle }, 1.5, new Uint8Array(cycle)]);
    const report = await rt.restart();
    expect([report.leakedBlocks, report.leakedBytes]).toEqual([0, 0]);
    expect(report.hostRefsReleased).toBe(1);
    pages.push(report.memoryPages);
  }
  expect(new Set(pages.slice(1)).size).toBe(1);
  expect(rt.stats().heap.collections.total).toBe(0);
  await rt.shutdown();
});
