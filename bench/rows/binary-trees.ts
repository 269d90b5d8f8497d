// Row heap/binary-trees: the Benchmarks Game's allocation benchmark. What is
// compared: an AssemblyScript mutator on our GC heap of 16-byte nodes (a
// plugin on the public API, bench/plugins/heap-kernels.ts, hand-tuned: the
// nursery's Hp held in a local) against idiomatic JS objects (40-byte
// TreeNode objects on Node 20, which has no pointer compression; V8's
// generational GC) and against idiomatic AssemblyScript managed classes under
// its default incremental runtime. Targets: within 1.5× of plain JS, and at
// least twice as fast as AssemblyScript's managed runtime (≤ 0.5×).
//
// The workload never stores an old-to-young pointer: a node is written once,
// when it is made, with children older than it. So the write barrier and
// the remembered sets are not exercised here (heap/lru does that).
//
// Every call of every task checks its run's checks (node counts, line by
// line) against the formula in bench/binary-trees.ts, so a wrong tree, or a
// collector that lost or duplicated a node, throws instead of being timed.
// Each side's collector is shown whole (bench/gc-totals.ts): collections by
// kind, time in collection, bytes kept, peak memory, as the tasks' extras;
// verify fails a run of ours without minor and major collections, and a run
// of plain JS in which V8's GC observer saw none.

import { expectedChecks, verifyChecks } from "../binary-trees.js";
import { HeapGcTotals, JsGcTotals, memoryPeakMiB } from "../gc-totals.js";
import { startKernels, type HeapKernels } from "../kernels.js";
import { binaryTreesJs } from "../peers/binary-trees-js.js";
import { managedBinaryTrees } from "../peers/binary-trees-managed.js";
import { defineRow, type Case, type RunContext, type TaskSpec } from "../row.js";

/** The depths, and the small ones a quick run takes in their place. */
const DEPTHS = [16, 18] as const;
/** Large enough, with QUICK_NURSERY, that a quick run makes minors and majors (~150 and ~17 at 12) and V8 scavenges. */
const QUICK_DEPTH: Record<Depth, number> = { 16: 12, 18: 13 };
type Depth = (typeof DEPTHS)[number];
/** A quick run's nursery (the minimum); a full run takes the default, 1 MiB. */
const QUICK_NURSERY = 64 << 10;

/**
 * A depth-18 run of the managed peer takes ~16 s here, so slices are single
 * samples and few: see Row.maxRounds.
 */
const MAX_ROUNDS = 3;

const U32_BYTES = Uint32Array.BYTES_PER_ELEMENT;

const JS_PEER = "plain JS objects";
const MANAGED_PEER = "AS managed (incremental)";

/** How a task's collector is watched: our core's counters, V8's observer, or a module's memory alone. */
interface GcWatch {
  measure<T>(run: () => T): T;
  /** Throws unless the runs collected; a side whose runtime counts nothing has none. */
  verifyCollected?(who: string): void;
  extras(): Record<string, number>;
  settle?(): Promise<void>;
}

/** The AS managed peer: its runtime counts no collections, so only its memory's high-water mark. */
function memoryWatch(memory: WebAssembly.Memory): GcWatch {
  return {
    measure: (run) => run(),
    extras: () => ({ peakMiB: memoryPeakMiB(memory) }),
  };
}

/**
 * Counts a task's verified runs, so verify can tell every call was checked,
 * and watches its collector over them.
 */
function checkedTask(name: string, n: number, run: (n: number) => readonly number[], gc: GcWatch): TaskSpec {
  let verified = 0;
  return {
    name,
    ops: 1,
    fn: () => {
      const checks = gc.measure(() => run(n));
      verifyChecks(name, n, checks);
      verified++;
      return checks[checks.length - 1];
    },
    verify: (calls) => {
      if (verified !== calls) throw new Error(`bench heap/binary-trees: ${name} verified ${verified} runs of ${calls}`);
      gc.verifyCollected?.(`heap/binary-trees (${name})`);
    },
    extras: () => gc.extras(),
    ...(gc.settle === undefined ? {} : { settle: () => gc.settle!() }),
  };
}

