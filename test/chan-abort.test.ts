// Channel operations accept { signal }: an abort while waiting takes nothing
// and deposits nothing, and the threads behind it go on in order.

import { describe, expect, it } from "vitest";
import { BoundedChan, Chan, Runtime } from "../src/index.js";
import { settle, stateOf } from "./support/mvar.js";

describe("channel aborts", () => {
  it("a Chan reader aborted while the channel is empty takes nothing: the next reader gets the first value", async () => {
    await using rt = await Runtime.start({ sanity: true });
    using chan = new Chan<number>(rt);
    const controller = new AbortController();
    const aborted = chan.read({ signal: controller.signal });
    const behind = chan.read(); // queued on the read end the aborted reader holds
    await settle();
    controller.abort(new Error("stop reading"));
    await expect(aborted).rejects.toThrow("stop reading");
    expect((await stateOf(behind)).state).toBe("pending");
    await chan.write(1);
    await chan.write(2);
    expect(await behind).toBe(1);
    expect(await chan.read()).toBe(2);
  });

  it("a Chan reader aborted while queued behind another reader leaves the queue", async () => {
    await using rt = await Runtime.start({ sanity: true });
    using chan = new Chan<number>(rt);
    const first = chan.read();
    const controller = new AbortController();
    const second = chan.read({ signal: controller.signal });
    const third = chan.read();
    await settle();
    controller.abort("no");
    await expect(second).rejects.toBe("no");
    for (let i = 1; i <= 2; i++) await chan.write(i);
    expect([await first, await third]).toEqual([1, 2]);
  });

  it("a signal that has already fired rejects at once and touches nothing", async () => {
    await using rt = await Runtime.start();
    using chan = new Chan<number>(rt);
    using bounded = new BoundedChan<number>(rt, 1);
    const signal = AbortSignal.abort("already");
    await expect(chan.write(1, { signal })).rejects.toBe("already");
    await expect(bounded.write(1, { signal })).rejects.toBe("already");
    await expect(chan.read({ signal })).rejects.toBe("already");
    await chan.write(7);
    await bounded.write(8);
    expect([await chan.read(), await bounded.read()]).toEqual([7, 8]);
  });

  it("a BoundedChan writer aborted while the channel is full deposits nothing", async () => {
    await using rt = await Runtime.start({ sanity: true });
    using chan = new BoundedChan<number>(rt, 2);
    await chan.write(0);
    await chan.write(1);
    const controller = new AbortController();
    const aborted = chan.write(99, { signal: controller.signal });
    const behind = chan.write(2);
    await settle();
    controller.abort("full");
    await expect(aborted).rejects.toBe("full");
    expect((await stateOf(behind)).state).toBe("pending");
    expect(await chan.read()).toBe(0);
    await behind;
    expect([await chan.read(), await chan.read()]).toEqual([1, 2]);
    expect((await stateOf(chan.read())).state).toBe("pending");
  });

  it("a BoundedChan reader aborted while the channel is empty takes nothing", async () => {
    await using rt = await Runtime.start({ sanity: true });
    using chan = new BoundedChan<number>(rt, 1);
    const controller = new AbortController();
    const aborted = chan.read({ signal: controller.signal });
    const behind = chan.read();
    await settle();
    controller.abort("empty");
    await expect(aborted).rejects.toBe("empty");
    await chan.write(5);
    expect(await behind).toBe(5);
  });

  it("an abort after the value was handed over is a no-op", async () => {
    await using rt = await Runtime.start();
    using chan = new BoundedChan<number>(rt, 1);
    const controller = new AbortController();
    const reader = chan.read({ signal: controller.signal });
    await settle();
    await chan.write(3); // hands 3 to the waiting reader
    controller.abort("late");
    expect(await reader).toBe(3);
  });
});
