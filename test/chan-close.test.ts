// Closing channels (Note [Closing a channel]): readers drain what was written
// and then end, writes after the close reject with ChannelClosedError, a
// reader waiting at the close ends, a BoundedChan writer waiting for room at
// the close rejects without writing; in every order of close, reads and writes.

import { describe, expect, it } from "vitest";
import { BoundedChan, Chan, ChannelClosedError, Runtime } from "../src/index.js";
import { settle, stateOf } from "./support/mvar.js";

type AnyChan = Chan<number> | BoundedChan<number>;
const kinds: [string, (rt: Runtime) => AnyChan][] = [
  ["Chan", (rt) => new Chan<number>(rt)],
  ["BoundedChan(3)", (rt) => new BoundedChan<number>(rt, 3)],
  ["BoundedChan(1)", (rt) => new BoundedChan<number>(rt, 1)],
];

async function collect(chan: AsyncIterable<number>): Promise<number[]> {
  const out: number[] = [];
  for await (const x of chan) out.push(x);
  return out;
}

describe.each(kinds)("%s close", (_name, make) => {
  it("write then close then iterate: every value, in order, then the loop ends", async () => {
    await using rt = await Runtime.start({ sanity: true });
    using chan = make(rt);
    const writer = (async () => {
      for (let i = 0; i < 10; i++) await chan.write(i);
      await chan.close();
    })();
    expect(await collect(chan)).toEqual([...Array(10).keys()]);
    await writer;
    expect(chan.closed).toBe(true);
  });

  it("close with readers waiting: every waiting reader ends, read() rejects", async () => {
    await using rt = await Runtime.start({ sanity: true });
    using chan = make(rt);
    const loops = [collect(chan), collect(chan)];
    const reader = chan.read();
    await settle();
    expect((await stateOf(reader)).state).toBe("pending");
    await chan.close();
    expect(await Promise.all(loops)).toEqual([[], []]);
    await expect(reader).rejects.toBeInstanceOf(ChannelClosedError);
    await expect(chan.read()).rejects.toThrow(/closed and every value written before the close has been read/);
    expect(chan.tryRead()).toBeUndefined();
  });

  it("writes after close reject with ChannelClosedError and write nothing; the values before it are still read", async () => {
    await using rt = await Runtime.start({ sanity: true });
    using chan = make(rt);
    await chan.write(1);
    await chan.close();
    await chan.close(); // again: nothing
    await expect(chan.write(2)).rejects.toBeInstanceOf(ChannelClosedError);
    expect(() => chan.tryWrite(3)).toThrow(ChannelClosedError);
    expect(await chan.read()).toBe(1);
    expect(await collect(chan)).toEqual([]);
  });

  it("a write started before close is read; one started after close rejects (both in one turn)", async () => {
    await using rt = await Runtime.start({ sanity: true });
    using chan = make(rt);
    const before = chan.write(1);
    const closing = chan.close();
    const after = chan.write(2);
    await before;
    await closing;
    await expect(after).rejects.toBeInstanceOf(ChannelClosedError);
    expect(await collect(chan)).toEqual([1]);
  });

  it("close between reads: drain the rest by tryRead, then undefined", async () => {
    await using rt = await Runtime.start({ sanity: true });
    using chan = make(rt);
    await chan.write(1);
    expect(await chan.read()).toBe(1);
    expect(chan.tryWrite(2)).toBe(true);
    await chan.close();
    expect(chan.tryRead()).toBe(2);
    expect(chan.tryRead()).toBeUndefined();
    rt.gc({ major: true });
    rt.checkSanity();
  });

  it("an iterator left early (break) does not close the channel", async () => {
    await using rt = await Runtime.start();
    using chan = make(rt);
    await chan.write(1);
    for await (const x of chan) {
      expect(x).toBe(1);
      break;
    }
    await chan.write(2);
    expect(await chan.read()).toBe(2);
    expect(chan.closed).toBe(false);
  });

  it("values({ signal }) aborts a waiting next() and refuses unknown options", async () => {
    await using rt = await Runtime.start({ sanity: true });
    using chan = make(rt);
    const controller = new AbortController();
    const iterator = chan.values({ signal: controller.signal });
    const next = iterator.next();
    await settle();
    controller.abort("stop");
    await expect(next).rejects.toBe("stop");
    await chan.write(5);
    expect(await chan.read()).toBe(5);
    expect(() => chan.values({ signal: controller.signal, limit: 3 } as never)).toThrow(/unknown option 'limit'/);
  });
});

