// The benchmark kernels are plugins on the public API (bench/plugins/): each
// passes the host's ABI check, and does the work its row times, through the
// API functions the rows name (rawAlloc/rawFree, the MVar try-operations,
// lastSurvivorBytes). No timing here (bench/ measures).

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, expect, test } from "vitest";
import type { Runtime } from "../src/runtime.js";
import { startKernels } from "../bench/kernels.js";

let rt: Runtime | undefined;
afterEach(async () => {
  await rt?.shutdown();
  rt = undefined;
});

const U32_BYTES = Uint32Array.BYTES_PER_ELEMENT;
const PLUGINS = join("bench", "plugins");

test("each kernel plugin re-exports the core's ABI and imports the public API, nothing else of the core", () => {
  const files = readdirSync(PLUGINS).filter((f) => f.endsWith(".ts"));
  expect(files.length).toBeGreaterThanOrEqual(3);
  for (const file of files) {
    const text = readFileSync(join(PLUGINS, file), "utf8");
    const specifiers = [...text.matchAll(/^(?:import|export)\b[^;]*?from\s+"([^"]+)"/gms)].map((m) => m[1]);
    expect(new Set(specifiers), file).toEqual(new Set(["../../assembly/index", "../../assembly/api"]));
    expect(text, file).toContain('export * from "../../assembly/index";');
  }
});

test("each kernel plugin is accepted as a plugin and shows its own exports, none of the core's bench_*", async () => {
  const own = {
    "heap-kernels": ["binaryTrees", "binaryTreesLines", "nurseryAlloc", "bumpAlloc", "survivalSetup", "survivalUntilCollection", "lastCopied"],
    "lru-kernels": ["lruSetup", "lruSize", "lruRun"],
    "pool-kernels": ["poolChurn", "heapChurn"],
    "mvar-kernels": ["mvarTakePut"],
  } as const;
  for (const [name, exports] of Object.entries(own)) {
    const started = await startKernels(name as keyof typeof own, "test kernels");
    rt = started.rt;
    expect([...rt.plugin!.exportNames].sort()).toEqual([...exports].sort());
    expect(Object.keys(started.kernels).filter((k) => k.startsWith("bench_"))).toEqual([]);
    await rt.shutdown();
  }
});

test("poolChurn's blocks all go through the ring (rawAlloc) and come back (rawFree); heapChurn's bypass it", async () => {
  const started = await startKernels("pool-kernels", "test kernels");
  rt = started.rt;
  const k = started.kernels;
  const n = 64;
  const at = k.heap_alloc(3 * n * U32_BYTES) >>> 0;
  const words = new Uint32Array(k.memory.buffer, at, 3 * n);
  for (let i = 0; i < n; i++) {
    words[i] = 16 + i; // sizes
    words[n + i] = n - 1 - i; // order: last allocated, first freed
  }
  const allocs = k.pool_total_allocs();
  const blocks = k.pool_blocks();
  k.poolChurn(at, at + n * U32_BYTES, at + 2 * n * U32_BYTES, n);
  expect([k.pool_total_allocs() - allocs, k.pool_total_frees() >= n, k.pool_blocks()]).toEqual([n, true, blocks]);
  k.heapChurn(at, at + n * U32_BYTES, at + 2 * n * U32_BYTES, n);
  expect(k.pool_total_allocs() - allocs).toBe(n);
  k.heap_free(at);
});

test("mvarTakePut takes and puts on the host's MVar through the API's try-operations", async () => {
  const started = await startKernels("mvar-kernels", "test kernels");
  rt = started.rt;
  const mv = rt.mvar<number>(5);
  rt.call("mvarTakePut", rt.slotOf(mv), 1000);
  expect(mv.tryRead()).toBe(1005);
  mv.free();
});

test("the survival kernel keeps ~10 % of each nursery, as lastSurvivorBytes reports", async () => {
  const nursery = 64 << 10;
  const started = await startKernels("heap-kernels", "test kernels", { nursery, sanity: true });
  rt = started.rt;
  const k = started.kernels;
  const window = k.survivalSetup(nursery / 16 / 10, 10);
  for (let i = 0; i < 4; i++) k.survivalUntilCollection(window);
  const share = k.lastCopied() / nursery;
  expect(share).toBeGreaterThan(0.08);
  expect(share).toBeLessThan(0.12);
  rt.checkSanity();
  k.handle_free(window);
});
