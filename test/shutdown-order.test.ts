// The shutdown order (Note [Shutdown order], assembly/lifecycle.ts): custom
// finalisers run while their libraries are still loaded, host references are
// released, then libraries are unloaded and the pool destroyed; and the
// ShutdownReport counts each step.

import { expect, test } from "vitest";
import { FinaliserError, Runtime } from "../src/index.js";
import { Ledger, loadTestlib } from "./support/testlib.js";

test("a custom finaliser in a library runs before that library is unloaded", async () => {
  const rt = await Runtime.start();
  const ledger = new Ledger();
  const lib = await loadTestlib(rt, ledger);
  const loadedWhenRun: boolean[] = [];
  for (let i = 0; i < 10; i++) rt.custom(lib.call("open") as number, lib.finaliser("finalise"));
  rt.custom(0, () => loadedWhenRun.push(lib.loaded));
  expect(ledger.open.size).toBe(10);
  const report = await rt.shutdown();
  expect(loadedWhenRun).toEqual([true]);
  expect(ledger.open.size).toBe(0);
  expect(ledger.closed).toBe(10);
  expect(report.customBlocksFinalised).toBe(11);
  expect(report.librariesUnloaded).toBe(1);
  expect(report.finaliserErrors).toBe(0);
  expect(lib.loaded).toBe(false);
});

test("the ShutdownReport counts every step", async () => {
  const errors: FinaliserError[] = [];
  const rt = await Runtime.start({ onFinaliserError: (e) => errors.push(e) });
  const ledger = new Ledger();
  const lib = await loadTestlib(rt, ledger);
  await loadTestlib(rt, new Ledger());
  let hostRuns = 0;
  // Still alive at shutdown: 5 library blocks, 3 host blocks (one throws), 4 host references.
  const keep = rt.block(0, [{ a: 1 }, { b: 2 }, Symbol("c"), () => 4]);
  for (let i = 0; i < 5; i++) rt.custom(lib.call("open") as number, lib.finaliser("finalise"));
  rt.custom(1, () => hostRuns++);
  rt.custom(new Uint8Array([9]), () => hostRuns++);
  rt.custom(3, function throwsAtShutdown() {
    throw new Error("at shutdown");
  });
  // Step (1)'s wave: three functions on a live value; one makes a custom block, which step (2) finalises.
  const wave: string[] = [];
  rt.finalise(keep, () => {
    wave.push("finalise");
    rt.custom(4, () => hostRuns++);
  });
  rt.weak(keep, 0, () => wave.push("weak"));
  rt.finaliseLast(keep, () => wave.push("finaliseLast"));
  // Dead before shutdown: finalised by a collection, not counted at shutdown.
  rt.custom(lib.call("open") as number, lib.finaliser("finalise")).free();
  rt.gc();
  expect(ledger.open.size).toBe(5);
  const pool = rt.stats().pool;
  const report = await rt.shutdown();
  expect(report.finalisersRun).toBe(3);
  expect(report.finalisersDropped).toBe(0);
  expect(wave).toEqual(["finalise", "weak", "finaliseLast"]);
  expect(report.customBlocksFinalised).toBe(9);
  expect(report.customBlocksUnfinalised).toBe(0);
  expect(report.hostRefsReleased).toBe(4);
  expect(report.librariesUnloaded).toBe(2);
  expect(report.finaliserErrors).toBe(1);
  expect(report.finaliserFailures).toEqual([{ phase: "shutdown", finaliser: "throwsAtShutdown", message: "Error: at shutdown" }]);
  expect(errors.map((e) => e.phase)).toEqual(["shutdown"]);
  // The wave allocated (a custom block, the due queues): the destroy freed at least what was outstanding before.
  expect(report.blocksFreed).toBeGreaterThanOrEqual(pool.blocks);
  expect(report.bytesFreed).toBeGreaterThanOrEqual(pool.bytes);
  expect(report.leakedBlocks).toBe(0);
  expect(report.leakedBytes).toBe(0);
  expect(hostRuns).toBe(3);
  expect(ledger.open.size).toBe(0);
  expect(keep.freed).toBe(false);
});

test("a finaliser that throws at shutdown is reported and shutdown completes with nothing leaked", async () => {
  const rt = await Runtime.start({ onFinaliserError: () => {} });
  const ledger = new Ledger();
  const lib = await loadTestlib(rt, ledger);
  for (let i = 0; i < 50; i++) {
    if (i % 5 === 0) rt.custom(i, () => {
      throw new Error(`fails ${i}`);
    });
    else rt.custom(lib.call("open") as number, lib.finaliser("finalise"));
  }
  const report = await rt.shutdown();
  expect(report.finaliserErrors).toBe(10);
  expect(report.customBlocksFinalised).toBe(50);
  expect(report.leakedBlocks).toBe(0);
  expect(ledger.open.size).toBe(0);
  expect(rt.state).toBe("shutdown");
});

test("a runtime that never made a custom block or loaded a library reports zeros", async () => {
  const rt = await Runtime.start();
  const report = await rt.shutdown();
  expect(report).toMatchObject({ customBlocksFinalised: 0, customBlocksUnfinalised: 0, librariesUnloaded: 0, finaliserErrors: 0, finaliserFailures: [] });
});
