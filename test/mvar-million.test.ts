// 10⁶ wake-ups from one put, and 10⁶ chained hand-offs: neither may grow the
// stack (Lwt's run_waiters recursion needed 1.3 million frames).

import { describe, expect, it } from "vitest";
import { Runtime } from "../src/index.js";

const N = 1_000_000;

describe("MVar at 10⁶", () => {
  it("one put wakes 10⁶ readers, each with the value", async () => {
    await using rt = await Runtime.start();
    const mv = rt.mvar<number>();
    let sum = 0;
    const readers: Promise<void>[] = new Array(N);
    for (let i = 0; i < N; i++) readers[i] = mv.read().then((v) => void (sum += v));
    await mv.put(2);
    await Promise.all(readers);
    expect(sum).toBe(2 * N);
    expect(mv.tryRead()).toBe(2);
  });

  it("10⁶ chained hand-offs: each woken taker puts to the next", async () => {
    await using rt = await Runtime.start();
    const mv = rt.mvar<number>();
    const done: Promise<void>[] = new Array(N);
    for (let i = 0; i < N; i++) {
      done[i] = mv.take().then((v) => {
        // Not awaited: the put hands the value to the next blocked taker.
        void mv.put(v + 1);
      });
    }
    await mv.put(0);
    await Promise.all(done);
    expect(mv.tryTake()).toBe(N);
  });
});
