// Blocked indefinitely: a thread blocked on an MVar that nothing but blocked
// threads reaches is woken by a major collection with
// BlockedIndefinitelyError; one that can still be woken never is.

import { describe, expect, it } from "vitest";
import { BlockedIndefinitelyError, CoreTrapError, Runtime } from "../src/index.js";
import { withCore } from "../src/runtime.js";
import { settle, stateOf } from "./support/mvar.js";

describe("blocked indefinitely", () => {
  it("rejects the threads of an MVar whose last handle was freed, at the next major collection", async () => {
    await using rt = await Runtime.start({ sanity: true });
    const mv = rt.mvar<number>();
    const taker = mv.take();
    const reader = mv.read();
    mv.free();
    rt.gc({ major: true });
    const [t, r] = await Promise.allSettled([taker, reader]);
    expect(t.status === "rejected" && t.reason).toBeInstanceOf(BlockedIndefinitelyError);
    expect(r.status === "rejected" && (r.reason as Error).message).toBe("blocked indefinitely in an MVar operation: the MVar is reachable from nothing but blocked threads, so no other thread can ever put or take it");
  });

  it("finds the deadlock by itself when the handle is let go (no explicit collection)", async () => {
    await using rt = await Runtime.start({ sanity: true });
    const mv = rt.mvar<number>(1);
    const putter = mv.put(2);
    const outcome = putter.then(() => "resolved", (reason: unknown) => reason);
    mv.free();
    await settle(4);
    expect(await outcome).toBeInstanceOf(BlockedIndefinitelyError);
  });

  it("finds the deadlock by itself when V8 collects an MVar object nobody freed", async () => {
    await using rt = await Runtime.start({ sanity: true });
    const taker = ((): Promise<number> => rt.mvar<number>().take())();
    let state = "pending";
    taker.catch((reason: unknown) => (state = reason instanceof BlockedIndefinitelyError ? "deadlocked" : String(reason)));
    for (let i = 0; i < 20 && state === "pending"; i++) {
      (globalThis as { gc?: () => void }).gc!();
      await settle(2);
    }
    expect(state).toBe("deadlocked");
  });

  it("rejects a putter whose value is another MVar, and that MVar's threads with it", async () => {
    await using rt = await Runtime.start({ sanity: true });
    const outer = rt.mvar<unknown>(0);
    const inner = rt.mvar<number>();
    const innerTaker = inner.take();
    const putter = outer.put(inner);
    inner.free();
    outer.free();
    rt.gc({ major: true });
    const [p, t] = await Promise.allSettled([putter, innerTaker]);
    expect(p.status === "rejected" && p.reason).toBeInstanceOf(BlockedIndefinitelyError);
    expect(t.status === "rejected" && t.reason).toBeInstanceOf(BlockedIndefinitelyError);
  });

  it("never wakes a thread whose MVar a handle still holds", async () => {
    await using rt = await Runtime.start({ sanity: true });
    const mv = rt.mvar<number>();
    const taker = mv.take();
    for (let i = 0; i < 3; i++) rt.gc({ major: true });
    expect((await stateOf(taker)).state).toBe("pending");
    await mv.put(1);
    expect(await taker).toBe(1);
  });

  it("never wakes a thread whose MVar is reachable from a live object", async () => {
    await using rt = await Runtime.start({ sanity: true });
    const mv = rt.mvar<number>();
    const taker = mv.take();
    using holder = rt.block(0, [mv]);
    mv.free();
    for (let i = 0; i < 3; i++) rt.gc({ major: true });
    await settle(4);
    expect((await stateOf(taker)).state).toBe("pending");
    const again = holder.get(0) as typeof mv;
    await again.put(8);
    expect(await taker).toBe(8);
    again.free();
  });

  it("survives minor collections while unreachable, and is found by the next major one", async () => {
    await using rt = await Runtime.start({ sanity: true, nursery: 64 << 10 });
    const mv = rt.mvar<number>();
    const taker = mv.take();
    let settled = false;
    taker.catch(() => (settled = true));
    mv.free();
    // Synchronously, before the deadlock check free() schedules can run.
    rt.gc();
    rt.gc();
    rt.gc();
    expect(withCore(rt, "blocked", (core) => core.mvar_threads_blocked())).toBe(1);
    await Promise.resolve();
    expect(settled).toBe(false);
    rt.gc({ major: true });
    expect(withCore(rt, "blocked", (core) => core.mvar_threads_blocked())).toBe(0);
    await expect(taker).rejects.toBeInstanceOf(BlockedIndefinitelyError);
  });

  it("rejects the threads still waiting when the runtime shuts down", async () => {
    const rt = await Runtime.start();
    const mv = rt.mvar<number>();
    const taker = mv.take();
    await rt.shutdown();
    await expect(taker).rejects.toThrow(/shut down/);
  });
});

describe("threads of a runtime that traps", () => {
  it("reject with the CoreTrapError instead of waiting forever", async () => {
    const rt = await Runtime.start();
    const mv = rt.mvar<number>();
    const taker = mv.take();
    const outcome = taker.then(() => "resolved", (reason: unknown) => reason);
    // A call the core refuses loudly: freeing a handle slot that is not live.
    expect(() => withCore(rt, "test", (core) => core.handle_free(0xfff0))).toThrow(CoreTrapError);
    expect(await outcome).toBeInstanceOf(CoreTrapError);
    await rt.shutdown();
  });
});
