// Loads the AssemblyScript peer of binary-trees (bench/asm/binary-trees-managed.ts,
// built by `npm run asbuild:bench` into build/bench/binary-trees-managed.wasm): its
// own module and memory, AssemblyScript's incremental runtime, nothing of ours.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { liftString } from "../../src/core/trap.js";
import { buildFile } from "../build-file.js";

/** Under build/, outside build/*.wasm: the package's published files leave benchmark peers out. */
const WASM_FILE = join("bench", "binary-trees-managed.wasm");

interface ManagedExports {
  readonly memory: WebAssembly.Memory;
  binaryTrees(n: number): number;
  lineCheck(line: number): number;
}

/** A run for maximum depth n, returning each line's check as binaryTreesJs does; and the instance's memory. */
export interface ManagedBinaryTrees {
  (n: number): number[];
  /** Its own memory: the one figure of its collector the module exposes (its high-water mark). */
  readonly memory: WebAssembly.Memory;
}

/** A fresh instance of the AssemblyScript peer. */
export function managedBinaryTrees(): ManagedBinaryTrees {
  let memory: WebAssembly.Memory | undefined;
  const imports = {
    env: {
      abort(message: number, file: number, line: number, column: number): never {
        const where = memory === undefined ? "" : `${liftString(memory, message)} (${liftString(memory, file)}:${line}:${column})`;
        throw new Error(`binary-trees-managed aborted: ${where}`);
      },
    },
  };
  const instance = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(buildFile(WASM_FILE, "npm run asbuild:bench"))), imports);
  const exports = instance.exports as unknown as ManagedExports;
  memory = exports.memory;
  const run = (n: number): number[] => {
    const lines = exports.binaryTrees(n);
    const checks: number[] = [];
    for (let i = 0; i < lines; i++) checks.push(exports.lineCheck(i) >>> 0);
    return checks;
  };
  return Object.assign(run, { memory: exports.memory });
}
