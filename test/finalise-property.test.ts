// Property: random programs of values, finalise / finaliseLast registrations
// (some of whose functions resurrect their value), weak pointers and
// collections, against a model of which values are reachable. Smallest
// nursery, sanity after every collection, 2 to 4 generations. Checked after
// every collection:
//   - no function of a reachable value has run, and its weaks deref;
//   - no function runs twice; a finalise function gets its own value;
//   - after a major collection, a value unreachable since before the
//     previous major (or since before this one, when it has no finalise
//     function left to resurrect it) has had every function run, and its
//     weaks deref to undefined;
// and at shutdown every function has run exactly once.

import fc from "fast-check";
import { expect, test } from "vitest";
import { Block, Runtime, Weak } from "../src/index.js";

const NURSERY_MIN = 64 << 10;
const VALUES = 4;
const HOLDER_FIELDS = VALUES;

type Command =
  | { op: "new"; v: number }
  | { op: "drop"; v: number }
  | { op: "hold"; v: number }
  | { op: "unhold"; v: number }
  | { op: "finalise"; v: number; resurrect: boolean }
  | { op: "finaliseLast"; v: number }
  | { op: "weak"; v: number; withFinalizer: boolean }
  | { op: "garbage"; n: number }
  | { op: "gc"; major: boolean };

const value = fc.integer({ min: 0, max: VALUES - 1 });
const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant("new" as const), v: value }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("drop" as const), v: value }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("hold" as const), v: value }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("unhold" as const), v: value }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant("finalise" as const), v: value, resurrect: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("finaliseLast" as const), v: value }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("weak" as const), v: value, withFinalizer: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("garbage" as const), n: fc.integer({ min: 1, max: 3000 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("gc" as const), major: fc.boolean() }) },
);

interface Fn {
  readonly kind: "finalise" | "finaliseLast" | "weak";
  runs: number;
}

/** One value of the model: a block holding its id in field 0. */
interface Value {
  readonly id: number;
  handle: Block | undefined;
  /** Stored in the holder's field `slot`. */
  held: boolean;
  /** finalise functions not run yet (a value is "dead for good" once none is left). */
  readonly firsts: Fn[];
  readonly others: Fn[];
  readonly weaks: { weak: Weak; fn: Fn | undefined }[];
  /** Majors completed since it last became unreachable; -1 while reachable. */
  majorsSinceLost: number;
}

class Model {
  readonly #rt: Runtime;
  readonly #holder: Block;
  readonly slots: (Value | undefined)[] = new Array<Value | undefined>(VALUES).fill(undefined);
  readonly all: Value[] = [];
  readonly functions: Fn[] = [];
  #nextId = 1;

  constructor(rt: Runtime) {
    this.#rt = rt;
    this.#holder = rt.block(0, new Array<null>(HOLDER_FIELDS).fill(null));
  }

  reachable(v: Value): boolean {
    return v.handle !== undefined || v.held;
  }

