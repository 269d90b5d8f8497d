// The wake-up queue delivers in the order threads were woken, iteratively.

import { describe, expect, it } from "vitest";
import { Scheduler } from "../src/threads/scheduler.js";
import { ArgumentError } from "../src/core/errors.js";

describe("Scheduler without a seed", () => {
  it("delivers every wake-up now, in the order woken", () => {
    const scheduler = new Scheduler();
    const seen: number[] = [];
    for (let i = 0; i < 5; i++) scheduler.wake((x) => seen.push(x as number), i);
    expect(seen).toEqual([0, 1, 2, 3, 4]);
    expect(scheduler.delivered).toBe(5);
    expect(scheduler.pending).toBe(0);
    expect(scheduler.deferred).toBe(0);
  });

  it("serves a wake-up made inside a resume after the current one returns, not inside it", () => {
    const scheduler = new Scheduler();
    const log: string[] = [];
    scheduler.wake(() => {
      log.push("a begins");
      scheduler.wake(() => log.push("b"), undefined);
      log.push("a ends");
    }, undefined);
    expect(log).toEqual(["a begins", "a ends", "b"]);
  });

  it("refuses a resume that is not a function, when it is queued rather than when it would run", () => {
    const scheduler = new Scheduler(5);
    expect(() => scheduler.wake(undefined as unknown as (arg: unknown) => void, 1)).toThrow(ArgumentError);
    expect(scheduler.pending).toBe(0);
  });

  it("refuses a seed that is not a 32-bit unsigned integer", () => {
    expect(() => new Scheduler(-1)).toThrow(ArgumentError);
    expect(() => new Scheduler(1.5)).toThrow(ArgumentError);
    expect(() => new Scheduler(2 ** 32)).toThrow(ArgumentError);
  });
});
