// Note [Strings without a call per field] (src/heap/values.ts): strings are
// read and written through views of the whole memory kept per cycle, at the
// header offsets of assembly/heap/layout.ts. Every length around the short
// path's edge and the chunked path's, and strings made after memory.grow
// replaced the buffer the views were over, come back exactly.

import { expect, test } from "vitest";
import { Runtime } from "../src/index.js";

const lengths = [0, 1, 2, 15, 16, 17, 63, 64, 65, 8191, 8192, 8193, 20_000];

function sample(n: number): string {
  let s = "";
  // Lone surrogates, NUL and non-Latin-1 units among ASCII, so every unit's value matters.
  const units = [0x61, 0xd800, 0x00, 0x3042, 0xdfff, 0x7a];
  for (let i = 0; i < n; i++) s += String.fromCharCode(units[i % units.length]!);
  return s;
}

test("strings of every length around the short and chunked paths round-trip through a block", async () => {
  const rt = await Runtime.start();
  const b = rt.block(0, [null]);
  for (const n of lengths) {
    const s = sample(n);
    b.set(0, s);
    expect(b.get(0)).toBe(s);
  }
  b.free();
  await rt.shutdown();
});

test("strings written and read after memory.grow (a detached buffer) come back exactly", async () => {
  const rt = await Runtime.start();
  const b = rt.block(0, ["before"]);
  expect(b.get(0)).toBe("before");
  const pagesBefore = rt.stats().memoryPages;
  // A large bytes value grows the memory, detaching the buffer the cycle's views were over.
  const big = rt.block(0, [new Uint8Array(8 << 20)]);
  expect(rt.stats().memoryPages).toBeGreaterThan(pagesBefore);
  expect(b.get(0)).toBe("before");
  b.set(0, sample(100));
  expect(b.get(0)).toBe(sample(100));
  big.free();
  b.free();
  await rt.shutdown();
});

test("a restarted runtime's strings are read through fresh views", async () => {
  const rt = await Runtime.start();
  const b = rt.block(0, ["one"]);
  expect(b.get(0)).toBe("one");
  await rt.restart();
  const c = rt.block(0, ["two"]);
  expect(c.get(0)).toBe("two");
  c.free();
  await rt.shutdown();
});
