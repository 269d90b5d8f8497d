// A pointer that is not a live pool block (double free, foreign pointer) is
// refused by name, before it can corrupt the ring; so is a corrupted ring.

import { describe, expect, test } from "vitest";
import { instantiateCore } from "../src/core/load.js";
import { liftString } from "../src/core/trap.js";
import { type CoreBuild, type CoreExports } from "../src/core/exports.js";

const BUILDS: CoreBuild[] = ["release", "debug"];
const DOUBLE_FREE = /was already freed \(double free\)$/;
const NOT_LIVE = /is not a live pool block \(foreign pointer or overwritten header\)$/;
const OUTSIDE = /is not a pool block \(misaligned or outside memory: a foreign pointer\)$/;
// The header's words, counted back from the payload (assembly/pool.ts).
const HEADER_SIZE = 16;
const NEXT_BEFORE_PAYLOAD = HEADER_SIZE;
const PREV_BEFORE_PAYLOAD = NEXT_BEFORE_PAYLOAD - 4;
const SIZE_BEFORE_PAYLOAD = PREV_BEFORE_PAYLOAD - 4;
const CHECK_BEFORE_PAYLOAD = SIZE_BEFORE_PAYLOAD - 4;
const CHECK_RING = 1;

/** The three entry points that take a block, each called so as to touch it. */
const takers: [string, (core: CoreExports, p: number) => unknown][] = [
  ["pool_free", (core, p) => core.pool_free(p)],
  ["pool_resize", (core, p) => core.pool_resize(p, 64)],
  ["pool_size_of", (core, p) => core.pool_size_of(p)],
];

function liveCore(build: CoreBuild): CoreExports {
  const core = instantiateCore(build);
  core.pool_create();
  return core;
}

function named(fn: string, rule: RegExp): RegExp {
  return new RegExp(`^${fn}: 0x[0-9a-f]+ ${rule.source}`);
}

