// The aging budget (Note [Aging and eager promotion], assembly/heap/evacuate.ts):
// one collection ages at most 1/16 of a nursery's bytes of nursery survivors
// into generation 0; the rest is promoted straight to generation 1, so a fully
// surviving nursery is not copied twice in consecutive minors.

import { expect, test } from "vitest";
import { Runtime } from "../src/index.js";
import { cellList, cellValues, objectsPerGeneration } from "./heap-support.js";

const NURSERY = 64 << 10;
/** AGING_SHARE in evacuate.ts. */
const AGING_SHARE = 16;
/** A block of two fields: header and two values. */
const CELL_BYTES = 16;
const BUDGET_CELLS = NURSERY / AGING_SHARE / CELL_BYTES;


test("a survival within the budget ages in generation 0 whole", async () => {
  const rt = await Runtime.start({ nursery: NURSERY, sanity: true });
  const head = cellList(rt, BUDGET_CELLS);
  rt.gc();
  expect(objectsPerGeneration(rt)).toEqual([BUDGET_CELLS, 0]);
  rt.gc();
  expect(objectsPerGeneration(rt)).toEqual([0, BUDGET_CELLS]);
  head.free();
  await rt.shutdown();
});

test("survivors beyond the budget go straight to generation 1, the first reached aging", async () => {
  const rt = await Runtime.start({ nursery: NURSERY, sanity: true });
  // More than the budget, less than the 1/8 of a nursery a minor copies
  // before it promotes the rest in place (test/heap-promote-in-place.test.ts).
  const n = BUDGET_CELLS + BUDGET_CELLS / 2;
  const head = cellList(rt, n);
  rt.gc();
  // The head (a root) and the cells the scan reaches first fill the budget;
  // the rest is promoted, and is reached from generation 1 from then on.
  expect(objectsPerGeneration(rt)).toEqual([BUDGET_CELLS, n - BUDGET_CELLS]);
  expect(rt.stats().heap.generations[0]!.bytes).toBe(NURSERY / AGING_SHARE);
  // The next minor promotes only the aged part: nothing is copied twice in a row.
  rt.gc();
  expect(objectsPerGeneration(rt)).toEqual([0, n]);
  expect(cellValues(head)).toEqual(Array.from({ length: n }, (_, i) => n - 1 - i));
  head.free();
  await rt.shutdown();
});
