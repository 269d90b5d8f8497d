// What the stress harness runs inside each cycle, between init and exit, and
// the registry of every workload it knows by name.
//
// Note [Adding a workload]
// ~~~~~~~~~~~~~~~~~~~~~~~~
// A workload is one file in src/stress/workloads/ exporting a `Workload`, plus
// one line in `registry` below. The harness owns everything around it: it
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
// Note [Rotating workloads]
// ~~~~~~~~~~~~~~~~~~~~~~~~~
// `--workload` takes a name, a comma-separated list of names, or `all` (every
// registered workload). A list runs one workload per instance, in list order:
// fresh cycles take turns, and restart series take turns among themselves
// (counted apart, so that in mixed mode, where every restartEvery-th cycle is
// a series, a series is not always given the same workload). A name listed
// twice gets twice the turns. One workload per instance, rather than all of
// them in each cycle, keeps each instance started the way its workload asks
// and the cost of a cycle the average of the workloads, not their sum. Every
// cycle is still one seeded, reproducible unit.
//
// The default list is the workloads cheap enough for the default run's
// 10,000 cycles in under a minute on two cores: `pool-churn` (≈ 1 ms a cycle
// with start and exit) and `heap` (≈ 3.5 ms). `finalise` (≈ 5 ms, a library
// instantiated each cycle) is run by name: its RSS warm-up (≈ 11 MB over its
// first 300 cycles) spread over a short default run fails that run's slope.
// `pipeline` (≈ 670 ms a cycle)
// and `pipeline-short` (≈ 45 ms) are run by name.

import { ArgumentError } from "../errors.js";
import { describe } from "../options.js";
import type { Random } from "../random.js";
import type { RuntimeOptions } from "../options.js";
import type { Runtime } from "../runtime.js";
import type { ShutdownReport } from "../report.js";
import { heap } from "./workloads/heap.js";
import { poolChurn } from "./workloads/pool-churn.js";
import { pipeline, pipelineShort } from "./workloads/pipeline.js";
import { finalise } from "./workloads/finalise.js";

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

/** Every workload, by name: one line each. */
const registry: ReadonlyMap<string, Workload> = new Map<string, Workload>([
  [poolChurn.name, poolChurn],
  [pipeline.name, pipeline],
  [pipelineShort.name, pipelineShort],
  [heap.name, heap],
  [finalise.name, finalise],
]);

/** The name that selects every registered workload in turn. See Note [Rotating workloads]. */
export const ALL_WORKLOADS = "all";
/** Separates the names of a list of workloads run in turn. */
export const WORKLOAD_SEPARATOR = ",";

/** The workloads run when none is named, in turn. See Note [Rotating workloads]. */
export const DEFAULT_WORKLOAD = [poolChurn.name, heap.name].join(WORKLOAD_SEPARATOR);

/** Names of every registered workload, in registration order. */
export function workloadNames(): string[] {
  return [...registry.keys()];
}

/** What `--workload` accepts besides lists: each registered name, and ALL_WORKLOADS. */
export function workloadChoices(): string[] {
  return [...workloadNames(), ALL_WORKLOADS];
}

/**
 * The workloads `selection` names, in turn order: one registered name, a
 * comma-separated list of them, or ALL_WORKLOADS. Throws ArgumentError naming
 * the choices.
 */
export function workloadsNamed(selection: unknown): Workload[] {
  if (selection === ALL_WORKLOADS) return allWorkloads();
  if (typeof selection !== "string") return [workloadNamed(selection)];
  return selection.split(WORKLOAD_SEPARATOR).map((name) => workloadNamed(name.trim()));
}

/** Every registered workload, in registration order. */
export function allWorkloads(): Workload[] {
  return [...registry.values()];
}

/** The workload called `name`; throws ArgumentError naming the known ones. */
export function workloadNamed(name: unknown): Workload {
  const found = typeof name === "string" ? registry.get(name) : undefined;
  if (found === undefined) {
    throw new ArgumentError(`stress: unknown workload ${describe(name)}; known workloads are ${workloadNames().join(", ")} (or '${ALL_WORKLOADS}': each in turn)`);
  }
  return found;
}