describe("BoundedChan close with writers waiting for room", () => {
  it("writes called before the close complete and are read; then the loop ends", async () => {
    await using rt = await Runtime.start({ sanity: true });
    using chan = new BoundedChan<number>(rt, 2);
    await chan.write(1);
    await chan.write(2);
    const blocked = [chan.write(3), chan.write(4), chan.write(5)];
    await settle();
    for (const w of blocked) expect((await stateOf(w)).state).toBe("pending");
    await chan.close();
    await expect(chan.write(6)).rejects.toBeInstanceOf(ChannelClosedError);
    expect(await collect(chan)).toEqual([1, 2, 3, 4, 5]);
    await Promise.all(blocked);
    rt.gc({ major: true });
    rt.checkSanity();
  });

  it("a writer waiting at the close and then aborted writes nothing; readers end after the rest", async () => {
    await using rt = await Runtime.start({ sanity: true });
    using chan = new BoundedChan<number>(rt, 1);
    await chan.write(1);
    const controller = new AbortController();
    const blocked = chan.write(2, { signal: controller.signal });
    await settle();
    await chan.close();
    controller.abort("stop");
    await expect(blocked).rejects.toBe("stop");
    expect(await collect(chan)).toEqual([1]);
  });

  it.each([1, 2])("capacity %i: a reader waiting when a write called before the close lands gets it, then ends", async (capacity) => {
    await using rt = await Runtime.start({ sanity: true });
    using chan = new BoundedChan<number>(rt, capacity);
    const reader = collect(chan);
    await settle();
    const write = chan.write(7); // in flight: its continuation has not run
    await chan.close();
    await write;
    expect(await reader).toEqual([7]);
    expect(chan.tryRead()).toBeUndefined();
    await expect(chan.read()).rejects.toBeInstanceOf(ChannelClosedError);
  });

  it("tryWrite is false while full and tryRead undefined while empty, neither waits", async () => {
    await using rt = await Runtime.start();
    using chan = new BoundedChan<number>(rt, 1);
    expect(chan.tryRead()).toBeUndefined();
    expect(chan.tryWrite(1)).toBe(true);
    expect(chan.tryWrite(2)).toBe(false);
    expect(chan.tryRead()).toBe(1);
    expect(chan.tryWrite(3)).toBe(true);
    expect(await chan.read()).toBe(3);
  });
});

describe("Chan.dup (GHC's dupChan)", () => {
  it("a dup reads everything written after it, from many writers, in each writer's order, and the close", async () => {
    await using rt = await Runtime.start({ sanity: true, seed: 7, nursery: 64 << 10 });
    const chan = new Chan<number>(rt);
    await chan.write(-1); // before the dup: only the original reads it
    const dup = await chan.dup();
    const writers = 8;
    const each = 50;
    const writing = Promise.all([...Array(writers).keys()].map(async (w) => {
      for (let i = 0; i < each; i++) await (i % 2 === 0 ? chan : dup).write(w * 1000 + i);
    }));
    const reads = Promise.all([collect(chan), collect(dup)]);
    await writing;
    await dup.close();
    const [a, b] = await reads;
    expect(a[0]).toBe(-1);
    expect(a.slice(1)).toEqual(b);
    expect(b).toHaveLength(writers * each);
    for (let w = 0; w < writers; w++) {
      const mine = b.filter((x) => Math.floor(x / 1000) === w);
      expect(mine).toEqual([...Array(each).keys()].map((i) => w * 1000 + i));
    }
    expect(chan.closed).toBe(true);
    const late = await chan.dup();
    expect(await collect(late)).toEqual([]);
    chan.free();
    dup.free();
    late.free();
    rt.gc({ major: true });
    rt.checkSanity();
  });

  it("tryRead and tryWrite on a Chan", async () => {
    await using rt = await Runtime.start({ sanity: true });
    using chan = new Chan<string>(rt);
    expect(chan.tryRead()).toBeUndefined();
    expect(chan.tryWrite("a")).toBe(true);
    expect(chan.tryWrite("b")).toBe(true);
    expect(chan.tryRead()).toBe("a");
    expect(await chan.read()).toBe("b");
    expect(chan.tryRead()).toBeUndefined();
    expect(() => chan.tryWrite(undefined as never)).toThrow(/cannot be stored/);
  });
});
