// Row heap/minor-pause: how long a minor collection stops the mutator, at
// 128 KiB and 1 MiB nurseries, on two workloads whose survivors are realistic:
//   survive-10%   a fixed ~10 % of every nursery survives its collection;
//   binary-trees  binary-trees' short-lived trees (and the one being built
//                 when the nursery fills), with its long-lived tree old.
// Target: p99 under 1 ms with a 1 MiB nursery. No peer: an absolute bound.
//
// Note [One figure per collection]
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
// The mutators run inside the module (the heap-kernels plugin,
// bench/plugins/heap-kernels.ts), and a call collects many times, so the
// runner's wall-clock time of a call says nothing about one pause. Each figure
// is instead one collection's pause as the core times it (env.now around
// collect(), the clock of stats().heap.pauses), and the task hands them to the
// runner (TaskSpec.durations). survive-10% returns after each collection and
// reads gc_pause_last; binary-trees runs a whole program per call, with the
// core's pause log (gc_pause_log_start) recording every pause into a buffer.
// Majors are counted and left out: the claim is about minors.
//
// Note [Warm up to the memory's high-water mark]
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
// A fresh runtime's first binary-trees runs grow the core's memory (here 0 →
// 9 MiB in the first run, → 19 MiB in the second, when the first run's dead
// long-lived tree still sits in generation 1; flat from then on), and the
// collections that grow it pay memory.grow and the first touch of every new
// page inside their pause: a one-time cost of the process, not of a minor
// collection. So the binary-trees case warms up with untimed runs until one
// leaves the memory's size unchanged (at most WARMUP_RUNS_MAX), and times the
// steady state.

import { expectedChecks, verifyChecks } from "../binary-trees.js";
import { startKernels, type HeapKernels } from "../kernels.js";
import { quantileSorted } from "../stats.js";
import { defineRow, verifyCompletions, type Case, type RunContext, type TaskSpec } from "../row.js";

const NURSERIES = { "128KiB": 128 << 10, "1MiB": 1 << 20 } as const;
type NurseryCase = keyof typeof NURSERIES;
type Workload = "survive-10%" | "binary-trees";

/** PAUSE_MINOR in assembly/heap/pauses.ts: gc_pause_count's and the log's kind of a minor. */
const PAUSE_MINOR = 0;
const NS_PER_MS = 1e6;
const U32_BYTES = Uint32Array.BYTES_PER_ELEMENT;
const F64_BYTES = Float64Array.BYTES_PER_ELEMENT;
/** A pause-log entry: kind and ms, two f64 (LOG_ENTRY in assembly/heap/pauses.ts). */
const LOG_ENTRY_WORDS = 2;
/** Entries the log holds: a depth-16 run collects ~1,900 times with a 128 KiB nursery. */
const LOG_CAPACITY = 1 << 14;

/** A two-field block's bytes (BLOCK2_BYTES in assembly/heap/alloc.ts). */
const BLOCK2_BYTES = 16;
/** survive-10%: one object in KEEP_EVERY stays live for a nursery's worth of allocation. */
const KEEP_EVERY = 10;
/** survive-10%: collections per call, and in a quick run. */
const COLLECTIONS_PER_CALL = 8;
const QUICK_COLLECTIONS_PER_CALL = 2;
/** survive-10%: the share of the nursery the last minor of a call must have copied. */
const SURVIVAL_MIN = 0.08;
const SURVIVAL_MAX = 0.12;
/** binary-trees: at most this many untimed runs before timing (Note [Warm up to the memory's high-water mark]). */
const WARMUP_RUNS_MAX = 4;
/** binary-trees: the depth of a run, and in a quick run. */
const TREE_DEPTH = 16;
const QUICK_TREE_DEPTH = 8;

