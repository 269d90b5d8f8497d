// pool_alloc_aligned: payloads on any power-of-two boundary from 16 to 64 KiB,
// on the ring like any other block, freed one by one or by destroy.

import { describe, expect, test } from "vitest";
import { instantiateCore } from "../src/core/load.js";
import { type CoreBuild, type CoreExports } from "../src/core/exports.js";
import { fillPattern, patternMismatch } from "./support/payload.js";

const BUILDS: CoreBuild[] = ["release", "debug"];
const ALIGNMENTS = [16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768, 65536];
const SIZES = [0, 1, 100, 5000];
/** The header's check word sits just before the payload; its low 12 bits are pad / 16. */
const CHECK_WORD_BEFORE_PAYLOAD = 4;
const PAD_MASK = 0xfff;

interface Block { p: number; size: number; seed: number; align: number }

function allocAligned(core: CoreExports): Block[] {
  const blocks: Block[] = [];
  for (const align of ALIGNMENTS) {
    for (const size of SIZES) {
      const p = core.pool_alloc_aligned(size, align) >>> 0;
      expect(p % align, `align ${align}, size ${size}`).toBe(0);
      const seed = blocks.length;
      fillPattern(core, p, size, seed);
      blocks.push({ p, size, seed, align });
    }
  }
  return blocks;
}

function padOf(core: CoreExports, p: number): number {
  return (new DataView(core.memory.buffer).getUint32(p - CHECK_WORD_BEFORE_PAYLOAD, true) & PAD_MASK) * 16;
}

describe.each(BUILDS)("aligned blocks (%s build)", (build) => {
  test("every alignment from 16 to 64 KiB is honoured, linked, counted, and payloads do not overlap", () => {
    const core = instantiateCore(build);
    core.pool_create();
    const blocks = allocAligned(core);
    expect(core.pool_check()).toBe(1);
    expect(core.pool_blocks()).toBe(blocks.length);
    expect(core.pool_bytes()).toBe(ALIGNMENTS.length * SIZES.reduce((a, b) => a + b, 0));
    for (const b of blocks) {
      expect(core.pool_size_of(b.p)).toBe(b.size);
      expect(patternMismatch(core, b.p, b.size, b.seed), `block ${b.seed}`).toBe(-1);
    }
  });

  test("aligned blocks freed one by one, odd ones first, leave the ring empty and TLSF consistent", () => {
    const core = instantiateCore(build);
    core.pool_create();
    const blocks = allocAligned(core);
    const order = [...blocks.filter((_, i) => i % 2 === 1), ...blocks.filter((_, i) => i % 2 === 0)];
    let left = blocks.length;
    for (const b of order) {
      core.pool_free(b.p);
      left--;
      expect(core.pool_blocks()).toBe(left);
      expect(core.pool_check()).toBe(1);
    }
    expect(core.pool_bytes()).toBe(0);
    // TLSF took every block back at its real start: the space is reused.
    const pages = core.memory_pages();
    allocAligned(core);
    expect(core.memory_pages()).toBe(pages);
  });

  test("destroy frees aligned blocks at their real start, so repeated cycles reuse the same memory", () => {
    const core = instantiateCore(build);
    let pages = 0;
    for (let cycle = 0; cycle < 20; cycle++) {
      core.pool_create();
      const blocks = allocAligned(core);
      core.pool_alloc(100_000);
      core.pool_destroy();
      expect(core.pool_last_freed_blocks()).toBe(blocks.length + 1);
      expect([core.pool_blocks(), core.pool_bytes()]).toEqual([0, 0]);
      if (cycle === 0) pages = core.memory_pages();
      expect(core.memory_pages(), `cycle ${cycle}`).toBe(pages);
    }
  });

  test.each([0, 1, 8, 24, 48, 100, 131072, 0x8000_0000])("alignment %d is refused, naming pool_alloc_aligned", (align) => {
    const core = instantiateCore(build);
    core.pool_create();
    expect(() => core.pool_alloc_aligned(16, align)).toThrow(/^pool_alloc_aligned: alignment \d+ must be a power of two from 16 to 65536/);
  });

  test("an aligned allocation past the limit fails loudly, naming pool_alloc_aligned", () => {
    const core = instantiateCore(build);
    core.pool_create();
    core.pool_set_limit(1000);
    expect(() => core.pool_alloc_aligned(1001, 64)).toThrow(/^pool_alloc_aligned: out of memory: 1001 bytes requested/);
  });

  test("a padded aligned block cannot be resized, and the refusal names pool_resize", () => {
    const core = instantiateCore(build);
    core.pool_create();
    const padded = allocAligned(core).find((b) => padOf(core, b.p) !== 0);
    expect(padded).toBeDefined();
    expect(() => core.pool_resize(padded!.p, 10)).toThrow(/^pool_resize: 0x[0-9a-f]+ came from pool_alloc_aligned and cannot be resized/);
  });

  test("an aligned block with no padding is refused by resize too, since moving it would lose its alignment", () => {
    const core = instantiateCore(build);
    core.pool_create();
    const unpadded = allocAligned(core).find((b) => b.align > 16 && padOf(core, b.p) === 0);
    expect(unpadded).toBeDefined();
    expect(() => core.pool_resize(unpadded!.p, 100_000)).toThrow(/^pool_resize: 0x[0-9a-f]+ came from pool_alloc_aligned and cannot be resized/);
  });

  test("alignment 16 is every payload's alignment: such a block is plain and resizable", () => {
    const core = instantiateCore(build);
    core.pool_create();
    const p = core.pool_alloc_aligned(40, 16) >>> 0;
    expect(p % 16).toBe(0);
    const q = core.pool_resize(p, 100_000) >>> 0;
    expect(core.pool_size_of(q)).toBe(100_000);
    expect(core.pool_check()).toBe(1);
  });
});
