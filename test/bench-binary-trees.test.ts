// binary-trees, as the benchmark row runs it: the checks formula against the
// Benchmarks Game's published output, the three implementations agreeing with
// it, and a wrong check refused. No timing here (bench/ measures).

import { afterEach, describe, expect, test } from "vitest";
import type { Runtime, RuntimeOptions } from "../src/index.js";
import { startKernels } from "../bench/kernels.js";
import { expectedChecks, verifyChecks } from "../bench/binary-trees.js";
import { binaryTreesJs } from "../bench/peers/binary-trees-js.js";
import { managedBinaryTrees } from "../bench/peers/binary-trees-managed.js";

const U32_BYTES = Uint32Array.BYTES_PER_ELEMENT;

let rt: Runtime | undefined;
afterEach(async () => {
  await rt?.shutdown();
  rt = undefined;
});

/** Our heap's kernel (binaryTrees of the heap-kernels plugin) for depth n: each line's check. */
async function heapChecks(n: number, options: Omit<RuntimeOptions, "module"> = {}): Promise<number[]> {
  const started = await startKernels("heap-kernels", "test binary-trees", options);
  rt = started.rt;
  const kernels = started.kernels;
  const lines = kernels.binaryTreesLines(n);
  const out = kernels.heap_alloc(lines * U32_BYTES) >>> 0;
  const total = kernels.binaryTrees(n, out);
  const checks = Array.from(new Uint32Array(kernels.memory.buffer, out, lines));
  kernels.heap_free(out);
  expect(total).toBe(checks.reduce((s, c) => s + c, 0));
  return checks;
}

describe("binary-trees checks", () => {
  test("the formula gives the Benchmarks Game's output for depth 10", () => {
    // stretch 11: 4095; 1024×d4: 31744; 256×d6: 32512; 64×d8: 32704; 16×d10: 32752; long lived 10: 2047
    expect(expectedChecks(10)).toEqual([4095, 31744, 32512, 32704, 32752, 2047]);
  });

  test("depths below 6 run as 6, as the program's max(min + 2, n) says", () => {
    expect(expectedChecks(0)).toEqual(expectedChecks(6));
  });

  test("plain JS, AssemblyScript managed and our heap agree with the formula", async () => {
    const managed = managedBinaryTrees();
    for (const n of [6, 8, 10]) {
      expect(binaryTreesJs(n)).toEqual(expectedChecks(n));
      expect(managed(n)).toEqual(expectedChecks(n));
      expect(await heapChecks(n)).toEqual(expectedChecks(n));
      await rt!.shutdown();
    }
  });

  test("the heap's mutator keeps its trees across collections (64 KiB nursery, sanity after each)", async () => {
    // Depth 10's stretch tree is 64 KiB of nodes: collections land mid-tree.
    expect(await heapChecks(10, { nursery: 64 << 10, sanity: true })).toEqual(expectedChecks(10));
    expect(rt!.stats().heap.collections.total).toBeGreaterThan(10);
  });

  test("a wrong check is refused, naming the implementation and the depth", () => {
    const wrong = expectedChecks(8);
    wrong[2] = wrong[2]! - 1;
    expect(() => verifyChecks("plain JS objects", 8, wrong)).toThrow(/plain JS objects at depth 8/);
    expect(() => verifyChecks("GC heap", 8, expectedChecks(8).slice(1))).toThrow(/expected/);
  });
});
