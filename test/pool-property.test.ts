// Random sequences of pool operations against a model of the live blocks:
// after every step the counters equal the model, the ring passes pool_check,
// and every live payload still holds its pattern (through resize moves and
// other blocks' frees); destroy frees exactly what the model holds.

import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { instantiateCore } from "../src/core/load.js";
import { type CoreBuild, type CoreExports } from "../src/core/exports.js";
import { fillPattern, patternByte, patternMismatch } from "./support/payload.js";

const BUILDS: CoreBuild[] = ["release", "debug"];
const UNLIMITED = 2 ** 32 - 1;
/** Bytes checked at each end of every live block after each step (all of it at the end). */
const EDGE = 32;
const STRIDE = 61;

type Op =
  | { kind: "alloc" | "noexc"; size: number }
  | { kind: "calloc"; n: number; size: number }
  | { kind: "aligned"; size: number; alignLog: number }
  | { kind: "resize" | "resizeNoexc"; pick: number; size: number }
  | { kind: "free"; pick: number };

interface Live { p: number; size: number; seed: number; align: number }

// Mostly small blocks, sometimes one large enough to force TLSF to move or grow.
const size = fc.oneof({ weight: 9, arbitrary: fc.integer({ min: 0, max: 300 }) }, { weight: 1, arbitrary: fc.integer({ min: 301, max: 70_000 }) });
const pick = fc.nat();
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant("alloc" as const), size }),
  fc.record({ kind: fc.constant("noexc" as const), size }),
  fc.record({ kind: fc.constant("calloc" as const), n: fc.integer({ min: 0, max: 40 }), size: fc.integer({ min: 0, max: 100 }) }),
  fc.record({ kind: fc.constant("aligned" as const), size, alignLog: fc.integer({ min: 4, max: 13 }) }),
  fc.record({ kind: fc.constant("resize" as const), pick, size }),
  fc.record({ kind: fc.constant("resizeNoexc" as const), pick, size }),
  fc.record({ kind: fc.constant("free" as const), pick }),
  fc.record({ kind: fc.constant("free" as const), pick }),
);

/** Checks a block's pattern: both ends and a stride through the middle, or all of it. */
function intact(core: CoreExports, b: Live, full: boolean): boolean {
  if (full || b.size <= 2 * EDGE) return patternMismatch(core, b.p, b.size, b.seed) === -1;
  const bytes = new Uint8Array(core.memory.buffer, b.p, b.size);
  for (let i = 0; i < b.size; i = i < EDGE || i >= b.size - EDGE ? i + 1 : Math.min(i + STRIDE, b.size - EDGE)) {
    if (bytes[i] !== patternByte(b.seed, i)) return false;
  }
  return true;
}

class Model {
  live: Live[] = [];
  bytes = 0;
  peakBlocks = 0;
  peakBytes = 0;
  allocs = 0;
  frees = 0;
  nextSeed = 0;

  constructor(readonly limit: number) {}

  fits(extra: number): boolean {
    return this.bytes + extra <= this.limit;
  }

  add(core: CoreExports, p: number, size: number, align: number): void {
    const b = { p, size, seed: this.nextSeed++, align };
    fillPattern(core, p, size, b.seed);
    this.live.push(b);
    this.bytes += size;
    this.allocs++;
    this.touch();
  }

  touch(): void {
    this.peakBlocks = Math.max(this.peakBlocks, this.live.length);
    this.peakBytes = Math.max(this.peakBytes, this.bytes);
  }

  expectAgrees(core: CoreExports, full: boolean): void {
    expect(core.pool_check()).toBe(1);
    expect([core.pool_blocks(), core.pool_bytes()]).toEqual([this.live.length, this.bytes]);
    expect([core.pool_peak_blocks(), core.pool_peak_bytes()]).toEqual([this.peakBlocks, this.peakBytes]);
    expect([core.pool_total_allocs(), core.pool_total_frees()]).toEqual([this.allocs, this.frees]);
    for (const b of this.live) {
      expect(b.p % b.align).toBe(0);
      expect(core.pool_size_of(b.p)).toBe(b.size);
      expect(intact(core, b, full), `payload of block ${b.seed} (${b.size} bytes at 0x${b.p.toString(16)})`).toBe(true);
    }
  }
}

/**
 * Applies one operation to core and model. Returns false when the core was
 * expected to fail loudly (a trap ends the run: the instance is not reused).
 */
