// Issue 16, class 4: an operation that fails part-way leaves nothing behind.
// For each multi-step operation, the core's allocation countdown (Note
// [Failing the n-th allocation], assembly/faults.ts) makes the 1st, 2nd, …
// heap allocation fail in turn until the operation succeeds; after every
// failure the handles, host references and finaliser registrations are as
// before, the heap is sane, and the runtime goes on.

import { describe, expect, it } from "vitest";
import { BoundedChan, Chan, OutOfMemoryError, Runtime } from "../src/index.js";
import { withCore } from "../src/runtime.js";

/** What a failed operation must not change. */
function footprint(rt: Runtime): unknown {
  const stats = rt.stats();
  return { handles: stats.heap.handles.live, customs: stats.finalisers.customPending, functions: stats.finalisers.functionsPending, created: stats.finalisers.customCreated };
}

/**
 * Runs `op` with the n-th allocation failing, n = 1, 2, … until it
 * succeeds; checks that each failure was an OutOfMemoryError that changed
 * nothing. Returns how many steps failed.
 */
async function failAtEveryStep(rt: Runtime, op: () => unknown, check: (made: unknown) => unknown = () => {}): Promise<number> {
  for (let n = 1; n < 100; n++) {
    const before = footprint(rt);
    withCore(rt, "test", (core) => core.fault_fail_allocation(n));
    let made: unknown;
    let failure: unknown;
    try {
      made = await op();
    } catch (thrown) {
      failure = thrown;
    }
    withCore(rt, "test", (core) => core.fault_fail_allocation(0));
    if (failure === undefined) {
      await check(made);
      return n - 1;
    }
    expect(failure, `step ${n}`).toBeInstanceOf(OutOfMemoryError);
    expect(footprint(rt), `after a failure at allocation ${n}`).toEqual(before);
    rt.gc({ major: true });
    rt.checkSanity();
    expect(rt.state).toBe("running");
  }
  throw new Error("the operation never succeeded");
}

/** The check of a channel made at last: it carries `value` through, then is let go. */
function carries(value: number): (made: unknown) => Promise<void> {
  return async (made) => {
    const chan = made as Chan<number> | BoundedChan<number>;
    await chan.write(value);
    expect(await chan.read()).toBe(value);
    chan.free();
  };
}

describe("a multi-step operation that fails part-way frees what it made", () => {
  it("new Chan: at each of its MVars", async () => {
    await using rt = await Runtime.start({ sanity: true });
    expect(await failAtEveryStep(rt, () => new Chan<number>(rt), carries(1))).toBe(3);
  });

  it("new BoundedChan: at each slot and position MVar", async () => {
    await using rt = await Runtime.start({ sanity: true });
    expect(await failAtEveryStep(rt, () => new BoundedChan<number>(rt, 5), carries(7))).toBe(7);
  });

  it("Chan.write: the channel gives back its write end and stays usable", async () => {
    await using rt = await Runtime.start({ sanity: true });
    const chan = new Chan<string>(rt);
    const steps = await failAtEveryStep(rt, () => chan.write("a long enough string"));
    expect(steps).toBeGreaterThanOrEqual(2);
    expect(await chan.read()).toBe("a long enough string");
    await chan.write("again");
    expect(await chan.read()).toBe("again");
  });

  it("rt.block with boxed fields, rt.mvar with a boxed value, rt.weak with a value, rt.custom with bytes", async () => {
    await using rt = await Runtime.start({ sanity: true });
    const host = { a: 1 };
    expect(await failAtEveryStep(rt, () => rt.block(0, [1.5, "s", new Uint8Array(2), host, null]), (b) => {
      const block = b as ReturnType<Runtime["block"]>;
      expect(block.get(3)).toBe(host);
      block.free();
    })).toBe(5);
    expect(await failAtEveryStep(rt, () => rt.mvar(2.5), (m) => (m as ReturnType<Runtime["mvar"]>).free())).toBe(2);
    const key = rt.block(0, []);
    expect(await failAtEveryStep(rt, () => rt.weak(key, "value", () => {}), (w) => (w as ReturnType<Runtime["weak"]>).free())).toBe(2);
    expect(await failAtEveryStep(rt, () => rt.custom(new Uint8Array(3), () => {}), (c) => (c as ReturnType<Runtime["custom"]>).free())).toBe(1);
    key.free();
  });

  it("MVar.put of a boxed value, onto an empty MVar and onto a full one (the blocked thread)", async () => {
    await using rt = await Runtime.start({ sanity: true });
    const mv = rt.mvar<number>();
    expect(await failAtEveryStep(rt, () => mv.put(0.5))).toBe(1);
    expect(mv.tryTake()).toBe(0.5);
    await mv.put(1);
    let waiting: Promise<void> | undefined;
    const steps = await failAtEveryStep(rt, () => {
      waiting = mv.put(2.5);
      // A put that blocks has allocated its thread: it succeeded.
      return Promise.race([waiting, Promise.resolve("blocked")]);
    });
    expect(steps).toBeGreaterThanOrEqual(1);
    expect(await mv.take()).toBe(1);
    await waiting;
    expect(await mv.take()).toBe(2.5);
  });
});
