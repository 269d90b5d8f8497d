// The stress harness's options: defaults, validation, and the command line
// that reproduces a run.

import type { CoreBuild } from "../core/exports.js";
import { ArgumentError } from "../core/errors.js";
import { faultNames, type FaultName } from "../core/faults.js";
import { describe, refuseUnknownKeys } from "../core/options.js";
import { freshSeed, isSeed, MAX_SEED } from "../threads/random.js";
import { ALL_WORKLOADS, DEFAULT_WORKLOAD, entryText, WORKLOAD_SEPARATOR, workloadEntries } from "./registry.js";

/**
 * What each cycle does with its instance:
 *  - fresh:   start → workload → shutdown → drop;
 *  - restart: start → k × (workload → restart) → shutdown → drop, the same
 *             seeded workload in each of the k cycles;
 *  - mixed:   fresh cycles, with every restartEvery-th one a restart series.
 */
export const cycleModes = ["mixed", "fresh", "restart"] as const;
export type CycleMode = (typeof cycleModes)[number];

/** What progress a run reports, every few cycles. */
export interface StressProgress {
  /** Cycles completed. */
  readonly cycle: number;
  /** Cycles planned. */
  readonly cycles: number;
  readonly elapsedMs: number;
  /** Share of the run done, 0 to 1: cycles or time, whichever is further along. */
  readonly fraction: number;
  /** Resident set size at the last memory sample, bytes. */
  readonly rss: number;
}

/** Options of runStress; every field has a default. */
export interface StressOptions {
  /** Cycles to run (default 10,000). */
  cycles?: number;
  /** Stop after this many seconds even if cycles remain; 0: no time limit (default 180: the default run takes 72 s on two quiet cores, about 160 s on a busy machine). */
  seconds?: number;
  /**
   * Workload run in each cycle: a registered name, a comma-separated list of
   * them run in turn, one per instance (`name@N`: one turn in every N), or
   * `all` (every registered one)
   * (default DEFAULT_WORKLOAD; Note [Rotating workloads] in registry.ts).
   */
  workload?: string;
  /** Seed of the run; every cycle's work follows from it (default: fresh from the OS). */
  seed?: number;
  /** Faults to inject, to prove the checks notice them (default none). */
  inject?: readonly FaultName[];
  /** Cycle kinds (default `mixed`). */
  mode?: CycleMode;
  /** In mixed mode, every n-th cycle is a restart series, from cycle 0 (default 100). */
  restartEvery?: number;
  /** Restart cycles per restart series (default 32). */
  restarts?: number;
  /** Largest process-memory slope that passes, bytes per cycle (default 64). */
  slopeLimit?: number;
  /**
   * Largest RSS slope that passes, bytes per cycle (default: 4 × slopeLimit).
   * See Note [The RSS limit] in src/stress/checks.ts.
   */
  rssSlopeLimit?: number;
  /**
   * Fewest cycles a slope must be fitted over to be judged (default 2,000):
   * over a shorter span one step of the engine's own heap outweighs the
   * limit, so the slope is reported but not judged. See Note [Judged span]
   * in checks.ts.
   */
  minSlopeSpan?: number;
  /** Memory samples to aim for over the run (default 100). */
  samples?: number;
  /**
   * Share of the cycles, from the start, left out of the slope fits
   * (default 0.3); longer if a workload's first turn ends later (Note
   * [Every workload's first turn is warm-up] in checks.ts).
   */
  warmup?: number;
  /** Core build (default `release`). */
  build?: CoreBuild;
  /** Called every few cycles. */
  onProgress?: (progress: StressProgress) => void;
  /**
   * A user's plugin to stress instead of the registered workloads: its bytes
   * or compiled module (`--module FILE.wasm`). Each cycle calls `entry`
   * with `entryArgs` (docs/plugins.md). A module not built on the core is
   * instantiated bare, and only the checks that apply to it are judged.
   */
  module?: Uint8Array | ArrayBuffer | WebAssembly.Module;
  /** Where the module came from, for the report and the reproduce command. */
  modulePath?: string;
  /** The export each cycle calls (required with `module`). */
  entry?: string;
  /** Its arguments (numbers; default none). */
  entryArgs?: readonly number[];
}

/** The plugin a run stresses (StressOptions.module), resolved. */
export interface StressPlugin {
  readonly source: Uint8Array | ArrayBuffer | WebAssembly.Module;
  readonly path: string;
  readonly entry: string;
  readonly args: readonly number[];
}

