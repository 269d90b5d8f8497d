// The deep cases under a quarter of Node's default stack (--stack-size=246,
// in KiB; the default is 984): the core and the host never recurse over
// data, and this run is the check (docs/stack-overflow.md). `npm test` runs
// it after the main suite.
import { defineConfig } from "vitest/config";
import base from "./vitest.config.js";

export default defineConfig({
  test: {
    ...base.test,
    include: [
      "test/heap-deep-list.test.ts",
      "test/heap-deep-shutdown.test.ts",
      "test/mvar-million.test.ts",
      "test/scheduler-stack.test.ts",
      "test/finalise-order.test.ts",
      "test/small-stack.check.ts",
    ],
    execArgv: [...(base.test?.execArgv ?? []), "--stack-size=246"],
  },
});
