// The benchmark kernels' plugins (bench/plugins/*.ts, built by
// scripts/build-plugins.mjs into build/bench/): hot loops written against the
// public AssemblyScript API, run by the rows on a Runtime started with
// { module }, so the rows time the heap, the ring and the MVars as a plugin
// author's program drives them.
//
// A row calls a kernel once per sample through the plugin's raw instance
// (coreOf: the core's ABI and the plugin's own exports, no wrapper), as it
// called the in-core kernels before; rt.call's checks and its after-call
// work (waking threads, finalisers) would sit inside the timing otherwise.

import { readFileSync } from "node:fs";
import type { CoreExports } from "../src/core/exports.js";
import type { RuntimeOptions } from "../src/core/options.js";
import { Runtime, coreOf } from "../src/runtime.js";
import { buildFile } from "./build-file.js";

/** bench/plugins/heap-kernels.ts: binary-trees, nursery allocation, survival. */
export interface HeapKernels extends CoreExports {
  binaryTrees(n: number, out: number): number;
  binaryTreesLines(n: number): number;
  nurseryAlloc(n: number): number;
  bumpAlloc(buffer: number, bytes: number, n: number): number;
  survivalSetup(slots: number, every: number): number;
  survivalUntilCollection(window: number): number;
  lastCopied(): number;
}

/** bench/plugins/lru-kernels.ts: an LRU cache on the heap, the write-barrier workload. */
export interface LruKernels extends CoreExports {
  lruSetup(capacity: number, hashBits: number): number;
  lruSize(): number;
  lruRun(cache: number, keys: number, n: number, out: number): number;
}

/** bench/plugins/pool-kernels.ts: a churn batch on the ring and on raw TLSF. */
export interface PoolKernels extends CoreExports {
  poolChurn(sizes: number, order: number, ptrs: number, n: number): number;
  heapChurn(sizes: number, order: number, ptrs: number, n: number): number;
}

/** bench/plugins/mvar-kernels.ts: take+put pairs on a full MVar. */
export interface MVarKernels extends CoreExports {
  mvarTakePut(slot: number, n: number): number;
}

interface KernelPlugins {
  "heap-kernels": HeapKernels;
  "lru-kernels": LruKernels;
  "pool-kernels": PoolKernels;
  "mvar-kernels": MVarKernels;
}

/** Each plugin compiled once per process (Runtime.start caches by the module object). */
const modules = new Map<keyof KernelPlugins, WebAssembly.Module>();

function kernelModule(name: keyof KernelPlugins): WebAssembly.Module {
  let module = modules.get(name);
  if (module === undefined) {
    module = new WebAssembly.Module(readFileSync(buildFile(`bench/${name}.wasm`, "npm run asbuild:plugins")));
    modules.set(name, module);
  }
  return module;
}

/** A runtime on the kernel plugin `name`, and the plugin's raw exports. */
export async function startKernels<N extends keyof KernelPlugins>(
  name: N,
  operation: string,
  options: Omit<RuntimeOptions, "module"> = {},
): Promise<{ rt: Runtime; kernels: KernelPlugins[N] }> {
  const rt = await Runtime.start({ ...options, module: kernelModule(name) });
  return { rt, kernels: coreOf(rt, operation) as KernelPlugins[N] };
}
