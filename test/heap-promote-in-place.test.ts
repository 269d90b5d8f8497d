// Promoting the nursery in place (Note [Promoting the nursery in place],
// assembly/heap/promote.ts): a minor collection copies at most 1/8 of the
// nursery and makes the rest a chunk of generation 1 where it lies; the
// objects copied first leave stubs that become fillers.

import { expect, test } from "vitest";
import { Runtime, SanityError, type Block } from "../src/index.js";
import { addressOf, cellList, cellValues, generationOf, objectsPerGeneration, rememberedSets } from "./heap-support.js";
import { thrownBy } from "./support/thrown.js";

const NURSERY = 64 << 10;
/** COPY_SHARE in promote.ts. */
const COPY_SHARE = 8;
/** AGING_SHARE in evacuate.ts. */
const AGING_SHARE = 16;
/** A block of two fields: header and two values. */
const CELL_BYTES = 16;
const COPY_CELLS = NURSERY / COPY_SHARE / CELL_BYTES;
const AGED_CELLS = NURSERY / AGING_SHARE / CELL_BYTES;


const countdown = (n: number): number[] => Array.from({ length: n }, (_, i) => n - 1 - i);

test("a minor collection of a surviving nursery copies 1/8 of it and promotes the rest where it lies", async () => {
  const rt = await Runtime.start({ nursery: NURSERY, sanity: true });
  const n = 3 * COPY_CELLS;
  const head = cellList(rt, n);
  rt.gc();
  expect(rt.stats().heap.nursery.promotedInPlace).toBe(1);
  // Copied first: AGED_CELLS aged in generation 0, the rest of the copying
  // share promoted; then the whole nursery joined generation 1, its first
  // COPY_CELLS cells (the copied ones' stubs) now fillers.
  expect(objectsPerGeneration(rt)).toEqual([AGED_CELLS, COPY_CELLS - AGED_CELLS + n]);
  expect(rt.stats().heap.generations[1]!.chunkBytes).toBeGreaterThanOrEqual(NURSERY);
  expect(cellValues(head)).toEqual(countdown(n));
  // The next minor ages nothing twice and copies only generation 0.
  rt.gc();
  expect(rt.stats().heap.nursery.promotedInPlace).toBe(1);
  expect(objectsPerGeneration(rt)).toEqual([0, COPY_CELLS + n]);
  // A major frees the fillers.
  rt.gc({ major: true });
  expect(objectsPerGeneration(rt)).toEqual([0, n]);
  expect(cellValues(head)).toEqual(countdown(n));
  head.free();
  await rt.shutdown();
});

test("a cell promoted in place keeps its address; the nursery starts over in a fresh block", async () => {
  const rt = await Runtime.start({ nursery: NURSERY, sanity: true });
  // The cell allocated first is the list's last: the scan reaches it after the switch.
  const n = 2 * COPY_CELLS;
  const head = cellList(rt, n);
  const deepest = (): Block => {
    let cell = head;
    for (let i = 1; i < n; i++) {
      const next = cell.get(1) as Block;
      if (cell !== head) cell.free();
      cell = next;
    }
    return cell;
  };
  const last = deepest();
  const before = addressOf(rt, last);
  last.free();
  rt.gc();
  expect(rt.stats().heap.nursery.promotedInPlace).toBe(1);
  const after = deepest();
  expect(addressOf(rt, after)).toBe(before);
  expect(generationOf(rt, after)).toBe(1);
  expect(after.get(0)).toBe(0);
  const fresh = rt.block(0, [0, null]);
  expect(generationOf(rt, fresh)).toBe(-1);
  expect(addressOf(rt, fresh)).not.toBe(before);
  fresh.free();
  after.free();
  head.free();
  await rt.shutdown();
});

test("an old object that points into a nursery promoted in place is remembered only while it points younger", async () => {
  const rt = await Runtime.start({ nursery: NURSERY, generations: 3, sanity: true });
  const holder = rt.block(0, [null]);
  // nursery → generation 0 → 1 → 2, one major each.
  for (let i = 0; i < 3; i++) rt.gc({ major: true });
  expect(generationOf(rt, holder)).toBe(2);
  const head = cellList(rt, 3 * COPY_CELLS);
  holder.set(0, head);
  rt.gc();
  expect(rt.stats().heap.nursery.promotedInPlace).toBe(1);
  // The head, a root, aged in generation 0; the cells the scan reached after
  // the switch are in generation 1: all younger than their holder.
  expect(generationOf(rt, head)).toBe(0);
  expect(rememberedSets(rt)[2]).toBe(1);
  for (let i = 0; i < 2; i++) rt.gc({ major: true });
  expect(generationOf(rt, head)).toBe(2);
  expect(rememberedSets(rt)[2]).toBe(0);
  expect(cellValues(holder.get(0) as Block)).toEqual(countdown(3 * COPY_CELLS));
  head.free();
  holder.free();
  await rt.shutdown();
});

test("a survival within the copying share never switches", async () => {
  const rt = await Runtime.start({ nursery: NURSERY, sanity: true });
  const head = cellList(rt, COPY_CELLS / 2);
  rt.gc();
  expect(rt.stats().heap.nursery.promotedInPlace).toBe(0);
  expect(objectsPerGeneration(rt)).toEqual([AGED_CELLS, COPY_CELLS / 2 - AGED_CELLS]);
  head.free();
  await rt.shutdown();
});

test("a major collection never promotes in place: the dead are all found", async () => {
  const rt = await Runtime.start({ nursery: NURSERY, sanity: true });
  const head = cellList(rt, 3 * COPY_CELLS);
  rt.gc({ major: true });
  expect(rt.stats().heap.nursery.promotedInPlace).toBe(0);
  expect(objectsPerGeneration(rt)).toEqual([AGED_CELLS, 3 * COPY_CELLS - AGED_CELLS]);
  head.free();
  await rt.shutdown();
});

test("fault promoted-stub: stubs left forwarded are reported by the sanity checker's heap walk", async () => {
  const rt = await Runtime.start({ nursery: NURSERY, sanity: true, faults: { stale: "promoted-stub" } });
  const head = cellList(rt, 3 * COPY_CELLS);
  const error = thrownBy(() => rt.gc());
  expect(error).toBeInstanceOf(SanityError);
  expect((error as SanityError).check).toBe("object");
  expect((error as Error).message).toMatch(/a forwarded object outside a collection/);
  head.free();
  await rt.shutdown();
});
