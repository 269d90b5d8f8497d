// What the stress harness runs inside each cycle, between init and exit: the
// contract between the harness and a workload. The registry of every workload
// by name, and the rotation among them, are in src/stress/registry.ts.
//
// Note [Adding a workload]
// ~~~~~~~~~~~~~~~~~~~~~~~~
// A workload is one file in src/stress/workloads/ exporting a `Workload`, plus
// one line in `registry` (src/stress/registry.ts). The harness owns everything around it: it
// starts the runtime, hands the workload a seeded generator for the cycle,
// checks sanity afterwards, shuts down and proves the memory came back. The
// workload's only duties are to exercise the runtime, to verify its own data
// (a corrupting runtime must fail the run, not just a leaking one), and to
// report what it did. It may leave anything it allocated alive on purpose:
// exit must reclaim it. It must not keep any reference to the runtime after
// run() settles, or the instance-collection check fails, rightly. A workload
// that needs the runtime started a certain way (the heap workload wants the
// smallest nursery and the sanity checker on) says so in `runtimeOptions`.
//

import type { Random } from "../threads/random.js";
import type { RuntimeOptions } from "../core/options.js";
import type { Runtime } from "../runtime.js";
import type { ShutdownReport } from "../core/report.js";

/** What a workload gets for one cycle. */
export interface WorkloadContext {
  /** The runtime, started and initialised; the harness exits it afterwards. */
  readonly runtime: Runtime;
  /**
   * This cycle's generator. In a restart series every cycle gets a generator
   * with the same seed, so each cycle repeats the same work exactly.
   */
  readonly random: Random;
  /** Index of the cycle in the run, from 0. */
  readonly cycle: number;
}

/** What a workload reports about one cycle. */
export interface WorkloadOutcome {
  /** Operations performed on the runtime. */
  readonly operations: number;
  /** Verifications performed on the workload's own data. */
  readonly verifications: number;
  /** The first verification that failed, described; absent when all held. */
  readonly violation?: string;
  /** Blocks (or objects) deliberately left alive for exit to reclaim. */
  readonly blocksLeft: number;
  /** Bytes deliberately left alive for exit to reclaim. */
  readonly bytesLeft: number;
  /**
   * Named counts of what the cycle did (collections, graph checks, …), summed
   * over the run per workload and printed with the summary, so a run shows
   * the work it claims to have done.
   */
  readonly figures?: Readonly<Record<string, number>>;
  /**
   * Checks what only the exit can show (resources a library held, counted
   * by a ledger that outlives it): called by the harness with the report of
   * the exit that ends this cycle; returns a violation, or undefined. It
   * must not hold the runtime.
   */
  readonly afterExit?: (report: ShutdownReport) => string | undefined;
  /**
   * True: the cycle's finalisers fail on purpose and afterExit checks their
   * errors exactly, so the harness does not fail the cycle for them (the
   * hostile workload, Note [Hostile workload checks]).
   */
  readonly checksFinaliserErrors?: boolean;
}

/** One kind of work the harness can run in each cycle. See Note [Adding a workload]. */
export interface Workload {
  /** The name given to `--workload`: lower-case, words joined by '-'. */
  readonly name: string;
  /** One line for `--help`. */
  readonly summary: string;
  /**
   * Options the harness starts this workload's runtimes with, beside its own
   * (build); e.g. a small nursery and the sanity checker.
   */
  readonly runtimeOptions?: Omit<RuntimeOptions, "build">;
  /** Runs one cycle's work. A thrown error fails the run (it is reported, with the seed). */
  run(context: WorkloadContext): WorkloadOutcome | Promise<WorkloadOutcome>;
}
