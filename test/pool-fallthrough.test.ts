// With no active pool, the pool's functions fall through to the allocator
// underneath: blocks are "loose", never on a ring, never counted, and a pool
// created later neither frees nor counts them.

import { describe, expect, test } from "vitest";
import { instantiateCore } from "../src/core/load.js";
import { type CoreBuild } from "../src/core/exports.js";
import { fillPattern, patternMismatch, readBytes, writeBytes } from "./support/payload.js";

const BUILDS: CoreBuild[] = ["release", "debug"];

describe.each(BUILDS)("no active pool (%s build)", (build) => {
  test("every allocation function works and no counter moves", () => {
    const core = instantiateCore(build);
    expect(core.pool_is_active()).toBe(0);
    const a = core.pool_alloc(100) >>> 0;
    const b = core.pool_alloc_noexc(50) >>> 0;
    const c = core.pool_calloc(4, 8) >>> 0;
    const d = core.pool_alloc_aligned(64, 256) >>> 0;
    writeBytes(core, a, new TextEncoder().encode("loose\0"));
    const e = core.pool_strdup(a) >>> 0;
    const f = core.pool_resize(0, 10) >>> 0;
    for (const p of [a, b, c, d, e, f]) expect(p % 16).toBe(0);
    expect(d % 256).toBe(0);
    expect(readBytes(core, c, 32).every((x) => x === 0)).toBe(true);
    expect(readBytes(core, e, 6)).toEqual(new TextEncoder().encode("loose\0"));
    expect([core.pool_size_of(a), core.pool_size_of(c), core.pool_size_of(d), core.pool_size_of(e)]).toEqual([100, 32, 64, 6]);
    fillPattern(core, b, 50, 5);
    const b2 = core.pool_resize(b, 20_000) >>> 0;
    expect(patternMismatch(core, b2, 50, 5)).toBe(-1);
    for (const p of [a, b2, c, d, e, f]) core.pool_free(p);
    expect([core.pool_blocks(), core.pool_bytes(), core.pool_total_allocs(), core.pool_total_frees(), core.pool_peak_bytes()]).toEqual([0, 0, 0, 0, 0]);
    expect(core.pool_check()).toBe(1);
  });

  test("the byte limit applies only to an active pool", () => {
    const core = instantiateCore(build);
    core.pool_set_limit(10);
    expect(core.pool_alloc_noexc(1000)).not.toBe(0);
  });

  test("a loose block survives a pool's whole life and is freed afterwards like any other", () => {
    const core = instantiateCore(build);
    const loose = core.pool_alloc(300) >>> 0;
    fillPattern(core, loose, 300, 11);
    core.pool_create();
    const pooled = [core.pool_alloc(300) >>> 0, core.pool_alloc(40) >>> 0];
    expect(core.pool_blocks()).toBe(2);
    core.pool_destroy();
    expect(core.pool_last_freed_blocks()).toBe(pooled.length);
    expect(patternMismatch(core, loose, 300, 11)).toBe(-1);
    expect(core.pool_size_of(loose)).toBe(300);
    core.pool_free(loose);
  });

  test("freeing or resizing a loose block while a pool is active leaves the ring and counters alone", () => {
    const core = instantiateCore(build);
    const a = core.pool_alloc(64) >>> 0;
    const b = core.pool_alloc(64) >>> 0;
    fillPattern(core, b, 64, 2);
    core.pool_create();
    core.pool_alloc(32);
    core.pool_free(a);
    const b2 = core.pool_resize(b, 50_000) >>> 0;
    expect(patternMismatch(core, b2, 64, 2)).toBe(-1);
    expect([core.pool_blocks(), core.pool_bytes(), core.pool_total_frees(), core.pool_check()]).toEqual([1, 32, 0, 1]);
    core.pool_destroy();
    expect(core.pool_last_freed_blocks()).toBe(1);
    // Still loose, still alive after destroy.
    expect(core.pool_size_of(b2)).toBe(50_000);
    expect(patternMismatch(core, b2, 64, 2)).toBe(-1);
  });
});
