// Issue 16, class 2: sizes are checked in the host and in the core. The host
// refuses a count beyond the core's limits with ArgumentError before the
// call; the core refuses, by trapping with its own message, a length whose
// object size would wrap 32 bits, on every allocation path, rather than
// allocating a tiny object and writing past it.

import { describe, expect, it } from "vitest";
import { ArgumentError, CoreTrapError, Runtime } from "../src/index.js";
import { withCore } from "../src/runtime.js";
import type { CoreExports } from "../src/core/exports.js";
import { thrownBy } from "./support/thrown.js";

/** The largest u32 lengths that make sizeFor wrap, per allocation path (byte unit, 2-byte unit, custom bytes, block fields). */
const wrapping: [string, (core: CoreExports) => unknown, RegExp][] = [
  ["heap_bytes_new(2³² − 4)", (core) => core.heap_bytes_new(2 ** 32 - 4), /allocObject: 4294967292 units is more than an object of kind bytes can hold/],
  ["heap_bytes_new(2³² − 1)", (core) => core.heap_bytes_new(2 ** 32 - 1), /kind bytes/],
  ["heap_bytes_new(2³⁰ + 1)", (core) => core.heap_bytes_new(2 ** 30 + 1), /kind bytes can hold \(1073741824\)/],
  ["heap_string_new(2³¹ − 2)", (core) => core.heap_string_new(2 ** 31 - 2), /kind string can hold \(536870912\)/],
  ["heap_string_new(2²⁹ + 1)", (core) => core.heap_string_new(2 ** 29 + 1), /kind string/],
  ["heap_set_new_string(…, 2²⁹ + 1)", (core) => core.heap_set_new_string(core.heap_block_new(0, 1), 0, 2 ** 29 + 1), /kind string/],
  ["custom_new(…, 2³² − 8)", (core) => core.custom_new(0, 1, 0, 2 ** 32 - 8), /kind custom can hold/],
  ["heap_block_new(0, 2³⁰)", (core) => core.heap_block_new(0, 2 ** 30), /heap_block_new: 1073741824 fields is more than a block can hold/],
];

describe("sizes that would wrap 32 bits", () => {
  it.each(wrapping)("the core refuses %s with a trap naming the length and the kind", async (_, call, message) => {
    const rt = await Runtime.start();
    const error = thrownBy(() => withCore(rt, "test", call));
    expect(error).toBeInstanceOf(CoreTrapError);
    // The core's own refusal, not an out-of-bounds access after zero-filling
    // the rest of memory for an object whose size wrapped.
    expect((error as CoreTrapError).trap).toMatch(message);
    expect(rt.state).toBe("dead");
    await rt.shutdown();
  });

  it("a byte view whose length getter claims 2³² − 4 or 2³² is stored by its real length, the runtime untouched", async () => {
    await using rt = await Runtime.start({ sanity: true });
    for (const claimed of [2 ** 32 - 4, 2 ** 32]) {
      class Claims extends Uint8Array {
        override get length(): number {
          return claimed;
        }
      }
      const b = rt.block(0, [new Claims([1, 2, 3])]);
      expect(b.get(0)).toEqual(new Uint8Array([1, 2, 3]));
      b.set(0, new Claims(0));
      expect(b.get(0)).toEqual(new Uint8Array(0));
      const mv = rt.mvar<Uint8Array>(new Claims([4]));
      expect(mv.tryTake()).toEqual(new Uint8Array([4]));
      const c = rt.custom(new Claims([5, 6]), () => {});
      expect(c.payload).toEqual(new Uint8Array([5, 6]));
    }
    rt.checkSanity();
    expect(rt.state).toBe("running");
  });

  it("a fields array claiming more fields than a block holds is an ArgumentError before anything is read", async () => {
    await using rt = await Runtime.start();
    let elementReads = 0;
    for (const length of [2 ** 28 + 1, 2 ** 32 - 4, 2 ** 32 - 1]) {
      const claims = new Proxy([], {
        get: (target, key, receiver) => {
          if (key === "length") return length;
          elementReads++;
          return Reflect.get(target, key, receiver);
        },
      });
      const error = thrownBy(() => rt.block(0, claims));
      expect(error).toBeInstanceOf(ArgumentError);
      expect((error as Error).message).toMatch(new RegExp(`^Runtime\\.block: at most ${2 ** 28} fields, got ${length}$`));
    }
    expect(elementReads).toBe(0);
    expect(rt.state).toBe("running");
  });

  it("a BoundedChan capacity beyond its documented limit is an ArgumentError, made nothing", async () => {
    const { BoundedChan } = await import("../src/index.js");
    const { BOUNDED_CHAN_CAPACITY_MAX } = await import("../src/threads/chan.js");
    await using rt = await Runtime.start();
    for (const capacity of [BOUNDED_CHAN_CAPACITY_MAX + 1, 2 ** 31, 2 ** 32]) {
      expect(() => new BoundedChan(rt, capacity)).toThrow(new RegExp(`^BoundedChan: capacity must be a whole number from 1 to ${BOUNDED_CHAN_CAPACITY_MAX}, got ${capacity}$`));
    }
    expect(rt.stats().heap.handles.live).toBe(0);
  });
});
