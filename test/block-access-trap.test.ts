// Note [Block access without a closure] (src/heap/block.ts): get and set
// call the core directly after context.enter; a trap there still goes
// through the runtime's guard, so the runtime is discarded as on any trap.

import { expect, test } from "vitest";
import { CoreTrapError, Runtime } from "../src/index.js";
import { withCore } from "../src/runtime.js";
import { handleSlot } from "../src/heap/handles.js";
import type { CoreExports } from "../src/core/exports.js";
import { thrownBy } from "./support/thrown.js";

test("a trap inside Block.get (called without run's closure) is a CoreTrapError and the runtime is dead", async () => {
  const rt = await Runtime.start();
  const b = rt.block(0, [1, 2]);
  // Forge the block's length (assembly/heap/layout.ts: length u32 at obj + 4) so field 2^26 lies past the memory's end.
  withCore(rt, "forge", (core) => {
    const obj = core.handle_get(handleSlot(b, "forge")) >>> 0;
    new Uint32Array(core.memory.buffer)[(obj + 4) >>> 2] = 2 ** 27;
  });
  expect(() => b.get(2 ** 26)).toThrow(CoreTrapError);
  expect(rt.state).toBe("dead");
});

// The core checks a forged heap_get/heap_set itself, inline, with its
// messages out of line (assembly/heap/exports.ts, liveBlock): each rule
// traps with the message that names it.
test.each([
  ["a freed slot", (core: CoreExports, live: number, _mvar: number, freed: number) => core.heap_get(freed, 0), /heap_get: \d+ is not a live handle/],
  ["a slot past the table", (core: CoreExports) => core.heap_set(123_456, 0, 1), /heap_set: 123456 is not a live handle/],
  ["a handle of an MVar", (core: CoreExports, _live: number, mvar: number) => core.heap_get(mvar, 0), /heap_get: handle \d+ does not hold a block \(0x[0-9a-f]+\)/],
  ["a field past the block's end", (core: CoreExports, live: number) => core.heap_set(live, 2, 1), /heap_set: field 2 is out of range for a block of 2/],
  ["a word that is no value", (core: CoreExports, live: number) => core.heap_set(live, 0, 0), /heap_set: 0x0 is not a value/],
] as const)("a forged core call with %s traps with the rule's message", async (_what, call, message) => {
  const rt = await Runtime.start();
  const b = rt.block(0, [1, 2]);
  const mv = rt.mvar();
  const gone = rt.block(0, []);
  const freed = handleSlot(gone, "test");
  gone.free();
  const e = thrownBy(() => withCore(rt, "forge", (core) => call(core, handleSlot(b, "test"), handleSlot(mv, "test"), freed))) as CoreTrapError;
  expect(e).toBeInstanceOf(CoreTrapError);
  expect(e.trap).toMatch(message);
  expect(rt.state).toBe("dead");
});
