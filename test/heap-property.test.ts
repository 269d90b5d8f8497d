// Property: random mutator programs against a JS model of the object graph.
// Smallest nursery, sanity after every collection (a SanityError fails the
// run), and after every explicit collection the graph reachable from the
// handles must equal the model. fast-check shrinks a failure to a minimal
// program; the fault-injection run below shows that it does.

import fc from "fast-check";
import { expect, test } from "vitest";
import { Runtime, SanityError } from "../src/index.js";
import { Model, program as programs, type Command } from "./heap-model.js";

const NURSERY_MIN = 64 << 10;

async function runProgram(program: Command[], generations: number, faults?: { skipBarrier: "old-to-young" }): Promise<void> {
  const rt = await Runtime.start({ nursery: NURSERY_MIN, generations, sanity: true, ...(faults ? { faults } : {}) });
  try {
    const model = new Model(rt);
    for (const c of program) model.run(c);
    rt.gc();
    model.check();
    rt.gc({ major: true });
    model.check();
    rt.checkSanity();
  } finally {
    await rt.shutdown();
  }
}

test("random mutator programs: the heap matches the model after every collection, and sanity passes", async () => {
  await fc.assert(
    fc.asyncProperty(programs, fc.integer({ min: 2, max: 4 }), async (program, generations) => {
      await runProgram(program, generations);
    }),
    { numRuns: 150 },
  );
});

test("with the barrier fault on, a failing program is found and shrunk to a minimal one", async () => {
  const result = await fc.check(
    fc.asyncProperty(programs, async (program) => {
      await runProgram(program, 2, { skipBarrier: "old-to-young" });
    }),
    { numRuns: 1000, seed: 20261122 },
  );
  expect(result.failed).toBe(true);
  expect(result.errorInstance).toBeInstanceOf(SanityError);
  const [program] = result.counterexample as [Command[]];
  // The bug needs: an object, two collections to make it old, a young object,
  // a store of it into the old one, and a check (the closing collection).
  // Shrinking must get close to that.
  expect(program.length).toBeLessThanOrEqual(6);
  expect(program.some((c) => c.op === "set")).toBe(true);
});
