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

// Wall-clock ms, and this process's CPU ms (user + system), which other
// processes on a loaded machine disturb far less.
const times = tasks.map(() => [] as number[]);
const cpu = tasks.map(() => [] as number[]);
const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
for (const [name, run] of tasks) verifyChecks(name, depth, run()); // warm-up
for (let r = 0; r < rounds; r++) {
  for (let k = 0; k < tasks.length; k++) {
    const i = (r + k) % tasks.length;
    gc();
    const c0 = cpuMs();
    const t0 = performance.now();
    const checks = tasks[i]![1]();
    times[i]!.push(performance.now() - t0);
    cpu[i]!.push(cpuMs() - c0);
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
const cpuBase = median(cpu[0]!);
for (const [i, [name]] of tasks.entries()) {
  const m = median(cpu[i]!);
  console.log(`${name.padEnd(52)} CPU median ${m.toFixed(1)} ms  min ${Math.min(...cpu[i]!).toFixed(1)} ms  ×in-core ${(m / cpuBase).toFixed(3)}`);
}

// The other kernels, in-core export vs plugin export, alternating per call: ns per operation.
{
  const heap = (await import("./kernels.js"));
  const { kernels: hk } = await heap.startKernels("heap-kernels", "side-by-side");
  const { kernels: pk } = await heap.startKernels("pool-kernels", "side-by-side");
  const { kernels: mk } = await heap.startKernels("mvar-kernels", "side-by-side");
  const rtCore = await Runtime.start();
  const c = coreOf(rtCore, "side-by-side") as unknown as Record<string, (...a: number[]) => number> & { memory: WebAssembly.Memory };
  const N = 4 * 65536;
  c.bench_nursery_alloc!(1);
  hk.nurseryAlloc(1);
  const n = 1024;
  const arraysOf = (k: { heap_alloc(n: number): number; memory: WebAssembly.Memory }): number[] => {
    const at = k.heap_alloc(3 * n * 4) >>> 0;
    const sizes = new Uint32Array(k.memory.buffer, at, n);
    const order = new Uint32Array(k.memory.buffer, at + 4 * n, n);
    for (let i = 0; i < n; i++) { sizes[i] = 16 + ((i * 7919) % 241); order[i] = (i * 617) % n; }
    return [at, at + 4 * n, at + 8 * n];
  };
  const [cs, co, cp] = arraysOf(c as never);
  const [ps, po, pp] = arraysOf(pk);
  const cm = c.mvar_new!(1) >>> 0;
  const mm = mk.mvar_new(1) >>> 0;
  const M = 1_000_000;
  const pairs: [string, number, () => unknown, () => unknown][] = [
    ["nursery-alloc (262,144 objects, 4 collections)", N, () => c.bench_nursery_alloc!(N), () => hk.nurseryAlloc(N)],
    ["pool churn (1024 alloc+free pairs)", n, () => c.bench_pool_churn!(cs!, co!, cp!, n), () => pk.poolChurn(ps!, po!, pp!, n)],
    ["heap churn, raw TLSF (1024 pairs)", n, () => c.bench_heap_churn!(cs!, co!, cp!, n), () => pk.heapChurn(ps!, po!, pp!, n)],
    ["mvar take+put (10^6 pairs)", M, () => c.bench_mvar_take_put!(cm, M), () => mk.mvarTakePut(mm, M)],
  ];
  for (const [name, ops, inCore, plugin] of pairs) {
    for (let w = 0; w < 100; w++) {
      inCore();
      plugin();
    }
    const wall: [number[], number[]] = [[], []];
    const used: [number[], number[]] = [[], []];
    for (let r = 0; r < 200; r++) {
      for (const k of r % 2 === 0 ? [0, 1] : [1, 0]) {
        const c0 = cpuMs();
        const t0 = performance.now();
        (k === 0 ? inCore : plugin)();
        wall[k]!.push(((performance.now() - t0) * 1e6) / ops);
        used[k]!.push(((cpuMs() - c0) * 1e6) / ops);
      }
    }
    const [wa, wb] = wall.map(median) as [number, number];
    const [ca, cb] = used.map(median) as [number, number];
    console.log(`${name.padEnd(52)} wall: in-core ${wa.toFixed(3)} ns, plugin ${wb.toFixed(3)} ns, ×${(wb / wa).toFixed(3)}; CPU: ${ca.toFixed(3)} ns, ${cb.toFixed(3)} ns, ×${(cb / ca).toFixed(3)}`);
  }
}
