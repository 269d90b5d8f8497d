// The Promise MVar peer (bench/peers/promise-mvar.ts) has ours' semantics
// and, since issue 18, ours' two micro-optimisations (one shared settled
// promise for a put that does not wait, one shared executor for blocked
// threads). The optimisations must not change what it does: FIFO single
// wake-up, hand-off to the first taker, readers before takers, a blocked
// putter's value moving in when a take empties it.

import { expect, test } from "vitest";
import { PromiseMVar } from "../bench/peers/promise-mvar.js";

test("takers are woken first come, first served, one per put", async () => {
  const mv = new PromiseMVar<number>();
  const got: string[] = [];
  const a = mv.take().then((v) => got.push(`a${v}`));
  const b = mv.take().then((v) => got.push(`b${v}`));
  await mv.put(1);
  await mv.put(2);
  await Promise.all([a, b]);
  expect(got).toEqual(["a1", "b2"]);
  expect(mv.isEmpty()).toBe(true);
});

test("readers waiting on an empty MVar all see the next put before the first taker takes it", async () => {
  const mv = new PromiseMVar<string>();
  const taken = mv.take();
  const r1 = mv.read();
  const r2 = mv.read();
  await mv.put("x");
  expect(await r1).toBe("x");
  expect(await r2).toBe("x");
  expect(await taken).toBe("x");
  expect(mv.isEmpty()).toBe(true);
});

test("blocked putters move in, in order, as takes empty the MVar", async () => {
  const mv = new PromiseMVar<number>(0);
  const p1 = mv.put(1);
  const p2 = mv.put(2);
  expect(await mv.take()).toBe(0);
  await p1;
  expect(mv.tryRead()).toBe(1);
  expect(mv.tryTake()).toBe(1);
  await p2;
  expect(await mv.take()).toBe(2);
  expect(mv.tryTake()).toBeUndefined();
});

test("a put that does not wait returns one shared settled promise; a blocked one gets its own", async () => {
  const mv = new PromiseMVar<number>();
  const first = mv.put(1);
  mv.tryTake();
  const second = mv.put(2);
  expect(second).toBe(first);
  const blocked = mv.put(3);
  expect(blocked).not.toBe(first);
  expect(mv.tryTake()).toBe(2);
  await blocked;
  expect(mv.tryTake()).toBe(3);
});

test("tryPut never overtakes, and values of every kind pass through unchanged", () => {
  const mv = new PromiseMVar<unknown>();
  const object = { n: 1 };
  expect(mv.tryPut(object)).toBe(true);
  expect(mv.tryPut("no")).toBe(false);
  expect(mv.tryTake()).toBe(object);
});
