// Model-based property: random sequences of MVar operations from many
// threads, against a plain model of GHC's MVar semantics, with the sanity
// checker on after every collection and the smallest nursery.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Runtime } from "../src/index.js";
import { MAX_DEFER_TURNS } from "../src/threads/scheduler.js";
import { settle } from "./support/mvar.js";

type Command =
  | { readonly op: "take" | "read" | "tryTake" | "tryRead" | "isEmpty" }
  | { readonly op: "put" | "tryPut"; readonly value: number }
  | { readonly op: "abort"; readonly thread: number }
  | { readonly op: "gc"; readonly major: boolean };

const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom<Command>({ op: "take" }, { op: "read" }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant("put" as const), value: fc.integer({ min: 0, max: 99 }) }) },
  { weight: 2, arbitrary: fc.constantFrom<Command>({ op: "tryTake" }, { op: "tryRead" }, { op: "isEmpty" }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("tryPut" as const), value: fc.integer({ min: 0, max: 99 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("abort" as const), thread: fc.nat(40) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("gc" as const), major: fc.boolean() }) },
);

type Outcome = { state: "pending" } | { state: "fulfilled"; value: unknown } | { state: "rejected" };

/** GHC's MVar, in plain JS: the specification the core is checked against. */
class Model {
  value: number | undefined;
  /** Waiting threads, front first: readers are pushed at the front. */
  queue: { id: number; why: "take" | "read" | "put"; value?: number }[] = [];
  outcomes: Outcome[] = [];

  block(why: "take" | "read" | "put", value?: number): void {
    const id = this.outcomes.length;
    this.outcomes.push({ state: "pending" });
    const waiter = { id, why, value };
    if (why === "read") this.queue.unshift(waiter);
    else this.queue.push(waiter);
  }

  done(value: unknown): void {
    this.outcomes.push({ state: "fulfilled", value });
  }

  take(): void {
    if (this.value === undefined) return this.block("take");
    const v = this.value;
    this.refill();
    this.done(v);
  }

  read(): void {
    if (this.value === undefined) return this.block("read");
    this.done(this.value);
  }

  put(v: number): void {
    if (this.value !== undefined) return this.block("put", v);
    this.fill(v);
    this.done(undefined);
  }

  tryTake(): number | undefined {
    const v = this.value;
    if (v !== undefined) this.refill();
    return v;
  }

  tryPut(v: number): boolean {
    if (this.value !== undefined) return false;
    this.fill(v);
    return true;
  }

  abort(id: number): void {
    const at = this.queue.findIndex((w) => w.id === id);
    if (at < 0) return;
    this.queue.splice(at, 1);
    this.outcomes[id] = { state: "rejected" };
  }

  refill(): void {
    const putter = this.queue.shift();
    if (putter === undefined) {
      this.value = undefined;
      return;
    }
    this.value = putter.value;
    this.outcomes[putter.id] = { state: "fulfilled", value: undefined };
  }

  fill(v: number): void {
    for (;;) {
      const waiter = this.queue.shift();
      if (waiter === undefined) {
        this.value = v;
        return;
      }
      this.outcomes[waiter.id] = { state: "fulfilled", value: v };
      if (waiter.why === "take") return;
    }
  }
}

async function check(commands: readonly Command[], seed: number | undefined): Promise<void> {
  const rt = await Runtime.start({ sanity: true, nursery: 64 << 10, seed });
  try {
    const mv = rt.mvar<number>();
    const model = new Model();
    const outcomes: Outcome[] = [];
    const controllers: AbortController[] = [];
    const spawn = (promise: Promise<unknown>, controller: AbortController): void => {
      const id = outcomes.length;
      outcomes.push({ state: "pending" });
      controllers.push(controller);
      promise.then((value) => (outcomes[id] = { state: "fulfilled", value }), () => (outcomes[id] = { state: "rejected" }));
    };
    for (const c of commands) {
      const controller = new AbortController();
      switch (c.op) {
        case "take": spawn(mv.take({ signal: controller.signal }), controller); model.take(); break;
        case "read": spawn(mv.read({ signal: controller.signal }), controller); model.read(); break;
        case "put": spawn(mv.put(c.value, { signal: controller.signal }), controller); model.put(c.value); break;
        case "tryTake": expect(mv.tryTake()).toBe(model.tryTake()); break;
        case "tryRead": expect(mv.tryRead()).toBe(model.value); break;
        case "isEmpty": expect(mv.isEmpty()).toBe(model.value === undefined); break;
        case "tryPut": expect(mv.tryPut(c.value)).toBe(model.tryPut(c.value)); break;
        case "abort":
          if (c.thread < controllers.length) {
            controllers[c.thread]!.abort();
            model.abort(c.thread);
          }
          break;
        case "gc": rt.gc({ major: c.major }); break;
      }
      await settle(seed === undefined ? 1 : MAX_DEFER_TURNS + 1);
      expect(outcomes).toEqual(model.outcomes);
    }
    rt.checkSanity();
    mv.free();
  } finally {
    await rt.shutdown();
  }
}

describe("MVar against its model", () => {
  it("agrees on every operation's outcome, with sanity on and a tiny nursery", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(command, { maxLength: 40 }), fc.option(fc.nat(1000), { nil: undefined }), check),
      { numRuns: 120 },
    );
  });
});
