// Argument and lifecycle errors of the MVar API: each refused with the
// package's error class and a message saying what was wrong.

import { describe, expect, it } from "vitest";
import { ArgumentError, Runtime, StaleHandleError, UnrepresentableValueError } from "../src/index.js";

describe("MVar errors", () => {
  it("refuses a seed that is not a 32-bit unsigned integer", async () => {
    for (const seed of [-1, 1.5, 2 ** 32, "7"]) {
      await expect(Runtime.start({ seed: seed as number })).rejects.toThrow(ArgumentError);
    }
    await expect(Runtime.start({ faults: { skipBarrier: "mvar-push" as "mvar-pop" } })).rejects.toThrow(/'old-to-young' or 'mvar-pop'/);
  });

  it("refuses undefined as a value: it means empty", async () => {
    await using rt = await Runtime.start();
    expect(() => rt.mvar(undefined)).toThrow(UnrepresentableValueError);
    const mv = rt.mvar<unknown>();
    await expect(mv.put(undefined)).rejects.toBeInstanceOf(UnrepresentableValueError);
    expect(() => mv.tryPut(undefined)).toThrow(UnrepresentableValueError);
    expect(mv.isEmpty()).toBe(true);
  });

  it("refuses a freed MVar, and every MVar after shutdown", async () => {
    const rt = await Runtime.start();
    const freed = rt.mvar<number>(1);
    freed.free();
    freed.free();
    expect(() => freed.tryTake()).toThrow(StaleHandleError);
    await expect(freed.take()).rejects.toBeInstanceOf(StaleHandleError);
    const mv = rt.mvar<number>(2);
    await rt.shutdown();
    expect(() => mv.isEmpty()).toThrow(/shut down/);
    await expect(mv.put(3)).rejects.toBeInstanceOf(StaleHandleError);
  });

  it("rejects threads still waiting when the runtime restarts", async () => {
    await using rt = await Runtime.start();
    const mv = rt.mvar<number>();
    const taker = mv.take();
    const outcome = taker.then(() => "resolved", (reason: unknown) => String(reason));
    await rt.restart();
    expect(await outcome).toMatch(/restarted while it waited/);
  });
});
