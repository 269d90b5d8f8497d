// The sanity checker's MVar checks (mvarQueueCheck, mvarThreadsCheck): a
// queue that breaks Note [MVar queue invariant] is reported, naming the MVar.

import { describe, expect, it } from "vitest";
import { Runtime, SanityError } from "../src/index.js";
import { handleSlot } from "../src/heap/handles.js";
import { withCore } from "../src/runtime.js";
import { thrownBy } from "./support/thrown.js";

const INT_5 = (5 << 1) | 1;

describe("MVar sanity checks", () => {
  it("pass on queues of takers, readers and putters", async () => {
    await using rt = await Runtime.start({ sanity: true, nursery: 64 << 10 });
    const empty = rt.mvar<number>();
    const full = rt.mvar<number>(1);
    const waiting = [empty.take(), empty.read(), empty.take(), full.put(2), full.put(3)];
    rt.checkSanity();
    rt.gc();
    rt.gc({ major: true });
    rt.checkSanity();
    await empty.put(7);
    await empty.put(8);
    expect(await full.take()).toBe(1);
    expect(await full.take()).toBe(2);
    expect(await Promise.all(waiting)).toEqual([7, 7, 8, undefined, undefined]);
  });

  it("report a full MVar with takers waiting", async () => {
    await using rt = await Runtime.start({ sanity: true });
    const mv = rt.mvar<number>();
    const taker = mv.take();
    taker.catch(() => undefined);
    withCore(rt, "test", (core) => core.test_mvar_force_value(handleSlot(mv, "test"), INT_5));
    const caught = thrownBy(() => rt.checkSanity());
    expect(caught).toBeInstanceOf(SanityError);
    expect((caught as SanityError).check).toBe("mvar");
    expect((caught as SanityError).message).toMatch(/a full MVar has a taker waiting/);
  });
});
