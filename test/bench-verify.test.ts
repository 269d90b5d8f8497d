// Every bench row's verify fails when its work is skipped: for each row and
// grid point (quick sizes), each task is prepared and never run, and its
// verify, told the runner made calls, must throw. A task that could be timed
// without doing its work would pass this test only by having no verify,
// which is refused too. No timing is taken.

import { describe, expect, test } from "vitest";
import { gridPoints, paramsLabel, type TaskSpec } from "../bench/row.js";
import { rows } from "../bench/rows/index.js";

const ctx = { quick: true, seed: 0x5eed };

/**
 * Rows whose files belong to another change in flight: issue 14 moves the
 * heap kernels into plugins and owns bench/rows/nursery.ts; its peer (the raw
 * bump loop) gets a verify there.
 */
const pending = new Map([["heap/nursery-alloc", ["raw bump loop"]]]);

function sabotaged(task: TaskSpec): unknown {
  try {
    task.verify!(1);
  } catch (error) {
    return error;
  }
  try {
    task.verify!(3);
  } catch (error) {
    return error;
  }
  return undefined;
}

describe("every row's verify fails when its work is skipped", () => {
  for (const row of rows) {
    for (const params of gridPoints(row.grid)) {
      test(`${row.name} [${paramsLabel(params)}]`, async () => {
        const prepared = await row.prepare(params, ctx);
        try {
          for (const task of [prepared.ours, ...prepared.peers]) {
            if (pending.get(row.name)?.includes(task.name) === true) continue;
            expect(task.verify, `${row.name} ${task.name} has no verify`).toBeTypeOf("function");
            const error = sabotaged(task);
            expect(error, `${row.name} ${task.name}: verify passed though fn never ran`).toBeInstanceOf(Error);
            expect((error as Error).message).toMatch(/bench /);
          }
        } finally {
          await prepared.teardown?.();
        }
      }, 60_000);
    }
  }
});

describe("a row whose verify checks the collector passes after real work", () => {
  test("heap/binary-trees: ours made minors and majors, V8's observer saw collections", async () => {
    const row = rows.find((r) => r.name === "heap/binary-trees")!;
    const prepared = await row.prepare({ depth: 16 }, ctx);
    try {
      const [js] = prepared.peers;
      for (const task of [prepared.ours, js!]) {
        for (let i = 0; i < 2; i++) task.fn();
        await task.settle?.();
        task.verify!(2);
        expect(task.extras!().minors).toBeGreaterThan(0);
      }
      expect(prepared.ours.extras!().majors).toBeGreaterThan(0);
    } finally {
      await prepared.teardown?.();
    }
  }, 60_000);

  test("heap/lru: the sides' counts agree, ours made minors, the barrier recorded and minors scanned", async () => {
    const row = rows.find((r) => r.name === "heap/lru")!;
    const prepared = await row.prepare({ capacity: 1 << 16 }, ctx);
    try {
      const [js] = prepared.peers;
      const calls = 4;
      for (const task of [prepared.ours, js!]) {
        for (let i = 0; i < calls; i++) task.fn();
        await task.settle?.();
      }
      js!.verify!(calls);
      prepared.ours.verify!(calls);
      expect(prepared.ours.extras!().recorded).toBeGreaterThan(0);
    } finally {
      await prepared.teardown?.();
    }
  }, 60_000);
});
