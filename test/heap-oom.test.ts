// maxHeap: an allocation that cannot fit after a major collection throws
// OutOfMemoryError; the runtime stays usable and shuts down clean.

import { expect, test } from "vitest";
import { Block, OutOfMemoryError, Runtime } from "../src/index.js";

const MAX_HEAP = 2 << 20;

test("a growing list hits OutOfMemoryError; freeing it lets allocation go on; shutdown is clean", async () => {
  const rt = await Runtime.start({ maxHeap: MAX_HEAP, nursery: 64 << 10, sanity: true });
  let list = rt.block(0, [0, null]);
  let error: unknown;
  let cells = 1;
  for (;;) {
    try {
      const next = rt.block(0, [cells, list]);
      list.free();
      list = next;
      cells++;
    } catch (thrown) {
      error = thrown;
      break;
    }
  }
  expect(error).toBeInstanceOf(OutOfMemoryError);
  expect((error as OutOfMemoryError).code).toBe("ERR_OUT_OF_MEMORY");
  expect((error as OutOfMemoryError).message).toMatch(new RegExp(`maxHeap \\(${MAX_HEAP} bytes\\) even after a major collection`));
  expect(cells).toBeGreaterThan(10_000);
  expect(rt.state).toBe("running");
  // The list built so far is intact.
  expect(list.get(0)).toBe(cells - 1);
  rt.checkSanity();
  // Still refused while the list is held.
  expect(() => rt.block(0, [1])).toThrow(OutOfMemoryError);
  // Let it go: room again.
  list.free();
  rt.gc({ major: true });
  expect(rt.stats().pool.bytes).toBeLessThan(MAX_HEAP / 2);
  const again = rt.scope(() => {
    let l: Block = rt.block(0, [0, null]);
    for (let i = 1; i < 1000; i++) l = rt.block(0, [i, l]);
    return l;
  });
  expect(again.get(0)).toBe(999);
  rt.checkSanity();
  const report = await rt.shutdown();
  expect([report.leakedBlocks, report.leakedBytes]).toEqual([0, 0]);
});

test("a large object beyond maxHeap is refused at once; smaller ones still fit", async () => {
  const rt = await Runtime.start({ maxHeap: MAX_HEAP, sanity: true });
  const holder = rt.block(0, [null]);
  expect(() => holder.set(0, new Uint8Array(4 << 20))).toThrow(OutOfMemoryError);
  expect(() => rt.block(0, ["x".repeat(2 << 20)])).toThrow(OutOfMemoryError);
  // A string set goes through heap_set_new_string: refused the same way, the field as it was.
  holder.set(0, "kept");
  expect(() => holder.set(0, "y".repeat(2 << 20))).toThrow(OutOfMemoryError);
  expect(holder.get(0)).toBe("kept");
  expect(rt.stats().heap.handles.live).toBe(1);
  holder.set(0, new Uint8Array(64 << 10));
  expect((holder.get(0) as Uint8Array).length).toBe(64 << 10);
  rt.checkSanity();
  const report = await rt.shutdown();
  expect([report.leakedBlocks, report.leakedBytes]).toEqual([0, 0]);
});
