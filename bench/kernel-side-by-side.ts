// One-off (issue 14, item 3): binary-trees by the in-core kernel
// (bench_binary_trees of the default core) and by the heap-kernels plugin
// (bench/plugins/heap-kernels.ts, public API only), and plain JS, side by
// side in one process, rounds alternating with a rotating first task.
//   node --expose-gc dist/bench/kernel-side-by-side.js [depth] [rounds] [extra.wasm …]
import { readFileSync } from "node:fs";
import { Runtime, coreOf } from "../src/runtime.js";
import { verifyChecks, expectedChecks } from "./binary-trees.js";
import { binaryTreesJs } from "./peers/binary-trees-js.js";

const depth = Number(process.argv[2] ?? 16);
const rounds = Number(process.argv[3] ?? 11);
const extra = process.argv.slice(4);
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});

type Run = () => readonly number[];
interface Kernel { memory: WebAssembly.Memory; heap_alloc(n: number): number; [k: string]: unknown }

function wasmRun(kernel: Kernel, fn: string, lines: number): Run {
  const out = kernel.heap_alloc(lines * 4) >>> 0;
  const f = kernel[fn] as (n: number, out: number) => number;
  return () => {
    f(depth, out);
    return Array.from(new Uint32Array(kernel.memory.buffer, out, lines));
  };
}

const lines = expectedChecks(depth).length;
const tasks: [string, Run][] = [];
const core = coreOf(await Runtime.start(), "side-by-side") as unknown as Kernel;
tasks.push(["in-core bench_binary_trees", wasmRun(core, "bench_binary_trees", lines)]);
for (const file of ["build/bench/heap-kernels.wasm", ...extra]) {
  const plugin = coreOf(await Runtime.start({ module: readFileSync(file) }), "side-by-side") as unknown as Kernel;
  tasks.push([`plugin binaryTrees (${file})`, wasmRun(plugin, "binaryTrees", lines)]);
}
tasks.push(["plain JS", () => binaryTreesJs(depth)]);

const times = tasks.map(() => [] as number[]);
for (const [name, run] of tasks) verifyChecks(name, depth, run()); // warm-up
for (let r = 0; r < rounds; r++) {
  for (let k = 0; k < tasks.length; k++) {
    const i = (r + k) % tasks.length;
    gc();
    const t0 = performance.now();
    const checks = tasks[i]![1]();
    times[i]!.push(performance.now() - t0);
    verifyChecks(tasks[i]![0], depth, checks);
  }
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const base = median(times[0]!);
console.log(`binary-trees depth ${depth}, ${rounds} rounds; ratios: of medians, and the median of each round's paired ratio`);
for (const [i, [name]] of tasks.entries()) {
  const m = median(times[i]!);
  const paired = median(times[i]!.map((t, r) => t / times[0]![r]!));
  console.log(`${name.padEnd(52)} median ${m.toFixed(1)} ms  min ${Math.min(...times[i]!).toFixed(1)} ms  ×in-core ${(m / base).toFixed(3)} (paired ${paired.toFixed(3)})`);
}
