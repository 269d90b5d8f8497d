// Every value kind crosses into the heap and back exactly, including across
// collections that move it.

import fc from "fast-check";
import { expect, test } from "vitest";
import { Block, Runtime, UnrepresentableValueError } from "../src/index.js";
import { INT_MAX, INT_MIN, NOT_INT_WORD, intOfWord, intWord, isIntWord } from "../src/heap/values.js";
import { SHORT_UNITS } from "../src/heap/short-string.js";

const NUMBERS = [
  0, -0, 1, -1, 2 ** 30 - 1, -(2 ** 30), 2 ** 30, -(2 ** 30) - 1, 2 ** 31, 2 ** 32 + 1, 2 ** 53, -(2 ** 53), 2 ** 53 + 2,
  Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, Number.MAX_VALUE, Number.MIN_VALUE, -Number.MIN_VALUE,
  Number.EPSILON, 0.1, -2.5, Math.PI, NaN, Infinity, -Infinity,
];

const STRINGS = [
  "", "a", "hello, world", "ünïcödé", "日本語", "emoji 🎉👩‍👩‍👧", "\u0000nul\u0000", "\ud800", "lone \udc00 low", "\udbff\udfff",
  "x".repeat(100_000),
];

/** Stores each value in a block, collects (twice, so it moves twice), reads it back. */
function roundTrip(rt: Runtime, values: unknown[]): unknown[] {
  return rt.scope(() => {
    const b = rt.block(0, values);
    rt.gc();
    rt.gc({ major: true });
    const direct = values.map((_, i) => b.get(i));
    // And through set, into an old block.
    const c = rt.block(0, values.map(() => null));
    rt.gc();
    rt.gc();
    values.forEach((v, i) => c.set(i, v));
    rt.gc();
    const viaSet = values.map((_, i) => c.get(i));
    expect(viaSet).toEqual(direct);
    return direct;
  });
}

test("every JS number, exactly: immediates, boxed floats, NaN, -0, 2^53", async () => {
  const rt = await Runtime.start({ sanity: true });
  const back = roundTrip(rt, NUMBERS) as number[];
  NUMBERS.forEach((n, i) => expect(Object.is(back[i], n)).toBe(true));
  await rt.shutdown();
});

test("any double round-trips bit for bit (property)", async () => {
  const rt = await Runtime.start();
  fc.assert(
    fc.property(fc.array(fc.double(), { maxLength: 20 }), fc.array(fc.integer(), { maxLength: 20 }), (doubles, ints) => {
      const values = [...doubles, ...ints];
      const back = roundTrip(rt, values);
      return values.every((v, i) => Object.is(back[i], v));
    }),
    { numRuns: 100 },
  );
  rt.checkSanity();
  await rt.shutdown();
});

test("strings, as UTF-16 code units: lone surrogates and NULs too", async () => {
  const rt = await Runtime.start({ sanity: true });
  expect(roundTrip(rt, STRINGS)).toEqual(STRINGS);
  fc.assert(
    fc.property(fc.array(fc.string({ unit: "binary" }), { maxLength: 10 }), (strings) => {
      expect(roundTrip(rt, strings)).toEqual(strings);
    }),
    { numRuns: 100 },
  );
  await rt.shutdown();
});

test("strings of every length up to SHORT_UNITS and past it decode exactly (one fromCharCode call each, src/heap/short-string.ts)", async () => {
  const rt = await Runtime.start({ sanity: true });
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: SHORT_UNITS + 3, maxLength: SHORT_UNITS + 3 }), (units) => {
      // Every length from 0 to SHORT_UNITS + 2 of the same code units, so each switch case decodes.
      const strings = units.map((_, n) => String.fromCharCode(...units.slice(0, n)));
      expect(roundTrip(rt, strings)).toEqual(strings);
    }),
    { numRuns: 30 },
  );
  await rt.shutdown();
});

