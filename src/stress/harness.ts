// The load/unload stress runner: cycles of instantiate → init → workload →
// exit → drop, and the evidence that every byte came back.
//
// Note [Cycle kinds]
// ~~~~~~~~~~~~~~~~~~
// A fresh cycle proves the host side: the instance, its WebAssembly.Memory
// and everything the host holds for it are collected once dropped, and the
// process does not grow. A restart series proves the core side: one instance
// runs k cycles of the same seeded workload with exit → init in between, and
// memory.size() after cycles 2..k must not exceed its size after cycle 1
// (See Note [Restart without growth] in assembly/lifecycle.ts). The default
// (`mixed`) interleaves them: cycle 0 and every restartEvery-th cycle after it
// are a restart series, the rest fresh, so every run proves both and the
// process-memory fit sees both. Each cycle of the run, either kind, is one
// instance loaded and unloaded; the pool check counts every exit, restarts
// included.
//
// Note [Faults]
// ~~~~~~~~~~~~~
// `pool-leak` is the core's fault: set with fault_set() just after start,
// then one restart, so that the init that opens the measured work is the one
// that leaks (the first init ran before the switch could be set). That extra
// restart is an honest exit and is counted. `instance-leak` is the host's:
// the Runtime keeps every core it creates. Both are switched off, and the
// kept instances released, when the run ends, however it ends.
// `barrier-skip` is the heap's: every runtime is started with
// `faults: { skipBarrier: 'old-to-young' }`, so its write barrier forgets
// old-to-young stores; only a workload that makes such stores (`heap`) can
// show it, and the sanity checker or the workload's own graph comparison
// must. `mvar-pop` likewise starts every runtime with
// `faults: { skipBarrier: 'mvar-pop' }`: a put pops its MVar's queue head
// without the barrier (GHC 8.10.2's bug), which `pipeline` shows.
// See docs/faults.md.
//
// Note [Runaway guard]
// ~~~~~~~~~~~~~~~~~~~~
// A leak of whole instances (each 1–6 MiB of wasm memory) would take a
// 10,000-cycle run to tens of gigabytes. When a sample finds external memory
// or RSS more than RUNAWAY_BYTES above the first sample, the run stops there:
// the leak is already proven by the checks, and the evidence so far is what
// gets reported.

import { CoreFault } from "../core/exports.js";
import { isStackOverflow, readOverflow } from "../core/stack-overflow.js";
import { instantiateSync } from "@assemblyscript/loader";
import { ArgumentError, LeakError, PluginError, SanityError, UnloadableError } from "../core/errors.js";
import { checkAbi } from "../core/plugin.js";
import { setHostFault } from "../core/faults.js";
import { Random } from "../threads/random.js";
import type { ShutdownReport } from "../core/report.js";
import { coreOf, releaseLeakedInstances, Runtime, withCore } from "../runtime.js";
import { observeLibraryInstances } from "../final/library.js";
import { evaluateChecks, fitSeries, overallVerdict, warmupEnd, type CheckResult, type SeriesFit } from "./checks.js";
import { Evidence, type WorkloadTally } from "./evidence.js";
import { fitRegions } from "./region-fits.js";
import type { RssRegion } from "./rss-regions.js";
import { MemoryProbe, type MemorySample, type MemorySeries } from "./memory-probe.js";
import { reproduceCommand, resolveStressOptions, type ResolvedStressOptions, type StressOptions, type StressPlugin } from "./options.js";
import { PLUGIN_WORKLOAD, pluginWorkload } from "./workloads/plugin.js";
import { Rotation, workloadEntries } from "./registry.js";
import { type Workload } from "./workload.js";

/** Host faults that break the shutdown order (docs/faults.md), on for the whole run when injected. */
const FINALISATION_FAULTS = ["skip-heap-finalisation", "unload-libraries-early"] as const;

/** Cycles between yields to the event loop, for finalisation callbacks and the progress bar. */
const SETTLE_EVERY = 16;
/** See Note [Runaway guard]. */
export const RUNAWAY_BYTES = 1 << 30;
/** Forced collections in a row that find nothing more before the final count is taken as final. */
const FINAL_STALE_ROUNDS = 3;

/** Why a run stopped. */
export type StopReason = "cycles" | "seconds" | "runaway";

