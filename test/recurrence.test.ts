// The recurring-pattern finder (src/core/recurrence.ts): periods 1 to 16,
// noise above and below the cycle, nested cycles, no cycle, and long stacks.
import { describe, expect, it } from "vitest";
import { describeRecurrence, findRecurrence, MIN_REPEATS } from "../src/core/recurrence.js";

/** A stack innermost first: `top` (the overflow's frames), `turns` of `cycle` called in order, below them `entry` (in call order). */
function stack(top: string[], cycle: string[], turns: number, entry: string[]): string[] {
  const calls: string[] = [...entry];
  for (let t = 0; t < turns; t++) calls.push(...cycle);
  calls.push(...[...top].reverse());
  return calls.reverse();
}

const names = (period: number, prefix = "f"): string[] => Array.from({ length: period }, (_, i) => `${prefix}${i}`);

describe("findRecurrence", () => {
  for (let period = 1; period <= 16; period++) {
    it(`finds a cycle of period ${period} exactly, in call order, with its repeats`, () => {
      const cycle = names(period);
      const found = findRecurrence(stack([], cycle, 500, ["main"]))!;
      expect(found.pattern).toEqual(cycle);
      expect(found.period).toBe(period);
      expect(found.repeats).toBe(500);
      expect(found.below).toEqual(["main"]);
    });
  }

  it("ignores a noisy prefix (the frames the overflow struck in) and suffix (the way in), with a partial turn on top", () => {
    const cycle = ["eval", "apply", "eval-args"];
    // The overflow struck inside a partial turn (eval → apply), then in allocation code.
    const frames = stack(["alloc-slow", "new-block", "apply", "eval"], cycle, 4812, ["start", "load", "main"]);
    const found = findRecurrence(frames)!;
    expect(found.pattern).toEqual(cycle);
    expect(found.repeats).toBe(4812);
    expect(found.below).toEqual(["start", "load", "main"]);
    expect(found.above).toEqual(["alloc-slow", "new-block"]);
    expect(describeRecurrence(found, frames.length)).toBe("recurring call pattern of 3 frames × 4,812: eval → apply → eval-args; entered from main");
  });

  it("reports the outer cycle of two nested ones, the one that covers the stack", () => {
    const cycle = ["run-waiters", "fun-a", "fun-a", "fun-a", "unlock", "bind"];
    const found = findRecurrence(stack(["x"], cycle, 1000, ["main"]))!;
    expect(found.pattern).toEqual(cycle);
    expect(found.period).toBe(6);
  });

  it("reports the cycle that covers more frames when two cycles follow each other", () => {
    const frames = [...stack([], ["a", "b"], 50, []), ...stack([], ["c", "d", "e"], 300, ["main"])];
    const found = findRecurrence(frames)!;
    expect(found.pattern).toEqual(["c", "d", "e"]);
    expect(found.below).toEqual(["main"]);
  });

  it("finds no pattern in frames that do not recur, and says so with the count", () => {
    const frames = names(1000, "g");
    expect(findRecurrence(frames)).toBeUndefined();
    expect(describeRecurrence(undefined, 1000)).toBe("no recurring pattern in 1,000 frames");
    expect(findRecurrence([])).toBeUndefined();
    expect(findRecurrence(["a", "b", "a", "b"])).toBeUndefined(); // fewer than MIN_REPEATS turns
    expect(MIN_REPEATS).toBe(3);
  });

  it("takes linear-ish time: 10⁵ frames of a period-16 cycle in well under a second", () => {
    const frames = stack(["top"], names(16), 100_000 / 16, ["main"]);
    const started = performance.now();
    const found = findRecurrence(frames)!;
    expect(performance.now() - started).toBeLessThan(1000);
    expect(found.period).toBe(16);
    expect(found.repeats).toBe(6250);
  });
});