test("Uint8Array: copied in and out (Buffer comes back as a plain Uint8Array)", async () => {
  const rt = await Runtime.start({ sanity: true });
  const bytes = [new Uint8Array(0), Uint8Array.of(1, 2, 255), new Uint8Array(100_000).map((_, i) => i * 7), Buffer.from("buf")];
  const back = roundTrip(rt, bytes) as Uint8Array[];
  back.forEach((b, i) => {
    expect(b).toBeInstanceOf(Uint8Array);
    expect(Buffer.isBuffer(b)).toBe(false);
    expect([...b]).toEqual([...bytes[i]!]);
  });
  // A copy: writing to the original after the store does not reach the heap.
  const source = Uint8Array.of(9, 9);
  const holder = rt.block(0, [source]);
  source[0] = 1;
  expect([...(holder.get(0) as Uint8Array)]).toEqual([9, 9]);
  await rt.shutdown();
});

test("booleans and null", async () => {
  const rt = await Runtime.start({ sanity: true });
  expect(roundTrip(rt, [true, false, null])).toEqual([true, false, null]);
  await rt.shutdown();
});

test("a block of the same runtime comes back as a handle on the same object", async () => {
  const rt = await Runtime.start({ sanity: true });
  const inner = rt.block(5, ["inner"]);
  const outer = rt.block(6, [inner, inner]);
  rt.gc({ major: true });
  const a = outer.get(0) as Block;
  const b = outer.get(1) as Block;
  expect(a).toBeInstanceOf(Block);
  expect(a).not.toBe(inner);
  a.set(0, "changed through a");
  expect([b.get(0), inner.get(0)]).toEqual(["changed through a", "changed through a"]);
  await rt.shutdown();
});

test("any other JS value crosses as a host reference and comes back identical", async () => {
  const rt = await Runtime.start({ sanity: true });
  const object = { a: 1 };
  const fn = () => 1;
  const symbol = Symbol("s");
  const values = [object, fn, symbol, 12n, [1, 2], new Map(), new Int32Array(2)];
  const back = roundTrip(rt, values);
  values.forEach((v, i) => expect(back[i]).toBe(v));
  await rt.shutdown();
});

test("undefined is refused, before anything is allocated", async () => {
  const rt = await Runtime.start();
  expect(() => rt.block(0, [1, undefined])).toThrow(UnrepresentableValueError);
  expect(rt.stats().heap.handles.live).toBe(0);
  const b = rt.block(0, [1]);
  expect(() => b.set(0, undefined)).toThrow(/undefined cannot be stored/);
  expect(b.get(0)).toBe(1);
  try {
    rt.block(0, [undefined]);
  } catch (e) {
    expect((e as UnrepresentableValueError).code).toBe("ERR_UNREPRESENTABLE");
  }
  await rt.shutdown();
});

test("length, tag and bad indices", async () => {
  const rt = await Runtime.start();
  const b = rt.block(255, [1, 2, 3]);
  expect([b.length, b.tag]).toEqual([3, 255]);
  expect(rt.block(0).length).toBe(0);
  for (const bad of [-1, 3, 1.5, NaN, "0"]) {
    expect(() => b.get(bad as number)).toThrow(/field index must be a whole number from 0 to 2/);
    expect(() => b.set(bad as number, 1)).toThrow(/field index/);
  }
  for (const tag of [-1, 256, 1.5, "1"]) expect(() => rt.block(tag as number, [])).toThrow(/tag must be a whole number from 0 to 255/);
  expect(() => rt.block(0, "abc" as unknown as unknown[])).toThrow(/fields must be an array/);
  expect(rt.state).toBe("running");
  await rt.shutdown();
});

test("the MVar hot path's intWord gives an immediate int exactly where encode does, and intOfWord inverts it", () => {
  const check = (v: unknown): void => {
    const immediate = typeof v === "number" && Number.isInteger(v) && v >= INT_MIN && v <= INT_MAX && !Object.is(v, -0);
    const word = intWord(v);
    if (!immediate) {
      expect(word).toBe(NOT_INT_WORD);
      return;
    }
    expect(isIntWord(word)).toBe(true);
    expect(word).toBe(((v as number) * 2 + 1) >>> 0);
    expect(intOfWord(word)).toBe(v);
  };
  for (const v of [...NUMBERS, "1", null, true, 1n, {}]) check(v);
  fc.assert(fc.property(fc.oneof(fc.integer({ min: INT_MIN - 4, max: INT_MAX + 4 }), fc.double(), fc.integer()), (v) => check(v)), { numRuns: 20_000 });
});
