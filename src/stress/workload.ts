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
// run() settles, or the instance-collection check fails, rightly.

import { ArgumentError } from "../errors.js";
import { describe } from "../options.js";
import type { Random } from "../random.js";
import type { Runtime } from "../runtime.js";
import { poolChurn } from "./workloads/pool-churn.js";

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
}

/** One kind of work the harness can run in each cycle. See Note [Adding a workload]. */
export interface Workload {
  /** The name given to `--workload`: lower-case, words joined by '-'. */
  readonly name: string;
  /** One line for `--help`. */
  readonly summary: string;
  /** Runs one cycle's work. A thrown error fails the run (it is reported, with the seed). */
  run(context: WorkloadContext): WorkloadOutcome | Promise<WorkloadOutcome>;
}

/** Every workload, by name: one line each. */
const registry: ReadonlyMap<string, Workload> = new Map<string, Workload>([
  [poolChurn.name, poolChurn],
]);

/** The workload used when none is named. */
export const DEFAULT_WORKLOAD = poolChurn.name;

/** Names of every registered workload, in registration order. */
export function workloadNames(): string[] {
  return [...registry.keys()];
}

/** Every registered workload, in registration order. */
export function allWorkloads(): Workload[] {
  return [...registry.values()];
}

/** The workload called `name`; throws ArgumentError naming the known ones. */
export function workloadNamed(name: unknown): Workload {
  const found = typeof name === "string" ? registry.get(name) : undefined;
  if (found === undefined) {
    throw new ArgumentError(`stress: unknown workload ${describe(name)}; known workloads are ${workloadNames().join(", ")}`);
  }
  return found;
}