/** Everything a run found; plain data, safe to JSON.stringify. */
export interface StressResult {
  readonly verdict: "PASS" | "FAIL";
  readonly options: ResolvedStressOptions;
  /** Cycles completed (instances loaded and unloaded). */
  readonly cyclesRun: number;
  /** init → exit cycles, restarts included. */
  readonly exits: number;
  readonly operations: number;
  readonly elapsedMs: number;
  readonly stoppedBy: StopReason;
  /**
   * Samples before this cycle are warm-up, left out of the fits: the
   * `warmup` share of the cycles, or the end of the last workload's first
   * turn if later (Note [Every workload's first turn is warm-up], checks.ts).
   */
  readonly warmupCycles: number;
  readonly checks: readonly CheckResult[];
  /** What each workload did, in the order first run. */
  readonly workloads: readonly WorkloadTally[];
  readonly fits: Readonly<Record<MemorySeries, SeriesFit | undefined>>;
  /** Each RSS region's slope over the same span; absent without /proc/self/smaps (Note [RSS by region], rss-regions.ts). */
  readonly regionFits?: Readonly<Record<RssRegion, SeriesFit>>;
  readonly samples: readonly MemorySample[];
  /** The command that repeats this run. */
  readonly reproduce: string;
}

/** Runs the stress harness in this process (which needs `--expose-gc`). */
export async function runStress(options?: StressOptions): Promise<StressResult> {
  const resolved = resolveStressOptions(options);
  const plugin = resolved.plugin === undefined ? undefined : await preparePlugin(resolved.plugin);
  const runner = new StressRun(resolved, options?.onProgress, plugin);
  try {
    return await runner.run();
  } finally {
    runner.cleanUp();
  }
}

class StressRun {
  readonly #options: ResolvedStressOptions;
  readonly #onProgress: StressOptions["onProgress"];
  /** Taken in turn, fresh cycles and restart series apart; See Note [Rotating workloads] in registry.ts. */
  readonly #freshTurns: Rotation;
  readonly #seriesTurns: Rotation;
  readonly #probe = new MemoryProbe();
  readonly #evidence = new Evidence();
  readonly #seeds: Random;
  readonly #poolLeak: boolean;
  /** The workload's check of the exit that ends its cycle (WorkloadOutcome.afterExit). */
  #afterExit: ((report: ShutdownReport) => string | undefined) | undefined;
  /** The workload checks its finaliser errors itself (WorkloadOutcome.checksFinaliserErrors). */
  #finaliserErrorsChecked = false;
  readonly #stopObservingLibraries: () => void;
  readonly #barrierSkip: boolean;
  readonly #mvarPop: boolean;
  /** Cycles between memory samples, and the time between them, whichever comes first. */
  readonly #sampleEvery: number;
  readonly #sampleEveryMs: number;
  #started = 0;
  #lastSampleMs = 0;

  /** A module not built on the core, run bare: Note [Stressing a foreign module]. */
  readonly #foreign: ForeignModule | undefined;

