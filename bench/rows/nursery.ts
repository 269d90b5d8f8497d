// Row heap/nursery-alloc: allocating small objects in the nursery that die at
// once, against a raw bump-pointer loop writing the same bytes: at least half
// its speed (ratio ≤ 2). Its companion, the pause of the collections that
// empty the nursery, is heap/minor-pause (minor-pause.ts).
//
// Note [What an allocation costs]
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
// "Nursery allocation rate" is taken in two cases. gc=counted: a batch of four
// nurseries' worth of objects, all garbage at once, so the four minor
// collections it causes are cheap (nothing survives: roots, remembered sets,
// reset) but inside the timing, as a program pays them. gc=none: one
// nursery's worth after an untimed collection (TaskSpec.beforeEach), the
// allocation fast path alone. Ours allocates as compiled code does, with the
// nursery's Hp held in a local across the loop (Note [Hp in a local],
// assembly/heap/nursery.ts; the public API's takeHp … giveHp, in the plugin
// bench/plugins/heap-kernels.ts): a compare and an add per object, the global
// written back only when the nursery is full. The peer writes the same 16 bytes per object
// (header, length, two fields) with a bump pointer held in a local, over a
// buffer of the nursery's size that it restarts for free when full; it is the
// floor any bump allocator can reach, not a competing collector.

import { startKernels, type HeapKernels } from "../kernels.js";
import { defineRow, type Case, type RunContext, type TaskSpec } from "../row.js";

/** A two-field block: 8-byte header and two 4-byte values (BLOCK2_BYTES in assembly/heap/alloc.ts). */
const BLOCK2_BYTES = 16;
const NURSERY_BYTES = 1 << 20;
/** Blocks that fill a nursery exactly (it is a multiple of BLOCK2_BYTES). */
const BLOCKS_PER_NURSERY = NURSERY_BYTES / BLOCK2_BYTES;
/** gc=counted: nurseries' worth per sample, so every sample holds this many collections. */
const NURSERIES_PER_SAMPLE = 4;
/** Quick runs: the same shapes at 1/16 of the work. */
const QUICK_DIVISOR = 16;

type GcCase = "counted" | "none";

export const nurseryAllocRow = defineRow<{ gc: GcCase }>({
  name: "heap/nursery-alloc",
  title: "nursery allocation of 2-field blocks (Hp in a local, a plugin on the public API) vs a raw bump-pointer loop",
  unit: "16-byte object",
  method:
    "Both loops run inside one plugin on the public API (bench/plugins/heap-kernels.ts) with no JS call per object " +
    "and write the same header, length and two fields (initBlock2At). " +
    "Ours: nurseryAlloc, the nursery's Hp held in a local (takeHp, hasRoom, refillHp on a full nursery, giveHp; " +
    "Note [Hp in a local], assembly/heap/nursery.ts), each object garbage at once, nursery 1 MiB. " +
    "Peer: bumpAlloc, a bump pointer in a local over a 1 MiB buffer restarted for free when full. " +
    "gc=counted: 4 nurseries' worth per sample, the 4 minor collections (nothing survives) timed with it; " +
    "gc=none: one nursery's worth after an untimed collection, the fast path alone " +
    "(Note [What an allocation costs], bench/rows/nursery.ts). Each side checks the collections it caused.",
  grid: { gc: ["counted", "none"] },
  targets: [{ peer: "raw bump loop", maxRatio: 2 }],
  prepare: prepareNurseryAlloc,
});

/** Collections allocating `blocks` more causes when `used` blocks of the nursery are taken. */
function collectionsFor(used: number, blocks: number, perNursery: number): number {
  return used + blocks === 0 ? 0 : Math.floor((used + blocks - 1) / perNursery);
}

async function prepareNurseryAlloc(params: { gc: GcCase }, ctx: RunContext): Promise<Case> {
  const perNursery = ctx.quick ? BLOCKS_PER_NURSERY / QUICK_DIVISOR : BLOCKS_PER_NURSERY;
  const nursery = perNursery * BLOCK2_BYTES;
  const n = params.gc === "counted" ? NURSERIES_PER_SAMPLE * perNursery : perNursery;
  const { rt, kernels: core } = await startKernels("heap-kernels", "bench heap/nursery-alloc", { nursery });
  core.nurseryAlloc(1); // creates the nursery (Note [Lazy nursery]) outside the timing
  const buffer = core.heap_alloc(nursery) >>> 0;

  const gcBefore = core.gc_count();
  const majorsBefore = core.gc_major_count();
  const usedBefore = core.heap_nursery_used() / BLOCK2_BYTES;
  const ours: TaskSpec = {
    name: "Hp in a local",
    ops: n,
    fn: () => core.nurseryAlloc(n),
    ...(params.gc === "none" ? { beforeEach: () => emptyNursery(core, perNursery) } : {}),
    verify: (calls) => {
      const collections = core.gc_count() - gcBefore;
      const expected = params.gc === "none" ? calls : collectionsFor(usedBefore, calls * n, perNursery);
      if (collections !== expected || core.gc_major_count() !== majorsBefore) {
        throw new Error(`bench heap/nursery-alloc: ${calls} batches of ${n} blocks (gc=${params.gc}) caused ${collections} collections, ${core.gc_major_count() - majorsBefore} of them major; expected ${expected} minor ones`);
      }
    },
  };
  const peer: TaskSpec = { name: "raw bump loop", ops: n, fn: () => core.bumpAlloc(buffer, nursery, n) };
  return {
    ours,
    peers: [peer],
    teardown: async () => {
      core.heap_free(buffer);
      await rt.shutdown();
    },
  };
}

/** gc=none: an untimed collection, after which a whole nursery's worth fits. */
function emptyNursery(core: HeapKernels, perNursery: number): void {
  core.gc_collect(0);
  const room = (core.heap_nursery_size() - core.heap_nursery_used()) / BLOCK2_BYTES;
  if (room !== perNursery) throw new Error(`bench heap/nursery-alloc: after a collection the nursery has room for ${room} blocks, expected ${perNursery}`);
}
