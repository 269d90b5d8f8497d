// The weak hash table (OCaml's Ephemeron.K1.Make; src/final/weak-table.ts):
// entries vanish when their key dies, values never keep keys alive.

import { describe, expect, it } from "vitest";
import { ArgumentError, type Block, Runtime, StaleHandleError } from "../src/index.js";

describe("WeakTable", () => {
  it("a memo table of 10⁵ entries is emptied by dropping its keys", async () => {
    await using rt = await Runtime.start({ nursery: 256 << 10 });
    const n = 100_000;
    const memo = rt.weakTable<Block, Block>({ hash: (key) => key.get(0) as number });
    const keys: Block[] = [];
    for (let i = 0; i < n; i++) {
      const key = rt.block(0, [i]);
      keys.push(key);
      // The memoised value mentions its key: the ephemeron must not keep it alive.
      const value = rt.block(1, [key, i * 2]);
      memo.set(key, value);
      value.free();
    }
    rt.gc({ major: true });
    expect(memo.size).toBe(n);
    for (const i of [0, 1, 4_999, n - 1]) {
      const value = memo.get(keys[i]!)!;
      expect(value.get(1)).toBe(i * 2);
      value.free();
    }
    rt.checkSanity();
    expect(rt.stats().heap.ephemerons.live).toBe(n);
    for (let i = 0; i < n; i += 2) keys[i]!.free();
    rt.gc({ major: true });
    expect(rt.stats().heap.ephemerons).toEqual({ live: n / 2, emptied: n / 2, emptiedLastCollection: n / 2 });
    expect(memo.size).toBe(n / 2);
    for (let i = 1; i < n; i += 2) keys[i]!.free();
    rt.gc({ major: true });
    expect(memo.size).toBe(0);
    expect(rt.stats().heap.handles.live).toBeLessThan(10); // the table freed its dead entries' handles
    rt.checkSanity();
  }, 60_000);

  it("set replaces an equal key's entry; get, has, delete, clear", async () => {
    await using rt = await Runtime.start({ sanity: true });
    const table = rt.weakTable<Block, string>({ hash: (key) => key.get(0) as string, equal: (a, b) => a.get(0) === b.get(0) });
    const a = rt.block(0, ["a"]);
    const a2 = rt.block(0, ["a"]);
    const b = rt.block(0, ["b"]);
    table.set(a, "one");
    table.set(b, "bee");
    expect(table.get(a2)).toBe("one"); // equal by content
    table.set(a2, "two");
    expect(table.size).toBe(2);
    expect(table.get(a)).toBe("two");
    expect(table.has(b)).toBe(true);
    expect(table.delete(b)).toBe(true);
    expect(table.delete(b)).toBe(false);
    expect(table.has(b)).toBe(false);
    // The entry's key is now a2: a's death does not remove it.
    a.free();
    rt.gc({ major: true });
    expect(table.get(a2)).toBe("two");
    a2.free();
    rt.gc({ major: true });
    expect(table.size).toBe(0);
    const c = rt.block(0, ["c"]);
    table.set(c, "see");
    table.clear();
    expect(table.size).toBe(0);
  });

  it("without equal, keys are equal when they are the same heap object, whichever handle holds it", async () => {
    await using rt = await Runtime.start();
    const table = rt.weakTable<Block, number>({ hash: () => 0 });
    const key = rt.block(0, ["k"]);
    const holder = rt.block(0, [key]);
    const same = holder.get(0) as Block;
    table.set(key, 1);
    expect(table.get(same)).toBe(1);
    expect(table.get(rt.block(0, ["k"]))).toBeUndefined();
  });

  it("refuses bad options, keys and hashes", async () => {
    await using rt = await Runtime.start();
    expect(() => rt.weakTable({} as never)).toThrow(/options.hash must be a function/);
    expect(() => rt.weakTable({ hash: () => 0, weak: true } as never)).toThrow(/unknown option 'weak'/);
    expect(() => rt.weakTable({ hash: () => 0, equal: 1 } as never)).toThrow(ArgumentError);
    const table = rt.weakTable<Block, number>({ hash: () => NaN });
    expect(() => table.set(rt.block(0, []), 1)).toThrow(/hash returned NaN/);
    const t2 = rt.weakTable<Block, number>({ hash: () => 1 });
    expect(() => t2.get(5 as never)).toThrow(/must be a heap object/);
    t2.free();
    expect(() => t2.size).toThrow(StaleHandleError);
  });
});
