// FIFO, single wake-up: waiters are served in the order they blocked, one per put or take.

import { describe, expect, it } from "vitest";
import { Runtime } from "../src/index.js";
import { settle, stateOf } from "./support/mvar.js";

describe("MVar FIFO", () => {
  it("serves blocked takers in the order they blocked, one per put", async () => {
    await using rt = await Runtime.start({ sanity: true });
    const mv = rt.mvar<string>();
    const order: string[] = [];
    const takers = ["a", "b", "c"].map((name) => mv.take().then((v) => order.push(`${name}=${v}`)));
    await mv.put("1");
    await settle();
    expect(order).toEqual(["a=1"]);
    await mv.put("2");
    await mv.put("3");
    await Promise.all(takers);
    expect(order).toEqual(["a=1", "b=2", "c=3"]);
    expect(mv.isEmpty()).toBe(true);
  });

  it("serves blocked putters in the order they blocked, one per take", async () => {
    await using rt = await Runtime.start({ sanity: true });
    const mv = rt.mvar<number>(0);
    const putters = [1, 2, 3].map((v) => mv.put(v));
    expect((await stateOf(putters[0]!)).state).toBe("pending");
    expect(await mv.take()).toBe(0);
    expect((await stateOf(putters[0]!)).state).toBe("fulfilled");
    expect((await stateOf(putters[1]!)).state).toBe("pending");
    expect(await mv.take()).toBe(1);
    expect(await mv.take()).toBe(2);
    expect(await mv.take()).toBe(3);
    await Promise.all(putters);
    expect(mv.isEmpty()).toBe(true);
  });
});
