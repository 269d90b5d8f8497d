// Issue 16, item 7: the model-based fuzzer (test/support/hostile-model.ts)
// over every public entry point with hostile values, sizes, options and
// callbacks. In `npm test` it runs a fixed number of runs from a fixed seed;
// `npm run fuzz` runs it longer, from a seed it prints (FUZZ_SEED and
// FUZZ_RUNS set both; see docs/errors.md, "The fuzzer").

import fc from "fast-check";
import { expect, it } from "vitest";
import { hostileCommands, runCommands } from "./support/hostile-model.js";

/** npm test: bounded and seeded, well under a minute. */
const CI_RUNS = 300;
const CI_SEED = 16;

const long = process.env.FUZZ_RUNS !== undefined;
const runs = long ? Number(process.env.FUZZ_RUNS) : CI_RUNS;
const seed = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : long ? Math.floor(Math.random() * 2 ** 31) : CI_SEED;

it(`every command either succeeds or is a package error that changed nothing (seed ${seed}, ${runs} runs)`, async () => {
  const counter = { commands: 0 };
  const started = performance.now();
  await fc.assert(fc.asyncProperty(hostileCommands, (commands) => runCommands(commands, counter)), { numRuns: runs, seed, verbose: 1 });
  const seconds = (performance.now() - started) / 1000;
  // The line `npm run fuzz` users quote: seed, runs, commands.
  console.log(`hostile fuzz: seed ${seed}, ${runs} runs, ${counter.commands} commands, ${seconds.toFixed(1)} s, no failure`);
  expect(counter.commands).toBeGreaterThan(runs);
}, long ? 24 * 3600_000 : 120_000);
