// Allocation entry points of the pool: alloc (fails loudly), alloc_noexc
// (returns 0), calloc (zeroed, overflow-checked), strdup, and the byte limit.

import { describe, expect, test } from "vitest";
import { instantiateCore } from "../src/core/load.js";
import { type CoreBuild } from "../src/core/exports.js";
import { fillPattern, readBytes, writeBytes } from "./support/payload.js";

const PAYLOAD_ALIGN = 16;
const BUILDS: CoreBuild[] = ["release", "debug"];

describe.each(BUILDS)("pool allocation (%s build)", (build) => {
  test("every payload is 16-byte aligned and as large as asked, for sizes 0 to 256", () => {
    const core = instantiateCore(build);
    core.pool_create();
    for (let size = 0; size <= 256; size++) {
      const p = core.pool_alloc(size) >>> 0;
      expect(p % PAYLOAD_ALIGN, `size ${size}`).toBe(0);
      expect(core.pool_size_of(p) >>> 0).toBe(size);
    }
    expect(core.pool_blocks()).toBe(257);
    expect(core.pool_bytes()).toBe((256 * 257) / 2);
    expect(core.pool_check()).toBe(1);
  });

  test("alloc_noexc returns 0 past the byte limit and leaves the counters alone", () => {
    const core = instantiateCore(build);
    core.pool_create();
    core.pool_set_limit(100);
    expect(core.pool_limit()).toBe(100);
    expect(core.pool_alloc_noexc(60)).not.toBe(0);
    expect(core.pool_alloc_noexc(40)).not.toBe(0);
    expect(core.pool_alloc_noexc(1)).toBe(0);
    expect([core.pool_blocks(), core.pool_bytes(), core.pool_total_allocs()]).toEqual([2, 100, 2]);
    expect(core.pool_check()).toBe(1);
  });

  test("alloc_noexc returns 0 for a size no block can hold, even with no limit", () => {
    const core = instantiateCore(build);
    core.pool_create();
    const max = core.pool_max_payload() >>> 0;
    expect(max).toBeGreaterThan(1 << 29);
    expect(core.pool_alloc_noexc(max + 1)).toBe(0);
    expect(core.pool_alloc_noexc(0xffff_fff0)).toBe(0);
    expect(core.pool_blocks()).toBe(0);
  });

  test("alloc fails loudly past the limit, naming pool_alloc, the request and the limit", () => {
    const core = instantiateCore(build);
    core.pool_create();
    core.pool_set_limit(100);
    core.pool_alloc(64);
    expect(() => core.pool_alloc(37)).toThrow(/^pool_alloc: out of memory: 37 bytes requested with 64 outstanding \(limit 100\)/);
  });

  test("calloc hands back zeroed bytes even where a freed block left a pattern", () => {
    const core = instantiateCore(build);
    core.pool_create();
    const dirty = core.pool_alloc(512) >>> 0;
    fillPattern(core, dirty, 512, 7);
    core.pool_free(dirty);
    const p = core.pool_calloc(16, 32) >>> 0;
    expect(p).toBe(dirty); // TLSF hands the same block back, so zeroing is what is being tested
    expect(readBytes(core, p, 512).every((b) => b === 0)).toBe(true);
    expect([core.pool_blocks(), core.pool_bytes(), core.pool_size_of(p)]).toEqual([1, 512, 512]);
  });

  test("calloc of zero elements is a valid empty block", () => {
    const core = instantiateCore(build);
    core.pool_create();
    const p = core.pool_calloc(0, 1 << 20) >>> 0;
    expect(p).not.toBe(0);
    expect(core.pool_size_of(p)).toBe(0);
    core.pool_free(p);
    expect(core.pool_blocks()).toBe(0);
  });

  test.each([
    [65536, 65536],
    [0xffff_ffff, 2],
    [2, 0x8000_0000],
    [0x4000_0000, 1],
  ])("calloc(%d, %d) is refused as too large rather than wrapping around", (n, size) => {
    const core = instantiateCore(build);
    core.pool_create();
    expect(() => core.pool_calloc(n, size)).toThrow(/^pool_calloc: \d+ × \d+ bytes is more than one block can hold/);
  });

  test("strdup copies a NUL-terminated string, terminator included, into a counted block", () => {
    const core = instantiateCore(build);
    core.pool_create();
    const text = new TextEncoder().encode("unloadable\0");
    const src = core.pool_alloc(64) >>> 0;
    writeBytes(core, src, text);
    const copy = core.pool_strdup(src) >>> 0;
    expect(copy).not.toBe(src);
    expect(core.pool_size_of(copy)).toBe(text.length);
    expect(readBytes(core, copy, text.length)).toEqual(text);
    expect([core.pool_blocks(), core.pool_bytes()]).toEqual([2, 64 + text.length]);
  });

  test("strdup of the empty string is a one-byte block holding the terminator", () => {
    const core = instantiateCore(build);
    core.pool_create();
    const src = core.pool_alloc(16) >>> 0;
    writeBytes(core, src, new Uint8Array(16).fill(0));
    const copy = core.pool_strdup(src) >>> 0;
    expect(core.pool_size_of(copy)).toBe(1);
    expect(readBytes(core, copy, 1)).toEqual(new Uint8Array([0]));
  });
});
