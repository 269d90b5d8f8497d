// Run only by the small-stack configuration (vitest.small-stack.config.ts):
// proves the stack really is small there, and that the check catches a core
// that recurses over data (FAULT_SANITY_RECURSE), naming the core's frames.
import { expect, test } from "vitest";
import { CoreTrapError, Runtime, StackOverflowError } from "../src/index.js";
import { CoreFault } from "../src/core/exports.js";
import { withCore } from "../src/runtime.js";

/** Frames of a trivial JS recursion before the stack runs out. */
function depthLimit(): number {
  let depth = 0;
  const down = (): void => { depth++; down(); };
  try {
    down();
  } catch {
    // The overflow this measures.
  }
  return depth;
}

test("the stack is a quarter of Node's default or less", () => {
  expect(process.execArgv.some((arg) => arg.startsWith("--stack-size="))).toBe(true);
  // ~10,800 frames of this function at the default 984 KiB; ~2,700 at 246.
  expect(depthLimit()).toBeLessThan(4_000);
});

test("a sanity walk that recurses over a 10⁵-cell list overflows, is reported naming the core's frames, and discards only its runtime", async () => {
  const other = await Runtime.start();
  const rt = await Runtime.start({ build: "debug" });
  withCore(rt, "test", (core) => {
    core.test_build_list(100_000);
    core.fault_set(core.fault_get() | CoreFault.sanityRecurse);
  });
  let trap: unknown;
  try {
    rt.checkSanity();
  } catch (thrown) {
    trap = thrown;
  }
  expect(trap).toBeInstanceOf(CoreTrapError);
  const overflow = (trap as CoreTrapError).cause;
  expect(overflow).toBeInstanceOf(StackOverflowError);
  expect((overflow as StackOverflowError).pattern).toEqual(["assembly/sanity/checkListRecursively"]);
  expect((trap as CoreTrapError).message).toContain("stack overflow: recurring call pattern of 1 frame");
  expect(rt.state).toBe("dead");
  other.checkSanity();
  await other.shutdown();
});
