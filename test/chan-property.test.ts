// Model-based property for the channel and combinator calls of issue 19:
// random sequences of write / tryWrite / read / tryRead / close / dup and
// collections on a Chan or BoundedChan, and modify / swap / with (some
// throwing) on an MVar, against plain models, with the sanity checker after
// every collection and the smallest nursery. Each command is issued, then
// the event loop settles, so every call has either completed or is waiting;
// the models say which, and with what.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BoundedChan, Chan, ChannelClosedError, Runtime } from "../src/index.js";
import { settle } from "./support/mvar.js";

type Command =
  | { readonly op: "write" | "tryWrite"; readonly value: number }
  | { readonly op: "read" | "tryRead" | "close" | "dup" }
  | { readonly op: "gc"; readonly major: boolean };

const commands = (withDup: boolean): fc.Arbitrary<{ end: number; command: Command }[]> => fc.array(fc.record({
  end: fc.nat(2),
  command: fc.oneof(
    { weight: 5, arbitrary: fc.record({ op: fc.constantFrom("write" as const, "tryWrite" as const), value: fc.integer({ min: 0, max: 999 }) }) },
    { weight: 5, arbitrary: fc.constantFrom<Command>({ op: "read" }, { op: "tryRead" }) },
    { weight: 1, arbitrary: fc.constant<Command>({ op: "close" }) },
    { weight: withDup ? 1 : 0, arbitrary: fc.constant<Command>({ op: "dup" }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant("gc" as const), major: fc.boolean() }) },
  ),
}), { maxLength: 60 });

type Outcome = { state: "pending" } | { state: "fulfilled"; value: unknown } | { state: "closed" } | { state: "rejected"; reason: unknown };

/** A read end of the model: items not yet read, readers waiting (outcome indices). */
interface ModelEnd {
  items: number[];
  readers: number[];
}

/**
 * Both channels, in plain JS. capacity undefined: Chan (every read end gets
 * every write after it was made); otherwise BoundedChan (one end, writers
 * wait while `capacity` items are held).
 */
class ChannelModel {
  readonly ends: ModelEnd[] = [{ items: [], readers: [] }];
  readonly writers: { id: number; value: number }[] = [];
  readonly outcomes: Outcome[] = [];
  closed = false;
  constructor(readonly capacity: number | undefined) {}

  #settle(id: number, outcome: Outcome): void {
    this.outcomes[id] = outcome;
  }

  #deliver(): void {
    for (const end of this.ends) {
      while (end.readers.length !== 0 && end.items.length !== 0) {
        this.#settle(end.readers.shift()!, { state: "fulfilled", value: end.items.shift()! });
        this.#admitWriter();
      }
      if (this.closed && this.writers.length === 0 && end.items.length === 0) {
        for (const r of end.readers.splice(0)) this.#settle(r, { state: "closed" });
      }
    }
  }

  #admitWriter(): void {
    if (this.capacity === undefined || this.writers.length === 0 || this.ends[0]!.items.length >= this.capacity) return;
    const w = this.writers.shift()!;
    this.ends[0]!.items.push(w.value);
    this.#settle(w.id, { state: "fulfilled", value: undefined });
  }

  write(value: number): void {
    const id = this.outcomes.push({ state: "pending" }) - 1;
    if (this.closed) return this.#settle(id, { state: "closed" });
    if (this.capacity !== undefined && (this.writers.length !== 0 || this.ends[0]!.items.length >= this.capacity)) {
      this.writers.push({ id, value });
    } else {
      for (const end of this.ends) end.items.push(value);
      this.#settle(id, { state: "fulfilled", value: undefined });
    }
    this.#deliver();
  }

  tryWrite(value: number): boolean | "closed" {
    if (this.closed) return "closed";
    if (this.capacity !== undefined && (this.writers.length !== 0 || this.ends[0]!.items.length >= this.capacity)) return false;
    for (const end of this.ends) end.items.push(value);
    this.#deliver();
    return true;
  }

  read(e: number): void {
    const id = this.outcomes.push({ state: "pending" }) - 1;
    this.ends[e]!.readers.push(id);
    this.#deliver();
  }

  tryRead(e: number): number | undefined {
    const end = this.ends[e]!;
    if (end.readers.length !== 0 || end.items.length === 0) return undefined;
    const value = end.items.shift()!;
    this.#admitWriter();
    this.#deliver();
    return value;
  }

  close(): void {
    this.closed = true;
    this.#deliver();
  }

  dup(): void {
    this.ends.push({ items: [], readers: [] });
  }
}