  #lose(v: Value): void {
    if (!this.reachable(v) && v.majorsSinceLost < 0) v.majorsSinceLost = 0;
  }

  run(c: Command): void {
    const v = c.op === "garbage" || c.op === "gc" ? undefined : this.slots[c.v];
    switch (c.op) {
      case "new": {
        if (v !== undefined && v.handle !== undefined) return;
        const id = this.#nextId++;
        const fresh: Value = { id, handle: this.#rt.block(1, [id]), held: false, firsts: [], others: [], weaks: [], majorsSinceLost: -1 };
        if (v !== undefined && v.held) this.#unhold(v, c.v);
        this.slots[c.v] = fresh;
        this.all.push(fresh);
        return;
      }
      case "drop":
        if (v?.handle === undefined) return;
        v.handle.free();
        v.handle = undefined;
        this.#lose(v);
        return;
      case "hold":
        if (v?.handle === undefined) return;
        this.#holder.set(c.v, v.handle);
        v.held = true;
        return;
      case "unhold":
        if (v === undefined || !v.held) return;
        this.#unhold(v, c.v);
        return;
      case "finalise": {
        if (v?.handle === undefined) return;
        const fn: Fn = { kind: "finalise", runs: 0 };
        const slot = c.v;
        const target = v;
        const holder = this.#holder;
        this.#rt.finalise(v.handle, (got) => {
          fn.runs++;
          expect(got.get(0)).toBe(target.id);
          target.firsts.splice(target.firsts.indexOf(fn), 1);
          if (c.resurrect && this.slots[slot] === target) {
            holder.set(slot, got);
            target.held = true;
            target.majorsSinceLost = -1;
          }
        });
        v.firsts.push(fn);
        this.functions.push(fn);
        return;
      }
      case "finaliseLast": {
        if (v?.handle === undefined) return;
        const fn: Fn = { kind: "finaliseLast", runs: 0 };
        this.#rt.finaliseLast(v.handle, () => { fn.runs++; });
        v.others.push(fn);
        this.functions.push(fn);
        return;
      }
      case "weak": {
        if (v?.handle === undefined) return;
        const fn: Fn | undefined = c.withFinalizer ? { kind: "weak", runs: 0 } : undefined;
        const weak = fn === undefined ? this.#rt.weak(v.handle, v.id * 100) : this.#rt.weak(v.handle, v.id * 100, () => { fn.runs++; });
        v.weaks.push({ weak, fn });
        if (fn !== undefined) {
          v.others.push(fn);
          this.functions.push(fn);
        }
        return;
      }
      case "garbage":
        this.#rt.scope(() => {
          for (let i = 0; i < c.n; i++) this.#rt.block(0, [i, i]);
        });
        this.check(false);
        return;
      case "gc":
        this.collect(c.major);
        return;
    }
  }

  #unhold(v: Value, slot: number): void {
    this.#holder.set(slot, null);
    v.held = false;
    this.#lose(v);
  }

  /** A collection, then the checks, knowing which values still had finalise functions before it. */
  collect(major: boolean): void {
    const hadFirsts = new Set(this.all.filter((v) => v.firsts.length > 0));
    this.#rt.gc({ major });
    this.check(major, hadFirsts);
  }

  check(major: boolean, hadFirsts: ReadonlySet<Value> = new Set()): void {
    for (const fn of this.functions) expect(fn.runs).toBeLessThanOrEqual(1);
    for (const v of this.all) {
      if (this.reachable(v)) {
        for (const fn of [...v.firsts, ...v.others]) expect(fn.runs).toBe(0);
        for (const { weak } of v.weaks) expect(weak.deref()).toBe(v.id * 100);
        continue;
      }
      if (!major) continue;
      v.majorsSinceLost++;
      // A finalise function that runs in this major resurrects the value for it: the rest waits one more.
      const forGood = v.majorsSinceLost >= 2 || (v.majorsSinceLost >= 1 && !hadFirsts.has(v));
      if (v.majorsSinceLost >= 1) expect(v.firsts).toEqual([]);
      if (!forGood || this.reachable(v)) continue;
      for (const fn of v.others) expect(fn.runs).toBe(1);
      for (const { weak } of v.weaks) expect(weak.deref()).toBeUndefined();
    }
  }
}

const totals = { programs: 0, functionsRun: 0, majors: 0 };

async function runProgram(program: Command[], generations: number): Promise<void> {
  // A check failing inside a finaliser is reported, not thrown: collect and rethrow it.
  const errors: Error[] = [];
  const rt = await Runtime.start({ nursery: NURSERY_MIN, generations, sanity: true, onFinaliserError: (e) => errors.push(e) });
  try {
    const model = new Model(rt);
    for (const c of program) {
      model.run(c);
      if (errors.length > 0) throw errors[0]!.cause;
    }
    model.collect(true);
    rt.checkSanity();
    await rt.shutdown();
    if (errors.length > 0) throw errors[0]!.cause;
    for (const fn of model.functions) expect(fn.runs).toBe(1);
    totals.programs++;
    totals.functionsRun += model.functions.length;
    totals.majors += program.filter((c) => c.op === "gc" && c.major).length;
  } finally {
    await rt.shutdown();
  }
}

test("random programs of finalise, finaliseLast, weak pointers and collections agree with the reachability model", async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(command, { minLength: 10, maxLength: 80 }), fc.integer({ min: 2, max: 4 }), async (program, generations) => {
      await runProgram(program, generations);
    }),
    { numRuns: 400 },
  );
  // The programs did what they are for: many functions ran, many majors judged them.
  expect(totals.functionsRun).toBeGreaterThan(600);
  expect(totals.majors).toBeGreaterThan(250);
}, 120_000);
