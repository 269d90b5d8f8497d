// MVar combinators (GHC's modifyMVar_, modifyMVar, withMVar, swapMVar): the
// value is put back whatever happens (Note [Combinators hold the MVar]).

import { describe, expect, it } from "vitest";
import { ArgumentError, Runtime, UnrepresentableValueError } from "../src/index.js";
import { settle, stateOf } from "./support/mvar.js";

describe("MVar combinators", () => {
  it("modify puts back fn's result, sync or async", async () => {
    await using rt = await Runtime.start({ sanity: true });
    const mv = rt.mvar(1);
    await mv.modify((x) => x + 1);
    await mv.modify(async (x) => {
      await settle(1);
      return x * 10;
    });
    expect(mv.tryRead()).toBe(20);
  });

  it("modifyReturning puts back the pair's first half and resolves with the second", async () => {
    await using rt = await Runtime.start();
    const mv = rt.mvar("a");
    expect(await mv.modifyReturning((s) => [s + "b", s.length] as const)).toBe(1);
    expect(mv.tryRead()).toBe("ab");
  });

  it("with runs fn on the value, puts the same value back, and holds the MVar meanwhile", async () => {
    await using rt = await Runtime.start();
    const mv = rt.mvar(5);
    let release!: () => void;
    const held = mv.with(async (x) => {
      await new Promise<void>((resolve) => (release = resolve));
      return x * 2;
    });
    await settle();
    expect(mv.isEmpty()).toBe(true);
    const reader = mv.read();
    expect((await stateOf(reader)).state).toBe("pending");
    release();
    expect(await held).toBe(10);
    expect(await reader).toBe(5);
    expect(mv.tryRead()).toBe(5);
  });

  it("swap puts the new value and resolves with the old", async () => {
    await using rt = await Runtime.start();
    const mv = rt.mvar<number | string>(1);
    expect(await mv.swap("two")).toBe(1);
    expect(mv.tryRead()).toBe("two");
  });

  it("a throwing fn (sync or async) leaves the old value and rejects with fn's error", async () => {
    await using rt = await Runtime.start({ sanity: true });
    const mv = rt.mvar(7);
    const boom = new Error("boom");
    await expect(mv.modify(() => { throw boom; })).rejects.toBe(boom);
    expect(mv.tryRead()).toBe(7);
    await expect(mv.modify(async () => { await settle(1); throw boom; })).rejects.toBe(boom);
    expect(mv.tryRead()).toBe(7);
    await expect(mv.modifyReturning(() => { throw boom; })).rejects.toBe(boom);
    expect(mv.tryRead()).toBe(7);
    await expect(mv.with(async () => { throw boom; })).rejects.toBe(boom);
    expect(mv.tryRead()).toBe(7);
  });

  it("a result that cannot be stored, or a malformed pair, leaves the old value", async () => {
    await using rt = await Runtime.start();
    const mv = rt.mvar<number | undefined>(3);
    await expect(mv.modify(() => undefined)).rejects.toBeInstanceOf(UnrepresentableValueError);
    expect(mv.tryRead()).toBe(3);
    await expect(mv.modifyReturning(() => 4 as unknown as [number, number])).rejects.toBeInstanceOf(ArgumentError);
    expect(mv.tryRead()).toBe(3);
    await expect(mv.swap(undefined)).rejects.toBeInstanceOf(UnrepresentableValueError);
    expect(mv.tryRead()).toBe(3);
  });

  it("an abort while waiting for the value takes nothing", async () => {
    await using rt = await Runtime.start({ sanity: true });
    const mv = rt.mvar<number>();
    const controller = new AbortController();
    let ran = false;
    const modifying = mv.modify((x) => { ran = true; return x + 1; }, { signal: controller.signal });
    await settle();
    controller.abort(new Error("stop"));
    await expect(modifying).rejects.toThrow("stop");
    await mv.put(1);
    expect(mv.tryRead()).toBe(1);
    expect(ran).toBe(false);
  });

  it("an abort while fn runs puts the old value back and drops fn's late result", async () => {
    await using rt = await Runtime.start({ sanity: true });
    const mv = rt.mvar(1);
    const controller = new AbortController();
    let release!: () => void;
    const modifying = mv.modify(async (x) => {
      await new Promise<void>((resolve) => (release = resolve));
      return x + 100;
    }, { signal: controller.signal });
    await settle();
    expect(mv.isEmpty()).toBe(true);
    controller.abort("enough");
    await expect(modifying).rejects.toBe("enough");
    expect(mv.tryRead()).toBe(1);
    release();
    await settle();
    expect(mv.tryRead()).toBe(1);
    const swapping = mv.swap(2, { signal: AbortSignal.abort("already") });
    await expect(swapping).rejects.toBe("already");
    expect(mv.tryRead()).toBe(1);
  });

  it("two modifiers racing keep every update, and readers never see the MVar between take and put", async () => {
    await using rt = await Runtime.start({ sanity: true, seed: 19, nursery: 64 << 10 });
    const mv = rt.mvar(0);
    const rounds = 200;
    const seen: number[] = [];
    const modifier = async (): Promise<void> => {
      for (let i = 0; i < rounds; i++) {
        await mv.modify(async (x) => {
          if (i % 3 === 0) await settle(1);
          return x + 1;
        });
      }
    };
    const reader = async (): Promise<void> => {
      for (let i = 0; i < rounds; i++) seen.push(await mv.read());
    };
    await Promise.all([modifier(), modifier(), reader(), mv.with(async (x) => { await settle(1); return x; })]);
    expect(mv.tryRead()).toBe(2 * rounds);
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThanOrEqual(seen[i - 1]!);
    rt.checkSanity();
  });

  it("refuses a non-function, unknown options and a freed handle, taking nothing", async () => {
    await using rt = await Runtime.start();
    const mv = rt.mvar(1);
    await expect(mv.modify(3 as never)).rejects.toThrow(/MVar\.modify: expected a function/);
    await expect(mv.with(null as never)).rejects.toBeInstanceOf(ArgumentError);
    await expect(mv.modify((x) => x, { signal: undefined, timeout: 5 } as never)).rejects.toThrow(/unknown option 'timeout'/);
    await expect(mv.swap(2, "fast" as never)).rejects.toBeInstanceOf(ArgumentError);
    expect(mv.tryRead()).toBe(1);
    mv.free();
    await expect(mv.modify((x) => x)).rejects.toThrow(/stale handle/);
  });
});
