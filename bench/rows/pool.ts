// Row (a): the allocator ring against the allocator under it. The ring adds a
// 16-byte header, a link into the ring and counter updates to every block;
// the target says that must cost at most a quarter more than raw TLSF.

import type { CoreExports } from "../../src/core/exports.js";
import { Runtime, coreOf } from "../../src/runtime.js";
import { startKernels } from "../kernels.js";
import { logUniformInt, permutation, seededRandom, uniformInt } from "../random.js";
import { defineRow, verifyCompletions, type Case, type RunContext } from "../row.js";

/** Blocks allocated, then freed, per sample. */
const BLOCKS = 1024;
const QUICK_BLOCKS = 32;

const SIZE_CLASSES = {
  /** Uniform over the sizes a runtime's small objects take. */
  small: (random: () => number) => uniformInt(random, 16, 256),
  /** Log-uniform from 16 B to 64 KiB: mostly small, some large, like real programs. */
  mixed: (random: () => number) => logUniformInt(random, 16, 64 << 10),
} as const;

type SizeClass = keyof typeof SIZE_CLASSES;
/** `wasm`: the batch loop runs inside the core; `js`: one host call per alloc and per free. */
type Loop = "wasm" | "js";

const U32_BYTES = Uint32Array.BYTES_PER_ELEMENT;

export const poolRow = defineRow<{ sizes: SizeClass; loop: Loop }>({
  name: "pool/alloc-free",
  title: "allocator ring pool_alloc+pool_free vs raw TLSF heap.alloc+heap.free, same sizes, same order",
  unit: "alloc+free pair",
  method:
    "Per sample: allocate a batch of blocks (seeded sizes), then free them in a seeded shuffled order; " +
    "both allocators share one instance and take the same sizes in the same order. " +
    "loop=wasm runs the batch inside a plugin (bench/plugins/pool-kernels.ts: the public API's rawAlloc/rawFree, " +
    "and AssemblyScript's heap.alloc/heap.free), so the ratio compares the allocators alone; " +
    "loop=js makes one JS→wasm call per alloc and per free, as a host does; " +
    "both sides cross the boundary equally often, so the ratio stays fair.",
  grid: { sizes: ["small", "mixed"], loop: ["wasm", "js"] },
  targets: [{ peer: "raw TLSF", maxRatio: 1.25 }],
  prepare: preparePool,
});

async function preparePool(params: { sizes: SizeClass; loop: Loop }, ctx: RunContext): Promise<Case> {
  const n = ctx.quick ? QUICK_BLOCKS : BLOCKS;
  const random = seededRandom(ctx.seed);
  const sizes = new Uint32Array(n);
  for (let i = 0; i < n; i++) sizes[i] = SIZE_CLASSES[params.sizes](random);
  const order = permutation(random, n);

  const row = "pool/alloc-free";

  if (params.loop === "wasm") {
    const { rt, kernels: core } = await startKernels("pool-kernels", "bench pool/alloc-free");
    const [ours, peer] = ringTasks(core, n);
    // The kernels' three arrays, from raw TLSF so the ring's counters see only
    // the timed blocks. Written once: the kernels never change them.
    const arrays = core.heap_alloc(3 * n * U32_BYTES) >>> 0;
    const sizesAt = arrays;
    const orderAt = sizesAt + n * U32_BYTES;
    const ptrsAt = orderAt + n * U32_BYTES;
    new Uint32Array(core.memory.buffer, sizesAt, n).set(sizes);
    new Uint32Array(core.memory.buffer, orderAt, n).set(order);
    return {
      ours: { ...ours, fn: () => core.poolChurn(sizesAt, orderAt, ptrsAt, n) },
      peers: [verifyCompletions(row, { ...peer, fn: () => core.heapChurn(sizesAt, orderAt, ptrsAt, n) })],
      teardown: async () => {
        core.heap_free(arrays);
        await rt.shutdown();
      },
    };
  }

  const rt = await Runtime.start();
  const core = coreOf(rt, "bench pool/alloc-free");
  const [ours, peer] = ringTasks(core, n);
  // Two copies of one loop, not one shared closure: a call site that sees
  // both allocators would be polymorphic and slower than either alone.
  const ptrs = new Int32Array(n);
  const poolAlloc = core.pool_alloc;
  const poolFree = core.pool_free;
  const heapAlloc = core.heap_alloc;
  const heapFree = core.heap_free;
  return {
    ours: {
      ...ours,
      fn: () => {
        let seen = 0;
        for (let i = 0; i < n; i++) {
          const p = poolAlloc(sizes[i]!);
          ptrs[i] = p;
          seen ^= p;
        }
        for (let j = 0; j < n; j++) poolFree(ptrs[order[j]!]!);
        return seen;
      },
    },
    peers: [verifyCompletions(row, {
      ...peer,
      fn: () => {
        let seen = 0;
        for (let i = 0; i < n; i++) {
          const p = heapAlloc(sizes[i]!);
          ptrs[i] = p;
          seen ^= p;
        }
        for (let j = 0; j < n; j++) heapFree(ptrs[order[j]!]!);
        return seen;
      },
    })],
    teardown: () => rt.shutdown(),
  };
}

/** Ours and the peer without their loops; ours checks that the ring saw exactly the timed blocks. */
function ringTasks(core: CoreExports, n: number) {
  // The runtime may keep blocks of its own on the ring; the check counts from here.
  const before = ringCounts(core);
  return [{ name: "ring", ops: n, verify: (calls: number) => verifyRing(core, before, calls * n) }, { name: "raw TLSF", ops: n }] as const;
}

interface RingCounts {
  readonly allocs: number;
  readonly frees: number;
  readonly blocks: number;
}

function ringCounts(core: CoreExports): RingCounts {
  return { allocs: core.pool_total_allocs(), frees: core.pool_total_frees(), blocks: core.pool_blocks() };
}

/** Every timed allocation went through the ring, and every block came back. */
function verifyRing(core: CoreExports, before: RingCounts, expected: number): void {
  const after = ringCounts(core);
  const allocs = after.allocs - before.allocs;
  const frees = after.frees - before.frees;
  if (allocs !== expected || frees !== expected || after.blocks !== before.blocks) {
    throw new Error(`bench pool/alloc-free: the ring saw ${allocs} allocs and ${frees} frees, and ${after.blocks - before.blocks} more blocks are outstanding; expected ${expected} of each and none left over`);
  }
}
