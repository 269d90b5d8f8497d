// Fault injection: with the barrier told to forget old-to-young stores, the
// sanity checker reports the broken remembered-set rule, naming the object,
// its kind and generation, the field and the target's generation.

import { expect, test } from "vitest";
import { Block, Runtime, SanityError } from "../src/index.js";
import { addressOf, generationOf, rememberedSets } from "./heap-support.js";
import { thrownBy } from "./support/thrown.js";

async function oldBlock(rt: Runtime, fields: unknown[]): Promise<Block> {
  const b = rt.block(0, fields);
  rt.gc();
  rt.gc();
  expect(generationOf(rt, b)).toBe(1);
  return b;
}

test("checkSanity names the unrecorded old object and its field", async () => {
  const rt = await Runtime.start({ faults: { skipBarrier: "old-to-young" } });
  const old = await oldBlock(rt, [null, null, null]);
  rt.checkSanity();
  old.set(2, rt.block(1, []));
  expect(rememberedSets(rt)).toEqual([0, 0]);
  const error = thrownBy(() => rt.checkSanity());
  expect(error).toBeInstanceOf(SanityError);
  const e = error as SanityError;
  expect(e.code).toBe("ERR_SANITY");
  expect(e.check).toBe("remembered");
  expect(e.address).toBe(addressOf(rt, old));
  expect(e.kind).toBe("block");
  expect(e.generation).toBe(1);
  expect(e.field).toBe(2);
  expect(e.targetGeneration).toBe(0);
  expect(e.message).toMatch(/block 0x[0-9a-f]+ of generation 1, field 2/);
  expect(e.message).toMatch(/points into the nursery/);
  // The runtime lives on.
  expect(rt.state).toBe("running");
  await rt.shutdown();
});

test("a fresh string set into an old block (one core call, heap_set_new_string) goes through the barrier: skipped, it is caught", async () => {
  for (const skip of [true, false]) {
    const rt = await Runtime.start(skip ? { faults: { skipBarrier: "old-to-young" } } : {});
    const old = await oldBlock(rt, [null, null]);
    old.set(1, "a string not put before");
    expect(rememberedSets(rt)).toEqual(skip ? [0, 0] : [0, 1]);
    if (skip) {
      const e = thrownBy(() => rt.checkSanity()) as SanityError;
      expect(e).toBeInstanceOf(SanityError);
      expect([e.check, e.kind, e.field, e.targetGeneration]).toEqual(["remembered", "block", 1, 0]);
    } else rt.checkSanity();
    expect(old.get(1)).toBe("a string not put before");
    await rt.shutdown();
  }
});

test("the same program without the fault passes", async () => {
  const rt = await Runtime.start();
  const old = await oldBlock(rt, [null, null, null]);
  old.set(2, rt.block(1, []));
  expect(rememberedSets(rt)).toEqual([0, 1]);
  rt.checkSanity();
  await rt.shutdown();
});

test("the fault skips only old-to-young stores: old-to-old ones are still recorded", async () => {
  const rt = await Runtime.start({ faults: { skipBarrier: "old-to-young" } });
  const a = await oldBlock(rt, [null]);
  const b = await oldBlock(rt, [null]);
  a.set(0, b);
  expect(rememberedSets(rt)).toEqual([0, 1]);
  rt.checkSanity();
  await rt.shutdown();
});

test("with sanity on, the next collection reports the damage the missed record did", async () => {
  const rt = await Runtime.start({ sanity: true, faults: { skipBarrier: "old-to-young" } });
  const old = await oldBlock(rt, [null]);
  const young = rt.block(1, ["only reachable from old"]);
  old.set(0, young);
  young.free();
  const error = thrownBy(() => rt.gc());
  expect(error).toBeInstanceOf(SanityError);
  // The young block was not evacuated: the old block's field now dangles.
  expect((error as SanityError).check).toBe("pointer");
  expect((error as SanityError).field).toBe(0);
  expect((error as SanityError).generation).toBe(1);
  await rt.shutdown();
});