/** StressOptions with every default filled in (onProgress excepted). */
export interface ResolvedStressOptions {
  readonly cycles: number;
  readonly seconds: number;
  readonly workload: string;
  readonly seed: number;
  readonly inject: readonly FaultName[];
  readonly mode: CycleMode;
  readonly restartEvery: number;
  readonly restarts: number;
  readonly slopeLimit: number;
  readonly rssSlopeLimit: number;
  readonly minSlopeSpan: number;
  readonly samples: number;
  readonly warmup: number;
  readonly build: CoreBuild;
  /** The plugin stressed instead of the workloads, if any. */
  readonly plugin?: StressPlugin;
}

/** The RSS limit's default, in slope limits. See Note [The RSS limit] in src/stress/checks.ts. */
export const RSS_LIMIT_FACTOR = 4;

export const STRESS_DEFAULTS = {
  cycles: 10_000,
  seconds: 180,
  workload: DEFAULT_WORKLOAD,
  mode: "mixed",
  restartEvery: 100,
  restarts: 32,
  slopeLimit: 64,
  minSlopeSpan: 2_000,
  samples: 100,
  warmup: 0.3,
  build: "release",
} as const satisfies Partial<ResolvedStressOptions>;

/** Upper bounds that keep a typo from asking for a year-long run. */
const MAX_CYCLES = 100_000_000;
const MAX_RESTARTS = 100_000;
const MAX_SAMPLES = 100_000;
/** A warm-up must leave something to fit. */
const MAX_WARMUP = 0.9;

const knownOptions = new Set([
  "cycles", "seconds", "workload", "seed", "inject", "mode", "restartEvery", "restarts",
  "slopeLimit", "rssSlopeLimit", "minSlopeSpan", "samples", "warmup", "build", "onProgress",
  "module", "modulePath", "entry", "entryArgs",
]);

function wholeNumber(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new ArgumentError(`stress: ${name} must be a whole number from ${min} to ${max}, got ${describe(value)}`);
  }
  return value;
}

function realNumber(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < min || value > max) {
    throw new ArgumentError(`stress: ${name} must be a number from ${min} to ${max}, got ${describe(value)}`);
  }
  return value;
}

/** A workload's name, a list of them or 'all', checked and written without spaces. */
function workloadChoice(value: unknown): string {
  if (value === ALL_WORKLOADS) return value;
  return workloadEntries(value).map(entryText).join(WORKLOAD_SEPARATOR);
}

/** Fills in defaults and refuses anything out of range, naming the option. */
export function resolveStressOptions(options: unknown): ResolvedStressOptions {
  const given = (options ?? {}) as Record<string, unknown>;
  if (typeof given !== "object" || Array.isArray(given)) {
    throw new ArgumentError(`stress: options must be an object, got ${describe(options)}`);
  }
  refuseUnknownKeys("stress", given, knownOptions);
  const pick = <K extends keyof typeof STRESS_DEFAULTS>(key: K): unknown => given[key] ?? STRESS_DEFAULTS[key];

  const inject = given.inject ?? [];
  if (!Array.isArray(inject)) throw new ArgumentError(`stress: inject must be an array of fault names, got ${describe(inject)}`);
  for (const fault of inject) {
    if (!(faultNames as readonly unknown[]).includes(fault)) {
      throw new ArgumentError(`stress: unknown fault ${describe(fault)}; known faults are ${faultNames.join(", ")}`);
    }
  }
  const mode = pick("mode");
  if (!(cycleModes as readonly unknown[]).includes(mode)) {
    throw new ArgumentError(`stress: mode must be one of ${cycleModes.join(", ")}, got ${describe(mode)}`);
  }
  const build = pick("build");
  if (build !== "release" && build !== "debug") throw new ArgumentError(`stress: build must be 'release' or 'debug', got ${describe(build)}`);
  const seed = given.seed ?? freshSeed();
  if (!isSeed(seed)) throw new ArgumentError(`stress: seed must be a whole number from 0 to ${MAX_SEED}, got ${describe(seed)}`);
  if (given.onProgress !== undefined && typeof given.onProgress !== "function") {
    throw new ArgumentError(`stress: onProgress must be a function, got ${describe(given.onProgress)}`);
  }
  const slopeLimit = realNumber("slopeLimit", pick("slopeLimit"), 0, Number.MAX_SAFE_INTEGER);
  const rssSlopeLimit = given.rssSlopeLimit === undefined ? RSS_LIMIT_FACTOR * slopeLimit : realNumber("rssSlopeLimit", given.rssSlopeLimit, 0, Number.MAX_SAFE_INTEGER);
  return {
    cycles: wholeNumber("cycles", pick("cycles"), 1, MAX_CYCLES),
    seconds: realNumber("seconds", pick("seconds"), 0, Number.MAX_SAFE_INTEGER),
    workload: workloadChoice(pick("workload")),
    seed,
    inject: [...new Set(inject as FaultName[])],
    mode: mode as CycleMode,
    restartEvery: wholeNumber("restartEvery", pick("restartEvery"), 1, MAX_CYCLES),
    restarts: wholeNumber("restarts", pick("restarts"), 2, MAX_RESTARTS),
    slopeLimit,
    rssSlopeLimit,
    minSlopeSpan: wholeNumber("minSlopeSpan", pick("minSlopeSpan"), 0, MAX_CYCLES),
    samples: wholeNumber("samples", pick("samples"), 1, MAX_SAMPLES),
    warmup: realNumber("warmup", pick("warmup"), 0, MAX_WARMUP),
    build,
    ...resolvePlugin(given),
  };
}

