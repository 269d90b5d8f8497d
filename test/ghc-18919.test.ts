// GHC #18919, the 8.10.2 soundness bug: a putMVar that popped its queue head
// without dirtying the MVar. The exact shape: an old, clean MVar whose first
// queue entry is old and whose second is young (the young one reachable, as
// far as the barrier knows, only through the popped entry). A put pops the
// first entry; the MVar now points at the young one and must be dirty and on
// its generation's remembered set, or the next minor collection moves the
// entry and leaves the MVar pointing at garbage.

import { describe, expect, it } from "vitest";
import { Runtime, SanityError, type MVar } from "../src/index.js";
import { withCore } from "../src/runtime.js";
import { handleSlot } from "../src/heap/handles.js";
import { thrownBy } from "./support/thrown.js";

/** The shape, built through the public API alone; returns the blocked takers. */
async function buildShape(rt: Runtime, mv: MVar<number>): Promise<{ takers: Promise<number>[] }> {
  // Age the empty MVar into generation 1: nursery → generation 0 → 1.
  rt.gc();
  rt.gc();
  // Three takers: three young entries; the MVar (old) is dirtied by head/tail.
  const takers = [mv.take(), mv.take(), mv.take()];
  // One minor collection: the MVar promotes its head and tail into generation
  // 1, the blocked-thread roots age the middle entry into generation 0, and
  // the MVar, now pointing only at generation 1, is clean.
  rt.gc();
  return { takers };
}

function shapeOf(rt: Runtime, mv: MVar<number>) {
  return withCore(rt, "shape", (core) => {
    const slot = handleSlot(mv, "shape");
    const mvar = core.handle_get(slot) >>> 0;
    const entries = [0, 1, 2, 3].map((k) => core.mvar_queue_entry(slot, k) >>> 0);
    return {
      mvarGen: core.heap_generation_of(mvar),
      mvarDirty: core.heap_is_remembered(mvar) !== 0,
      entryGens: entries.filter((e) => e !== 0).map((e) => core.heap_generation_of(e)),
      firstDirty: core.heap_is_remembered(entries[0]!) !== 0,
      remset1: core.heap_remset_length(1),
    };
  });
}

describe("GHC #18919: put pops the queue head of an old, clean MVar", () => {
  it("builds the shape, and the put dirties the MVar; sanity passes after the next minor collection", async () => {
    const rt = await Runtime.start({ sanity: true, nursery: 64 << 10, generations: 2 });
    const mv = rt.mvar<number>();
    const { takers } = await buildShape(rt, mv);
    const before = shapeOf(rt, mv);
    expect(before).toMatchObject({ mvarGen: 1, mvarDirty: false, entryGens: [1, 0, 1], firstDirty: true });
    await mv.put(10);
    const after = shapeOf(rt, mv);
    expect(after.mvarDirty).toBe(true);
    expect(after.entryGens).toEqual([0, 1]);
    expect(after.remset1).toBeGreaterThan(before.remset1);
    rt.checkSanity();
    rt.gc();
    rt.checkSanity();
    expect(await takers[0]).toBe(10);
    await mv.put(11);
    await mv.put(12);
    expect(await Promise.all(takers)).toEqual([10, 11, 12]);
    await rt.shutdown();
  });

  it("with the barrier skipped on the pop (fault mvar-pop), the sanity checker reports the MVar", async () => {
    const rt = await Runtime.start({ sanity: true, nursery: 64 << 10, generations: 2, faults: { skipBarrier: "mvar-pop" } });
    const mv = rt.mvar<number>();
    const { takers } = await buildShape(rt, mv);
    // The runtime is corrupt and will be shut down under the waiting takers.
    for (const taker of takers) taker.catch(() => undefined);
    expect(shapeOf(rt, mv)).toMatchObject({ mvarGen: 1, mvarDirty: false, entryGens: [1, 0, 1] });
    await mv.put(10);
    expect(shapeOf(rt, mv).mvarDirty).toBe(false);
    const caught = thrownBy(() => rt.checkSanity());
    expect(caught).toBeInstanceOf(SanityError);
    expect((caught as SanityError).check).toBe("remembered");
    expect((caught as SanityError).message).toMatch(/mvar 0x[0-9a-f]+ of generation 1, field 1/);
    // And the corruption itself: the next minor collection moves the young
    // entry and the MVar is left pointing where it was.
    const afterGc = thrownBy(() => rt.gc());
    expect(afterGc).toBeInstanceOf(SanityError);
    await rt.shutdown().catch(() => undefined);
  });
});
