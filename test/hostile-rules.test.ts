// Issue 16, class 6: every rule on every entry point. MVar and channel calls
// from a custom finaliser throw FinaliserCallError like every other call;
// maxHeap and the nursery agree (Note [A nursery that fits maxHeap],
// src/core/options.ts); an options object whose reading throws and a revoked
// Proxy are package errors or host values; a library whose start function
// traps is told so.

import { describe, expect, it } from "vitest";
import { ArgumentError, BoundedChan, Chan, FinaliserCallError, FinaliserError, LibraryError, Runtime, type MVar } from "../src/index.js";
import { thrownBy } from "./support/thrown.js";

/** A wasm module whose start function is `unreachable`. */
const trappingStart = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version
  0x01, 0x04, 0x01, 0x60, 0x00, 0x00, // type section: () -> ()
  0x03, 0x02, 0x01, 0x00, // function section: one function of type 0
  0x08, 0x01, 0x00, // start section: function 0
  0x0a, 0x05, 0x01, 0x03, 0x00, 0x00, 0x0b, // code: no locals, unreachable, end
]);

/** An object whose every proxy trap throws. */
function throwingProxy(): object {
  return new Proxy({}, new Proxy({}, { get: () => () => { throw new Error("trap"); } }));
}

describe("FinaliserCallError from a custom finaliser, MVar and channel calls included", () => {
  it("refuses every MVar and channel operation, and the runtime goes on", async () => {
    const errors: FinaliserError[] = [];
    await using rt = await Runtime.start({ onFinaliserError: (e) => errors.push(e) });
    const mv: MVar<number> = rt.mvar(1);
    const chan = new Chan<number>(rt);
    const bounded = new BoundedChan<number>(rt, 1);
    const calls: [string, () => unknown][] = [
      ["MVar.tryTake", () => mv.tryTake()],
      ["MVar.tryPut", () => mv.tryPut(2)],
      ["MVar.tryRead", () => mv.tryRead()],
      ["MVar.isEmpty", () => mv.isEmpty()],
      ["MVar.take", () => mv.take()],
      ["MVar.put", () => mv.put(3)],
      ["MVar.read", () => mv.read()],
      ["Chan.write", () => chan.write(1)],
      ["Chan.read", () => chan.read()],
      ["BoundedChan.write", () => bounded.write(1)],
      ["BoundedChan.read", () => bounded.read()],
      ["Runtime.mvar", () => rt.mvar()],
      // A constructor is refused by the first call it makes.
      ["Runtime.mvar", () => new Chan(rt)],
    ];
    const outcomes: unknown[] = [];
    rt.custom(1, () => {
      for (const [, call] of calls) {
        try {
          const result = call();
          outcomes.push(result instanceof Promise ? result.then(() => "fulfilled", (e: unknown) => e) : "returned");
        } catch (thrown) {
          outcomes.push(thrown);
        }
      }
    }).free();
    rt.gc();
    const settled = await Promise.all(outcomes);
    settled.forEach((outcome, i) => {
      expect(outcome, calls[i]![0]).toBeInstanceOf(FinaliserCallError);
      expect((outcome as Error).message.startsWith(calls[i]![0]), calls[i]![0]).toBe(true);
    });
    expect(errors).toEqual([]);
    // Outside the finaliser, all of them work again.
    expect(mv.tryTake()).toBe(1);
    await chan.write(5);
    expect(await chan.read()).toBe(5);
  });
});

describe("maxHeap and the nursery", () => {
  it("a maxHeap below the default nursery shrinks the nursery to fit, and allocation works", async () => {
    await using rt = await Runtime.start({ maxHeap: 512 << 10, sanity: true });
    expect(rt.stats().heap.nursery.size).toBe(128 << 10);
    const list = rt.scope(() => {
      let cell = rt.block(0, [0, null]);
      for (let i = 1; i < 2000; i++) cell = rt.block(0, [i, cell]);
      return cell;
    });
    for (let i = 0; i < 20_000; i++) rt.block(0, [i, "garbage"]).free();
    expect(list.get(0)).toBe(1999);
  });

  it("an explicit nursery larger than maxHeap is refused, naming both", async () => {
    const error = await Runtime.start({ maxHeap: 256 << 10, nursery: 512 << 10 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ArgumentError);
    expect((error as Error).message).toMatch(/^Runtime\.start: the nursery \(524288 bytes\) does not fit in maxHeap \(262144 bytes\)/);
  });
});

describe("options objects and values that throw when read", () => {
  it("an options object whose traps throw is an ArgumentError on every call that takes options", async () => {
    const start = await Runtime.start(throwingProxy() as never).catch((e: unknown) => e);
    expect(start).toBeInstanceOf(ArgumentError);
    expect((start as ArgumentError).cause).toBeInstanceOf(Error);
    await using rt = await Runtime.start();
    expect(thrownBy(() => rt.gc(throwingProxy() as never))).toBeInstanceOf(ArgumentError);
    const mv = rt.mvar<number>();
    await expect(mv.take(throwingProxy() as never)).rejects.toThrow(ArgumentError);
    await expect(mv.put(1, throwingProxy() as never)).rejects.toThrow(ArgumentError);
    await expect(new Chan<number>(rt).read(throwingProxy() as never)).rejects.toThrow(ArgumentError);
    await expect(rt.loadLibrary(trappingStart, throwingProxy() as never)).rejects.toThrow(ArgumentError);
    const getter = Object.defineProperty({}, "signal", { enumerable: true, get: () => { throw new Error("signal"); } });
    await expect(mv.read(getter as never)).rejects.toThrow(/^MVar\.read: reading option 'signal' threw Error: signal/);
    expect(mv.isEmpty()).toBe(true);
  });

  it("a revoked Proxy is a host value in a block, refused (with ArgumentError) where a promise would deliver it, and a package error as options or fields", async () => {
    await using rt = await Runtime.start();
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    const b = rt.block(0, [proxy]);
    expect(b.get(0)).toBe(proxy);
    await expect(rt.mvar<unknown>().put(proxy)).rejects.toThrow(ArgumentError);
    expect(thrownBy(() => rt.gc(proxy as never))).toBeInstanceOf(ArgumentError);
    expect(thrownBy(() => rt.block(0, proxy as never))).toBeInstanceOf(ArgumentError);
    expect(thrownBy(() => rt.custom(proxy as never, () => {}))).toBeInstanceOf(ArgumentError);
    expect(thrownBy(() => rt.weak(proxy as never))).toBeInstanceOf(ArgumentError);
    expect(thrownBy(() => rt.finalise(proxy as never, () => {}))).toBeInstanceOf(ArgumentError);
    expect(await rt.loadLibrary(proxy as never).catch((e: unknown) => e)).toBeInstanceOf(ArgumentError);
    expect(thrownBy(() => new BoundedChan(rt, proxy as never))).toBeInstanceOf(ArgumentError);
    expect(rt.state).toBe("running");
  });
});

describe("a library whose start function traps", () => {
  it("is a LibraryError that says the module trapped, not that its imports are missing", async () => {
    await using rt = await Runtime.start();
    const error = await rt.loadLibrary(trappingStart, { name: "bad" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LibraryError);
    expect((error as Error).message).toMatch(/^Runtime\.loadLibrary: bad trapped in its start function while being instantiated: unreachable/);
    expect((error as Error).message).not.toMatch(/imports/);
    expect(rt.state).toBe("running");
  });
});