function step(core: CoreExports, model: Model, o: Op): boolean {
  switch (o.kind) {
    case "alloc":
    case "noexc": {
      if (!model.fits(o.size)) {
        if (o.kind === "noexc") {
          expect(core.pool_alloc_noexc(o.size)).toBe(0);
          return true;
        }
        expect(() => core.pool_alloc(o.size)).toThrow(/^pool_alloc: out of memory/);
        return false;
      }
      const p = (o.kind === "alloc" ? core.pool_alloc(o.size) : core.pool_alloc_noexc(o.size)) >>> 0;
      expect(p % 16).toBe(0);
      model.add(core, p, o.size, 16);
      return true;
    }
    case "calloc": {
      const total = o.n * o.size;
      if (!model.fits(total)) {
        expect(() => core.pool_calloc(o.n, o.size)).toThrow(/out of memory/);
        return false;
      }
      const p = core.pool_calloc(o.n, o.size) >>> 0;
      expect(new Uint8Array(core.memory.buffer, p, total).every((x) => x === 0)).toBe(true);
      model.add(core, p, total, 16);
      return true;
    }
    case "aligned": {
      const align = 2 ** o.alignLog;
      if (!model.fits(o.size)) {
        expect(() => core.pool_alloc_aligned(o.size, align)).toThrow(/^pool_alloc_aligned: out of memory/);
        return false;
      }
      model.add(core, core.pool_alloc_aligned(o.size, align) >>> 0, o.size, align);
      return true;
    }
    case "resize":
    case "resizeNoexc": {
      // Aligned blocks are not resizable (pool-aligned.test.ts); resize the others.
      const candidates = model.live.filter((b) => b.align === 16);
      const noexc = o.kind === "resizeNoexc";
      const resize = (p: number) => (noexc ? core.pool_resize_noexc(p, o.size) : core.pool_resize(p, o.size)) >>> 0;
      if (candidates.length === 0) {
        // resize(0, n) is an allocation.
        if (!model.fits(o.size)) {
          if (noexc) {
            expect(resize(0)).toBe(0);
            return true;
          }
          expect(() => resize(0)).toThrow(/out of memory/);
          return false;
        }
        model.add(core, resize(0), o.size, 16);
        return true;
      }
      const b = candidates[o.pick % candidates.length]!;
      if (o.size > b.size && !model.fits(o.size - b.size)) {
        if (noexc) {
          expect(resize(b.p)).toBe(0);
          return true;
        }
        expect(() => resize(b.p)).toThrow(/^pool_resize: out of memory/);
        return false;
      }
      const kept = Math.min(b.size, o.size);
      const q = resize(b.p);
      expect(q % 16).toBe(0);
      expect(patternMismatch(core, q, kept, b.seed), "prefix kept by resize").toBe(-1);
      model.bytes += o.size - b.size;
      b.p = q;
      b.size = o.size;
      fillPattern(core, q, o.size, b.seed);
      model.touch();
      return true;
    }
    case "free": {
      if (model.live.length === 0) return true;
      const [b] = model.live.splice(o.pick % model.live.length, 1);
      core.pool_free(b!.p);
      model.bytes -= b!.size;
      model.frees++;
      return true;
    }
  }
}

describe.each(BUILDS)("pool against a model (%s build)", (build) => {
  test("random operation sequences keep counters, ring and payloads right; destroy frees exactly the live blocks", () => {
    fc.assert(
      fc.property(fc.constantFrom(UNLIMITED, 4096, 100_000), fc.array(op, { minLength: 1, maxLength: 60 }), (limit, ops) => {
        const core = instantiateCore(build);
        core.pool_create();
        core.pool_set_limit(limit);
        const model = new Model(limit);
        for (const o of ops) {
          if (!step(core, model, o)) return;
          model.expectAgrees(core, false);
        }
        model.expectAgrees(core, true);
        core.pool_destroy();
        expect([core.pool_last_freed_blocks(), core.pool_last_freed_bytes()]).toEqual([model.live.length, model.bytes]);
        expect([core.pool_blocks(), core.pool_bytes(), core.pool_total_frees()]).toEqual([0, 0, model.frees + model.live.length]);
        // The allocator underneath is consistent after destroy: the pool starts again and allocates.
        core.pool_create();
        core.pool_free(core.pool_alloc(64));
        expect(core.pool_check()).toBe(1);
      }),
      { numRuns: 150 },
    );
  });
});
