// Note [A popped entry lets go of the queue] (assembly/mvar/mvar.ts): an entry
// promoted while it was the tail stays on its generation's remembered set;
// once popped it must not keep the entries queued after it (and their
// threads) alive, or every minor collection promotes them all.

import { expect, test } from "vitest";
import { Runtime } from "../src/index.js";

test("popping an old queue entry lets the young entries queued after it die in the next minor collection", async () => {
  const rt = await Runtime.start({ sanity: true });
  const mv = rt.mvar<number>();
  // One taker whose entry (and thread) age into generation 1 while it is the tail.
  const first = mv.take();
  rt.gc();
  rt.gc();
  // Many young takers queued behind it: the first enqueue writes the old entry's link.
  const n = 500;
  const rest = Array.from({ length: n }, () => mv.take());
  const oldBefore = rt.stats().heap.generations[1]!.objects;
  for (let i = 0; i <= n; i++) await mv.put(i);
  expect(await first).toBe(0);
  expect(await Promise.all(rest)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
  rt.gc();
  rt.gc();
  // Every taker was woken and its entry popped: none of them may be promoted now.
  const promoted = rt.stats().heap.generations[1]!.objects - oldBefore;
  expect(promoted).toBeLessThan(20);
  mv.free();
  await rt.shutdown();
});