  constructor(options: ResolvedStressOptions, onProgress: StressOptions["onProgress"], plugin: PreparedPlugin | undefined) {
    this.#options = options;
    this.#onProgress = onProgress;
    this.#foreign = plugin?.kind === "foreign" ? plugin : undefined;
    if (this.#foreign !== undefined) this.#evidence.skipped = FOREIGN_SKIPPED;
    const entries = plugin?.kind === "plugin" ? [{ workload: plugin.workload, period: 1 }] : workloadEntries(options.workload);
    this.#freshTurns = new Rotation(entries);
    this.#seriesTurns = new Rotation(entries);
    this.#seeds = new Random(options.seed);
    this.#poolLeak = options.inject.includes("pool-leak");
    this.#barrierSkip = options.inject.includes("barrier-skip");
    this.#mvarPop = options.inject.includes("mvar-pop");
    this.#sampleEvery = Math.max(1, Math.floor(options.cycles / options.samples));
    this.#sampleEveryMs = options.seconds > 0 ? (options.seconds * 1000) / options.samples : Infinity;
    if (options.inject.includes("instance-leak")) setHostFault("instance-leak", true);
    for (const fault of FINALISATION_FAULTS) if (options.inject.includes(fault)) setHostFault(fault, true);
    this.#stopObservingLibraries = observeLibraryInstances((instance) => this.#probe.trackLibrary(instance));
  }

  async run(): Promise<StressResult> {
    const { cycles, seconds } = this.#options;
    const deadline = seconds > 0 ? seconds * 1000 : Infinity;
    this.#started = performance.now();
    let stoppedBy: StopReason = "cycles";
    let cycle = 0;
    let first: MemorySample | undefined;
    while (cycle < cycles) {
      if (this.#foreign !== undefined) await this.#foreignCycle(cycle, this.#foreign);
      else if (this.#isRestartSeries(cycle)) await this.#restartSeries(cycle);
      else await this.#freshCycle(cycle);
      cycle++;
      const elapsed = performance.now() - this.#started;
      if (cycle % this.#sampleEvery === 0 || elapsed - this.#lastSampleMs >= this.#sampleEveryMs || cycle === cycles) {
        const sample = await this.#sample(cycle);
        first ??= sample;
        if (sample.external - first.external > RUNAWAY_BYTES || sample.rss - first.rss > RUNAWAY_BYTES) {
          stoppedBy = "runaway";
          break;
        }
      } else if (cycle % SETTLE_EVERY === 0) {
        await this.#probe.settle();
      }
      if (cycle % SETTLE_EVERY === 0) this.#progress(cycle);
      if (performance.now() - this.#started >= deadline && cycle < cycles) {
        stoppedBy = "seconds";
        break;
      }
    }
    if (this.#evidence.samples.at(-1)?.cycle !== cycle) await this.#sample(cycle);
    this.#progress(cycle);
    const elapsedMs = performance.now() - this.#started;
    await this.#countCollections();
    return this.#result(cycle, elapsedMs, stoppedBy);
  }

  /** Switches faults off and lets kept instances go, so nothing outlives the run. */
  cleanUp(): void {
    setHostFault("instance-leak", false);
    for (const fault of FINALISATION_FAULTS) setHostFault(fault, false);
    this.#stopObservingLibraries();
    releaseLeakedInstances();
    this.#probe.close();
  }

  #isRestartSeries(cycle: number): boolean {
    const { mode, restartEvery } = this.#options;
    return mode === "restart" || (mode === "mixed" && cycle % restartEvery === 0);
  }

  async #start(cycle: number, workload: Workload): Promise<Runtime> {
    const rt = await Runtime.start({
      ...workload.runtimeOptions,
      // A plugin carries its own core: the build option is the default core's.
      ...(workload.runtimeOptions?.module === undefined ? { build: this.#options.build } : {}),
      ...(this.#barrierSkip ? { faults: { skipBarrier: "old-to-young" } } : {}),
      ...(this.#mvarPop ? { faults: { skipBarrier: "mvar-pop" } } : {}),
    });
    this.#probe.track(coreOf(rt, "stress"));
    if (this.#poolLeak) {
      // See Note [Faults]: the switch acts from the next init on.
      withCore(rt, "stress --inject pool-leak", (core) => core.fault_set(CoreFault.poolLeak));
      await this.#restart(rt, cycle);
    }
    return rt;
  }

  /** One cycle of work plus the sanity check; false if the runtime died. */
  async #work(rt: Runtime, workload: Workload, random: Random, cycle: number): Promise<boolean> {
    try {
      const outcome = await workload.run({ runtime: rt, random, cycle });
      this.#afterExit = outcome.afterExit;
      this.#finaliserErrorsChecked = outcome.checksFinaliserErrors === true;
      this.#evidence.workload(cycle, outcome, workload.name);
      rt.checkSanity();
      this.#evidence.sanityChecks++;
      return true;
    } catch (thrown) {
      this.#evidence.violation(cycle, describeFailure(thrown));
      if (thrown instanceof SanityError) this.#evidence.sanityChecks++;
      return rt.state === "running";
    }
  }

  async #restart(rt: Runtime, cycle: number): Promise<ShutdownReport | undefined> {
    return this.#ending(cycle, () => rt.restart());
  }

  async #shutdown(rt: Runtime, cycle: number): Promise<void> {
    await this.#ending(cycle, () => rt.shutdown());
  }

  /** Records an exit's report; a LeakError is evidence, not an error of the harness. */
  async #ending(cycle: number, end: () => Promise<ShutdownReport>): Promise<ShutdownReport | undefined> {
    const afterExit = this.#afterExit;
    const errorsChecked = this.#finaliserErrorsChecked;
    this.#afterExit = undefined;
    this.#finaliserErrorsChecked = false;
    let report: ShutdownReport;
    try {
      report = await end();
    } catch (thrown) {
      if (!(thrown instanceof LeakError)) {
        this.#evidence.violation(cycle, describeFailure(thrown));
        return undefined;
      }
      report = thrown.report;
    }
    // A runtime that died from a trap has no exit to judge; the trap is already a violation.
    if (report.trap === undefined) {
      this.#evidence.exit(cycle, report);
      this.#judgeFinalisation(cycle, report, afterExit, errorsChecked);
    }
    return report;
  }

  /**
   * Every exit finalises every custom block, with no finaliser failing, and
   * the workload's own after-exit check holds (docs/finalisers.md).
   */
  #judgeFinalisation(cycle: number, report: ShutdownReport, afterExit: ((report: ShutdownReport) => string | undefined) | undefined, errorsChecked: boolean): void {
    if (report.finaliserErrors !== 0 && !errorsChecked) {
      const first = report.finaliserFailures[0];
      this.#evidence.violation(cycle, `${report.finaliserErrors} finaliser(s) failed in the cycle; first: ${first?.finaliser} (${first?.phase}): ${first?.message}`);
    }
    if (report.customBlocksUnfinalised !== 0) this.#evidence.violation(cycle, `the exit destroyed the pool with ${report.customBlocksUnfinalised} custom block(s) never finalised`);
    const violation = afterExit?.(report);
    if (violation !== undefined) this.#evidence.violation(cycle, violation);
  }

  async #freshCycle(cycle: number): Promise<void> {
    const workload = this.#freshTurns.next();
    const rt = await this.#start(cycle, workload);
    await this.#work(rt, workload, this.#seeds.fork(), cycle);
    await this.#shutdown(rt, cycle);
    this.#evidence.turnEnded(workload.name, cycle);
  }

