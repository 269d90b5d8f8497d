// Note [Block access without a closure] (src/heap/block.ts): get and set
// call the core directly after context.enter; a trap there still goes
// through the runtime's guard, so the runtime is discarded as on any trap.

import { expect, test } from "vitest";
import { CoreTrapError, Runtime } from "../src/index.js";
import { withCore } from "../src/runtime.js";
import { handleSlot } from "../src/heap/handles.js";

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
