// Hand-off: a put onto waiting takers gives the value to the first one
// directly, and a take with waiting putters moves the first putter's value in.

import { describe, expect, it } from "vitest";
import { Runtime } from "../src/index.js";
import { stateOf } from "./support/mvar.js";

describe("MVar hand-off", () => {
  it("a put onto a waiting taker performs the take on its behalf: the MVar stays empty", async () => {
    await using rt = await Runtime.start({ sanity: true });
    const mv = rt.mvar<number>();
    const taker = mv.take();
    await mv.put(7);
    // Before the taker's continuation runs, nobody else can get the value.
    expect(mv.isEmpty()).toBe(true);
    expect(mv.tryTake()).toBeUndefined();
    expect(await taker).toBe(7);
  });

  it("a take that empties the MVar moves the first blocked putter's value in and wakes it", async () => {
    await using rt = await Runtime.start({ sanity: true });
    const mv = rt.mvar<string>("first");
    const putter = mv.put("second");
    expect((await stateOf(putter)).state).toBe("pending");
    expect(mv.tryTake()).toBe("first");
    // Never empty in between: the putter's value is already in.
    expect(mv.isEmpty()).toBe(false);
    expect(mv.tryRead()).toBe("second");
    expect((await stateOf(putter)).state).toBe("fulfilled");
  });

  it("hands heap objects across without copying them", async () => {
    await using rt = await Runtime.start({ sanity: true });
    const mv = rt.mvar<unknown>();
    const taker = mv.take();
    using block = rt.block(3, [1, "two"]);
    await mv.put(block);
    const got = (await taker) as typeof block;
    expect(got.tag).toBe(3);
    got.set(0, 42);
    expect(block.get(0)).toBe(42);
    got.free();
  });
});

describe("MVar wake-ups that carry heap objects", () => {
  it("delivers a block to each of many readers, each as its own handle", async () => {
    await using rt = await Runtime.start({ sanity: true, nursery: 64 << 10 });
    const mv = rt.mvar<unknown>();
    // Enough readers that their handles outgrow the handle table and memory
    // grows while the wake-ups are being decoded.
    const readers = Array.from({ length: 20_000 }, () => mv.read());
    using block = rt.block(9, ["shared"]);
    await mv.put(block);
    const got = (await Promise.all(readers)) as (typeof block)[];
    for (const b of got) {
      expect(b.tag).toBe(9);
      b.free();
    }
    rt.checkSanity();
  });
});
