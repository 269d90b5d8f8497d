import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Forks, not threads: the leak checks need `gc()` and a process of their own.
    pool: "forks",
    // --single-threaded-gc: gc() returns with its sweeping done, so the leak
    // checks' readings see what it freed (Note [Collections that finish
    // before the reading], src/cli.ts).
    execArgv: ["--expose-gc", "--single-threaded-gc"],
    // UNLOADABLE_SHUTDOWN_CHECK=1 (npm run test:shutdown-check): shut down what each file left running.
    setupFiles: ["test/support/shutdown-check.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
