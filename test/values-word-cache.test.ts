// Note [One word per value until a collection] (src/heap/word-cache.ts): a
// string or object crossing again between two collections reuses the heap
// word it got before, and a heap string read again is the JS string it gave.
// What must hold: values come back equal (objects: themselves) across
// collections, chaos and restarts, and the sharing is real (one heap string,
// one host reference per value between collections).

import fc from "fast-check";
import { expect, test } from "vitest";
import { Block, Runtime } from "../src/index.js";

const NURSERY_MIN = 64 << 10;

test("a string put twice is one heap string until a collection, and every take returns it", async () => {
  const rt = await Runtime.start();
  const s = "sixteen-chars-ok";
  const b = rt.block(0, new Array(100).fill(0));
  const used = rt.stats().heap.nursery.used;
  for (let i = 0; i < 100; i++) b.set(i, s);
  // One string (header and 16 code units), not a hundred.
  expect(rt.stats().heap.nursery.used - used).toBeLessThan(2 * (8 + 2 * s.length));
  const mv = rt.mvar<string>();
  for (let i = 0; i < 10; i++) {
    await mv.put(s);
    expect(await mv.take()).toBe(s);
    expect(b.get(i)).toBe(s);
  }
  rt.gc({ major: true });
  for (let i = 0; i < 100; i++) expect(b.get(i)).toBe(s);
  b.free();
  mv.free();
  await rt.shutdown();
});

test("an object sent twice is one host reference until a collection, and comes back as itself", async () => {
  const rt = await Runtime.start();
  const o = { n: 1 };
  const mv = rt.mvar<{ n: number }>();
  for (let i = 0; i < 50; i++) {
    expect(mv.tryPut(o)).toBe(true);
    expect(mv.tryTake()).toBe(o);
  }
  expect(rt.stats().heap.hostRefs.live).toBe(1);
  rt.gc({ major: true });
  expect(rt.stats().heap.hostRefs.live).toBe(0);
  // After the collection the object crosses as a new host reference.
  expect(mv.tryPut(o)).toBe(true);
  expect(rt.stats().heap.hostRefs.live).toBe(1);
  expect(mv.tryTake()).toBe(o);
  mv.free();
  await rt.shutdown();
});

test("long strings are copied each time and still come back equal", async () => {
  const rt = await Runtime.start();
  const long = "x".repeat(1000) + "y";
  const b = rt.block(0, [0, 0]);
  b.set(0, long);
  b.set(1, long);
  expect(b.get(0)).toBe(long);
  expect(b.get(1)).toBe(long);
  b.free();
  await rt.shutdown();
});

type Step =
  | { op: "set"; field: number; value: number }
  | { op: "put"; value: number }
  | { op: "garbage"; n: number }
  | { op: "gc"; major: boolean };

/**
 * 16-code-unit strings that differ only where the cache's key does not look
 * (it reads the length and code units 0, 8, 14 and 15): one key, one slot.
 */
function sameKey(k: number): string {
  return `S${String(k).padStart(7, "0")}M-----EE`;
}

test("strings with one key and slot are told apart by their characters", async () => {
  const rt = await Runtime.start({ sanity: true });
  const strings = Array.from({ length: 200 }, (_, k) => sameKey(k));
  const b = rt.block(0, new Array(strings.length).fill(null));
  const used = rt.stats().heap.nursery.used;
  strings.forEach((s, i) => b.set(i, s));
  // A heap string each (header and 16 code units): none was taken for another with its key.
  expect(rt.stats().heap.nursery.used - used).toBeGreaterThanOrEqual(strings.length * (8 + 2 * 16));
  strings.forEach((s, i) => expect(b.get(i)).toBe(s));
  const mv = rt.mvar<string>();
  for (const s of strings) {
    expect(mv.tryPut(s)).toBe(true);
    expect(mv.tryTake()).toBe(s);
  }
  rt.gc({ major: true });
  strings.forEach((s, i) => expect(b.get(i)).toBe(s));
  b.free();
  mv.free();
  await rt.shutdown();
});

/** The values crossed: short strings that differ in their last characters or only where the key does not look, and objects. */
const POOL: readonly unknown[] = [
  ...Array.from({ length: 6 }, (_, k) => `${k}`.padStart(16, ".")),
  ...Array.from({ length: 3 }, (_, k) => sameKey(k)),
  ...Array.from({ length: 4 }, (_, k) => ({ k })),
  "",
  "a",
];

test("property: fields and MVars read back what was stored, whatever collections ran in between (smallest nursery, sanity, chaos)", async () => {
  const step: fc.Arbitrary<Step> = fc.oneof(
    fc.record({ op: fc.constant("set" as const), field: fc.nat(7), value: fc.nat(POOL.length - 1) }),
    fc.record({ op: fc.constant("put" as const), value: fc.nat(POOL.length - 1) }),
    fc.record({ op: fc.constant("garbage" as const), n: fc.integer({ min: 1, max: 3000 }) }),
    fc.record({ op: fc.constant("gc" as const), major: fc.boolean() }),
  );
  await fc.assert(
    fc.asyncProperty(fc.array(step, { maxLength: 60 }), fc.nat(0xffff_ffff), async (steps, seed) => {
      const rt = await Runtime.start({ nursery: NURSERY_MIN, sanity: true, seed });
      const model: unknown[] = new Array(8).fill(0);
      const block: Block = rt.block(0, model);
      const mv = rt.mvar<unknown>();
      try {
        for (const s of steps) {
          if (s.op === "set") {
            block.set(s.field, POOL[s.value]);
            model[s.field] = POOL[s.value];
          } else if (s.op === "put") {
            await mv.put(POOL[s.value]);
            expect(await mv.take()).toBe(POOL[s.value]);
          } else if (s.op === "garbage") {
            // Fresh strings and objects: allocation that moves the nursery on.
            rt.scope(() => {
              for (let i = 0; i < s.n; i++) rt.block(0, [`g${i}`.padStart(16, "-"), { i }]);
            });
          } else rt.gc({ major: s.major });
          for (let i = 0; i < model.length; i++) expect(block.get(i)).toBe(model[i]);
        }
      } finally {
        block.free();
        mv.free();
        await rt.shutdown();
      }
    }),
    { numRuns: 40 },
  );
});
