// Issue 16, class 1: a user's exception is not a core trap. What the host
// reads of a user's value (arrays, typed arrays, proxies, getters) is read
// once, before the core is entered (Note [User code runs before the core is
// entered], src/core/user.ts); what the user's code throws becomes an
// ArgumentError with the user's error as its cause, and the runtime lives on
// (Note [Only a trap discards a runtime], src/runtime.ts).

import { describe, expect, it } from "vitest";
import { ArgumentError, CoreTrapError, FinaliserError, Runtime, type Block } from "../src/index.js";
import { withCore } from "../src/runtime.js";
import { thrownBy } from "./support/thrown.js";

/** A Uint8Array whose buffer has been transferred away (detached). */
function detached(): Uint8Array {
  const bytes = new Uint8Array([1, 2, 3]);
  structuredClone(bytes.buffer, { transfer: [bytes.buffer] });
  return bytes;
}

/** The runtime is alive, its heap sane, and it still allocates and reads back. */
function expectHealthy(rt: Runtime): void {
  expect(rt.state).toBe("running");
  rt.checkSanity();
  const b = rt.block(0, [1, "two", new Uint8Array([3])]);
  expect([b.get(0), b.get(1), b.get(2)]).toEqual([1, "two", new Uint8Array([3])]);
  b.free();
}

