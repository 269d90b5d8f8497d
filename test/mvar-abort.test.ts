// { signal }: an abort before the hand-off leaves the queue without taking
// or depositing anything and rejects with the signal's reason; after the
// hand-off it is a no-op.

import { describe, expect, it } from "vitest";
import { ArgumentError, Runtime } from "../src/index.js";
import { stateOf } from "./support/mvar.js";

describe("MVar aborts", () => {
  it("rejects at once with the reason of a signal that has already fired, touching nothing", async () => {
    await using rt = await Runtime.start({ sanity: true });
    const mv = rt.mvar<number>(1);
    const reason = new Error("stop");
    await expect(mv.take({ signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    await expect(mv.put(2, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(mv.tryRead()).toBe(1);
  });

  it("a waiting taker aborted before any put leaves the queue: the next taker gets the value", async () => {
    await using rt = await Runtime.start({ sanity: true });
    const mv = rt.mvar<number>();
    const controller = new AbortController();
    const aborted = mv.take({ signal: controller.signal });
    const next = mv.take();
    controller.abort("changed my mind");
    await expect(aborted).rejects.toBe("changed my mind");
    await mv.put(3);
    expect(await next).toBe(3);
    expect(mv.isEmpty()).toBe(true);
    rt.checkSanity();
  });

  it("a waiting putter aborted before any take deposits nothing", async () => {
    await using rt = await Runtime.start({ sanity: true });
    const mv = rt.mvar<string>("a");
    const controller = new AbortController();
    const aborted = mv.put("never", { signal: controller.signal });
    const later = mv.put("b");
    controller.abort();
    expect((await stateOf(aborted)).state).toBe("rejected");
    expect(await mv.take()).toBe("a");
    await later;
    expect(await mv.take()).toBe("b");
    expect(mv.isEmpty()).toBe(true);
    rt.checkSanity();
  });

  it("an aborted reader does not receive the next put; the others do", async () => {
    await using rt = await Runtime.start({ sanity: true });
    const mv = rt.mvar<number>();
    const controller = new AbortController();
    const aborted = mv.read({ signal: controller.signal });
    const reader = mv.read();
    controller.abort();
    await mv.put(4);
    expect((await stateOf(aborted)).state).toBe("rejected");
    expect(await reader).toBe(4);
    expect(mv.tryRead()).toBe(4);
  });

  it("an abort after the hand-off is a no-op: the thread gets its value", async () => {
    await using rt = await Runtime.start({ sanity: true, seed: 3 });
    const mv = rt.mvar<number>();
    const controller = new AbortController();
    const taker = mv.take({ signal: controller.signal });
    await mv.put(5);
    // Woken (the hand-off happened) though perhaps not yet resumed: too late to abort.
    controller.abort();
    expect(await taker).toBe(5);
    expect(mv.isEmpty()).toBe(true);
  });

  it("refuses options that are not an object with an AbortSignal", async () => {
    await using rt = await Runtime.start();
    const mv = rt.mvar<number>();
    await expect(mv.take({ signal: "no" as unknown as AbortSignal })).rejects.toBeInstanceOf(ArgumentError);
    await expect(mv.read(null as unknown as undefined)).rejects.toBeInstanceOf(ArgumentError);
  });
});
