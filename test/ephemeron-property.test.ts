// Model-based property for ephemerons: random keys held and dropped,
// ephemerons of 1 to 3 keys whose data is a number or another key (chains),
// minor and major collections, against a plain reachability model, sanity
// after every collection. After a major collection an ephemeron is alive
// exactly when the model says so; after a minor one, every ephemeron the
// model says is alive still derefs to its data (a minor collection may or
// may not have cleared one whose key died in an old generation).

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Block, type Ephemeron, Runtime } from "../src/index.js";

const KEYS = 6;

type Command =
  | { readonly op: "drop"; readonly key: number }
  | { readonly op: "ephemeron"; readonly keys: readonly number[]; readonly data: number | { readonly key: number } }
  | { readonly op: "free"; readonly ephemeron: number }
  | { readonly op: "gc"; readonly major: boolean };

const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ op: fc.constant("drop" as const), key: fc.nat(KEYS - 1) }) },
  {
    weight: 4,
    arbitrary: fc.record({
      op: fc.constant("ephemeron" as const),
      keys: fc.uniqueArray(fc.nat(KEYS - 1), { minLength: 1, maxLength: 3 }),
      data: fc.oneof(fc.integer({ min: 0, max: 999 }), fc.record({ key: fc.nat(KEYS - 1) })),
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("free" as const), ephemeron: fc.nat(20) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("gc" as const), major: fc.boolean() }) },
);

interface Entry {
  readonly handle: Ephemeron;
  readonly keys: readonly number[];
  readonly data: number | { readonly key: number };
  /** Held by a handle (not freed): only held ephemerons keep their data. */
  held: boolean;
  /** The model says a collection has emptied it. */
  dead: boolean;
}

/** Keys alive: held, or the data of a held, live ephemeron whose keys are all alive (to a fixpoint). */
function aliveKeys(held: boolean[], entries: Entry[]): boolean[] {
  const alive = held.slice();
  for (let changed = true; changed;) {
    changed = false;
    for (const e of entries) {
      if (!e.held || e.dead || typeof e.data === "number" || alive[e.data.key]) continue;
      if (e.keys.every((k) => alive[k])) {
        alive[e.data.key] = true;
        changed = true;
      }
    }
  }
  return alive;
}

describe("ephemeron model", () => {
  it("agrees with reachability through minor and major collections", async () => {
    await fc.assert(fc.asyncProperty(fc.array(command, { maxLength: 50 }), async (program) => {
      const rt = await Runtime.start({ sanity: true, nursery: 64 << 10 });
      try {
        const keys: (Block | undefined)[] = [];
        const held: boolean[] = [];
        for (let k = 0; k < KEYS; k++) {
          keys.push(rt.block(0, [k]));
          held.push(true);
        }
        const entries: Entry[] = [];
        for (const c of program) {
          if (c.op === "drop") {
            keys[c.key]?.free();
            keys[c.key] = undefined;
            held[c.key] = false;
          } else if (c.op === "ephemeron") {
            const key = (k: number): Block | undefined => keys[k];
            const dataKey = typeof c.data === "number" ? undefined : key(c.data.key);
            if (c.keys.some((k) => key(k) === undefined) || (typeof c.data !== "number" && dataKey === undefined)) continue;
            const handle = rt.ephemeron(c.keys.map((k) => key(k)!), dataKey ?? c.data);
            entries.push({ handle, keys: c.keys, data: c.data, held: true, dead: false });
          } else if (c.op === "free") {
            const e = entries[c.ephemeron % Math.max(1, entries.length)];
            if (e?.held) {
              e.handle.free();
              e.held = false;
            }
          } else {
            rt.gc({ major: c.major });
            const alive = aliveKeys(held, entries);
            for (const e of entries) {
              if (!e.held) continue;
              const live = !e.dead && e.keys.every((k) => alive[k]);
              if (c.major && !live) e.dead = true;
              if (live) {
                const got = e.handle.deref();
                if (typeof e.data === "number") expect(got).toBe(e.data);
                else {
                  expect((got as Block).get(0)).toBe(e.data.key);
                  (got as Block).free();
                }
              } else if (c.major) {
                expect(e.handle.dead).toBe(true);
              }
            }
          }
        }
        rt.checkSanity();
      } finally {
        await rt.shutdown().catch(() => {});
      }
    }), { numRuns: 80 });
  });
});
