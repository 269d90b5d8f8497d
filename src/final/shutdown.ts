// The host's steps of the shutdown order, run by Runtime at every exit
// (shutdown and restart) before the core's last rt_exit destroys the pool.
// The order and its reasons are Note [Shutdown order] in assembly/lifecycle.ts;
// step (0), rejecting blocked operations, is the scheduler's (runtime.ts runs
// it first).

import type { CoreExports } from "../core/exports.js";
import type { Finalisers } from "./finalisers.js";
import { hostFaultOn } from "../core/faults.js";

/** What the host's steps did, for the ShutdownReport. */
export interface ExitSteps {
  readonly finalisersRun: number;
  readonly finalisersDropped: number;
  readonly hostRefsReleased: number;
  readonly customBlocksFinalised: number;
  readonly librariesUnloaded: number;
}

/**
 * Steps (1)–(4): finalise (one wave of finalise/finaliseLast functions, then
 * every live custom block), release host references, unload libraries. The
 * faults `skip-heap-finalisation` and `unload-libraries-early` break this on
 * purpose (docs/faults.md).
 */
export function runExitSteps(finalisers: Finalisers | undefined, core: CoreExports, releaseHostRefs: () => number): ExitSteps {
  let librariesUnloaded = 0;
  if (finalisers !== undefined && hostFaultOn("unload-libraries-early")) librariesUnloaded += finalisers.unloadLibraries();
  let customBlocksFinalised = 0;
  let finalisersRun = 0;
  let finalisersDropped = 0;
  if (finalisers !== undefined && !hostFaultOn("skip-heap-finalisation")) {
    // (1) one wave of every finalise / finaliseLast registration and weak
    // finaliser, alive or not; they may still use the heap.
    finalisersRun = finalisers.runWave(core);
    finalisersDropped = finalisers.dropFunctions();
    // (2) every custom block still alive, exactly once (those the wave made
    // included); library finalisers among them still find their library loaded.
    customBlocksFinalised = finalisers.finaliseAll(core);
  }
  // (3) the JS values the heap held; no finaliser can reach them any more.
  const hostRefsReleased = releaseHostRefs();
  // (4) no finaliser is left to outlive its code.
  if (finalisers !== undefined) librariesUnloaded += finalisers.unloadLibraries();
  return { finalisersRun, finalisersDropped, hostRefsReleased, customBlocksFinalised, librariesUnloaded };
}
