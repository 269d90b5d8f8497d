// The two finalisation faults break the shutdown order on purpose, and what
// they break shows: skipping heap finalisation leaves custom blocks
// unfinalised and library resources open; unloading libraries first makes
// every library finaliser an error.

import { afterEach, expect, test } from "vitest";
import { FinaliserError, Runtime } from "../src/index.js";
import { setHostFault } from "../src/core/faults.js";
import { Ledger, loadTestlib } from "./support/testlib.js";

afterEach(() => {
  setHostFault("skip-heap-finalisation", false);
  setHostFault("unload-libraries-early", false);
});

test("skip-heap-finalisation: the report counts the custom blocks left unfinalised", async () => {
  const rt = await Runtime.start();
  const ledger = new Ledger();
  const lib = await loadTestlib(rt, ledger);
  for (let i = 0; i < 4; i++) rt.custom(lib.call("open") as number, lib.finaliser("finalise"));
  let hostRuns = 0;
  rt.custom(1, () => hostRuns++);
  setHostFault("skip-heap-finalisation", true);
  const report = await rt.shutdown();
  expect(report.customBlocksFinalised).toBe(0);
  expect(report.customBlocksUnfinalised).toBe(5);
  expect(hostRuns).toBe(0);
  expect(ledger.open.size).toBe(4);
  expect(report.leakedBlocks).toBe(0); // the pool itself still comes back
});

test("unload-libraries-early: a finaliser whose library is gone is an error", async () => {
  const errors: FinaliserError[] = [];
  const rt = await Runtime.start({ onFinaliserError: (e) => errors.push(e) });
  const ledger = new Ledger();
  const lib = await loadTestlib(rt, ledger);
  for (let i = 0; i < 3; i++) rt.custom(lib.call("open") as number, lib.finaliser("finalise"));
  setHostFault("unload-libraries-early", true);
  const report = await rt.shutdown();
  expect(report.finaliserErrors).toBe(3);
  expect(report.customBlocksFinalised).toBe(3);
  expect(report.librariesUnloaded).toBe(1);
  expect(errors[0]!.message).toMatch(/testlib\.finalise: the library was unloaded before this finaliser ran; a finaliser must never outlive its code/);
  expect(ledger.open.size).toBe(3);
});
