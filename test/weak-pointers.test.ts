// Weak pointers with GHC's semantics: deref while the key lives, undefined
// after; the value and finalizer reachable only through a live key; weak
// chains; finalize() at most once.

import { expect, test } from "vitest";
import { Block, Runtime, Weak, ArgumentError, FinaliserError, SanityError } from "../src/index.js";
import { generationOf } from "./heap-support.js";
import { thrownBy } from "./support/thrown.js";

test("deref gives the value while the key is alive and undefined after it died", async () => {
  const rt = await Runtime.start({ sanity: true });
  const key = rt.block(0, [1]);
  const w = rt.weak(key, "the value");
  rt.gc();
  rt.gc({ major: true });
  expect(w.deref()).toBe("the value");
  expect(w.dead).toBe(false);
  key.free();
  rt.gc({ major: true }); // the key was promoted: only a major collection finds it dead
  expect(w.deref()).toBeUndefined();
  expect(w.dead).toBe(true);
  await rt.shutdown();
});

test("without a value the weak points at its key", async () => {
  const rt = await Runtime.start({ sanity: true });
  const key = rt.block(5, ["k"]);
  const w = rt.weak(key);
  rt.gc();
  const got = w.deref() as Block;
  expect(got.tag).toBe(5);
  expect(got.get(0)).toBe("k");
  got.free();
  // An explicit undefined value is the key too.
  const w2 = rt.weak(key, undefined, () => {});
  const got2 = w2.deref() as Block;
  expect(got2.tag).toBe(5);
  got2.free();
  key.free();
  rt.gc();
  expect(w.deref()).toBeUndefined();
  expect(w2.deref()).toBeUndefined();
  await rt.shutdown();
});

test("a key that dies while old is found dead by a major collection, not by a minor one", async () => {
  const rt = await Runtime.start({ sanity: true });
  const key = rt.block(0, [1]);
  const w = rt.weak(key, 99);
  for (let i = 0; i < 4; i++) rt.gc();
  expect(generationOf(rt, key)).toBe(1);
  key.free();
  rt.gc();
  expect(w.deref()).toBe(99);
  rt.gc({ major: true });
  expect(w.deref()).toBeUndefined();
  await rt.shutdown();
});

test("the value does not keep the key alive, even when it points back at the key", async () => {
  const rt = await Runtime.start({ sanity: true });
  const key = rt.block(0, [null]);
  const value = rt.block(0, [key]);
  key.set(0, "key");
  const w = rt.weak(key, value);
  value.free();
  rt.gc();
  const v = w.deref() as Block;
  const back = v.get(0) as Block;
  expect(back.get(0)).toBe("key");
  v.free();
  back.free();
  key.free();
  rt.gc();
  expect(w.deref()).toBeUndefined();
  rt.gc({ major: true });
  expect(rt.stats().heap.generations.reduce((n, g) => n + g.objects, 0)).toBe(1); // the weak itself, held by w
  await rt.shutdown();
});

test("the finalizer runs once when the key dies, after the collection, even if the weak was freed", async () => {
  const rt = await Runtime.start({ sanity: true });
  const ran: string[] = [];
  const key = rt.block(0, [1]);
  const w = rt.weak(key, undefined, () => ran.push("fin"));
  w.free(); // the weak lives as long as its key (GHC)
  rt.gc();
  expect(ran).toEqual([]);
  key.free();
  rt.gc();
  expect(ran).toEqual(["fin"]);
  rt.gc({ major: true });
  await rt.shutdown();
  expect(ran).toEqual(["fin"]);
});

test("finalize() clears the weak and runs the finalizer now, at most once", async () => {
  const rt = await Runtime.start({ sanity: true });
  let runs = 0;
  const key = rt.block(0, [1]);
  const w = rt.weak(key, 5, () => runs++);
  w.finalize();
  expect(runs).toBe(1);
  expect(w.deref()).toBeUndefined();
  w.finalize();
  key.free();
  rt.gc({ major: true });
  expect(runs).toBe(1);
  const report = await rt.shutdown();
  expect(runs).toBe(1);
  expect(report.finalisersRun).toBe(0);
});

test("a finaliser that dereferences a weak pointer to its own dead key gets undefined", async () => {
  const rt = await Runtime.start({ sanity: true });
  const key = rt.block(0, [1]);
  const seen: unknown[] = [];
  const holder: { w?: Weak } = {};
  holder.w = rt.weak(key, "v", () => seen.push(holder.w!.deref()));
  rt.finaliseLast(key, () => seen.push(holder.w!.deref()));
  key.free();
  rt.gc();
  expect(seen).toEqual([undefined, undefined]);
  await rt.shutdown();
});

