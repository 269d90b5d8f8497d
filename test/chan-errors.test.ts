// Channel misuse: a clear error, and the channel loses nothing (Note [A failed
// channel operation gives back what it took], src/threads/chan.ts).

import { describe, expect, it } from "vitest";
import { ArgumentError, BoundedChan, Chan, FinaliserCallError, ForeignHandleError, OutOfMemoryError, Runtime, ShutdownError, StaleHandleError, UnrepresentableValueError } from "../src/index.js";

describe("channel errors", () => {
  it("refuse to be made on anything but a Runtime", async () => {
    for (const notRuntime of [undefined, null, 5, {}, { mvar: () => null }]) {
      expect(() => new Chan(notRuntime as never)).toThrow(ArgumentError);
      expect(() => new BoundedChan(notRuntime as never, 1)).toThrow(ArgumentError);
    }
    expect(() => new Chan(5 as never)).toThrow(/^Chan: expected a Runtime \(from Runtime.start\(\)\), got 5$/);
    expect(() => new BoundedChan({} as never, 1)).toThrow(/^BoundedChan: expected a Runtime .*got an object$/);
  });

  it("refuse undefined and a foreign handle by the channel operation's name, and go on working", async () => {
    await using rt = await Runtime.start({ sanity: true });
    await using other = await Runtime.start();
    const foreign = other.block(0, []);
    using chan = new Chan<unknown>(rt);
    using bounded = new BoundedChan<unknown>(rt, 1);
    await expect(chan.write(undefined)).rejects.toThrow(UnrepresentableValueError);
    await expect(chan.write(undefined)).rejects.toThrow(/^Chan\.write: undefined cannot be stored/);
    await expect(chan.write(foreign)).rejects.toThrow(ForeignHandleError);
    await expect(bounded.write(undefined)).rejects.toThrow(/^BoundedChan\.write: undefined/);
    await expect(bounded.write(foreign)).rejects.toThrow(ForeignHandleError);
    await chan.write("a");
    await bounded.write("b");
    expect(await chan.read()).toBe("a");
    expect(await bounded.read()).toBe("b");
  });

  it("refuse options that are not { signal }", async () => {
    await using rt = await Runtime.start();
    using chan = new Chan<number>(rt);
    using bounded = new BoundedChan<number>(rt, 1);
    await expect(chan.read(5 as never)).rejects.toThrow(/^Chan\.read: options must be an object like \{ signal \}, got 5$/);
    await expect(chan.write(1, { signal: "x" } as never)).rejects.toThrow(ArgumentError);
    await expect(bounded.read(null as never)).rejects.toThrow(/^BoundedChan\.read: options must be an object/);
    await expect(bounded.write(1, { signal: 1 } as never)).rejects.toThrow(/^BoundedChan\.write: options\.signal must be an AbortSignal/);
    await chan.write(1);
    await bounded.write(2);
    expect([await chan.read(), await bounded.read()]).toEqual([1, 2]);
  });

  it("give the end back when the heap is full under maxHeap: the next write and read go through", async () => {
    await using rt = await Runtime.start({ maxHeap: 2 << 20, sanity: true });
    using chan = new Chan<unknown>(rt);
    using bounded = new BoundedChan<unknown>(rt, 2);
    const tooBig = new Uint8Array(4 << 20);
    await expect(chan.write(tooBig)).rejects.toThrow(OutOfMemoryError);
    await expect(bounded.write(tooBig)).rejects.toThrow(OutOfMemoryError);
    // Without the end given back, these would wait forever on an empty writeVar / write position.
    await chan.write(1);
    await bounded.write(2);
    await bounded.write(3);
    expect(await chan.read()).toBe(1);
    expect([await bounded.read(), await bounded.read()]).toEqual([2, 3]);
    rt.checkSanity();
  });

  it("reject by the channel operation's name after shutdown", async () => {
    const rt = await Runtime.start();
    const chan = new Chan<number>(rt);
    const bounded = new BoundedChan<number>(rt, 1);
    await rt.shutdown();
    await expect(chan.write(1)).rejects.toThrow(ShutdownError);
    await expect(chan.read()).rejects.toThrow(/^Chan\.read: this runtime has been shut down/);
    await expect(bounded.write(1)).rejects.toThrow(/^BoundedChan\.write: this runtime has been shut down/);
  });

  it("refuse an int write from a custom finaliser and after a restart, as any other value (the write's hot path checks the cycle)", async () => {
    const rt = await Runtime.start({ onFinaliserError: () => {} });
    const chan = new Chan<number>(rt);
    const bounded = new BoundedChan<number>(rt, 2);
    const refused: Promise<void>[] = [];
    rt.custom(1, () => {
      refused.push(chan.write(1), bounded.write(2));
      for (const p of refused) p.catch(() => {});
    }).free();
    rt.gc();
    expect(refused).toHaveLength(2);
    for (const p of refused) await expect(p).rejects.toThrow(FinaliserCallError);
    expect(bounded.tryRead()).toBeUndefined();
    await rt.restart();
    await expect(chan.write(1)).rejects.toThrow(StaleHandleError);
    await expect(bounded.write(1)).rejects.toThrow(StaleHandleError);
    await rt.shutdown();
  });
});
