// Large objects (beyond LARGE_OBJECT_BYTES) skip the nursery and live in
// chunks of their own: they age, get promoted eagerly, carry remembered-set
// entries and are scanned like any other object.

import { expect, test } from "vitest";
import { Block, Runtime } from "../src/index.js";
import { generationOf, objectsPerGeneration, rememberedSets } from "./heap-support.js";

const FIELDS = 5000; // 20 KB of fields: a large object

test("a large block starts in generation 0, ages to 1, and its fields keep young objects alive", async () => {
  const rt = await Runtime.start({ sanity: true, nursery: 64 << 10 });
  const big = rt.block(9, new Array(FIELDS).fill(null));
  expect(generationOf(rt, big)).toBe(0);
  rt.gc();
  expect(generationOf(rt, big)).toBe(1);
  rt.scope(() => {
    for (let i = 0; i < FIELDS; i += 7) big.set(i, rt.block(1, [i, `f${i}`]));
  });
  expect(rememberedSets(rt)).toEqual([0, 1]);
  rt.gc();
  expect(rememberedSets(rt)).toEqual([0, 0]);
  rt.gc({ major: true });
  rt.scope(() => {
    for (let i = 0; i < FIELDS; i++) {
      const v = big.get(i);
      if (i % 7 === 0) expect([(v as Block).get(0), (v as Block).get(1)]).toEqual([i, `f${i}`]);
      else expect(v).toBe(null);
    }
  });
  expect(big.length).toBe(FIELDS);
  await rt.shutdown();
});

test("a large young object stored into an old one is promoted eagerly, and scanned there", async () => {
  const rt = await Runtime.start({ sanity: true });
  const old = rt.block(0, [null]);
  rt.gc();
  rt.gc();
  const bigYoung = rt.block(2, new Array(FIELDS).fill(0));
  rt.scope(() => bigYoung.set(FIELDS - 1, rt.block(3, ["deep"])));
  old.set(0, bigYoung);
  bigYoung.free();
  rt.gc();
  const big = old.get(0) as Block;
  expect(generationOf(rt, big)).toBe(1);
  // Its field's target was reached from it in generation 1: promoted eagerly too.
  const deep = big.get(FIELDS - 1) as Block;
  expect(generationOf(rt, deep)).toBe(1);
  expect(deep.get(0)).toBe("deep");
  expect(objectsPerGeneration(rt)[0]).toBe(0);
  await rt.shutdown();
});

test("big strings and byte arrays survive collections intact", async () => {
  const rt = await Runtime.start({ sanity: true, nursery: 64 << 10 });
  const s = "λ".repeat(50_000);
  const bytes = new Uint8Array(200_000).map((_, i) => i & 0xff);
  const holder = rt.block(0, [s, bytes]);
  for (let i = 0; i < 3; i++) rt.gc({ major: i === 2 });
  expect(holder.get(0)).toBe(s);
  expect(holder.get(1)).toEqual(bytes);
  await rt.shutdown();
});
