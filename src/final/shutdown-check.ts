// The shutdown check: with UNLOADABLE_SHUTDOWN_CHECK=1 in the environment,
// every exit of every Runtime (shutdown and restart) verifies that each
// custom block made in the cycle was finalised exactly once, that each
// finalise / finaliseLast / weak function ran exactly once (or was made by
// the shutdown wave and dropped, as documented), and that the pool
// came back empty, and throws ShutdownCheckError when not; and every runtime
// still running when the test file ends is shut down then, with everything it
// holds still alive (test/support/shutdown-check.ts, a vitest setup file).
// After OCaml's CI running its whole test suite with OCAMLRUNPARAM=c=1, which
// makes every program call caml_shutdown at exit. `npm run test:shutdown-check`
// runs the suite this way; CI runs it after `npm test`.
//
// Runtimes are tracked strongly from start to their end only while the
// switch is on; off, nothing is tracked and nothing is checked.

import { environmentVariable } from "../core/environment.js";
import { LeakError, ShutdownCheckError } from "../core/errors.js";
import type { Finalisers } from "./finalisers.js";
import type { ShutdownReport } from "../core/report.js";

/** The environment variable that turns the check on ("1"). */
export const SHUTDOWN_CHECK_ENV = "UNLOADABLE_SHUTDOWN_CHECK";

/** Read once: the switch is for whole runs, like OCAMLRUNPARAM. */
export const shutdownCheckEnabled = environmentVariable(SHUTDOWN_CHECK_ENV) === "1";

/** What the check needs of a runtime to shut it down at the end. */
export interface CheckedRuntime {
  readonly state: "running" | "shutdown" | "dead";
  shutdown(): Promise<ShutdownReport>;
}

const running = new Set<CheckedRuntime>();
let exitsChecked = 0;
let customBlocksChecked = 0;

/** A runtime started (tracked only while the switch is on). */
export function trackRuntime(rt: CheckedRuntime): void {
  if (shutdownCheckEnabled) running.add(rt);
}

/** A runtime ended (shut down, or died). */
export function untrackRuntime(rt: CheckedRuntime): void {
  running.delete(rt);
}

/**
 * Checks one exit: a ShutdownCheckError naming every broken promise, or
 * undefined. `faulted`: a fault injection broke the runtime on purpose,
 * nothing to check. The runtime throws it once its state is settled.
 */
export function checkExit(report: ShutdownReport, finalisers: Finalisers | undefined, faulted: boolean): ShutdownCheckError | undefined {
  if (!shutdownCheckEnabled || faulted || report.trap !== undefined) return undefined;
  // A pool that did not come back empty is already a LeakError, thrown by the
  // runtime in every mode; the check does not pre-empt it.
  if (report.leakedBlocks !== 0 || report.leakedBytes !== 0) return undefined;
  exitsChecked++;
  customBlocksChecked += finalisers?.createdCount ?? 0;
  const problems = exitProblems(report, finalisers);
  return problems.length === 0 ? undefined : new ShutdownCheckError(problems);
}

/** What an exit broke of the check's promises, one line each; empty when nothing. */
export function exitProblems(report: ShutdownReport, finalisers: Pick<Finalisers, "createdCount" | "finalisedCount" | "duplicates" | "functionsRegisteredCount" | "functionsRunCount"> | undefined): string[] {
  const problems: string[] = [];
  if (finalisers !== undefined) {
    if (finalisers.finalisedCount !== finalisers.createdCount) {
      problems.push(`${finalisers.createdCount} custom block(s) were made but ${finalisers.finalisedCount} finalised`);
    }
    // Each registration runs once, or was made during the shutdown wave and is dropped (docs/finalisers.md).
    const accounted = finalisers.functionsRunCount + report.finalisersDropped;
    if (accounted !== finalisers.functionsRegisteredCount) {
      problems.push(`${finalisers.functionsRegisteredCount} finalise / finaliseLast / weak function(s) were registered but ${finalisers.functionsRunCount} ran and ${report.finalisersDropped} were dropped`);
    }
    if (finalisers.duplicates !== 0) problems.push(`${finalisers.duplicates} finaliser(s) came up to run a second time`);
  }
  if (report.customBlocksUnfinalised !== 0) problems.push(`${report.customBlocksUnfinalised} custom block(s) were still unfinalised when the pool was destroyed`);
  if (report.leakedBlocks !== 0 || report.leakedBytes !== 0) problems.push(`the pool still counted ${report.leakedBlocks} block(s) / ${report.leakedBytes} byte(s) after destroy`);
  return problems;
}

/** What shutting down the leftovers found. */
export interface ShutdownCheckSummary {
  /** Runtimes still running that were shut down now. */
  readonly shutDown: number;
  /** Exits checked so far in this process (these included). */
  readonly exitsChecked: number;
  /** Custom blocks whose exactly-once finalisation was verified so far. */
  readonly customBlocksChecked: number;
  /** The checks that failed while shutting the leftovers down. */
  readonly failures: readonly Error[];
}

/** Shuts down every runtime still running, with everything still alive, checking each. */
export async function shutDownEveryRuntime(): Promise<ShutdownCheckSummary> {
  const failures: Error[] = [];
  let shutDown = 0;
  for (const rt of [...running]) {
    running.delete(rt);
    if (rt.state !== "running") continue;
    shutDown++;
    try {
      await rt.shutdown();
    } catch (thrown) {
      // A ShutdownCheckError, or a LeakError: the pool did not come back empty.
      if (thrown instanceof ShutdownCheckError || thrown instanceof LeakError) failures.push(thrown);
    }
  }
  return { shutDown, exitsChecked, customBlocksChecked, failures };
}
