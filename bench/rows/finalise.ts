// Rows finalise/custom, finalise/functions and finalise/shutdown: what
// finalisation costs.
//   finalise/custom    registering and running 10⁶ custom-block finalisers
//                      (rt.custom with a host function, the handle freed, a
//                      major collection finds them dead and runs each), against
//                      the platform's own facility, a FinalizationRegistry
//                      over 10⁶ objects collected by a forced gc();
//   finalise/functions the same for rt.finalise, rt.finaliseLast and weak
//                      pointers with a finalizer, each on a fresh block;
//   finalise/shutdown  shutdown time against the live heap (1 MiB to
//                      256 MiB), per MiB: it should stay flat, i.e. shutdown
//                      grows linearly with the heap (docs/finalisers.md).
//
// Note [Timing a shutdown]
// ~~~~~~~~~~~~~~~~~~~~~~~~
// A shutdown can be timed once per runtime, and building the runtime's heap
// is most of a sample's cost. So each call of the task builds a fresh runtime
// with the heap of its grid point (a list of 2-field cells made inside the
// core, and one custom block with a host finaliser per CUSTOM_EVERY bytes of
// it, all reachable), then times `await rt.shutdown()` alone and records it
// divided by the heap's MiB (TaskSpec.durations): the figure is ns per MiB of
// live heap, and a flat figure across the grid is linear growth. The report of
// every shutdown is checked: every custom block finalised, nothing leaked.

import { Runtime, coreOf } from "../../src/runtime.js";
import type { Block } from "../../src/heap/block.js";
import { defineRow, type Case, type RunContext, type TaskSpec } from "../row.js";

const MIB = 1 << 20;
const NS_PER_MS = 1e6;
/** finalise/custom: finalisers per sample (quick: 10³). */
const FINALISERS = 1_000_000;
const QUICK_FINALISERS = 1_000;
/** A 2-field list cell's bytes (BLOCK2_BYTES in assembly/heap/alloc.ts). */
const CELL_BYTES = 16;
/** finalise/shutdown: one custom block per this many bytes of list. */
const CUSTOM_EVERY = 4096;
/** Quick runs build 1/QUICK_DIVISOR of each heap. */
const QUICK_DIVISOR = 256;
/** Most slices a shutdown sample gets (each one builds a heap of up to 256 MiB). */
const SHUTDOWN_ROUNDS = 3;
/** Iterations per rt.scope in ours' loop: the handles a scope frees (Note [A scope is the backstop]). */
const PER_SCOPE = 1024;
/** Polls of the event loop a FinalizationRegistry gets to report every object after gc(). */
const MAX_GC_ROUNDS = 50;

export const customFinaliserRow = defineRow<Record<string, never>>({
  name: "finalise/custom",
  title: "register and run 10⁶ custom-block finalisers vs a FinalizationRegistry over 10⁶ objects",
  unit: "finaliser (register + run)",
  method:
    `Ours: rt.custom(i, fn) with a host function, handle freed at once (inside rt.scope, ${PER_SCOPE} per scope, so no handle is registered with the package's own FinalizationRegistry backstop: Note [A scope is the backstop]), then one major collection; every finaliser ` +
    "has run when rt.gc returns (Note [The finaliser queue], src/final/finalisers.ts); the nursery's own collections run " +
    "some earlier. Peer: registry.register(object, i) for 10⁶ fresh objects, dropped, then gc() and event-loop turns " +
    "until every callback has fired. Both count their runs. Quick: 10³.",
  grid: {},
  targets: [{ peer: "FinalizationRegistry", maxRatio: 2 }],
  prepare: prepareCustom,
});

type FunctionKind = "finalise" | "finaliseLast" | "weak";