describe.each(BUILDS)("refused pointers (%s build)", (build) => {
  describe.each(takers)("%s", (fn, take) => {
    test("a block already freed is refused as a double free", () => {
      const core = liveCore(build);
      const p = core.pool_alloc(40) >>> 0;
      core.pool_alloc(40); // keeps p's memory from being merged away
      core.pool_free(p);
      expect(() => take(core, p)).toThrow(named(fn, DOUBLE_FREE));
    });

    test("a block freed by destroy is refused as a double free", () => {
      const core = liveCore(build);
      const p = core.pool_alloc(40) >>> 0;
      core.pool_destroy();
      expect(() => take(core, p)).toThrow(named(fn, DOUBLE_FREE));
    });

    test("a loose block (allocated with no pool) freed twice is refused as a double free", () => {
      const core = instantiateCore(build);
      const p = core.pool_alloc(40) >>> 0;
      core.pool_alloc(40);
      core.pool_free(p);
      expect(() => take(core, p)).toThrow(named(fn, DOUBLE_FREE));
    });

    test("a misaligned pointer into a block is refused as foreign", () => {
      const core = liveCore(build);
      const p = core.pool_alloc(64) >>> 0;
      expect(() => take(core, p + 1)).toThrow(named(fn, OUTSIDE));
    });

    test("a pointer past the end of memory is refused as foreign", () => {
      const core = liveCore(build);
      const end = core.memory.buffer.byteLength;
      expect(() => take(core, end + 16)).toThrow(named(fn, OUTSIDE));
      expect(() => take(core, 0x7fff_fff0)).toThrow(named(fn, OUTSIDE));
    });

    test("an aligned pointer into the middle of a block is refused as foreign", () => {
      const core = liveCore(build);
      const p = core.pool_calloc(1, 256) >>> 0;
      expect(() => take(core, p + 128)).toThrow(named(fn, NOT_LIVE));
    });

    test("a block from the raw allocator underneath is refused as foreign", () => {
      const core = liveCore(build);
      const raw = core.heap_alloc(64) >>> 0;
      expect(() => take(core, raw)).toThrow(named(fn, NOT_LIVE));
    });

    test("a forged header claiming to be on the ring is refused (its neighbours do not point back)", () => {
      const core = liveCore(build);
      const real = core.pool_alloc(64) >>> 0;
      const arena = core.pool_calloc(1, 256) >>> 0;
      const forged = arena + 128;
      // Copy the real block's header (next, prev, size, check) in front of `forged`.
      const bytes = new Uint8Array(core.memory.buffer);
      bytes.copyWithin(forged - HEADER_SIZE, real - HEADER_SIZE, real);
      expect(() => take(core, forged)).toThrow(new RegExp(`^${fn}: 0x[0-9a-f]+ claims to be on the ring but its neighbours do not point back \\(ring corrupted\\)`));
    });
  });

  test("freeing 0 is ignored, like free(NULL)", () => {
    const core = liveCore(build);
    core.pool_alloc(8);
    core.pool_free(0);
    expect([core.pool_blocks(), core.pool_total_frees(), core.pool_check()]).toEqual([1, 0, 1]);
  });

  test("a refused free leaves the ring and the counters as they were", () => {
    const core = liveCore(build);
    const p = core.pool_alloc(40) >>> 0;
    core.pool_alloc(24);
    expect(() => core.pool_free(p + 16)).toThrow(/^pool_free: /);
    expect([core.pool_blocks(), core.pool_bytes(), core.pool_check()]).toEqual([2, 64, 1]);
  });

  test("creating a pool while one is active is refused, naming pool_create", () => {
    const core = liveCore(build);
    expect(() => core.pool_create()).toThrow(/^pool_create: a pool is already active; destroy it first/);
  });

  test("destroying with no active pool is refused, naming pool_destroy", () => {
    const core = instantiateCore(build);
    expect(() => core.pool_destroy()).toThrow(/^pool_destroy: no pool is active/);
  });

  test("pool_check finds a block whose prev link was overwritten, and records where", () => {
    const core = liveCore(build);
    const blocks = [core.pool_alloc(16) >>> 0, core.pool_alloc(16) >>> 0, core.pool_alloc(16) >>> 0];
    expect(core.pool_check()).toBe(1);
    const view = new DataView(core.memory.buffer);
    view.setUint32(blocks[2]! - PREV_BEFORE_PAYLOAD, blocks[0]! - HEADER_SIZE, true);
    core.failure_clear();
    expect(core.pool_check()).toBe(0);
    expect(core.failure_check()).toBe(CHECK_RING);
    expect(liftString(core.memory, core.failure_message())).toMatch(/^poolInvariantCheck: block\.prev does not point at the previous block at block 2 \(header 0x[0-9a-f]+\)/);
    expect(core.failure_address() >>> 0).toBe(blocks[2]! - HEADER_SIZE);
  });

  test("pool_check finds a block on the ring whose check word is not POOLED", () => {
    const core = liveCore(build);
    const p = core.pool_alloc(16) >>> 0;
    new DataView(core.memory.buffer).setUint32(p - CHECK_BEFORE_PAYLOAD, 0, true);
    core.failure_clear();
    expect(core.pool_check()).toBe(0);
    expect(liftString(core.memory, core.failure_message())).toMatch(/a block on the ring is not marked POOLED/);
  });

  test("pool_check finds a bytes counter that disagrees with the ring", () => {
    const core = liveCore(build);
    const p = core.pool_alloc(16) >>> 0;
    new DataView(core.memory.buffer).setUint32(p - SIZE_BEFORE_PAYLOAD, 17, true);
    core.failure_clear();
    expect(core.pool_check()).toBe(0);
    expect(liftString(core.memory, core.failure_message())).toMatch(/bytes on the ring \(17\) differ from the bytes counter \(16\)/);
  });
});
