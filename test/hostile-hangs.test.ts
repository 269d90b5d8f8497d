// Issue 16, class 3: nothing hangs, nothing is adopted. A blocking operation
// started once the shutdown wave began rejects at once (Note [Blocking
// during shutdown], src/threads/mvar.ts); a misspelt option key is refused,
// not ignored; a thenable is refused where a promise would deliver it
// (Note [Thenables are not delivered], src/heap/values.ts).

import { describe, expect, it } from "vitest";
import { ArgumentError, BoundedChan, Chan, Runtime, ShutdownError, type MVar } from "../src/index.js";
import { settle, stateOf } from "./support/mvar.js";

describe("blocking operations started during shutdown", () => {
  it("a take, read or put started by a finalise function at shutdown rejects at once with ShutdownError", async () => {
    const rt = await Runtime.start();
    const empty = rt.mvar<number>();
    const full = rt.mvar<number>(1);
    const started: Promise<unknown>[] = [];
    const key = rt.block(0, []);
    // Each outcome caught as it is made: a rejection is never left unhandled.
    const outcome = (operation: Promise<unknown>): Promise<unknown> => operation.then(() => "fulfilled", (reason: unknown) => reason);
    rt.finalise(key, () => {
      started.push(outcome(empty.take()), outcome(empty.read()), outcome(full.put(2)), outcome(full.take()));
    });
    const report = await rt.shutdown();
    expect(started).toHaveLength(4);
    for (const operation of started) {
      expect(await stateOf(operation)).toMatchObject({ state: "fulfilled", value: expect.any(ShutdownError) });
    }
    expect(report.finaliserErrors).toBe(0);
  });

  it("the same at a restart, and the runtime's next cycle works", async () => {
    await using rt = await Runtime.start();
    const mv = rt.mvar<number>();
    let taking: Promise<number> | undefined;
    const key = rt.block(0, []);
    rt.finaliseLast(key, () => {
      taking = mv.take();
      taking.catch(() => {});
    });
    await rt.restart();
    await expect(taking).rejects.toThrow(/^MVar\.take \(started while the runtime was shutting down or restarting\): this runtime has been shut down/);
    const next = rt.mvar<number>(5);
    expect(await next.take()).toBe(5);
  });
});

describe("options with a misspelt key", () => {
  it("are refused on every blocking call, so no signal is silently ignored", async () => {
    await using rt = await Runtime.start();
    const mv = rt.mvar<number>();
    const signal = new AbortController().signal;
    const chan = new Chan<number>(rt);
    const bounded = new BoundedChan<number>(rt, 1);
    const calls: [string, () => Promise<unknown>][] = [
      ["MVar.take", () => mv.take({ singal: signal } as never)],
      ["MVar.read", () => mv.read({ singal: signal } as never)],
      ["MVar.put", () => mv.put(1, { signal, timeout: 5 } as never)],
      ["Chan.write", () => chan.write(1, { singal: signal } as never)],
      ["Chan.read", () => chan.read({ singal: signal } as never)],
      ["BoundedChan.write", () => bounded.write(1, { singal: signal } as never)],
      ["BoundedChan.read", () => bounded.read({ singal: signal } as never)],
    ];
    for (const [name, call] of calls) {
      await expect(call()).rejects.toThrow(new RegExp(`^${name.replace(".", "\\.")}: unknown option '(singal|timeout)'; known options are signal$`));
    }
    expect(() => rt.gc({ mayor: true } as never)).toThrow(/^Runtime\.gc: unknown option 'mayor'/);
    expect(mv.isEmpty()).toBe(true);
    expect(rt.stats().heap.handles.live).toBeGreaterThan(0);
  });
});

describe("thenables", () => {
  const thenables = (): [string, unknown][] => [
    ["an object with a then method", { then: (resolve: (v: number) => void) => resolve(42) }],
    ["a thenable that never calls back", { then: () => {} }],
    ["a promise", Promise.resolve(1)],
    ["a function with a then method", Object.assign(() => 0, { then: () => {} })],
  ];

  it.each(thenables())("%s is refused by put, tryPut, rt.mvar and the channels' write, which keep nothing", async (_, thenable) => {
    await using rt = await Runtime.start();
    const mv = rt.mvar<unknown>();
    const chan = new Chan<unknown>(rt);
    const bounded = new BoundedChan<unknown>(rt, 1);
    await expect(mv.put(thenable)).rejects.toThrow(/^MVar\.put: the value is a thenable/);
    expect(() => mv.tryPut(thenable)).toThrow(ArgumentError);
    expect(() => rt.mvar(thenable)).toThrow(/^Runtime\.mvar: the value is a thenable/);
    await expect(chan.write(thenable)).rejects.toThrow(/^Chan\.write: the value is a thenable/);
    await expect(bounded.write(thenable)).rejects.toThrow(/^BoundedChan\.write: the value is a thenable/);
    expect(mv.isEmpty()).toBe(true);
    expect(await stateOf(chan.read())).toEqual({ state: "pending" });
  });

  it("a thenable in a block comes back as itself through an MVar, and Block.get returns it as itself", async () => {
    await using rt = await Runtime.start();
    const thenable = { then: () => {} };
    const mv = rt.mvar<unknown>();
    const box = rt.block(0, [thenable]);
    expect(box.get(0)).toBe(thenable);
    await mv.put(box);
    const back = (await mv.take()) as typeof box;
    expect(back.get(0)).toBe(thenable);
  });

  it("an object whose then getter throws is refused with ArgumentError carrying the user's error", async () => {
    await using rt = await Runtime.start();
    const boom = new Error("then");
    const hostile = Object.defineProperty({}, "then", { get: () => { throw boom; } });
    const mv: MVar<unknown> = rt.mvar();
    const error = await mv.put(hostile).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ArgumentError);
    expect((error as ArgumentError).cause).toBe(boom);
    await settle();
    expect(rt.state).toBe("running");
  });
});