export const functionsRow = defineRow<{ kind: FunctionKind }>({
  name: "finalise/functions",
  title: "register and run 10⁶ finalise / finaliseLast / weak finalizers vs a FinalizationRegistry over 10⁶ objects",
  unit: "finaliser (allocate + register + run)",
  method:
    "Ours: a fresh block rt.block(0, [i]), then rt.finalise(b, fn) (fn gets a handle on b), rt.finaliseLast(b, fn) " +
    "or rt.weak(b, undefined, fn) (the Weak handle freed), the block's handle freed at once, " +
    `inside rt.scope (${PER_SCOPE} per scope: no handle registered with the backstop registry); then one major ` +
    "collection, after which every function has run (Note [The finaliser queue]). Peer: as finalise/custom, " +
    "registry.register({ i }, i) for 10⁶ fresh objects. Quick: 10³.",
  grid: { kind: ["finalise", "finaliseLast", "weak"] },
  targets: [{ peer: "FinalizationRegistry", maxRatio: 2 }],
  prepare: prepareFunctions,
});

export const shutdownRow = defineRow<{ heap: string }>({
  name: "finalise/shutdown",
  title: "shutdown time per MiB of live heap, 1 MiB to 256 MiB (flat = linear)",
  unit: "MiB of live heap",
  method:
    "Each call starts a runtime, builds a live list of 2-field cells of the grid's size inside the core plus one custom " +
    "block (host finaliser) per 4 KiB, then times `await rt.shutdown()` alone; the figure is that time / MiB " +
    "(Note [Timing a shutdown], bench/rows/finalise.ts). Every report is checked: all custom blocks finalised, no leak. " +
    "Quick: 1/256 of each size. No peer: the bound is absolute, and the figure staying flat across sizes is the claim.",
  grid: { heap: ["1MiB", "4MiB", "16MiB", "64MiB", "256MiB"] },
  targets: [{ figure: "median", maxNs: 2 * NS_PER_MS }],
  maxRounds: SHUTDOWN_ROUNDS,
  prepare: prepareShutdown,
});

async function prepareCustom(_params: Record<string, never>, ctx: RunContext): Promise<Case> {
  const n = ctx.quick ? QUICK_FINALISERS : FINALISERS;
  const rt = await Runtime.start();
  return {
    ours: batchTask("finalise/custom", "rt.custom + major GC", n, rt, (i, fin) => rt.custom(i, fin).free()),
    peers: [registryPeer(n, "finalise/custom")],
    teardown: async () => {
      const report = await rt.shutdown();
      if (report.leakedBlocks !== 0 || report.customBlocksUnfinalised !== 0) throw new Error(`bench finalise/custom: shutdown left ${report.leakedBlocks} blocks, ${report.customBlocksUnfinalised} unfinalised`);
    },
  };
}

async function prepareFunctions(params: { kind: FunctionKind }, ctx: RunContext): Promise<Case> {
  const n = ctx.quick ? QUICK_FINALISERS : FINALISERS;
  const rt = await Runtime.start();
  const register = {
    finalise: (b: Block, fin: () => void) => rt.finalise(b, fin),
    finaliseLast: (b: Block, fin: () => void) => rt.finaliseLast(b, fin),
    weak: (b: Block, fin: () => void) => rt.weak(b, undefined, fin).free(),
  }[params.kind];
  return {
    ours: batchTask("finalise/functions", `rt.${params.kind} + major GC`, n, rt, (i, fin) => {
      const b = rt.block(0, [i]);
      register(b, fin);
      b.free();
    }),
    peers: [registryPeer(n, "finalise/functions")],
    teardown: async () => {
      const report = await rt.shutdown();
      if (report.leakedBlocks !== 0 || report.finalisersRun !== 0) throw new Error(`bench finalise/functions: shutdown left ${report.leakedBlocks} blocks and ran ${report.finalisersRun} functions still pending`);
    },
  };
}

/**
 * Ours in both finaliser rows: `make(i, fin)` n times (each leaves one
 * finaliser due once its object dies), then one major collection, after
 * which all n must have run.
 */
