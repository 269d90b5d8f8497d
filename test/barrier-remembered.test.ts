// The write barrier: a pointer store into a clean old object records it on
// its generation's remembered set, once; minor collections use the set as
// roots, so a young object reachable only from an old one survives.

import { expect, test } from "vitest";
import { Block, Runtime } from "../src/index.js";
import { generationOf, rememberedSets } from "./heap-support.js";

async function withOldBlock(fields: unknown[]): Promise<{ rt: Runtime; old: Block }> {
  const rt = await Runtime.start({ sanity: true });
  const old = rt.block(0, fields);
  rt.gc();
  rt.gc();
  expect(generationOf(rt, old)).toBe(1);
  return { rt, old };
}

test("an old-to-young store is recorded on the old object's remembered set, once", async () => {
  const { rt, old } = await withOldBlock([null, null]);
  expect(rememberedSets(rt)).toEqual([0, 0]);
  old.set(0, rt.block(1, []));
  expect(rememberedSets(rt)).toEqual([0, 1]);
  old.set(1, rt.block(2, []));
  old.set(0, "another young object");
  expect(rememberedSets(rt)).toEqual([0, 1]);
  rt.checkSanity();
  await rt.shutdown();
});

test("storing an immediate into an old object records nothing", async () => {
  const { rt, old } = await withOldBlock([null, null]);
  old.set(0, 12345);
  old.set(1, true);
  old.set(0, null);
  expect(rememberedSets(rt)).toEqual([0, 0]);
  rt.checkSanity();
  await rt.shutdown();
});

test("stores into nursery and generation-0 objects record nothing", async () => {
  const rt = await Runtime.start({ sanity: true });
  const inNursery = rt.block(0, [null]);
  inNursery.set(0, rt.block(1, []));
  rt.gc();
  expect(generationOf(rt, inNursery)).toBe(0);
  inNursery.set(0, rt.block(2, []));
  expect(rememberedSets(rt)).toEqual([0, 0]);
  rt.checkSanity();
  await rt.shutdown();
});

test("a young object reachable only from an old one survives a minor collection", async () => {
  const { rt, old } = await withOldBlock([null]);
  const young = rt.block(3, ["payload", 2.5]);
  old.set(0, young);
  young.free();
  rt.gc();
  const kept = old.get(0) as Block;
  expect([kept.tag, kept.get(0), kept.get(1)]).toEqual([3, "payload", 2.5]);
  await rt.shutdown();
});

test("many old objects pointing at many young ones, through several minor collections", async () => {
  const { rt, old } = await withOldBlock(new Array(64).fill(null));
  for (let round = 0; round < 5; round++) {
    rt.scope(() => {
      for (let i = 0; i < 64; i++) old.set(i, rt.block(round, [i, `s${round}.${i}`]));
    });
    rt.gc();
    rt.scope(() => {
      for (let i = 0; i < 64; i++) {
        const cell = old.get(i) as Block;
        expect([cell.tag, cell.get(0), cell.get(1)]).toEqual([round, i, `s${round}.${i}`]);
      }
    });
  }
  rt.checkSanity();
  await rt.shutdown();
});
