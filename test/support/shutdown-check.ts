// Vitest setup file (vitest.config.ts): with UNLOADABLE_SHUTDOWN_CHECK=1, every
// runtime a test file left running is shut down when the file ends, with
// everything it holds still alive, and each such shutdown is checked: every
// custom block finalised exactly once, the pool empty (src/final/shutdown-check.ts).
// Without the variable it does nothing.

import { afterAll } from "vitest";
import { shutdownCheckEnabled, shutDownEveryRuntime } from "../../src/final/shutdown-check.js";

if (shutdownCheckEnabled) {
  afterAll(async () => {
    const summary = await shutDownEveryRuntime();
    if (summary.failures.length !== 0) {
      throw new AggregateError(summary.failures, `shutdown check: ${summary.failures.length} of ${summary.shutDown} runtime(s) left running failed their shutdown: ${summary.failures.map((f) => f.message).join(" | ")}`);
    }
  });
}
