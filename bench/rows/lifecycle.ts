// Rows (b) and (c): what a whole runtime costs a host, against the floor any
// wasm runtime pays, a bare instance of the same module plus one call.
//   (b) start → small workload → shutdown → drop, within 1.5× of the floor;
//   (c) restart (exit → init) → the same workload, in one long-lived
//       instance, at most a quarter of the floor: the cheap path to offer.
//
// Note [Fresh memories cost their collection]
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
// Much of a fresh instance's cost is V8 collecting what it leaves behind, its
// WebAssembly.Memory above all, and V8 does that in bursts: with 1-page
// instances, a 4–10 ms Mark-Compact every ~20 ms, i.e. every 200–300
// instances (node --trace-gc). A sample of one instance, or of 128, is then
// either GC-free (~45 µs per instance) or holds a whole Mark-Compact
// (~90 µs), and the median jumps between the two. So a sample is a batch of
// cycles lasting ~SAMPLE_MS, long enough to span several collections; its
// median is then within a few per cent of the mean, i.e. it includes the
// amortised collection cost. The batch is measured, not fixed, because a
// cycle's cost moves with the core (a bigger initial heap makes it dearer),
// and both sides use the same batch, sized on the slower. The runner's
// untimed gc() before each slice (See Note [Garbage stays with its maker] in
// bench/sample.ts) keeps the peer's garbage off the restart path, which
// makes none.

import { instantiateCore } from "../../src/core/load.js";
import { type CoreExports } from "../../src/core/exports.js";
import { Runtime, coreOf } from "../../src/runtime.js";
import { defineRow, verifyCompletions, type RunContext, type TaskSpec } from "../row.js";

/** How long a sample lasts, at least; see Note [Fresh memories cost their collection]. */
const SAMPLE_MS = 80;
/** Cycles timed per side to size the batch. */
const CALIBRATION_BATCH = 16;
const MIN_BATCH = 8;
const MAX_BATCH = 4096;
const QUICK_BATCH = 4;

/** The small workload: this many ring blocks, 16 B apart in size … */
const WORKLOAD_BLOCKS = 8;
const WORKLOAD_SIZE_STEP = 16;
/** … of which every other one is freed by the workload, the rest by the ring at exit. */
const LEFT_FOR_EXIT = WORKLOAD_BLOCKS / 2;

const workloadPtrs = new Int32Array(WORKLOAD_BLOCKS);

/** A few allocations and frees; leaves LEFT_FOR_EXIT blocks for exit to free. */
function workload(core: CoreExports): number {
  let seen = 0;
  for (let i = 0; i < WORKLOAD_BLOCKS; i++) {
    const p = core.pool_alloc((i + 1) * WORKLOAD_SIZE_STEP);
    workloadPtrs[i] = p;
    seen ^= p;
  }
  for (let i = 0; i < WORKLOAD_BLOCKS; i += 2) core.pool_free(workloadPtrs[i]!);
  return seen;
}

/** Exit must free what the workload left plus the runtime's own blocks. */
function checkFreed(row: string, blocksFreed: number, ownBlocks: number): void {
  if (blocksFreed !== ownBlocks + LEFT_FOR_EXIT) {
    throw new Error(`bench ${row}: exit freed ${blocksFreed} blocks; the workload leaves ${LEFT_FOR_EXIT} and the runtime holds ${ownBlocks}`);
  }
}

/** Ring blocks a freshly initialised runtime holds before any workload. */
function ownBlocksOf(rt: Runtime): number {
  return rt.stats().pool.blocks;
}

const FLOOR = "bare instantiate+call";

/**
 * The peer of both rows: a bare instance of the core's module, and one
 * trivial call. instantiateCore is exactly `new WebAssembly.Instance(
 * coreModule(), imports)` with the imports the host gives every runtime
 * (abort, and whatever the core imports later), so the peer stays linkable as
 * the core grows; the call is memory_pages, which does no runtime work, so
 * the peer is the floor any wasm runtime pays.
 */
function bareInstantiate(batch: number): TaskSpec {
  return verifyCompletions(FLOOR, {
    name: FLOOR,
    ops: batch,
    fn: () => {
      let seen = 0;
      for (let k = 0; k < batch; k++) {
        const pages = instantiateCore().memory_pages();
        if (!(pages >= 1)) throw new Error(`bench ${FLOOR}: a fresh instance reports ${pages} memory pages`);
        seen += pages;
      }
      return seen;
    },
  });
}

/**
 * Cycles per sample: enough that the slower side's sample lasts SAMPLE_MS,
 * measured on a few cycles of each side. See Note [Fresh memories cost their
 * collection]. A quick run takes QUICK_BATCH without measuring.
 */
