// Ephemerons (OCaml's Ephemeron.K1 / Kn; assembly/heap/ephemeron.ts): the
// data lives through the ephemeron while every key lives, no key is kept
// alive by the ephemeron or its data, and the first dead key empties it, in
// minor and major collections, in every order of the keys' deaths.

import { describe, expect, it, test } from "vitest";
import { ArgumentError, Block, Ephemeron, Runtime, SanityError, UnrepresentableValueError } from "../src/index.js";
import { thrownBy } from "./support/thrown.js";
import { permutations } from "./support/permutations.js";


const cases: [number, number[], "minor" | "major"][] = [];
for (const k of [1, 2, 3]) for (const order of permutations(k)) for (const kind of ["minor", "major"] as const) cases.push([k, order, kind]);

describe("keys dying", () => {
  test.each(cases)("%i key(s) dying in order %j through %s collections", async (k, order, kind) => {
    await using rt = await Runtime.start({ sanity: true, nursery: 64 << 10 });
    const major = kind === "major";
    const keys = [...Array(k).keys()].map((i) => rt.block(0, [`key ${i}`]));
    // The data mentions every key: it must not keep them alive.
    const e = rt.scope(() => rt.ephemeron(keys, rt.block(7, ["data", ...keys])));
    // Minor: one collection ages the keys into generation 0, which minor
    // collections still collect (a second would promote them to generation 1).
    for (let round = 0; round < (major ? 3 : 1); round++) {
      rt.gc({ major });
      const data = e.deref() as Block;
      expect(data.get(0)).toBe("data");
      expect(e.dead).toBe(false);
      data.free();
    }
    for (let step = 0; step < k; step++) {
      keys[order[step]!]!.free();
      rt.gc({ major });
      expect(e.dead).toBe(true);
      expect(e.deref()).toBeUndefined();
      expect(e.key(0)).toBeUndefined();
    }
    expect(rt.stats().heap.generations.length).toBeGreaterThan(0);
    rt.checkSanity();
  });
});