describe("a user's exception is not a core trap", () => {
  it("a detached Uint8Array as a field, a set value, a custom payload or an MVar value is an ArgumentError", async () => {
    await using rt = await Runtime.start({ sanity: true });
    const holder = rt.block(0, [null]);
    const mv = rt.mvar<unknown>();
    for (const attempt of [
      () => rt.block(0, [detached()]),
      () => holder.set(0, detached()),
      () => rt.custom(detached(), () => {}),
      () => mv.tryPut(detached()),
      () => rt.mvar(detached()),
    ]) {
      const error = thrownBy(attempt);
      expect(error).toBeInstanceOf(ArgumentError);
      expect((error as Error).message).toMatch(/buffer is detached/);
    }
    await expect(mv.put(detached())).rejects.toThrow(ArgumentError);
    expect(mv.isEmpty()).toBe(true);
    expect(holder.get(0)).toBe(null);
    expectHealthy(rt);
  });

  it("a fields array whose element getter throws (on the first or the second read) is an ArgumentError carrying the user's error", async () => {
    await using rt = await Runtime.start({ sanity: true });
    const boom = new Error("boom");
    const always = [1, 2];
    Object.defineProperty(always, 1, { get: () => { throw boom; } });
    const error = thrownBy(() => rt.block(0, always));
    expect(error).toBeInstanceOf(ArgumentError);
    expect((error as ArgumentError).cause).toBe(boom);
    expect((error as Error).message).toMatch(/^Runtime\.block: reading element 1 of fields threw Error: boom/);
    // Throws only when read a second time: read once, it is never thrown.
    let reads = 0;
    const second = [1, 2];
    Object.defineProperty(second, 0, { get: () => { if (++reads > 1) throw boom; return 7; } });
    const b = rt.block(0, second);
    expect([b.get(0), b.get(1), reads]).toEqual([7, 2, 1]);
    expect(rt.stats().heap.handles.live).toBe(1);
    expectHealthy(rt);
  });

  it("a fields array that is a Proxy with throwing traps, or that changes length between reads, is read once", async () => {
    await using rt = await Runtime.start({ sanity: true });
    const throwing = new Proxy([1, 2, 3], { get: () => { throw new TypeError("trap"); } });
    expect(thrownBy(() => rt.block(0, throwing))).toBeInstanceOf(ArgumentError);
    let lengthReads = 0;
    const growing = new Proxy([1, 2, 3], {
      get: (target, key, receiver) => (key === "length" ? (++lengthReads === 1 ? 1 : 3) : Reflect.get(target, key, receiver)),
    });
    const b: Block = rt.block(0, growing);
    expect([b.length, b.get(0), lengthReads]).toEqual([1, 1, 1]);
    const huge = new Proxy([], { get: (target, key, receiver) => (key === "length" ? 2 ** 32 - 1 : Reflect.get(target, key, receiver)) });
    expect(thrownBy(() => rt.block(0, huge))).toBeInstanceOf(ArgumentError);
    const { proxy, revoke } = Proxy.revocable([1], {});
    revoke();
    expect(thrownBy(() => rt.block(0, proxy))).toBeInstanceOf(ArgumentError);
    expectHealthy(rt);
  });

  it("a Uint8Array subclass whose length getter throws or lies is read by the engine's own length", async () => {
    await using rt = await Runtime.start({ sanity: true });
    class Throwing extends Uint8Array {
      override get length(): number {
        throw new Error("length");
      }
    }
    class Lying extends Uint8Array {
      override get length(): number {
        return 2 ** 32 - 4;
      }
    }
    const a = rt.block(0, [new Throwing([1, 2]), new Lying([3, 4, 5])]);
    expect(a.get(0)).toEqual(new Uint8Array([1, 2]));
    expect(a.get(1)).toEqual(new Uint8Array([3, 4, 5]));
    const c = rt.custom(new Lying([9]), () => {});
    expect(c.payload).toEqual(new Uint8Array([9]));
    expectHealthy(rt);
  });

  it("a Proxy value, even one whose every trap throws or that is revoked, is a host value that comes back as itself", async () => {
    await using rt = await Runtime.start({ sanity: true });
    const handler = new Proxy({}, { get: () => () => { throw new Error("trap"); } });
    const hostile = new Proxy({}, handler);
    const { proxy: revoked, revoke } = Proxy.revocable({}, {});
    revoke();
    const b = rt.block(0, [hostile, revoked]);
    expect(b.get(0)).toBe(hostile);
    expect(b.get(1)).toBe(revoked);
    b.set(0, revoked);
    expect(b.get(0)).toBe(revoked);
    expectHealthy(rt);
  });

  it("a runtime whose finaliser calls a dead runtime is not discarded by the other's trap", async () => {
    const errors: FinaliserError[] = [];
    const a = await Runtime.start({ onFinaliserError: (e) => errors.push(e) });
    const b = await Runtime.start();
    const bBlock = b.block(0, [1]);
    // Kill b with a real trap: a handle slot that does not exist.
    expect(thrownBy(() => withCore(b, "test", (core) => core.heap_get(123_456, 0)))).toBeInstanceOf(CoreTrapError);
    expect(b.state).toBe("dead");
    const key = a.block(0, []);
    a.finalise(key, () => b.block(0, []));
    a.finaliseLast(key, () => bBlock.get(0));
    key.free();
    a.gc({ major: true });
    a.gc({ major: true });
    expect(a.state).toBe("running");
    expect(errors.map((e) => (e.cause as Error).constructor.name)).toEqual(["CoreTrapError", "StaleHandleError"]);
    expectHealthy(a);
    await a.shutdown();
    await b.shutdown();
  });

  it("a finaliser that throws a Proxy whose traps throw is reported, and shutdown completes (found by the fuzzer)", async () => {
    const errors: FinaliserError[] = [];
    const rt = await Runtime.start({ onFinaliserError: (e) => errors.push(e) });
    const hostile = new Proxy({}, new Proxy({}, { get: () => () => { throw new Error("trap"); } }));
    const key = rt.block(0, []);
    rt.finalise(key, () => {
      throw hostile;
    });
    rt.custom(1, () => {
      throw hostile;
    });
    const report = await rt.shutdown();
    expect(report.finaliserErrors).toBe(2);
    expect(errors.map((e) => e.cause === hostile)).toEqual([true, true]);
    expect(errors[0]!.message).toMatch(/threw \(at shutdown\): a value that cannot be shown/);
  });
});
