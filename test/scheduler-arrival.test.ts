// Arrivals from outside (Note [Arrivals from outside], src/threads/scheduler.ts): a
// thread that waits for I/O resumes as a seeded wake-up, so the interleaving
// is the same whether the I/O completes early or late.

import { describe, expect, it } from "vitest";
import { ArgumentError } from "../src/core/errors.js";
import { Scheduler } from "../src/threads/scheduler.js";

/** A value that arrives after `delay` (a real timer: outside the scheduler). */
function io<T>(value: T, delay: number): Promise<T> {
  return new Promise((resolve) => setTimeout(() => resolve(value), delay));
}

/**
 * Six threads bounce through the scheduler; a seventh waits for I/O three
 * times, each arrival `delays[i]` ms late. The log is the interleaving.
 */
async function trace(seed: number, delays: readonly number[]): Promise<string[]> {
  const scheduler = new Scheduler(seed);
  const log: string[] = [];
  const threads: Promise<void>[] = [];
  for (let t = 0; t < 6; t++) {
    threads.push((async () => {
      for (let r = 0; r < 30; r++) {
        await new Promise((resolve) => scheduler.wake(resolve, undefined));
        log.push(`${t}@${scheduler.turn}`);
      }
    })());
  }
  threads.push((async () => {
    for (const [i, delay] of delays.entries()) {
      const reservation = scheduler.reserve();
      const value = await new Promise<string>((resolve) => {
        void io(`io${i}`, delay).then((v) => scheduler.fill(reservation, resolve as (arg: unknown) => void, v));
      });
      log.push(`${value}@${scheduler.turn}`);
    }
  })());
  await Promise.all(threads);
  return log;
}

describe("Scheduler arrivals", () => {
  it("gives the same interleaving whether the I/O is quick or slow", async () => {
    const quick = await trace(777, [0, 0, 0]);
    const slow = await trace(777, [25, 5, 40]);
    const mixed = await trace(777, [40, 0, 10]);
    expect(quick.length).toBe(6 * 30 + 3);
    expect(slow).toEqual(quick);
    expect(mixed).toEqual(quick);
    // And the seed matters.
    expect(await trace(778, [0, 0, 0])).not.toEqual(quick);
  });

  it("without a seed, fill delivers at once", async () => {
    const scheduler = new Scheduler();
    const reservation = scheduler.reserve();
    let got: unknown;
    scheduler.fill(reservation, (arg) => { got = arg; }, 5);
    expect(got).toBe(5);
  });

  it("refuses a reservation of another scheduler, a second fill and a non-function", () => {
    const a = new Scheduler(1);
    const b = new Scheduler(1);
    const reservation = a.reserve();
    expect(() => b.fill(reservation, () => {}, 1)).toThrow(ArgumentError);
    expect(() => a.fill(reservation, 3 as never, 1)).toThrow(/resume must be a function/);
    a.fill(reservation, () => {}, 1);
    expect(() => a.fill(reservation, () => {}, 1)).toThrow(/already filled/);
  });
});
