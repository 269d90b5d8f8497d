// tryTake, tryPut, tryRead, isEmpty: never wait; tryRead never empties;
// tryPut never overtakes blocked putters.

import { describe, expect, it } from "vitest";
import { Runtime } from "../src/index.js";
import { stateOf } from "./support/mvar.js";

describe("MVar try operations", () => {
  it("tryTake and tryRead return undefined on an empty MVar; tryRead never empties", async () => {
    await using rt = await Runtime.start({ sanity: true });
    const mv = rt.mvar<number>();
    expect(mv.tryTake()).toBeUndefined();
    expect(mv.tryRead()).toBeUndefined();
    expect(mv.tryPut(1)).toBe(true);
    expect(mv.tryRead()).toBe(1);
    expect(mv.tryRead()).toBe(1);
    expect(mv.isEmpty()).toBe(false);
    expect(mv.tryTake()).toBe(1);
    expect(mv.isEmpty()).toBe(true);
  });

  it("tryPut fails on a full MVar and never overtakes a blocked putter", async () => {
    await using rt = await Runtime.start({ sanity: true });
    const mv = rt.mvar<string>("a");
    const putter = mv.put("b");
    expect(mv.tryPut("c")).toBe(false);
    expect(mv.tryTake()).toBe("a");
    // The blocked putter's value moved in; tryPut still cannot get ahead.
    expect(mv.tryPut("c")).toBe(false);
    await putter;
    expect(mv.tryTake()).toBe("b");
    expect(mv.tryPut("c")).toBe(true);
    expect(mv.tryTake()).toBe("c");
  });

  it("tryPut onto waiting takers hands the value to the first one", async () => {
    await using rt = await Runtime.start({ sanity: true });
    const mv = rt.mvar<number>();
    const taker = mv.take();
    const reader = mv.read();
    expect(mv.tryPut(9)).toBe(true);
    expect(mv.isEmpty()).toBe(true);
    expect(await reader).toBe(9);
    expect(await taker).toBe(9);
    expect((await stateOf(mv.take())).state).toBe("pending");
  });

  it("tryTake with a blocked putter wakes it", async () => {
    await using rt = await Runtime.start({ sanity: true });
    const mv = rt.mvar<number>(1);
    const putter = mv.put(2);
    expect(mv.tryTake()).toBe(1);
    expect((await stateOf(putter)).state).toBe("fulfilled");
    expect(mv.tryTake()).toBe(2);
  });
});