  /** See Note [Cycle kinds]. */
  async #restartSeries(cycle: number): Promise<void> {
    const workload = this.#seriesTurns.next();
    const rt = await this.#start(cycle, workload);
    const seed = this.#seeds.nextU32();
    const pages: number[] = [];
    for (let k = 0; k < this.#options.restarts; k++) {
      if (!(await this.#work(rt, workload, new Random(seed), cycle))) break;
      const report = await this.#restart(rt, cycle);
      if (report === undefined) break;
      pages.push(report.memoryPages);
    }
    this.#evidence.restartSeriesEnded(cycle, pages);
    await this.#shutdown(rt, cycle);
    this.#evidence.turnEnded(workload.name, cycle);
  }

  /** See Note [Stressing a foreign module]. */
  async #foreignCycle(cycle: number, foreign: ForeignModule): Promise<void> {
    let instance: WebAssembly.Instance | undefined;
    try {
      instance = instantiateSync(foreign.module, {}).instance;
      this.#probe.trackForeign(instance);
      const fn = instance.exports[foreign.entry];
      if (typeof fn !== "function") throw new ArgumentError(`stress: the module has no function export '${foreign.entry}'`);
      (fn as (...args: number[]) => unknown)(...foreign.args);
      this.#evidence.operations++;
    } catch (thrown) {
      this.#evidence.violation(cycle, describeFailure(thrown));
    }
    instance = undefined;
    this.#evidence.turnEnded(PLUGIN_WORKLOAD, cycle);
  }

