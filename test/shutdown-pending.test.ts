// The ShutdownReport counts the blocked MVar operations the exit rejected
// (step 0 of Note [Shutdown order]): every take, put and read still waiting,
// each rejected with ShutdownError; an operation aborted before the exit is
// not pending, and is not counted.

import { describe, expect, it } from "vitest";
import { Runtime, ShutdownError } from "../src/index.js";

describe("ShutdownReport.pendingOperationsRejected", () => {
  it("counts every blocked take, put and read, and not an aborted one", async () => {
    const rt = await Runtime.start({ sanity: true });
    const empty = rt.mvar<number>();
    const full = rt.mvar<string>("held");
    const other = rt.mvar<number>();
    const controller = new AbortController();
    const pending = [
      empty.take(),
      empty.take(),
      empty.read(),
      full.put("a"),
      full.put("b"),
      other.read(),
      other.take(),
    ];
    const aborted = empty.take({ signal: controller.signal });
    controller.abort("gave up");
    await expect(aborted).rejects.toBe("gave up");
    // An operation that did not wait is not pending either.
    expect(await full.read()).toBe("held");

    const report = await rt.shutdown();
    expect(report.pendingOperationsRejected).toBe(pending.length);
    const settled = await Promise.allSettled(pending);
    for (const outcome of settled) {
      expect(outcome.status).toBe("rejected");
      expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(ShutdownError);
    }
    // Plain data: the figure survives a JSON round trip.
    expect(JSON.parse(JSON.stringify(report)).pendingOperationsRejected).toBe(pending.length);
  });

  it("a restart rejects and counts its waiters; the next cycle starts from zero", async () => {
    const rt = await Runtime.start();
    const first = rt.mvar<number>();
    const waiting = [first.take(), first.take(), first.read()];
    const restarted = await rt.restart();
    expect(restarted.pendingOperationsRejected).toBe(3);
    for (const outcome of await Promise.allSettled(waiting)) expect(outcome.status).toBe("rejected");

    const second = rt.mvar<number>(1);
    const putter = second.put(2);
    const report = await rt.shutdown();
    expect(report.pendingOperationsRejected).toBe(1);
    await expect(putter).rejects.toBeInstanceOf(ShutdownError);
  });

  it("is 0 when nothing waits, including after every waiter was served", async () => {
    const rt = await Runtime.start();
    const mv = rt.mvar<number>();
    const taker = mv.take();
    await mv.put(7);
    expect(await taker).toBe(7);
    expect((await rt.shutdown()).pendingOperationsRejected).toBe(0);
  });
});
