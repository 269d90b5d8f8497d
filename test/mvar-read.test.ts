// read: atomic, multiple wake-up; readers waiting on an empty MVar all get
// the next put before the first taker does.

import { describe, expect, it } from "vitest";
import { Runtime } from "../src/index.js";
import { settle, stateOf } from "./support/mvar.js";

describe("MVar read", () => {
  it("wakes every waiting reader with the next put, in arrival order, before the first taker", async () => {
    await using rt = await Runtime.start({ sanity: true });
    const mv = rt.mvar<number>();
    const log: string[] = [];
    const taker1 = mv.take().then((v) => log.push(`take1=${v}`));
    const readers = [1, 2, 3].map((i) => mv.read().then((v) => log.push(`read${i}=${v}`)));
    const taker2 = mv.take().then((v) => log.push(`take2=${v}`));
    const reader4 = mv.read().then((v) => log.push(`read4=${v}`));
    await mv.put(5);
    await settle();
    expect(log).toEqual(["read1=5", "read2=5", "read3=5", "read4=5", "take1=5"]);
    // The first taker took it: the MVar is empty and taker2 still waits.
    expect(mv.isEmpty()).toBe(true);
    await mv.put(6);
    await Promise.all([taker1, taker2, reader4, ...readers]);
    expect(log.at(-1)).toBe("take2=6");
  });

  it("is atomic against a blocked putter: it returns the value and leaves the MVar full", async () => {
    await using rt = await Runtime.start({ sanity: true });
    const mv = rt.mvar<string>("held");
    const putter = mv.put("waiting");
    expect(await mv.read()).toBe("held");
    expect(await mv.read()).toBe("held");
    expect((await stateOf(putter)).state).toBe("pending");
    expect(mv.isEmpty()).toBe(false);
    expect(await mv.take()).toBe("held");
    await putter;
    expect(await mv.take()).toBe("waiting");
  });
});
