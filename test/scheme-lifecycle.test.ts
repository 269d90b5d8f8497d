// The Scheme interpreter plugin across its runtime's life: programs in a row
// on one runtime (each in a fresh global environment, nothing kept between
// them), the same after restart, and a shutdown that finds no block leaked.

import { expect, test } from "vitest";
import { counterAnswer, counterProgram, fibAnswer, fibProgram, listAnswer, listProgram } from "../bench/scheme.js";
import { runScheme, startScheme } from "./support/scheme.js";

test("several programs in a row, a restart, and a clean shutdown", async () => {
  const rt = await startScheme();
  for (let round = 0; round < 3; round++) {
    expect(runScheme(rt, fibProgram(15))).toBe(fibAnswer(15));
    expect(runScheme(rt, listProgram(2000))).toBe(listAnswer(2000));
    expect(runScheme(rt, counterProgram(500, 3))).toBe(counterAnswer(500, 3));
    expect(runScheme(rt, "(car '())")).toBe("error: car: expected a pair, got ()");
    // Each run starts from a fresh global environment.
    expect(runScheme(rt, "(define kept 1)")).toBe("kept");
    expect(runScheme(rt, "kept")).toBe("error: unbound variable: kept");
    rt.checkSanity();
    const report = await rt.restart();
    expect(report.leakedBlocks).toBe(0);
  }
  expect(runScheme(rt, fibProgram(10))).toBe(fibAnswer(10));
  const report = await rt.shutdown();
  expect(report.leakedBlocks).toBe(0);
  expect(report.leakedBytes).toBe(0);
});

test("demo, the built-in program for an export called without arguments, answers right across restarts", async () => {
  const rt = await startScheme();
  for (let round = 0; round < 3; round++) {
    expect(rt.call("demo")).toBe(0);
    await rt.restart();
  }
  expect((await rt.shutdown()).leakedBlocks).toBe(0);
});
