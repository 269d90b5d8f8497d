// Row heap/binary-trees: the Benchmarks Game's allocation benchmark on our GC
// heap, its mutator written in AssemblyScript as a plugin on the public API
// (bench/plugins/heap-kernels.ts), against the same program in plain JS objects
// (V8's generational GC) and in AssemblyScript's own managed classes under its
// default incremental runtime. Targets: within 1.5× of plain JS, and at least
// twice as fast as AssemblyScript's managed runtime (≤ 0.5×).
//
// Every call of every task checks its run's checks (node counts, line by
// line) against the formula in bench/binary-trees.ts, so a wrong tree, or a
// collector that lost or duplicated a node, throws instead of being timed.

import { expectedChecks, verifyChecks } from "../binary-trees.js";
import { startKernels, type HeapKernels } from "../kernels.js";
import { binaryTreesJs } from "../peers/binary-trees-js.js";
import { managedBinaryTrees } from "../peers/binary-trees-managed.js";
import { defineRow, type Case, type RunContext, type TaskSpec } from "../row.js";

/** The depths, and the small ones a quick run takes in their place. */
const DEPTHS = [16, 18] as const;
const QUICK_DEPTH: Record<Depth, number> = { 16: 6, 18: 8 };
type Depth = (typeof DEPTHS)[number];

/**
 * A depth-18 run of the managed peer takes ~16 s here, so slices are single
 * samples and few: see Row.maxRounds.
 */
const MAX_ROUNDS = 3;

const U32_BYTES = Uint32Array.BYTES_PER_ELEMENT;

const JS_PEER = "plain JS objects";
const MANAGED_PEER = "AS managed (incremental)";

/** Counts a task's verified runs, so verify can tell every call was checked. */
function checkedTask(name: string, n: number, run: (n: number) => readonly number[]): TaskSpec {
  let verified = 0;
  return {
    name,
    ops: 1,
    fn: () => {
      const checks = run(n);
      verifyChecks(name, n, checks);
      verified++;
      return checks[checks.length - 1];
    },
    verify: (calls) => {
      if (verified !== calls) throw new Error(`bench heap/binary-trees: ${name} verified ${verified} runs of ${calls}`);
    },
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
  title: "binary-trees on the GC heap (AS mutator, a plugin on the public API) vs plain JS objects vs AS managed classes",
  unit: "binary-trees run",
  method:
    "The Benchmarks Game program for maximum depth n: a stretch tree of depth n+1, a long-lived tree of depth n " +
    "kept while 2^(n-d+4) short-lived trees of each depth d = 4, 6, …, n are built and checked, then the long-lived tree " +
    "is checked; 15.0 M nodes at n=16, 68.3 M at n=18 (quick runs: n=6 and 8). Ours: heap blocks {left, right} " +
    "of 16 B, the mutator in AssemblyScript, a plugin built on the public API (binaryTrees, bench/plugins/heap-kernels.ts) " +
    "holding the nursery's Hp in a local (takeHp, hasRoom, refillHp) " +
    "threaded through the recursion (Note [Hp through the recursion]), nursery 1 MiB, generations 2, the pending left " +
    "subtree and the long-lived tree on the root stack. Peers: the same program in JS " +
    "classes (V8), and in AssemblyScript classes built with --runtime incremental -O3 --noAssert " +
    "(build/bench/binary-trees-managed.wasm, its own module). Recursion over tree depth in all three. Every call checks " +
    "each line's node count against the formula. A sample is one whole run; slices hold one sample, 3 rounds at most.",
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
  const { rt, kernels } = await startKernels("heap-kernels", "bench heap/binary-trees");
  // Raw TLSF, outside the ring and the heap: the kernel only writes it.
  const out = kernels.heap_alloc(expectedChecks(n).length * U32_BYTES) >>> 0;
  return {
    // The depth run is in ours' name: a quick run takes a smaller one than the grid says.
    ours: checkedTask(`GC heap n=${n}`, n, heapRun(kernels, out)),
    peers: [checkedTask(JS_PEER, n, binaryTreesJs), checkedTask(MANAGED_PEER, n, managedBinaryTrees())],
    teardown: async () => {
      kernels.heap_free(out);
      await rt.shutdown();
    },
  };
}