function resolvePlugin(given: Record<string, unknown>): { plugin?: StressPlugin } {
  const { module, modulePath, entry, entryArgs } = given;
  if (module === undefined) {
    if (entry !== undefined || entryArgs !== undefined) throw new ArgumentError("stress: entry names an export of a plugin; give the plugin too (module, or --module FILE.wasm)");
    return {};
  }
  if (!(module instanceof Uint8Array || module instanceof ArrayBuffer || module instanceof WebAssembly.Module)) {
    throw new ArgumentError(`stress: module must be a wasm module's bytes or a WebAssembly.Module, got ${describe(module)}`);
  }
  if (given.workload !== undefined) throw new ArgumentError("stress: a plugin (module) is the run's workload; leave workload out");
  if (typeof entry !== "string" || entry === "") throw new ArgumentError(`stress: with a plugin, entry must name the export each cycle calls (--entry NAME), got ${describe(entry)}`);
  const args = entryArgs ?? [];
  if (!Array.isArray(args) || args.some((a) => typeof a !== "number")) throw new ArgumentError(`stress: entryArgs must be an array of numbers, got ${describe(entryArgs)}`);
  if (modulePath !== undefined && typeof modulePath !== "string") throw new ArgumentError(`stress: modulePath must be a string, got ${describe(modulePath)}`);
  return { plugin: { source: module, path: modulePath ?? "(module)", entry, args: [...args] } };
}

/**
 * The command that repeats a run exactly: its seed, the cycles it completed
 * (with no time limit, so a slower machine runs them all) and every option
 * that differs from the default.
 */
export function reproduceCommand(options: ResolvedStressOptions, cyclesRun: number): string {
  const args = ["npx unloadable stress", `--seed ${options.seed}`, `--cycles ${Math.max(1, cyclesRun)}`, "--seconds 0"];
  if (options.plugin !== undefined) {
    args.push(`--module ${options.plugin.path}`, `--entry ${options.plugin.entry}`);
    if (options.plugin.args.length > 0) args.push(`--args ${options.plugin.args.join(",")}`);
  } else if (options.workload !== STRESS_DEFAULTS.workload) {
    args.push(`--workload ${options.workload}`);
  }
  if (options.mode !== STRESS_DEFAULTS.mode) args.push(`--mode ${options.mode}`);
  if (options.restartEvery !== STRESS_DEFAULTS.restartEvery) args.push(`--restart-every ${options.restartEvery}`);
  if (options.restarts !== STRESS_DEFAULTS.restarts) args.push(`--restarts ${options.restarts}`);
  if (options.slopeLimit !== STRESS_DEFAULTS.slopeLimit) args.push(`--slope-limit ${options.slopeLimit}`);
  if (options.rssSlopeLimit !== RSS_LIMIT_FACTOR * options.slopeLimit) args.push(`--rss-slope-limit ${options.rssSlopeLimit}`);
  if (options.minSlopeSpan !== STRESS_DEFAULTS.minSlopeSpan) args.push(`--min-slope-span ${options.minSlopeSpan}`);
  if (options.samples !== STRESS_DEFAULTS.samples) args.push(`--samples ${options.samples}`);
  if (options.warmup !== STRESS_DEFAULTS.warmup) args.push(`--warmup ${options.warmup}`);
  if (options.build !== STRESS_DEFAULTS.build) args.push(`--build ${options.build}`);
  for (const fault of options.inject) args.push(`--inject ${fault}`);
  return args.join(" ");
}
