// BoundedChan: FIFO with a capacity; writers wait while it is full.

import { describe, expect, it } from "vitest";
import { ArgumentError, BoundedChan, Runtime } from "../src/index.js";
import { stateOf } from "./support/mvar.js";

describe("BoundedChan", () => {
  it("holds `capacity` values and makes the next writer wait until a read", async () => {
    await using rt = await Runtime.start({ sanity: true });
    using chan = new BoundedChan<number>(rt, 3);
    for (let i = 0; i < 3; i++) await chan.write(i);
    const fourth = chan.write(3);
    expect((await stateOf(fourth)).state).toBe("pending");
    expect(await chan.read()).toBe(0);
    await fourth;
    for (let i = 1; i < 4; i++) expect(await chan.read()).toBe(i);
    expect((await stateOf(chan.read())).state).toBe("pending");
  });

  it("of depth 1 passes values in order between a producer and a consumer", async () => {
    await using rt = await Runtime.start({ sanity: true, nursery: 64 << 10 });
    using chan = new BoundedChan<string>(rt, 1);
    const n = 2000;
    const producer = (async () => {
      for (let i = 0; i < n; i++) await chan.write(`v${i}`);
    })();
    for (let i = 0; i < n; i++) expect(await chan.read()).toBe(`v${i}`);
    await producer;
  });

  it("with many producers and consumers, delivers every value exactly once", async () => {
    await using rt = await Runtime.start({ sanity: true, nursery: 64 << 10, seed: 11 });
    using chan = new BoundedChan<number>(rt, 2);
    const producers = 5;
    const consumers = 4;
    const each = 200;
    const got: number[] = [];
    const consuming = Array.from({ length: consumers }, async () => {
      for (let i = 0; i < (producers * each) / consumers; i++) got.push(await chan.read());
    });
    const producing = Array.from({ length: producers }, async (_, p) => {
      for (let i = 0; i < each; i++) await chan.write(p * each + i);
    });
    await Promise.all([...producing, ...consuming]);
    expect(got.sort((a, b) => a - b)).toEqual(Array.from({ length: producers * each }, (_, i) => i));
  });

  it("refuses a capacity that is not a whole number of at least 1", async () => {
    await using rt = await Runtime.start();
    expect(() => new BoundedChan(rt, 0)).toThrow(ArgumentError);
    expect(() => new BoundedChan(rt, 1.5)).toThrow(ArgumentError);
  });
});