  async #sample(cycle: number): Promise<MemorySample> {
    const sample = await this.#probe.sample(cycle);
    this.#evidence.samples.push(sample);
    this.#lastSampleMs = performance.now() - this.#started;
    return sample;
  }

  #progress(cycle: number): void {
    if (this.#onProgress === undefined) return;
    const { cycles, seconds } = this.#options;
    const elapsedMs = performance.now() - this.#started;
    const byTime = seconds > 0 ? elapsedMs / (seconds * 1000) : 0;
    this.#onProgress({
      cycle,
      cycles,
      elapsedMs,
      fraction: Math.min(1, Math.max(cycle / cycles, byTime)),
      rss: this.#evidence.samples.at(-1)?.rss ?? 0,
    });
  }

  /** The final count of collected instances and memories. See Note [Counting collections] in memory-probe.ts. */
  async #countCollections(): Promise<void> {
    await this.#probe.collectAll(FINAL_STALE_ROUNDS);
    const e = this.#evidence;
    e.instancesTracked = this.#probe.instancesTracked;
    e.librariesTracked = this.#probe.librariesTracked;
    e.librariesCollected = this.#probe.librariesCollected;
    e.instancesCollected = this.#probe.instancesCollected;
    e.memoriesTracked = this.#probe.memoriesTracked;
    e.memoriesCollected = this.#probe.memoriesCollected;
  }

  #result(cyclesRun: number, elapsedMs: number, stoppedBy: StopReason): StressResult {
    const e = this.#evidence;
    const warmupCycles = warmupEnd(cyclesRun, this.#options.warmup, e.firstTurnsEnd);
    const fits = fitSeries(e, warmupCycles);
    const regionFits = fitRegions(e.samples, warmupCycles);
    const checks = evaluateChecks(e, { slopeLimit: this.#options.slopeLimit, rssSlopeLimit: this.#options.rssSlopeLimit, minSlopeSpan: this.#options.minSlopeSpan, warmupCycles }, fits);
    return {
      verdict: overallVerdict(checks),
      options: this.#options,
      cyclesRun,
      exits: e.exits,
      operations: e.operations,
      elapsedMs,
      stoppedBy,
      warmupCycles,
      checks,
      workloads: [...e.workloads.values()],
      fits,
      ...(regionFits === undefined ? {} : { regionFits }),
      samples: e.samples,
      reproduce: reproduceCommand(this.#options, cyclesRun),
    };
  }
}

// Note [Stressing a foreign module]
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
// `--module` takes any wasm module. One built on the core (its ABI checked,
// Note [A plugin is checked before it runs], src/core/plugin.ts) runs as a
// workload in a Runtime like any other, with every check. One that is not
// has no pool, no init/exit and no heap to check: each cycle instantiates it
// bare (through @assemblyscript/loader, which supplies the imports an
// AssemblyScript module takes: env.abort, env.trace, env.seed), calls the
// entry and drops the instance. Instances and memories collected and the
// process-memory slopes still apply, and do judge it; the pool, restart and
// integrity checks are reported as skipped, with the reason, never as passed.

/** Why the checks that need the core are skipped for a module not built on it. */
const FOREIGN_SKIPPED = "skipped: the module is not built on the unloadable core (no pool, no init/exit, no heap to check)";

/** A --module run's workload: a plugin on the core, or a bare module. */
type PreparedPlugin = { readonly kind: "plugin"; readonly workload: Workload } | ForeignModule;

interface ForeignModule {
  readonly kind: "foreign";
  readonly module: WebAssembly.Module;
  readonly entry: string;
  readonly args: readonly number[];
}

/** Compiles the run's module once and decides how to run it. */
async function preparePlugin(plugin: StressPlugin): Promise<PreparedPlugin> {
  const module = plugin.source instanceof WebAssembly.Module ? plugin.source : await WebAssembly.compile(plugin.source as BufferSource);
  try {
    checkAbi(module);
  } catch (thrown) {
    const exports = WebAssembly.Module.exports(module);
    // Built on another version of the core: a usage error, not a bare module.
    if (!(thrown instanceof PluginError) || exports.some((e) => e.name === "abi_version")) throw thrown;
    if (!exports.some((e) => e.name === plugin.entry && e.kind === "function")) {
      throw new ArgumentError(`stress: the module has no function export '${plugin.entry}'; its functions are ${exports.filter((e) => e.kind === "function").map((e) => e.name).join(", ") || "(none)"}`);
    }
    return { kind: "foreign", module, entry: plugin.entry, args: plugin.args };
  }
  return { kind: "plugin", workload: pluginWorkload(module, plugin.entry, plugin.args, plugin.path) };
}

function describeFailure(thrown: unknown): string {
  // A StackOverflowError (or a CoreTrapError it caused) names the recurring pattern in its message.
  if (thrown instanceof UnloadableError) return `${thrown.name} (${thrown.code}): ${thrown.message}`;
  // The harness's own code or a workload's overflowed outside any runtime call: the frames it has.
  if (isStackOverflow(thrown)) return `stack overflow outside the runtime: ${readOverflow(thrown).summary}`;
  if (thrown instanceof Error) return `${thrown.name}: ${thrown.message}`;
  return String(thrown);
}