async function batchFor(ctx: RunContext, makers: readonly ((batch: number) => TaskSpec)[]): Promise<number> {
  if (ctx.quick) return QUICK_BATCH;
  let slowestMs = 0;
  for (const make of makers) {
    const task = make(CALIBRATION_BATCH);
    await task.fn(); // first calls compile and warm up
    const start = performance.now();
    await task.fn();
    slowestMs = Math.max(slowestMs, (performance.now() - start) / CALIBRATION_BATCH);
  }
  return Math.min(MAX_BATCH, Math.max(MIN_BATCH, Math.ceil(SAMPLE_MS / slowestMs)));
}

const METHOD_COMMON =
  "Workload: 8 pool_alloc (16–128 B) and 4 pool_free through coreOf(rt); exit frees the other 4. " +
  "A sample is a batch of cycles, the same on both sides, sized so a sample lasts ~80 ms and spans several of " +
  "V8's collections of dropped memories (see Note [Fresh memories cost their collection]); " +
  "a forced gc() runs untimed between slices only.";

/** Ours in lifecycle/cycle: a whole runtime per cycle. */
function fullCycles(batch: number, ownBlocks: number): TaskSpec {
  let cycles = 0;
  return {
    name: "start→work→shutdown",
    ops: batch,
    fn: async () => {
      let seen = 0;
      for (let k = 0; k < batch; k++) {
        const rt = await Runtime.start();
        seen ^= workload(coreOf(rt, "bench lifecycle/cycle"));
        checkFreed("lifecycle/cycle", (await rt.shutdown()).blocksFreed, ownBlocks);
        cycles++;
      }
      return seen;
    },
    verify: (calls) => {
      if (cycles !== calls * batch) throw new Error(`bench lifecycle/cycle: ${cycles} cycles ran, expected ${calls * batch}`);
    },
  };
}

export const cycleRow = defineRow<Record<string, never>>({
  name: "lifecycle/cycle",
  title: "Runtime.start → workload → shutdown → drop vs a bare new WebAssembly.Instance + one call",
  unit: "cycle",
  method: `Ours: await Runtime.start(), the workload, await rt.shutdown(), drop. Peer: new WebAssembly.Instance(coreModule(), the host's imports) via instantiateCore(), one call (memory_pages), drop. ${METHOD_COMMON}`,
  grid: {},
  targets: [{ peer: FLOOR, maxRatio: 1.5 }],
  prepare: async (_params, ctx: RunContext) => {
    const probe = await Runtime.start();
    const ownBlocks = ownBlocksOf(probe);
    await probe.shutdown();
    const batch = await batchFor(ctx, [(b) => fullCycles(b, ownBlocks), bareInstantiate]);
    return { ours: fullCycles(batch, ownBlocks), peers: [bareInstantiate(batch)] };
  },
});

/** Ours in lifecycle/restart: one long-lived runtime, restarted every cycle. */
function restartCycles(batch: number, rt: Runtime, ownBlocks: number): TaskSpec {
  const firstCycle = rt.stats().cycles;
  return {
    name: "restart→work",
    ops: batch,
    fn: async () => {
      let seen = 0;
      for (let k = 0; k < batch; k++) {
        checkFreed("lifecycle/restart", (await rt.restart()).blocksFreed, ownBlocks);
        seen ^= workload(coreOf(rt, "bench lifecycle/restart"));
      }
      return seen;
    },
    verify: (calls) => {
      const restarts = rt.stats().cycles - firstCycle;
      if (restarts !== calls * batch) throw new Error(`bench lifecycle/restart: ${restarts} restarts ran, expected ${calls * batch}`);
    },
  };
}

export const restartRow = defineRow<Record<string, never>>({
  name: "lifecycle/restart",
  title: "rt.restart() → workload in one instance vs a bare new WebAssembly.Instance + one call",
  unit: "cycle",
  method: `Ours: await rt.restart() (exit → init, memory kept) then the workload, on one long-lived runtime. Peer: as in lifecycle/cycle. ${METHOD_COMMON}`,
  grid: {},
  targets: [{ peer: FLOOR, maxRatio: 0.25 }],
  prepare: async (_params, ctx: RunContext) => {
    const rt = await Runtime.start();
    const ownBlocks = ownBlocksOf(rt);
    // Every timed restart then frees what the previous workload left.
    workload(coreOf(rt, "bench lifecycle/restart"));
    const batch = await batchFor(ctx, [(b) => restartCycles(b, rt, ownBlocks), bareInstantiate]);
    return { ours: restartCycles(batch, rt, ownBlocks), peers: [bareInstantiate(batch)], teardown: () => rt.shutdown() };
  },
});