test("a weak to a value resurrected by finalise is not cleared; it is cleared once the value dies for good", async () => {
  const rt = await Runtime.start({ sanity: true });
  const keep = rt.block(0, [null]);
  const key = rt.block(0, ["k"]);
  const w = rt.weak(key, "v");
  rt.finalise(key, (k) => keep.set(0, k));
  key.free();
  rt.gc();
  expect(w.deref()).toBe("v");
  keep.set(0, null);
  rt.gc();
  expect(w.deref()).toBeUndefined();
  await rt.shutdown();
});

test("weak chains: each link's value is the next link's key, reachable only from a live first key", async () => {
  const rt = await Runtime.start({ sanity: true, nursery: 64 << 10 });
  const length = 200;
  const first = rt.block(0, [0]);
  const weaks: Weak[] = [];
  let key: Block = first;
  for (let i = 1; i <= length; i++) {
    const next = rt.block(0, [i]);
    weaks.push(rt.weak(key, next));
    if (key !== first) key.free();
    key = next;
  }
  key.free();
  rt.gc();
  rt.gc({ major: true });
  // Every link survives through the chain alone.
  const last = weaks[length - 1]!.deref() as Block;
  expect(last.get(0)).toBe(length);
  last.free();
  first.free();
  rt.gc({ major: true });
  for (const w of weaks) expect(w.deref()).toBeUndefined();
  await rt.shutdown();
});

test("rt.weak refuses a key that is not a handle, and a finalizer that is not a function", async () => {
  const rt = await Runtime.start();
  const key = rt.block(0, []);
  expect(() => rt.weak(3 as never)).toThrow(ArgumentError);
  expect(() => rt.weak(key, 1, "nope" as never)).toThrow(ArgumentError);
  // Counted from arguments.length: a fourth argument is refused even when undefined.
  expect(thrownBy(() => (rt.weak as (...args: unknown[]) => unknown)(key, 1, () => {}, undefined))).toMatchObject({ name: "ArgumentError", message: expect.stringContaining("got 4 arguments") });
  expect(() => rt.finalise("x" as never, () => {})).toThrow(ArgumentError);
  expect(() => rt.finaliseLast(key, 5 as never)).toThrow(ArgumentError);
  expect(rt.stats().finalisers.functionsRegistered).toBe(0);
  await rt.shutdown();
});

test("at shutdown, every weak finalizer still pending runs once, with finalise and finaliseLast functions", async () => {
  const rt = await Runtime.start();
  const order: string[] = [];
  const a = rt.block(0, [1]);
  rt.finalise(a, () => order.push("first a"));
  rt.weak(a, 1, () => order.push("weak a"));
  rt.finaliseLast(a, () => order.push("last a"));
  const report = await rt.shutdown();
  expect(order).toEqual(["first a", "weak a", "last a"]);
  expect(report.finalisersRun).toBe(3);
});

test.each([
  ["weak-value", "weaks"],
  ["finaliser-table", "finalisers"],
] as const)("fault stale: '%s' leaves a from-space reference the sanity checker names (%s)", async (fault, check) => {
  const rt = await Runtime.start({ sanity: true, faults: { stale: fault } });
  const key = rt.block(0, [1]);
  const value = rt.block(0, [2]);
  rt.weak(key, value);
  rt.finalise(key, () => {});
  value.free();
  const caught = thrownBy(() => {
    rt.gc();
    rt.gc();
  });
  expect(caught).toBeInstanceOf(SanityError);
  expect((caught as SanityError).check).toBe(check);
  await rt.shutdown().catch(() => {});
});

test("weak finalizers due together run as one batch: in order, a throwing one reported, what one causes after the rest (Note [Due functions in batches])", async () => {
  const errors: Error[] = [];
  const rt = await Runtime.start({ sanity: true, onFinaliserError: (e) => errors.push(e) });
  const log: string[] = [];
  const keys = [1, 2, 3, 4].map((i) => rt.block(0, [i]));
  keys.forEach((key, i) => {
    const name = `w${i + 1}`;
    rt.weak(key, undefined, i === 1
      ? function throwsInBatch() {
        log.push(name);
        throw new Error("boom");
      }
      : () => {
        log.push(name);
        if (i !== 2) return;
        // A collection from inside the batch: its function is queued after the batch.
        const late = rt.block(0, [9]);
        rt.weak(late, undefined, () => log.push("late")).free();
        late.free();
        rt.gc();
      }).free();
  });
  for (const key of keys) key.free();
  rt.gc();
  expect([...log].sort()).toEqual(["late", "w1", "w2", "w3", "w4"]);
  expect(log.at(-1)).toBe("late");
  expect(errors).toHaveLength(1);
  expect(errors[0]).toBeInstanceOf(FinaliserError);
  expect(errors[0]!.message).toContain("throwsInBatch");
  expect(rt.stats().finalisers).toMatchObject({ functionsRun: 5, functionsPending: 0, errors: 1 });
  const report = await rt.shutdown();
  expect(report.finalisersRun).toBe(0);
});