async function run(capacity: number | undefined, program: { end: number; command: Command }[]): Promise<void> {
  const rt = await Runtime.start({ sanity: true, nursery: 64 << 10 });
  try {
    const first = capacity === undefined ? new Chan<number>(rt) : new BoundedChan<number>(rt, capacity);
    const ends: (Chan<number> | BoundedChan<number>)[] = [first];
    const model = new ChannelModel(capacity);
    const outcomes: Outcome[] = [];
    const track = (promise: Promise<unknown>): void => {
      const id = outcomes.push({ state: "pending" }) - 1;
      promise.then(
        (value) => (outcomes[id] = { state: "fulfilled", value }),
        (reason: unknown) => (outcomes[id] = reason instanceof ChannelClosedError ? { state: "closed" } : { state: "rejected", reason }),
      );
    };
    for (const { end: pick, command } of program) {
      const e = pick % ends.length;
      const chan = ends[e]!;
      switch (command.op) {
        case "write":
          track(chan.write(command.value));
          model.write(command.value);
          break;
        case "tryWrite": {
          let got: boolean | "closed";
          try {
            got = chan.tryWrite(command.value);
          } catch (thrown) {
            expect(thrown).toBeInstanceOf(ChannelClosedError);
            got = "closed";
          }
          expect(got).toBe(model.tryWrite(command.value));
          break;
        }
        case "read":
          track(chan.read());
          model.read(e);
          break;
        case "tryRead":
          expect(chan.tryRead()).toBe(model.tryRead(e));
          break;
        case "close":
          await chan.close();
          model.close();
          break;
        case "dup":
          ends.push(await (chan as Chan<number>).dup());
          model.dup();
          break;
        case "gc":
          rt.gc({ major: command.major });
          break;
      }
      await settle(3);
      expect(outcomes).toEqual(model.outcomes);
    }
    rt.checkSanity();
  } finally {
    await rt.shutdown().catch(() => {});
  }
}

describe("channel model", () => {
  it("Chan (with dups) agrees with the model", async () => {
    await fc.assert(fc.asyncProperty(commands(true), (program) => run(undefined, program)), { numRuns: 60 });
  });

  it.each([1, 3])("BoundedChan(%i) agrees with the model", async (capacity) => {
    await fc.assert(fc.asyncProperty(commands(false), (program) => run(capacity, program)), { numRuns: 60 });
  });
});

type MVarCommand =
  | { readonly op: "modify" | "swap" | "with"; readonly value: number; readonly fails: boolean; readonly async: boolean }
  | { readonly op: "gc"; readonly major: boolean };

const mvarCommand: fc.Arbitrary<MVarCommand> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ op: fc.constantFrom("modify" as const, "swap" as const, "with" as const), value: fc.integer({ min: -50, max: 50 }), fails: fc.boolean(), async: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("gc" as const), major: fc.boolean() }) },
);

describe("combinator model", () => {
  it("concurrent modify / swap / with, some throwing, agree with running them one after another", async () => {
    await fc.assert(fc.asyncProperty(fc.array(mvarCommand, { maxLength: 40 }), async (program) => {
      const rt = await Runtime.start({ sanity: true, nursery: 64 << 10, seed: program.length });
      try {
        const mv = rt.mvar(0);
        // All issued at once: the MVar serialises them in issue order (FIFO takers).
        let model = 0;
        const expected: unknown[] = [];
        const running: Promise<unknown>[] = [];
        const boom = new Error("boom");
        for (const c of program) {
          if (c.op === "gc") {
            rt.gc({ major: c.major });
            continue;
          }
          const step = async (x: number): Promise<number> => {
            if (c.async) await settle(1);
            if (c.fails) throw boom;
            return x + c.value;
          };
          if (c.op === "modify") {
            running.push(mv.modify(step).then(() => "ok", (e: unknown) => e));
            expected.push(c.fails ? boom : "ok");
            if (!c.fails) model += c.value;
          } else if (c.op === "swap") {
            running.push(mv.swap(c.value));
            expected.push(model);
            model = c.value;
          } else {
            running.push(mv.with(step).then((r) => r, (e: unknown) => e));
            expected.push(c.fails ? boom : model + c.value);
          }
        }
        expect(await Promise.all(running)).toEqual(expected);
        expect(mv.tryRead()).toBe(model);
        rt.checkSanity();
      } finally {
        await rt.shutdown().catch(() => {});
      }
    }), { numRuns: 40 });
  });
});
