// The registry of every workload the stress harness knows by name, the
// `--workload` selection grammar, and the rotation among the selected ones.
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
// A name may carry a period, `name@N`: that workload takes one turn in every
// N (turns N−1, 2N−1, …), and the workloads without a period share the other
// turns as above. A workload that costs a hundred times the others (the
// pipeline, ≈ 670 ms a cycle) can so be in every run without owning half of
// it. Periods are counted apart for fresh cycles and for restart series,
// like the turns; a period longer than the run's series never takes one.
// Two periodic workloads due on the same turn take consecutive turns, in
// list order. A list needs a workload without a period, and the periods'
// shares (1/N each) must leave it turns.
//
// The default list (DEFAULT_WORKLOAD) runs every workload the issues ask
// `npm start` to pass, in 95 s on two cores at load average 2 (2026-12-06, hostile included; about 160 s loaded):
// `pool-churn` (≈ 1 ms a cycle with start and exit), `heap` (≈ 3.5 ms),
// `finalise` (≈ 6 ms, up to three library instances a cycle), `hostile`
// (bad input mixed into real work) in turn, and
// the full `pipeline` (≈ 670 ms) once every PIPELINE_PERIOD turns: about 40
// cycles of 4 MiB each in a 10,000-cycle run. `pipeline-short` (≈ 45 ms) is CI's form (npm test).

import { ArgumentError } from "../core/errors.js";
import { describe } from "../core/options.js";
import { heap } from "./workloads/heap.js";
import { poolChurn } from "./workloads/pool-churn.js";
import { pipeline, pipelineShort } from "./workloads/pipeline.js";
import { finalise } from "./workloads/finalise.js";
import { hostile } from "./workloads/hostile.js";

import type { Workload } from "./workload.js";

/** Every workload, by name: one line each. */
const registry: ReadonlyMap<string, Workload> = new Map<string, Workload>([
  [poolChurn.name, poolChurn],
  [pipeline.name, pipeline],
  [pipelineShort.name, pipelineShort],
  [heap.name, heap],
  [finalise.name, finalise],
  [hostile.name, hostile],
]);

/** The name that selects every registered workload in turn. See Note [Rotating workloads]. */
export const ALL_WORKLOADS = "all";
/** Separates the names of a list of workloads run in turn. */
export const WORKLOAD_SEPARATOR = ",";

/** Marks a workload's period in a list: `pipeline@250`. See Note [Rotating workloads]. */
export const PERIOD_MARK = "@";
/** The default run's pipeline: one turn in this many. See Note [Rotating workloads]. */
export const PIPELINE_PERIOD = 250;
/** Largest period accepted. */
const MAX_PERIOD = 1_000_000;

/** The workloads run when none is named, in turn. See Note [Rotating workloads]. */
export const DEFAULT_WORKLOAD = [poolChurn.name, heap.name, finalise.name, hostile.name, `${pipeline.name}${PERIOD_MARK}${PIPELINE_PERIOD}`].join(WORKLOAD_SEPARATOR);

/** A workload in a list, with its period: 1 takes its share of the regular turns, N ≥ 2 one turn in N. */
export interface WorkloadEntry {
  readonly workload: Workload;
  readonly period: number;
}

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
  return workloadEntries(selection).map((entry) => entry.workload);
}

/**
 * The entries of `selection`, each with its period (`name@N`; See Note
 * [Rotating workloads]); throws ArgumentError for an unknown name, a bad
 * period, or periods that leave the other workloads no turns.
 */
export function workloadEntries(selection: unknown): WorkloadEntry[] {
  if (selection === ALL_WORKLOADS) return allWorkloads().map((workload) => ({ workload, period: 1 }));
  if (typeof selection !== "string") return [{ workload: workloadNamed(selection), period: 1 }];
  const entries = selection.split(WORKLOAD_SEPARATOR).map((item) => workloadEntry(item.trim()));
  let share = 0;
  for (const entry of entries) if (entry.period > 1) share += 1 / entry.period;
  if (entries.every((entry) => entry.period > 1) || share >= 1) {
    throw new ArgumentError(`stress: the workload list '${selection}' leaves no turns to workloads without a period: list at least one without '${PERIOD_MARK}N', and keep the periods' shares (1/N each) under 1`);
  }
  return entries;
}

function workloadEntry(item: string): WorkloadEntry {
  const mark = item.indexOf(PERIOD_MARK);
  if (mark < 0) return { workload: workloadNamed(item), period: 1 };
  const text = item.slice(mark + 1).trim();
  const period = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(period) || period < 2 || period > MAX_PERIOD) {
    throw new ArgumentError(`stress: the period in '${item}' must be a whole number from 2 to ${MAX_PERIOD} (one turn in that many), got ${describe(text)}`);
  }
  return { workload: workloadNamed(item.slice(0, mark).trim()), period };
}

/** An entry as written in a list: `name` or `name@N`. */
export function entryText(entry: WorkloadEntry): string {
  return entry.period === 1 ? entry.workload.name : `${entry.workload.name}${PERIOD_MARK}${entry.period}`;
}

/**
 * Hands out the workloads of a list turn by turn. See Note [Rotating
 * workloads]: a periodic entry is due on turns period−1, 2·period−1, …, and
 * a due entry takes the turn; otherwise the entries without a period take
 * the turn in list order.
 */
export class Rotation {
  readonly #regular: Workload[] = [];
  readonly #periodic: WorkloadEntry[] = [];
  /** Periodic workloads due and not yet run, oldest first. */
  readonly #due: Workload[] = [];
  #turn = 0;
  #regularTurn = 0;

  constructor(entries: readonly WorkloadEntry[]) {
    for (const entry of entries) {
      if (entry.period > 1) this.#periodic.push(entry);
      else this.#regular.push(entry.workload);
    }
    if (this.#regular.length === 0) throw new ArgumentError("stress: a workload rotation needs at least one workload without a period");
  }

  /** The workload of the next turn. */
  next(): Workload {
    const turn = this.#turn++;
    for (const entry of this.#periodic) if (turn % entry.period === entry.period - 1) this.#due.push(entry.workload);
    const due = this.#due.shift();
    if (due !== undefined) return due;
    return this.#regular[this.#regularTurn++ % this.#regular.length]!;
  }
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
