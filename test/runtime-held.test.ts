// A runtime that was shut down but is still referenced (an `await using` in a
// long-lived frame, a suspended async function keeping its last local) lets
// go of its instance: the WebAssembly.Memory is collected all the same. Found
// by the browser demo, where the cycle loop's last runtime stayed alive.

import { expect, test } from "vitest";
import { Runtime } from "../src/index.js";
import { coreOf } from "../src/runtime.js";

const gc = (globalThis as { gc?: () => void }).gc!;

async function startWorkAndShutDown(registry: FinalizationRegistry<string>): Promise<Runtime> {
  const rt = await Runtime.start();
  registry.register(coreOf(rt, "test").memory, "memory");
  const mv = rt.mvar<number>();
  const taken = mv.take();
  await mv.put(1);
  await taken;
  rt.block(0, [1, "two"]).free();
  rt.custom(3, () => {});
  await rt.shutdown();
  return rt;
}

test("a shut-down runtime still referenced does not keep its memory", async () => {
  let collected = 0;
  const registry = new FinalizationRegistry<string>(() => collected++);
  const held: Runtime[] = [];
  for (let i = 0; i < 8; i++) held.push(await startWorkAndShutDown(registry));
  for (let round = 0; round < 30 && collected < held.length; round++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  expect(collected).toBe(held.length);
  expect(held.every((rt) => rt.state === "shutdown")).toBe(true);
});

/** A cycle whose handles are dropped without free(): the backstop reclaims them. */
async function dropHandlesAndShutDown(registry: FinalizationRegistry<string>): Promise<void> {
  const rt = await Runtime.start();
  registry.register(coreOf(rt, "test").memory, "memory");
  for (let i = 0; i < 4; i++) {
    rt.custom(i, () => {});
    rt.block(0, [i]);
  }
  await rt.shutdown();
}

test("handles dropped without free() do not keep their ended cycle's memory (Note [The backstop lets go of an ended cycle])", async () => {
  let collected = 0;
  const registry = new FinalizationRegistry<string>(() => collected++);
  const cycles = 12;
  // Only promises are awaited here, so no backstop callback can run in between.
  for (let i = 0; i < cycles; i++) await dropHandlesAndShutDown(registry);
  gc();
  gc();
  // Task turns without a collection: the memories must have died in the gc()s above,
  // while the backstop's callbacks (run only now) still held whatever they hold.
  for (let turn = 0; turn < 5 && collected < cycles; turn++) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(collected).toBe(cycles);
});