function batchTask(row: string, name: string, n: number, rt: Runtime, make: (i: number, fin: () => void) => void): TaskSpec {
  let ran = 0;
  const fin = (): void => {
    ran++;
  };
  let calls = 0;
  return {
    name,
    ops: n,
    fn: () => {
      calls++;
      const before = ran;
      for (let start = 0; start < n; start += PER_SCOPE) {
        const end = Math.min(n, start + PER_SCOPE);
        rt.scope(() => {
          for (let i = start; i < end; i++) make(i, fin);
        });
      }
      rt.gc({ major: true });
      if (ran - before !== n) throw new Error(`bench ${row}: ${n} made and dropped, ${ran - before} finalised after a major collection`);
      return ran;
    },
    verify: (c) => {
      if (c !== calls || ran !== calls * n) throw new Error(`bench ${row}: ${calls} batches ran ${ran} finalisers, expected ${calls * n}`);
    },
  };
}

/** The peer of both finaliser rows: a FinalizationRegistry over `n` fresh objects per call. */
function registryPeer(n: number, row: string): TaskSpec {
  let fired = 0;
  // Kept reachable by the closure the task holds: an unreachable registry never calls back.
  const registry = new FinalizationRegistry<number>(() => {
    fired++;
  });
  const gc = globalThis.gc!;
  return {
    name: "FinalizationRegistry",
    ops: n,
    fn: async () => {
      const target = fired + n;
      for (let i = 0; i < n; i++) registry.register({ i }, i);
      for (let round = 0; fired < target && round < MAX_GC_ROUNDS; round++) {
        gc();
        await new Promise((resolve) => setImmediate(resolve));
      }
      if (fired < target) throw new Error(`bench ${row}: the FinalizationRegistry reported ${fired - (target - n)} of ${n} objects after ${MAX_GC_ROUNDS} collections`);
      return fired;
    },
    verify: (calls) => {
      if (calls === 0 || fired < calls * n) throw new Error(`bench ${row}: the FinalizationRegistry reported ${fired} objects over ${calls} calls of ${n}`);
    },
  };
}

async function prepareShutdown(params: { heap: string }, ctx: RunContext): Promise<Case> {
  const mib = Number.parseInt(params.heap, 10);
  const bytes = (mib * MIB) / (ctx.quick ? QUICK_DIVISOR : 1);
  const cells = bytes / CELL_BYTES;
  const customs = Math.max(1, Math.floor(bytes / CUSTOM_EVERY));
  const perMib = bytes / MIB;
  const durations: number[] = [];
  let finalised = 0;
  const fin = (): void => {
    finalised++;
  };
  const ours: TaskSpec = {
    name: "shutdown",
    ops: 1,
    fn: async () => {
      const rt = await Runtime.start();
      const core = coreOf(rt, "bench finalise/shutdown");
      const list = core.test_build_list(cells);
      if (list >>> 0 === 0xffff_ffff) throw new Error(`bench finalise/shutdown: out of heap building ${cells} cells`);
      const holder = rt.block(0, new Array<null>(customs).fill(null));
      for (let i = 0; i < customs; i++) {
        const c = rt.custom(i, fin);
        holder.set(i, c);
        c.free();
      }
      const before = finalised;
      const t0 = performance.now();
      const report = await rt.shutdown();
      const ns = (performance.now() - t0) * NS_PER_MS;
      if (finalised - before !== customs || report.customBlocksFinalised !== customs || report.leakedBlocks !== 0) {
        throw new Error(`bench finalise/shutdown: ${customs} custom blocks alive, shutdown finalised ${report.customBlocksFinalised} (${finalised - before} ran), leaked ${report.leakedBlocks} blocks`);
      }
      durations.push(ns / perMib);
      return report.bytesFreed;
    },
    durations: () => durations,
    verify: (calls) => {
      if (calls === 0 || durations.length !== calls) throw new Error(`bench finalise/shutdown: ${durations.length} shutdowns timed over ${calls} calls`);
    },
  };
  return { ours, peers: [] };
}
