// pool_resize / pool_resize_noexc: 0 means alloc; a block may move, and the
// ring follows it; on failure the old block stays valid and linked.

import { describe, expect, test } from "vitest";
import { instantiateCore } from "../src/core/load.js";
import { type CoreBuild, type CoreExports } from "../src/core/exports.js";
import { fillPattern, patternMismatch } from "./support/payload.js";

const BUILDS: CoreBuild[] = ["release", "debug"];
/** Large enough that TLSF cannot grow a small block in place past a neighbour. */
const FAR = 64 << 10;

function liveCore(build: CoreBuild): CoreExports {
  const core = instantiateCore(build);
  core.pool_create();
  return core;
}

describe.each(BUILDS)("pool resize (%s build)", (build) => {
  test("resize of 0 allocates a new counted block", () => {
    const core = liveCore(build);
    const p = core.pool_resize(0, 40) >>> 0;
    const q = core.pool_resize_noexc(0, 24) >>> 0;
    expect(p).not.toBe(0);
    expect(q).not.toBe(0);
    expect([core.pool_blocks(), core.pool_bytes(), core.pool_total_allocs()]).toEqual([2, 64, 2]);
    expect(core.pool_check()).toBe(1);
  });

  test("shrinking keeps the prefix and gives the bytes back to the counter", () => {
    const core = liveCore(build);
    const p = core.pool_alloc(1000) >>> 0;
    fillPattern(core, p, 1000, 3);
    const q = core.pool_resize(p, 100) >>> 0;
    expect(patternMismatch(core, q, 100, 3)).toBe(-1);
    expect([core.pool_blocks(), core.pool_bytes(), core.pool_size_of(q), core.pool_peak_bytes()]).toEqual([1, 100, 100, 1000]);
    expect(core.pool_check()).toBe(1);
  });

  // The block to move sits first, in the middle and last on the ring; its
  // neighbours on the ring are also its neighbours in memory, so TLSF must move it.
  test.each([0, 1, 2])("growing block %i of three moves it, and the ring, payloads and counters follow", (which) => {
    const core = liveCore(build);
    const sizes = [48, 80, 32];
    const blocks = sizes.map((size, seed) => {
      const p = core.pool_alloc(size) >>> 0;
      fillPattern(core, p, size, seed);
      return p;
    });
    const blocker = core.heap_alloc(16) >>> 0; // keeps the last block from growing in place
    expect(blocker).toBeGreaterThan(blocks[2]!);
    const moved = core.pool_resize(blocks[which]!, FAR) >>> 0;
    expect(moved).not.toBe(blocks[which]);
    expect(moved % 16).toBe(0);
    expect(core.pool_check()).toBe(1);
    const bytes = sizes.reduce((a, b) => a + b, 0) - sizes[which]! + FAR;
    expect([core.pool_blocks(), core.pool_bytes(), core.pool_peak_bytes(), core.pool_size_of(moved)]).toEqual([3, bytes, bytes, FAR]);
    blocks[which] = moved;
    blocks.forEach((p, seed) => expect(patternMismatch(core, p, sizes[seed]!, seed), `block ${seed}`).toBe(-1));
    // The moved block is freed from its new address, unlinked from the right place.
    core.pool_free(moved);
    expect(core.pool_check()).toBe(1);
    expect([core.pool_blocks(), core.pool_bytes()]).toEqual([2, bytes - FAR]);
    core.pool_destroy();
    expect(core.pool_last_freed_blocks()).toBe(2);
  });

  test("the only block on the ring can move (its neighbours are both the sentinel)", () => {
    const core = liveCore(build);
    const p = core.pool_alloc(32) >>> 0;
    fillPattern(core, p, 32, 9);
    core.heap_alloc(16);
    const q = core.pool_resize(p, FAR) >>> 0;
    expect(q).not.toBe(p);
    expect(patternMismatch(core, q, 32, 9)).toBe(-1);
    expect(core.pool_check()).toBe(1);
    core.pool_destroy();
    expect([core.pool_last_freed_blocks(), core.pool_last_freed_bytes()]).toEqual([1, FAR]);
  });

  test("the address a block moved away from is refused afterwards as a double free", () => {
    const core = liveCore(build);
    const p = core.pool_alloc(32) >>> 0;
    core.pool_alloc(32);
    const q = core.pool_resize(p, FAR) >>> 0;
    expect(q).not.toBe(p);
    expect(() => core.pool_free(p)).toThrow(/^pool_free: 0x[0-9a-f]+ was already freed \(double free\)/);
  });

  test("resize_noexc past the limit returns 0 and the old block stays valid, linked and counted", () => {
    const core = liveCore(build);
    const p = core.pool_alloc(100) >>> 0;
    const other = core.pool_alloc(50) >>> 0;
    fillPattern(core, p, 100, 1);
    core.pool_set_limit(200);
    expect(core.pool_resize_noexc(p, 151)).toBe(0);
    expect(core.pool_check()).toBe(1);
    expect([core.pool_blocks(), core.pool_bytes(), core.pool_size_of(p)]).toEqual([2, 150, 100]);
    expect(patternMismatch(core, p, 100, 1)).toBe(-1);
    // Exactly up to the limit is allowed, and the block is still usable.
    const q = core.pool_resize_noexc(p, 150) >>> 0;
    expect(q).not.toBe(0);
    expect(patternMismatch(core, q, 100, 1)).toBe(-1);
    core.pool_free(q);
    core.pool_free(other);
    expect([core.pool_blocks(), core.pool_bytes(), core.pool_check()]).toEqual([0, 0, 1]);
  });

  test("resize_noexc returns 0 for a size no block can hold, keeping the block", () => {
    const core = liveCore(build);
    const p = core.pool_alloc(10) >>> 0;
    expect(core.pool_resize_noexc(p, (core.pool_max_payload() >>> 0) + 1)).toBe(0);
    expect([core.pool_blocks(), core.pool_bytes(), core.pool_size_of(p), core.pool_check()]).toEqual([1, 10, 10, 1]);
  });

  test("shrinking is allowed even when the limit has been lowered below what is outstanding", () => {
    const core = liveCore(build);
    const p = core.pool_alloc(100) >>> 0;
    core.pool_set_limit(10);
    const q = core.pool_resize_noexc(p, 50) >>> 0;
    expect(q).not.toBe(0);
    expect(core.pool_bytes()).toBe(50);
  });

  test("resize fails loudly past the limit, naming pool_resize", () => {
    const core = liveCore(build);
    const p = core.pool_alloc(100) >>> 0;
    core.pool_set_limit(120);
    expect(() => core.pool_resize(p, 121)).toThrow(/^pool_resize: out of memory: 121 bytes requested with 100 outstanding \(limit 120\)/);
  });
});
