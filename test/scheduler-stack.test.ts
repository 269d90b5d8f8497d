// 10⁶ wake-ups, each woken by the resume of the one before: a nested call per
// wake-up would need 10⁶ frames and overflow; the queue needs one.

import { describe, expect, it } from "vitest";
import { Scheduler } from "../src/threads/scheduler.js";

const N = 1_000_000;

describe("Scheduler stack depth", () => {
  it("delivers a chain of 10⁶ wake-ups made from inside resumes without growing the stack", () => {
    const scheduler = new Scheduler();
    let last = -1;
    let deepest = 0;
    let depth = 0;
    const resume = (arg: unknown): void => {
      depth++;
      deepest = Math.max(deepest, depth);
      const i = arg as number;
      last = i;
      if (i + 1 < N) scheduler.wake(resume, i + 1);
      depth--;
    };
    scheduler.wake(resume, 0);
    expect(last).toBe(N - 1);
    expect(deepest).toBe(1);
    expect(scheduler.delivered).toBe(N);
  });

  it("delivers 10⁶ wake-ups queued at once (one put waking 10⁶ readers)", async () => {
    const scheduler = new Scheduler();
    const promises: Promise<unknown>[] = [];
    const resolvers: ((v: unknown) => void)[] = [];
    for (let i = 0; i < N; i++) promises.push(new Promise((resolve) => resolvers.push(resolve)));
    for (let i = 0; i < N; i++) scheduler.wake(resolvers[i]!, i);
    const values = await Promise.all(promises);
    expect(values.length).toBe(N);
    expect(values[N - 1]).toBe(N - 1);
  });

  it("chaos mode delivers a chain of 10⁵ wake-ups across turns without nesting", async () => {
    const scheduler = new Scheduler(7);
    const n = 100_000;
    let depth = 0;
    let deepest = 0;
    const done = new Promise<number>((finish) => {
      const resume = (arg: unknown): void => {
        depth++;
        deepest = Math.max(deepest, depth);
        const i = arg as number;
        if (i + 1 < n) scheduler.wake(resume, i + 1);
        else finish(i);
        depth--;
      };
      scheduler.wake(resume, 0);
    });
    expect(await done).toBe(n - 1);
    expect(deepest).toBe(1);
    expect(scheduler.deferred).toBeGreaterThan(0);
  });
});
