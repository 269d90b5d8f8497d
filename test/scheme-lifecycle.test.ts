// The Scheme interpreter plugin across its runtime's life: programs in a row
// on one runtime (each in a fresh global environment, nothing kept between
// them), the same after restart with memory.size() at its fixpoint, and a
// shutdown that finds no block leaked.

import { expect, test } from "vitest";
import { counterAnswer, counterProgram, fibAnswer, fibProgram, listAnswer, listProgram } from "../bench/scheme.js";
import { runScheme, startScheme } from "./support/scheme.js";

test("several programs in a row, a restart, and a clean shutdown", async () => {
  const rt = await startScheme();
  const pages: number[] = [];
  for (let round = 0; round < 4; round++) {
    expect(runScheme(rt, fibProgram(15))).toBe(fibAnswer(15));
    expect(runScheme(rt, listProgram(2000))).toBe(listAnswer(2000));
    expect(runScheme(rt, counterProgram(500, 3))).toBe(counterAnswer(500, 3));
    expect(runScheme(rt, "(car '())")).toBe("error: car: expected a pair, got ()");
    // Each run starts from a fresh global environment.
    expect(runScheme(rt, "(define kept 1)")).toBe("kept");
    expect(runScheme(rt, "kept")).toBe("error: unbound variable: kept");
    rt.checkSanity();
    pages.push(rt.stats().memoryPages);
    const report = await rt.restart();
    expect(report.leakedBlocks).toBe(0);
  }
  // The restart fixpoint: no AssemblyScript object outlives a run to split the
  // next cycle's nursery (Note [No AssemblyScript objects in a run]).
  expect(new Set(pages.slice(1)).size).toBe(1);
  expect(pages[1]).toBe(pages[0]);
  expect(runScheme(rt, fibProgram(10))).toBe(fibAnswer(10));
  const report = await rt.shutdown();
  expect(report.leakedBlocks).toBe(0);
  expect(report.leakedBytes).toBe(0);
});

test("demo, the built-in program for an export called without arguments, answers right across restarts", async () => {
  const rt = await startScheme();
  const pages: number[] = [];
  for (let round = 0; round < 4; round++) {
    expect(rt.call("demo")).toBe(0);
    pages.push(rt.stats().memoryPages);
    await rt.restart();
  }
  expect(new Set(pages).size).toBe(1);
  expect((await rt.shutdown()).leakedBlocks).toBe(0);
});
