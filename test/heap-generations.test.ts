// Aging and eager promotion, observed through stats() (and, per object,
// through the core's heap_generation_of).

import { expect, test } from "vitest";
import { Block, Runtime } from "../src/index.js";
import { generationOf, objectsPerGeneration, rememberedSets } from "./heap-support.js";

test("a nursery survivor ages once in generation 0 before promotion to generation 1, then stays", async () => {
  const rt = await Runtime.start({ sanity: true });
  const b = rt.block(7, [1, 2]);
  expect(generationOf(rt, b)).toBe(-1);
  expect(rt.stats().heap.nursery.used).toBeGreaterThan(0);
  expect(objectsPerGeneration(rt)).toEqual([0, 0]);
  rt.gc();
  expect(generationOf(rt, b)).toBe(0);
  expect(objectsPerGeneration(rt)).toEqual([1, 0]);
  expect(rt.stats().heap.nursery.used).toBe(0);
  rt.gc();
  expect(generationOf(rt, b)).toBe(1);
  expect(objectsPerGeneration(rt)).toEqual([0, 1]);
  rt.gc({ major: true });
  expect(objectsPerGeneration(rt)).toEqual([0, 1]);
  expect([b.tag, b.get(0), b.get(1)]).toEqual([7, 1, 2]);
  const stats = rt.stats().heap;
  // The block (16 B) was kept by each of the three collections.
  expect(stats.collections).toEqual({ total: 3, minor: 2, major: 1, copiedBytes: 3 * 16 });
  expect(stats.generations.map((g) => g.collections)).toEqual([3, 1]);
  await rt.shutdown();
});

test("an object first reached from an old object is promoted eagerly to that object's generation", async () => {
  const rt = await Runtime.start({ sanity: true });
  const old = rt.block(0, [null]);
  rt.gc();
  rt.gc();
  expect(generationOf(rt, old)).toBe(1);
  const young = rt.block(1, [42]);
  old.set(0, young);
  young.free();
  expect(rememberedSets(rt)).toEqual([0, 1]);
  rt.gc();
  // Straight from the nursery to generation 1, skipping generation 0.
  expect(objectsPerGeneration(rt)).toEqual([0, 2]);
  // And `old` no longer points into a younger generation: it is clean again.
  expect(rememberedSets(rt)).toEqual([0, 0]);
  const child = old.get(0) as Block;
  expect(generationOf(rt, child)).toBe(1);
  expect([child.tag, child.get(0)]).toEqual([1, 42]);
  await rt.shutdown();
});

test("an object reached only from a handle ages normally (no eager promotion from roots)", async () => {
  const rt = await Runtime.start({ sanity: true });
  const old = rt.block(0, [null]);
  rt.gc();
  rt.gc();
  const young = rt.block(1, [42]);
  rt.gc();
  expect(generationOf(rt, young)).toBe(0);
  expect(generationOf(rt, old)).toBe(1);
  await rt.shutdown();
});

test("with 3 generations, an old object pointing into a middle generation stays remembered across minor collections", async () => {
  const rt = await Runtime.start({ generations: 3, sanity: true });
  const oldest = rt.block(0, [null]);
  for (let i = 0; i < 3; i++) rt.gc({ major: true });
  expect(generationOf(rt, oldest)).toBe(2);
  const middle = rt.block(1, ["m"]);
  rt.gc({ major: true });
  rt.gc({ major: true });
  expect(generationOf(rt, middle)).toBe(1);
  oldest.set(0, middle);
  middle.free();
  expect(rememberedSets(rt)).toEqual([0, 0, 1]);
  // A minor collection does not collect generation 1: `oldest` still points
  // into a younger generation after its scavenge, so it stays recorded.
  rt.gc();
  expect(rememberedSets(rt)).toEqual([0, 0, 1]);
  expect(objectsPerGeneration(rt)).toEqual([0, 2, 1]);
  // A major one copies `middle` eagerly into generation 2; `oldest` is clean.
  rt.gc({ major: true });
  expect(rememberedSets(rt)).toEqual([0, 0, 0]);
  expect(objectsPerGeneration(rt)).toEqual([0, 0, 3]);
  const m = oldest.get(0) as Block;
  expect(m.get(0)).toBe("m");
  await rt.shutdown();
});