/** Our heap's run: the kernel writes each line's check into `out`, in the plugin's memory. */
function heapRun(kernels: HeapKernels, out: number): (n: number) => number[] {
  return (n) => {
    const total = kernels.binaryTrees(n, out);
    const lines = kernels.binaryTreesLines(n);
    const checks = Array.from(new Uint32Array(kernels.memory.buffer, out, lines));
    const sum = checks.reduce((s, c) => s + c, 0);
    if (sum !== total) throw new Error(`bench heap/binary-trees: the kernel returned ${total} but its lines add up to ${sum}`);
    return checks;
  };
}

export const binaryTreesRow = defineRow<{ depth: Depth }>({
  name: "heap/binary-trees",
  title: "binary-trees: an AssemblyScript mutator on a 16-byte-node heap vs idiomatic JS objects (40-byte objects on Node 20, no pointer compression) vs AS managed classes",
  unit: "binary-trees run",
  method:
    "The Benchmarks Game program for maximum depth n: a stretch tree of depth n+1, a long-lived tree of depth n " +
    "kept while 2^(n-d+4) short-lived trees of each depth d = 4, 6, …, n are built and checked, then the long-lived tree " +
    "is checked; 15.0 M nodes at n=16, 68.3 M at n=18. What is compared: ours is an AssemblyScript mutator on our heap, " +
    "nodes {left, right} of 16 B, a plugin built on the public API (binaryTrees, bench/plugins/heap-kernels.ts) and " +
    "hand-tuned: it holds the nursery's Hp in a local (takeHp, hasRoom, refillHp) threaded through the recursion " +
    "(Note [Hp through the recursion]), as a compiler would; nursery 1 MiB, generations 2, the pending left " +
    "subtree and the long-lived tree on the root stack. The peers are idiomatic: JS classes (TreeNode objects of 40 B: " +
    "Node 20 has no pointer compression; V8's generational GC) and AssemblyScript classes built with --runtime incremental " +
    "-O3 --noAssert (build/bench/binary-trees-managed.wasm, its own module). Recursion over tree depth in all three. " +
    "The workload never stores an old-to-young pointer (a node is written once, when made, with older children), so " +
    "the write barrier and remembered sets stay idle (heap/lru exercises them). Every call checks each line's node " +
    "count against the formula. Each side's collector is shown whole, per run (bench/gc-totals.ts): ours from the " +
    "core's counters (minors, majors, gcNs = the pauses' sum, gcShare of run time, copiedMiB kept by collections, " +
    "peakMiB = the core's memory.size(), which never shrinks); plain JS from perf_hooks' 'gc' entries starting inside " +
    "its runs (minors = scavenges, majors = mark-compacts, incrementals = incremental marking steps, gcNs their " +
    "durations) and peakMiB = V8's committed heap (getHeapStatistics().total_heap_size) after each run, the largest; " +
    "bytes copied n/a (V8 does not report them); AS managed: peakMiB (its memory.size()) only, its runtime counts " +
    "nothing else (n/a). verify fails unless ours made minors and majors and V8's observer saw collections. " +
    "A sample is one whole run; slices hold one sample, 3 rounds at most. Quick runs: n=12 and 13, nursery 64 KiB, " +
    "so both kinds of collection still happen.",
  grid: { depth: DEPTHS },
  targets: [
    { peer: JS_PEER, maxRatio: 1.5 },
    { peer: MANAGED_PEER, maxRatio: 0.5 },
  ],
  maxRounds: MAX_ROUNDS,
  prepare: prepareBinaryTrees,
});

async function prepareBinaryTrees(params: { depth: Depth }, ctx: RunContext): Promise<Case> {
  const n = ctx.quick ? QUICK_DEPTH[params.depth] : params.depth;
  const { rt, kernels } = await startKernels("heap-kernels", "bench heap/binary-trees", ctx.quick ? { nursery: QUICK_NURSERY } : {});
  // Raw TLSF, outside the ring and the heap: the kernel only writes it.
  const out = kernels.heap_alloc(expectedChecks(n).length * U32_BYTES) >>> 0;
  const js = new JsGcTotals();
  const managed = managedBinaryTrees();
  return {
    // The depth run is in ours' name: a quick run takes a smaller one than the grid says.
    ours: checkedTask(`GC heap n=${n}`, n, heapRun(kernels, out), new HeapGcTotals(kernels)),
    peers: [
      checkedTask(JS_PEER, n, binaryTreesJs, js),
      checkedTask(MANAGED_PEER, n, managed, memoryWatch(managed.memory)),
    ],
    teardown: async () => {
      js.disconnect();
      kernels.heap_free(out);
      await rt.shutdown();
    },
  };
}
