// Chaos mode: the same seed and program give the same interleaving.

import { describe, expect, it } from "vitest";
import { Scheduler } from "../src/threads/scheduler.js";

/**
 * Several threads ping each other through the scheduler: each resume records
 * (thread, turn) and wakes the next thread. The trace is the interleaving.
 */
async function trace(seed: number): Promise<string[]> {
  const scheduler = new Scheduler(seed);
  const threads = 8;
  const rounds = 40;
  const log: string[] = [];
  const finished: Promise<void>[] = [];
  for (let t = 0; t < threads; t++) {
    finished.push((async () => {
      for (let r = 0; r < rounds; r++) {
        await new Promise((resolve) => scheduler.wake(resolve, undefined));
        log.push(`${t}@${scheduler.turn}`);
      }
    })());
  }
  await Promise.all(finished);
  return log;
}

describe("Scheduler seeds", () => {
  it("gives the same trace for the same seed", async () => {
    const a = await trace(12345);
    const b = await trace(12345);
    expect(a.length).toBe(8 * 40);
    expect(b).toEqual(a);
  });

  it("gives different traces for different seeds", async () => {
    const traces = new Set<string>();
    for (const seed of [1, 2, 3, 4]) traces.add((await trace(seed)).join(" "));
    expect(traces.size).toBeGreaterThan(1);
  });

  it("delivers wake-ups due in the same turn in the order they were woken", async () => {
    const scheduler = new Scheduler(99);
    const order: number[] = [];
    const all: Promise<void>[] = [];
    for (let i = 0; i < 200; i++) {
      all.push(new Promise<void>((resolve) => scheduler.wake(() => { order.push(i); resolve(); }, undefined)));
    }
    await Promise.all(all);
    expect(order.length).toBe(200);
    expect(scheduler.deferred).toBeGreaterThan(0);
    expect(scheduler.pending).toBe(0);
  });
});
