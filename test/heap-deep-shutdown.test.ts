// The deep cases the small-stack run (vitest.small-stack.config.ts) adds to
// the existing ones: the sanity checker over a 10⁶-cell list, the shutdown
// of a deep heap whose cells carry custom blocks, and a shutdown wave of 10⁵
// finalise functions. Each is iterative in the core and in the host, so it
// passes at a quarter of Node's default stack (docs/stack-overflow.md).
import { expect, test } from "vitest";
import { Runtime } from "../src/index.js";
import { withCore } from "../src/runtime.js";

test("the sanity checker walks a 10⁶-cell list, before and after a major collection", async () => {
  const rt = await Runtime.start({ sanity: true });
  const n = 1_000_000;
  const list = withCore(rt, "test", (core) => core.test_build_list(n) >>> 0);
  rt.checkSanity();
  rt.gc({ major: true });
  rt.checkSanity();
  expect(withCore(rt, "test", (core) => core.test_check_list(list))).toBe(n);
  await rt.shutdown();
});

test("shutdown of a deep heap: a 10⁶-cell list still alive, custom blocks on it, a 10⁵-function finalise wave", async () => {
  const rt = await Runtime.start();
  withCore(rt, "test", (core) => core.test_build_list(1_000_000));
  let customs = 0;
  let finalised = 0;
  const count = 100_000;
  let head = rt.block(0, [0, null]);
  for (let i = 1; i < count; i++) {
    const next = rt.block(0, [i, head]);
    if (i % 10 === 0) next.set(0, rt.custom(i, () => { customs++; }));
    rt.finaliseLast(next, () => { finalised++; });
    head.free();
    head = next;
  }
  const report = await rt.shutdown();
  expect(finalised).toBe(count - 1);
  expect(customs).toBe(count / 10 - 1);
  expect([report.leakedBlocks, report.leakedBytes]).toEqual([0, 0]);
});