export const minorPauseRow = defineRow<{ workload: Workload; nursery: NurseryCase }>({
  name: "heap/minor-pause",
  title: "minor-collection pause, 128 KiB and 1 MiB nurseries, ~10 % survival and binary-trees",
  unit: "minor collection",
  method:
    "Each figure is one minor collection's pause as the core times it (env.now around collect(), the clock of " +
    "stats().heap.pauses), not a wall-clock sample of a call (Note [One figure per collection], " +
    "bench/rows/minor-pause.ts); majors are counted and left out. survive-10%: the mutator " +
    "(survivalUntilCollection, a plugin on the public API: bench/plugins/heap-kernels.ts) allocates 16-byte blocks and stores every 10th into a window of " +
    "nursery/160 slots, overwriting the oldest, so ~10 % of each nursery survives its collection; the window is old " +
    "and remembered, so each minor rescans it, and its young targets are promoted straight to generation 1 (eager " +
    "promotion) where they die, so a major follows every few dozen minors. Each call checks its last minor copied " +
    "8–12 % of the nursery. binary-trees: whole depth-16 runs of the same plugin's binaryTrees (quick: 8), checks verified, " +
    "every pause from the core's pause log, after untimed runs until the core's memory stops growing (Note [Warm up " +
    "to the memory's high-water mark]); it also shows the pauses whole (Note [Pauses shown whole]): majors' count, p50, p99 and max, " +
    "and the share of run time in collection (gcShare; majorShare for majors alone). No peer: the target is absolute, p99 < 1 ms at 1 MiB.",
  grid: { workload: ["survive-10%", "binary-trees"], nursery: ["128KiB", "1MiB"] },
  targets: [{ figure: "p99", maxNs: 1 * NS_PER_MS, where: { nursery: "1MiB" } }],
  prepare: (params, ctx) => (params.workload === "survive-10%" ? prepareSurvival : prepareBinaryTrees)(NURSERIES[params.nursery], ctx),
});

/** The minor pauses a task collected, and how many majors it left out. */
class PauseRecord {
  readonly minors: number[] = [];
  majors = 0;
  /** binary-trees: each major's pause (ns) and the wall time of the runs (ns), for the pauses shown whole. */
  readonly majorNs: number[] = [];
  runNs = 0;
}

// Note [Pauses shown whole]
// ~~~~~~~~~~~~~~~~~~~~~~~~~
// The row's figures are minors (its target is theirs), but a program pays
// every pause. So the binary-trees case also reports, as extras, the majors
// it saw (count, p50, p99, max: a major copies the live old heap, so its
// pause grows with it; docs/decisions.md, "Bounding major pauses") and the
// share of its runs' wall time spent in collections of either kind.

/** The binary-trees case's majors and its share of run time in collection. */
function pausesWhole(record: PauseRecord): Record<string, number> {
  const majors = record.majorNs.slice().sort((a, b) => a - b);
  const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);
  const at = (q: number): number => (majors.length === 0 ? 0 : quantileSorted(majors, q));
  return {
    minors: record.minors.length,
    majors: majors.length,
    majorP50Ns: at(0.5),
    majorP99Ns: at(0.99),
    majorMaxNs: majors.length === 0 ? 0 : majors[majors.length - 1]!,
    gcShare: record.runNs === 0 ? 0 : (sum(record.minors) + sum(majors)) / record.runNs,
    majorShare: record.runNs === 0 ? 0 : sum(majors) / record.runNs,
  };
}

/** Every collection a task recorded is one the core counted, minor for minor. */
function verifyCounted(core: HeapKernels, record: PauseRecord, minorsBefore: number, expected?: number): void {
  const minors = core.gc_pause_count(PAUSE_MINOR) - minorsBefore;
  const total = record.minors.length + record.majors;
  if (minors !== record.minors.length || (expected !== undefined && total !== expected)) {
    throw new Error(`bench heap/minor-pause: recorded ${record.minors.length} minor pauses and ${record.majors} majors, the core counted ${minors} minors${expected === undefined ? "" : `; expected ${expected} collections in all`}`);
  }
}

async function prepareSurvival(nursery: number, ctx: RunContext): Promise<Case> {
  const { rt, kernels: core } = await startKernels("heap-kernels", "bench heap/minor-pause", { nursery });
  const window = core.survivalSetup(Math.floor(nursery / BLOCK2_BYTES / KEEP_EVERY), KEEP_EVERY);
  // Two collections: the window becomes old and the workload reaches its steady state.
  for (let i = 0; i < 2; i++) core.survivalUntilCollection(window);

  const record = new PauseRecord();
  const minorsBefore = core.gc_pause_count(PAUSE_MINOR);
  const perCall = ctx.quick ? QUICK_COLLECTIONS_PER_CALL : COLLECTIONS_PER_CALL;
  let survival = 0;
  const ours: TaskSpec = {
    name: "minor GC, ~10 % survive",
    ops: perCall,
    fn: () => {
      let made = 0;
      for (let k = 0; k < perCall; k++) {
        const majorsSeen = core.gc_major_count();
        made += core.survivalUntilCollection(window);
        if (core.gc_major_count() !== majorsSeen) {
          record.majors++;
        } else {
          record.minors.push(core.gc_pause_last() * NS_PER_MS);
          survival = core.lastCopied() / nursery;
        }
      }
      verifySurvival(survival, nursery);
      return made;
    },
    durations: () => record.minors,
    verify: (calls) => verifyCounted(core, record, minorsBefore, calls * perCall),
  };
  return {
    ours,
    peers: [],
    teardown: async () => {
      core.handle_free(window);
      await rt.shutdown();
    },
  };
}

