import { expect, test } from "vitest";
import { Evidence } from "../src/stress/evidence.js";

// See Note [Restart fixpoint] in src/stress/checks.ts.
function judge(...series: number[][]): Evidence {
  const e = new Evidence();
  series.forEach((pages, i) => e.restartSeriesEnded(i, pages));
  return e;
}

test("a series whose memory.size() never moves passes", () => {
  const e = judge([19, 19, 19, 19]);
  expect(e.seriesThatGrew).toBe(0);
  expect(e.seriesThatSettled).toBe(0);
});

test("one growth right after cycle 1, then holding, is TLSF settling, not a leak", () => {
  const e = judge([19, 38, 38, 38, 38]);
  expect(e.seriesThatGrew).toBe(0);
  expect(e.seriesThatSettled).toBe(1);
});

test("growth after a cycle that held is a broken fixpoint", () => {
  const e = judge([19, 19, 38, 38]);
  expect(e.seriesThatGrew).toBe(1);
  expect(e.firstGrowth?.message).toMatch(/cycle 3 grew it after cycle 2 had left it unchanged/);
});

test("growing twice is a leak even without a pause between", () => {
  const e = judge([19, 38, 76]);
  expect(e.seriesThatGrew).toBe(1);
  expect(e.worstGrowthPages).toBe(57);
  expect(e.firstGrowth?.message).toMatch(/cycle 3 grew it for the second time/);
});

test("a series too short to judge is not counted", () => {
  const e = judge([19]);
  expect(e.restartSeries).toBe(0);
});
