// Chan: GHC's unbounded channel on a linked stream of MVars.

import { describe, expect, it } from "vitest";
import { Chan, Runtime } from "../src/index.js";
import { stateOf } from "./support/mvar.js";

describe("Chan", () => {
  it("delivers values in the order written, of every kind that crosses", async () => {
    await using rt = await Runtime.start({ sanity: true, nursery: 64 << 10 });
    using chan = new Chan<unknown>(rt);
    const values = [1, "two", 3.5, null, true, new Uint8Array([4, 5]), { six: 6 }];
    for (const v of values) await chan.write(v);
    const got: unknown[] = [];
    for (let i = 0; i < values.length; i++) got.push(await chan.read());
    expect(got).toEqual(values);
  });

  it("never blocks a writer, and a reader waits until something is written", async () => {
    await using rt = await Runtime.start({ sanity: true });
    using chan = new Chan<number>(rt);
    const reader = chan.read();
    expect((await stateOf(reader)).state).toBe("pending");
    for (let i = 0; i < 1000; i++) await chan.write(i);
    expect(await reader).toBe(0);
    for (let i = 1; i < 1000; i++) expect(await chan.read()).toBe(i);
  });

  it("with many writers and readers, every value is read exactly once and each writer's values stay in order", async () => {
    await using rt = await Runtime.start({ sanity: true, nursery: 64 << 10 });
    using chan = new Chan<number>(rt);
    const writers = 4;
    const readers = 3;
    const each = 300;
    const seen: number[][] = Array.from({ length: readers }, () => []);
    const reading = Array.from({ length: readers }, async (_, r) => {
      for (let i = 0; i < (writers * each) / readers; i++) seen[r]!.push(await chan.read());
    });
    const writing = Array.from({ length: writers }, async (_, w) => {
      for (let i = 0; i < each; i++) await chan.write(w * each + i);
    });
    await Promise.all([...writing, ...reading]);
    const all = seen.flat().sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: writers * each }, (_, i) => i));
    for (const got of seen) {
      for (let w = 0; w < writers; w++) {
        const mine = got.filter((v) => Math.floor(v / each) === w);
        expect(mine).toEqual([...mine].sort((a, b) => a - b));
      }
    }
  });
});
