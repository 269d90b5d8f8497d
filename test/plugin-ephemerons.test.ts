// Ephemerons made by a plugin through the mutator API (assembly/api.ts;
// test/plugins/ephemerons.ts): the same objects as rt.ephemeron's, so the
// datum lives while every key lives, the datum keeps no key alive, and the
// first dead key empties the ephemeron, in minor and major collections, in
// every order, with the sanity checker on after every collection.
import { readFileSync } from "node:fs";
import { describe, expect, it, test } from "vitest";
import { Runtime, type Block } from "../src/index.js";
import { permutations } from "./support/permutations.js";

const plugin = readFileSync(new URL("../build/plugins/ephemerons.wasm", import.meta.url));

function start(): Promise<Runtime> {
  return Runtime.start({ module: plugin, sanity: true, nursery: 64 << 10 });
}

const cases: [number, number[], "minor" | "major"][] = [];
for (const k of [1, 2, 3]) for (const order of permutations(k)) for (const kind of ["minor", "major"] as const) cases.push([k, order, kind]);

describe("ephemerons made by a plugin", () => {
  test.each(cases)("%i key(s) dying in order %j through %s collections", async (k, order, kind) => {
    await using rt = await start();
    const major = kind === "major";
    const keys = [...Array(k).keys()].map((i) => rt.block(0, [`key ${i}`]));
    const slots = [0, 1, 2].map((i) => (i < k ? rt.slotOf(keys[i]!) : 0));
    const e = rt.call("ephemeronOf", k, slots[0]!, slots[1]!, slots[2]!, 40 + k) as number;
    expect(rt.call("isEphemeron", e)).toBe(1);
    // Minor: one collection ages the keys into generation 0, which minor
    // collections still collect (a second would promote them to generation 1).
    for (let round = 0; round < (major ? 3 : 1); round++) {
      rt.gc({ major });
      expect(rt.call("dataOf", e)).toBe(40 + k);
      expect(rt.call("isAlive", e)).toBe(1);
    }
    const emptiedBefore = rt.stats().heap.ephemerons.emptied;
    keys[order[0]!]!.free();
    rt.gc({ major });
    expect(rt.call("isAlive", e)).toBe(0);
    expect(rt.call("dataOf", e)).toBe(-1);
    expect(rt.stats().heap.ephemerons).toMatchObject({ emptied: emptiedBefore + 1, emptiedLastCollection: 1 });
    for (let step = 1; step < k; step++) {
      keys[order[step]!]!.free();
      rt.gc({ major });
      expect(rt.call("dataOf", e)).toBe(-1);
      expect(rt.stats().heap.ephemerons.emptiedLastCollection).toBe(0);
    }
    rt.checkSanity();
  });

  it("empties 10⁴ ephemerons whose keys die young, at the first minor collection, and counts them in stats()", async () => {
    await using rt = await start();
    const all = rt.adopt(rt.call("ephemeronsOnFreshKeys", 10_000) as number) as Block;
    // Keys and ephemerons were made across collections of the small nursery; some of the early ones may be emptied already.
    const slot = rt.slotOf(all);
    const before = rt.stats().heap.ephemerons;
    expect(before.live + before.emptied).toBeGreaterThanOrEqual(10_000);
    rt.gc({ major: false });
    expect(rt.call("aliveIn", slot)).toBe(0);
    const after = rt.stats().heap.ephemerons;
    expect(after.live).toBe(0);
    expect(after.emptied).toBe(10_000);
    rt.checkSanity();
  });

  it("refuses keys that are not a block of one or more objects, and reads of what is no ephemeron, with a trap naming the call", async () => {
    for (const [call, message] of [
      ["keysNotABlock", /ephemeronNew: 0x\w+ is not a block of one or more objects/],
      ["keysEmpty", /ephemeronNew: 0x\w+ is not a block of one or more objects/],
      ["keyNotAnObject", /ephemeronNew: 0x\w+ is not a block of one or more objects/],
      ["isAliveOfInt", /ephemeronIsAlive: 0x\w+ is not an ephemeron/],
    ] as const) {
      const rt = await start();
      expect(() => rt.call(call), call).toThrow(message);
      expect(rt.state).toBe("dead");
    }
    const rt = await start();
    const block = rt.block(0, [1]);
    expect(() => rt.call("dataOfNonEphemeron", rt.slotOf(block))).toThrow(/ephemeronData: 0x\w+ is not an ephemeron/);
    expect(rt.state).toBe("dead");
  });
});
