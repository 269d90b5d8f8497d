// The allocator ring: link on alloc, unlink on free, one walk on destroy, and
// the counters that follow them (assembly/pool.ts, Note [The ring rule]).

import { describe, expect, test } from "vitest";
import { instantiateCore } from "../src/core/load.js";
import { type CoreBuild, type CoreExports } from "../src/core/exports.js";
import { fillPattern, patternMismatch } from "./support/payload.js";
import { permutations } from "./support/permutations.js";

const SIZES = [24, 1, 300, 16, 4096] as const;

/** Every ordering of 0..n-1 (Heap's algorithm, iterative). */

function allocAll(core: CoreExports): number[] {
  return SIZES.map((size, seed) => {
    const p = core.pool_alloc(size) >>> 0;
    fillPattern(core, p, size, seed);
    return p;
  });
}

function expectCounters(core: CoreExports, live: readonly number[]): void {
  expect(core.pool_check()).toBe(1);
  expect(core.pool_blocks()).toBe(live.length);
  expect(core.pool_bytes()).toBe(live.reduce((sum, i) => sum + SIZES[i]!, 0));
}

// The debug build keeps TLSF's own assertions, which catch a block handed back
// to TLSF at the wrong address; run everything against both builds.
const BUILDS: CoreBuild[] = ["release", "debug"];

test("the helper enumerates all 120 orders of five blocks", () => {
  const orders = permutations(SIZES.length);
  expect(orders).toHaveLength(120);
  expect(new Set(orders.map((o) => o.join())).size).toBe(120);
});

describe.each(BUILDS)("allocator ring (%s build)", (build) => {
  test("every block allocated while the pool is active is linked and counted", () => {
    const core = instantiateCore(build);
    core.pool_create();
    expectCounters(core, []);
    const blocks = allocAll(core);
    expectCounters(core, [0, 1, 2, 3, 4]);
    expect(core.pool_total_allocs()).toBe(SIZES.length);
    expect(core.pool_total_frees()).toBe(0);
    blocks.forEach((p, i) => expect(core.pool_size_of(p) >>> 0).toBe(SIZES[i]));
  });

  test("freeing five blocks in every order keeps the ring, the counters and the other payloads intact", () => {
    const core = instantiateCore(build);
    for (const order of permutations(SIZES.length)) {
      core.pool_create();
      const blocks = allocAll(core);
      const live = [0, 1, 2, 3, 4];
      for (const victim of order) {
        core.pool_free(blocks[victim]!);
        live.splice(live.indexOf(victim), 1);
        expectCounters(core, live);
        for (const i of live) expect(patternMismatch(core, blocks[i]!, SIZES[i]!, i), `block ${i} after freeing ${victim} (order ${order.join()})`).toBe(-1);
      }
      expect(core.pool_total_frees()).toBe(SIZES.length);
      core.pool_destroy();
      expect(core.pool_last_freed_blocks()).toBe(0);
    }
  });

  test("destroy frees exactly the blocks still on the ring, for every subset freed before it", () => {
    const core = instantiateCore(build);
    for (let subset = 0; subset < 1 << SIZES.length; subset++) {
      core.pool_create();
      const blocks = allocAll(core);
      const kept: number[] = [];
      blocks.forEach((p, i) => (subset & (1 << i) ? core.pool_free(p) : kept.push(i)));
      expectCounters(core, kept);
      core.pool_destroy();
      expect(core.pool_last_freed_blocks()).toBe(kept.length);
      expect(core.pool_last_freed_bytes()).toBe(kept.reduce((sum, i) => sum + SIZES[i]!, 0));
      expect(core.pool_blocks()).toBe(0);
      expect(core.pool_bytes()).toBe(0);
    }
  });

  test("peak and totals count every block, destroy's bulk free included", () => {
    const core = instantiateCore(build);
    core.pool_create();
    const blocks = allocAll(core);
    const allBytes = SIZES.reduce((a, b) => a + b, 0);
    core.pool_free(blocks[4]!);
    core.pool_free(blocks[0]!);
    core.pool_alloc(8);
    expect(core.pool_peak_blocks()).toBe(5);
    expect(core.pool_peak_bytes()).toBe(allBytes);
    expect(core.pool_total_allocs()).toBe(6);
    expect(core.pool_total_frees()).toBe(2);
    core.pool_destroy();
    expect(core.pool_last_freed_blocks()).toBe(4);
    expect(core.pool_total_frees()).toBe(6);
    expect(core.pool_peak_blocks()).toBe(5);
    expect([core.pool_blocks(), core.pool_bytes()]).toEqual([0, 0]);
  });

  test("a pool created again after destroy starts from zero counters", () => {
    const core = instantiateCore(build);
    core.pool_create();
    allocAll(core);
    core.pool_destroy();
    core.pool_create();
    expect(core.pool_is_active()).toBe(1);
    expect([core.pool_blocks(), core.pool_bytes(), core.pool_peak_blocks(), core.pool_peak_bytes()]).toEqual([0, 0, 0, 0]);
    expect([core.pool_total_allocs(), core.pool_total_frees()]).toEqual([0, 0]);
    core.pool_alloc(40);
    expect([core.pool_blocks(), core.pool_bytes(), core.pool_check()]).toEqual([1, 40, 1]);
  });
});