/**
 * What the last minor collection copied (lastCopied) is the share of
 * the nursery that survived it: it must be the ~10 % the workload promises,
 * or the pause is measured on some other workload.
 */
function verifySurvival(share: number, nursery: number): void {
  if (share < SURVIVAL_MIN || share > SURVIVAL_MAX) {
    throw new Error(`bench heap/minor-pause: ${(share * 100).toFixed(1)} % of the ${nursery}-byte nursery survived the last minor collection; the workload should keep ${SURVIVAL_MIN * 100}–${SURVIVAL_MAX * 100} %`);
  }
}

async function prepareBinaryTrees(nursery: number, ctx: RunContext): Promise<Case> {
  const n = ctx.quick ? QUICK_TREE_DEPTH : TREE_DEPTH;
  const { rt, kernels: core } = await startKernels("heap-kernels", "bench heap/minor-pause", { nursery });
  // Raw TLSF, outside the ring and the heap: the kernel and the collector only write them.
  const lines = expectedChecks(n).length;
  const out = core.heap_alloc(lines * U32_BYTES) >>> 0;
  const log = core.heap_alloc(LOG_CAPACITY * LOG_ENTRY_WORDS * F64_BYTES) >>> 0;

  const record = new PauseRecord();
  const run = (): number => {
    core.gc_pause_log_start(log, LOG_CAPACITY);
    const start = performance.now();
    const total = core.binaryTrees(n, out);
    record.runNs += (performance.now() - start) * NS_PER_MS;
    const logged = core.gc_pause_log_length();
    const dropped = core.gc_pause_log_dropped();
    if (dropped !== 0) throw new Error(`bench heap/minor-pause: the pause log of ${LOG_CAPACITY} entries dropped ${dropped} pauses of a depth-${n} run`);
    const entries = new Float64Array(core.memory.buffer, log, logged * LOG_ENTRY_WORDS);
    for (let i = 0; i < entries.length; i += LOG_ENTRY_WORDS) {
      if (entries[i] === PAUSE_MINOR) record.minors.push(entries[i + 1]! * NS_PER_MS);
      else {
        record.majors++;
        record.majorNs.push(entries[i + 1]! * NS_PER_MS);
      }
    }
    core.gc_pause_log_start(0, 0);
    const checks = Array.from(new Uint32Array(core.memory.buffer, out, lines));
    verifyChecks("GC heap (minor-pause)", n, checks);
    if (checks.reduce((s, c) => s + c, 0) !== total) throw new Error(`bench heap/minor-pause: the kernel returned ${total} but its lines add up to another sum`);
    return logged;
  };
  // Untimed runs until one leaves the core's memory as large as it found it
  // (Note [Warm up to the memory's high-water mark]); the last tells how many
  // collections a run makes.
  let perRun = 0;
  for (let i = 0; i < WARMUP_RUNS_MAX; i++) {
    const pages = core.memory.buffer.byteLength;
    perRun = run();
    if (core.memory.buffer.byteLength === pages) break;
  }
  record.minors.length = 0;
  record.majors = 0;
  record.majorNs.length = 0;
  record.runNs = 0;
  const minorsBefore = core.gc_pause_count(PAUSE_MINOR);
  const ours: TaskSpec = {
    name: `minor GC, binary-trees n=${n}`,
    ops: perRun,
    fn: run,
    durations: () => record.minors,
    verify: () => verifyCounted(core, record, minorsBefore),
    extras: () => pausesWhole(record),
  };
  // Every call must have run a whole depth-n program: a skipped run records no pauses, which verifyCounted alone accepts.
  const counted = verifyCompletions("heap/minor-pause", ours);
  return {
    ours: counted,
    peers: [],
    teardown: async () => {
      core.heap_free(log);
      core.heap_free(out);
      await rt.shutdown();
    },
  };
}