describe("ephemerons", () => {
  it("an old ephemeron with old keys keeps young data alive through minor collections, and the key through nothing", async () => {
    await using rt = await Runtime.start({ sanity: true, nursery: 64 << 10 });
    const key = rt.block(0, ["k"]);
    const e = rt.ephemeron(key, "first");
    rt.gc({ major: true });
    rt.gc({ major: true }); // ephemeron and key are old now
    for (let i = 0; i < 5; i++) {
      const data = rt.block(0, [i]);
      // A new ephemeron each round with young data, held only through it.
      const young = rt.ephemeron([key, e], data);
      data.free();
      rt.gc();
      rt.gc();
      const back = young.deref() as Block;
      expect(back.get(0)).toBe(i);
      back.free();
      young.free();
    }
    expect(e.deref()).toBe("first");
    expect(e.keyCount).toBe(1);
    const k0 = e.key(0) as Block;
    expect(k0.get(0)).toBe("k");
    k0.free();
    key.free();
    rt.gc({ major: true });
    expect(e.dead).toBe(true);
  });

  it("an old key and a young key: the young one's death in a minor collection empties the ephemeron", async () => {
    await using rt = await Runtime.start({ sanity: true, nursery: 64 << 10 });
    const old = rt.block(0, ["old"]);
    rt.gc({ major: true });
    rt.gc({ major: true });
    const young = rt.block(0, ["young"]);
    const e = rt.ephemeron([old, young], "both");
    rt.gc();
    expect(e.deref()).toBe("both");
    young.free();
    rt.gc();
    expect(e.dead).toBe(true);
    expect(old.get(0)).toBe("old");
  });

  it("chains: a key reachable only through another ephemeron's data stays alive while that one's keys do", async () => {
    await using rt = await Runtime.start({ sanity: true });
    const a = rt.block(0, ["a"]);
    const b = rt.block(0, ["b"]);
    const first = rt.ephemeron(a, b);
    const second = rt.ephemeron(b, "through b");
    b.free();
    rt.gc({ major: true });
    expect(second.deref()).toBe("through b");
    a.free();
    rt.gc({ major: true });
    expect(first.dead).toBe(true);
    expect(second.dead).toBe(true);
  });

  it("an ephemeron nothing holds leaves the list with its data; one stored in a block comes back as an Ephemeron", async () => {
    await using rt = await Runtime.start({ sanity: true });
    const key = rt.block(0, []);
    const e = rt.ephemeron(key, 1);
    const holder = rt.block(0, [e]);
    e.free();
    rt.gc({ major: true });
    const back = holder.get(0) as Ephemeron<number>;
    expect(back).toBeInstanceOf(Ephemeron);
    expect(back.deref()).toBe(1);
    back.free();
    holder.free();
    rt.gc({ major: true });
    rt.checkSanity(); // the list holds exactly the live ephemerons
  });

  it("a restart forgets every ephemeron; the next cycle's start from an empty list", async () => {
    await using rt = await Runtime.start({ sanity: true });
    for (let cycle = 0; cycle < 3; cycle++) {
      const key = rt.block(0, [cycle]);
      const kept = rt.ephemeron(key, "kept");
      rt.ephemeron([key, key], "dropped at once").free();
      rt.gc({ major: true });
      expect(kept.deref()).toBe("kept");
      rt.checkSanity();
      await rt.restart();
      expect(() => kept.deref()).toThrow(/stale handle/);
    }
  });

  it("stats() counts live ephemerons, those emptied this cycle and by the last collection; a restart starts again from zero", async () => {
    await using rt = await Runtime.start({ sanity: true });
    expect(rt.stats().heap.ephemerons).toEqual({ live: 0, emptied: 0, emptiedLastCollection: 0 });
    const keys = [0, 1, 2].map((i) => rt.block(0, [i]));
    const es = keys.map((key, i) => rt.ephemeron(key, i));
    rt.ephemeron(keys, "dropped").free();
    // Made and not yet collected: the dropped one still counts.
    expect(rt.stats().heap.ephemerons.live).toBe(4);
    rt.gc({ major: true });
    expect(rt.stats().heap.ephemerons).toEqual({ live: 3, emptied: 0, emptiedLastCollection: 0 });
    keys[0]!.free();
    keys[1]!.free();
    rt.gc({ major: true });
    expect(rt.stats().heap.ephemerons).toEqual({ live: 1, emptied: 2, emptiedLastCollection: 2 });
    rt.gc({ major: true });
    expect(rt.stats().heap.ephemerons).toEqual({ live: 1, emptied: 2, emptiedLastCollection: 0 });
    expect(es.map((e) => e.dead)).toEqual([true, true, false]);
    await rt.restart();
    expect(rt.stats().heap.ephemerons).toEqual({ live: 0, emptied: 0, emptiedLastCollection: 0 });
  });

  it("refuses bad keys and data before allocating anything", async () => {
    await using rt = await Runtime.start();
    const key = rt.block(0, []);
    expect(() => rt.ephemeron([], 1)).toThrow(ArgumentError);
    expect(() => rt.ephemeron([key, 3 as never], 1)).toThrow(/key 1 must be a heap object/);
    expect(() => rt.ephemeron("k" as never, 1)).toThrow(ArgumentError);
    expect(() => rt.ephemeron(key, undefined)).toThrow(UnrepresentableValueError);
    const e = rt.ephemeron(key, 1);
    expect(() => e.key(1)).toThrow(/key index must be a whole number from 0 to 0/);
    const other = await Runtime.start();
    expect(() => other.ephemeron(key, 1)).toThrow(/belongs to runtime/);
    await other.shutdown();
  });

  test("fault stale: 'ephemeron-data' leaves a from-space datum the sanity checker names (ephemerons)", async () => {
    const rt = await Runtime.start({ sanity: true, faults: { stale: "ephemeron-data" } });
    const key = rt.block(0, [1]);
    const data = rt.block(0, [2]);
    rt.ephemeron(key, data);
    data.free();
    const caught = thrownBy(() => {
      rt.gc();
      rt.gc();
    });
    expect(caught).toBeInstanceOf(SanityError);
    expect((caught as SanityError).check).toBe("ephemerons");
    expect((caught as SanityError).kind).toBe("ephemeron");
    expect((caught as SanityError).field).toBe(0);
    await rt.shutdown().catch(() => {});
  });
});
