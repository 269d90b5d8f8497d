#!/usr/bin/env node
// The `unloadable` command. `unloadable stress` (also the default command,
// and `npm start`) runs the load/unload stress harness; see docs/stress.md.
//
// Exit codes: 0 PASS, 1 FAIL, 2 usage error (a bad option or value).
//
// Note [Re-executing with --expose-gc]
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
// The leak checks force garbage collections, which needs `gc()`, which only
// `node --expose-gc` provides. Rather than make every user remember the flag,
// the stress command, once its options have parsed, re-runs this same
// script with the flag added (same node, same arguments, stdio inherited)
// and exits with the child's code. REEXEC_ENV marks the child, so a node that
// ignores the flag fails with a message instead of re-executing forever.
//
// Note [Pinned young generation]
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
// The child also gets V8_MEASUREMENT_FLAGS, which fix the size of V8's young
// generation. Left to itself V8 grows its semi-spaces in steps of megabytes
// partway through a run, and one such step fitted over 7,000 cycles is
// 150–300 B/cycle of RSS "slope" that no byte of ours caused (seed 410563902:
// 181 B/cycle unpinned, −6.9 B/cycle pinned, external and JS heap flat both
// times). Pinning it measures our retention rather than V8's sizing policy.
// A user who runs `node --expose-gc` directly keeps V8's defaults.
//
// Note [Collections that finish before the reading]
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
// The child also runs V8's collector on the main thread alone
// (--single-threaded-gc). With its helper threads, the memory a forced gc()
// frees is sometimes released by a background thread after gc() has
// returned; on a loaded machine that thread can be starved past the sample's
// readings, and a dropped 1 MiB wasm memory then still counts in `external`
// (seen under two CPU-bound co-runners, test/stress-rotation's short run:
// a 1 MiB outlier in 2 of 8 runs and a failed external slope in 1 of 8; with
// the flag 16 of 16 passed, no outlier in the 8 printed). Single-threaded,
// gc() returns with the sweeping done, so a reading sees what it freed.
//
// Note [Fixed mmap threshold]
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~
// For the same reason the child gets MALLOC_MMAP_THRESHOLD_ (glibc; other C
// libraries ignore it) unless the user set it. glibc serves large requests
// with mmap, and each time such a block is freed it raises its threshold to
// that size, so that later requests of that size (zlib's and the pipeline's
// multi-megabyte buffers) come from the heap arenas instead, where freed
// memory stays resident and fragmentation ratchets the high-water mark up
// turn after turn. Measured, 8 `pipeline` cycles in one process, RSS after
// forced GC: 51 → 74 → 81 MB and still creeping with the dynamic threshold,
// 52 → 61 → 61 MB with it fixed at 128 KiB (V8's heap 6.5 → 8.4 MB both
// times); in a default run the creep was 94 B/cycle of RSS slope with
// external memory and the JS heap flat. A fixed threshold keeps the
// allocator's policy the same all run long; memory we keep still stays
// mapped and still shows.

import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { constants as osConstants } from "node:os";
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { ArgumentError, UnloadableError } from "./core/errors.js";
import { faultNames, type FaultName } from "./core/faults.js";
import { freshSeed, isSeed, MAX_SEED, Random } from "./threads/random.js";
import { runStress, type StressResult } from "./stress/harness.js";
import { cycleModes, RSS_LIMIT_FACTOR, STRESS_DEFAULTS, type CycleMode, type StressOptions } from "./stress/options.js";
import { renderReport } from "./stress/plot.js";
import { progressDisplay } from "./stress/progress.js";
import { formatSummary } from "./stress/summary.js";
import { ALL_WORKLOADS, allWorkloads, workloadChoices, workloadsNamed } from "./stress/registry.js";
import { packageInfo } from "./demo/package-root.js";
import { DEMO_PORT, startDemoServer } from "./demo/server.js";

const EXIT_FAIL = 1;
const EXIT_USAGE = 2;
const REEXEC_ENV = "UNLOADABLE_STRESS_REEXEC";
/** Signals passed on to the re-executed child rather than ending the parent first. */
const FORWARDED_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

interface StressCliOptions {
  cycles: number;
  seconds: number;
  workload: string;
  seed?: number;
  inject: FaultName[];
  mode: CycleMode;
  restartEvery: number;
  restarts: number;
  slopeLimit: number;
  rssSlopeLimit?: number;
  minSlopeSpan: number;
  samples: number;
  warmup: number;
  build: "release" | "debug";
  untilFailure?: boolean;
  maxRuns?: number;
  json?: string;
  report?: string;
  progress: boolean;
  module?: string;
  entry?: string;
  args?: number[];
}

function wholeNumber(min: number) {
  return (text: string): number => {
    const n = Number(text);
    if (!/^\s*\d+\s*$/.test(text) || !Number.isSafeInteger(n) || n < min) {
      throw new InvalidArgumentError(`expected a whole number ≥ ${min}, got '${text}'`);
    }
    return n;
  };
}

function realNumber(min: number, max: number) {
  return (text: string): number => {
    const n = Number(text);
    if (text.trim() === "" || !Number.isFinite(n) || n < min || n > max) {
      throw new InvalidArgumentError(`expected a number from ${min} to ${max}, got '${text}'`);
    }
    return n;
  };
}

function seedArgument(text: string): number {
  const n = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || !isSeed(n)) throw new InvalidArgumentError(`expected a seed from 0 to ${MAX_SEED}, got '${text}'`);
  return n;
}

function numberList(text: string): number[] {
  const items = text.split(",").map((t) => t.trim());
  const numbers = items.map(Number);
  if (items.some((t) => t === "") || numbers.some((n) => !Number.isFinite(n))) throw new InvalidArgumentError(`expected numbers separated by commas, got '${text}'`);
  return numbers;
}

/** The --module file's bytes, read once for the whole run (every cycle compiles nothing). */
function readModule(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (thrown) {
    throw new ArgumentError(`stress: cannot read --module ${path}: ${(thrown as Error).message}`);
  }
}

function faultArgument(text: string, previous: FaultName[]): FaultName[] {
  if (!(faultNames as readonly string[]).includes(text)) {
    throw new InvalidArgumentError(`unknown fault '${text}'; known faults are ${faultNames.join(", ")}`);
  }
  return [...previous, text as FaultName];
}

function workloadArgument(text: string): string {
  try {
    workloadsNamed(text);
  } catch (thrown) {
    if (!(thrown instanceof ArgumentError)) throw thrown;
    throw new InvalidArgumentError(`${thrown.message.replace(/^stress: /, "")} (known workloads: ${workloadChoices().join(", ")}; a comma-separated list of them, each optionally 'name@N': one turn in N)`);
  }
  return text;
}

function workloadHelp(): string {
  const lines = allWorkloads().map((w) => `  ${w.name.padEnd(14)} ${w.summary}`);
  lines.push(`  ${ALL_WORKLOADS.padEnd(14)} every workload above in turn, one per instance`);
  lines.push(`  a,b,…          the named workloads in turn, one per instance (default: ${STRESS_DEFAULTS.workload})`);
  lines.push(`  name@N         in a list: that workload takes one turn in every N, the others share the rest`);
  return lines.join("\n");
}

/** See Note [Pinned young generation]. */
/** Note [Pinned young generation] and Note [Collections that finish before the reading]. */
const V8_MEASUREMENT_FLAGS = ["--min-semi-space-size=1", "--max-semi-space-size=1", "--single-threaded-gc"];
/** See Note [Fixed mmap threshold]: glibc's default threshold, held there. */
const MALLOC_MMAP_THRESHOLD_ENV = "MALLOC_MMAP_THRESHOLD_";
const MALLOC_MMAP_THRESHOLD_BYTES = 128 << 10;

/** See Note [Re-executing with --expose-gc]. Resolves with the exit code to use. */
function reexecWithGc(): Promise<number> {
  if (process.env[REEXEC_ENV] === "1") {
    process.stderr.write("unloadable stress: gc() is still missing after re-executing with --expose-gc; run `node --expose-gc` yourself\n");
    return Promise.resolve(EXIT_USAGE);
  }
  const child = spawn(process.execPath, [...process.execArgv, "--expose-gc", ...V8_MEASUREMENT_FLAGS, ...process.argv.slice(1)], {
    stdio: "inherit",
    env: { [MALLOC_MMAP_THRESHOLD_ENV]: String(MALLOC_MMAP_THRESHOLD_BYTES), ...process.env, [REEXEC_ENV]: "1" },
  });
  const forward = (signal: NodeJS.Signals): void => {
    child.kill(signal);
  };
  for (const signal of FORWARDED_SIGNALS) process.on(signal, forward);
  return new Promise((resolve) => {
    child.on("error", (error) => {
      process.stderr.write(`unloadable stress: could not re-execute node with --expose-gc: ${error.message}\n`);
      resolve(EXIT_FAIL);
    });
    child.on("exit", (code, signal) => {
      for (const s of FORWARDED_SIGNALS) process.off(s, forward);
      // A child killed by a signal: report it the way a shell would, 128 + the signal's number.
      resolve(signal === null ? (code ?? EXIT_FAIL) : 128 + (osConstants.signals[signal] ?? 0));
    });
  });
}

function writeOutputs(result: StressResult, options: StressCliOptions): void {
  if (options.json !== undefined) {
    writeFileSync(options.json, JSON.stringify(result, null, 2) + "\n");
    process.stdout.write(`wrote ${options.json}\n`);
  }
  if (options.report !== undefined) {
    writeFileSync(options.report, renderReport(result, options.report));
    process.stdout.write(`wrote ${options.report}\n`);
  }
}

async function runOnce(options: StressCliOptions, seed: number, label: string, module: Uint8Array | undefined): Promise<StressResult> {
  const display = options.progress ? progressDisplay(process.stderr, label) : undefined;
  const stressOptions: StressOptions = {
    cycles: options.cycles,
    seconds: options.seconds,
    ...(module === undefined
      ? { workload: options.workload }
      : { module, modulePath: options.module!, ...(options.entry === undefined ? {} : { entry: options.entry }), entryArgs: options.args ?? [] }),
    seed,
    inject: options.inject,
    mode: options.mode,
    restartEvery: options.restartEvery,
    restarts: options.restarts,
    slopeLimit: options.slopeLimit,
    ...(options.rssSlopeLimit === undefined ? {} : { rssSlopeLimit: options.rssSlopeLimit }),
    minSlopeSpan: options.minSlopeSpan,
    samples: options.samples,
    warmup: options.warmup,
    build: options.build,
    ...(display === undefined ? {} : { onProgress: (p) => display.update(p) }),
  };
  try {
    return await runStress(stressOptions);
  } finally {
    display?.stop();
  }
}

async function stressCommand(options: StressCliOptions): Promise<number> {
  if (typeof (globalThis as { gc?: unknown }).gc !== "function") return reexecWithGc();
  const firstSeed = options.seed ?? freshSeed();
  if (options.entry !== undefined && options.module === undefined) throw new ArgumentError("stress: --entry names an export of a plugin; give the plugin with --module FILE.wasm");
  const module = options.module === undefined ? undefined : readModule(options.module);
  if (!options.untilFailure) {
    const result = await runOnce(options, firstSeed, "stress", module);
    process.stdout.write(formatSummary(result) + "\n");
    writeOutputs(result, options);
    return result.verdict === "PASS" ? 0 : EXIT_FAIL;
  }
  // Run-until-failure: the seeds follow from the first one, so the whole
  // sequence is reproducible too; each run's own seed is printed.
  const seeds = new Random(firstSeed);
  let seed = firstSeed;
  for (let run = 1; options.maxRuns === undefined || run <= options.maxRuns; run++) {
    const result = await runOnce(options, seed, `run ${run}`, module);
    if (result.verdict === "FAIL") {
      process.stdout.write(`run ${run}: FAIL with seed ${seed}\n\n${formatSummary(result)}\n`);
      writeOutputs(result, options);
      return EXIT_FAIL;
    }
    process.stdout.write(`run ${run}: PASS with seed ${seed} (${result.cyclesRun} cycles, ${(result.elapsedMs / 1000).toFixed(1)} s)\n`);
    seed = seeds.nextU32();
  }
  process.stdout.write(`no failure in ${options.maxRuns} runs (first seed ${firstSeed})\n`);
  return 0;
}

function buildProgram(): Command {
  const program = new Command("unloadable")
    .description("A managed WebAssembly runtime core that loads and unloads without leaking.")
    .version(packageInfo().version, "-V, --version", "print the version of unloadable")
    .exitOverride()
    .showHelpAfterError("(run with --help for every option)");

  program
    .command("stress", { isDefault: true })
    .description(
      "Load/unload stress: cycles of instantiate → init → workload → exit → drop, proving memory is reclaimed. " +
        "Checks, each printed with its figure: pool blocks/bytes outstanding after every exit; memory.size() growth " +
        "across in-instance restarts; every instance and WebAssembly.Memory collected after forced GC; process " +
        "memory (RSS, external, arrayBuffers) slope in bytes/cycle from a least-squares fit. Exits 0 on PASS, " +
        "1 on FAIL (printing the seed and the command that reproduces the run), 2 on a usage error.",
    )
    .addOption(new Option("-n, --cycles <n>", "cycles to run (instances loaded and unloaded)").argParser(wholeNumber(1)).default(STRESS_DEFAULTS.cycles))
    .addOption(new Option("-s, --seconds <s>", "stop after this many seconds if cycles remain (0: no time limit)").argParser(realNumber(0, Number.MAX_SAFE_INTEGER)).default(STRESS_DEFAULTS.seconds))
    .addOption(new Option("-w, --workload <name>", `work done in each cycle: ${workloadChoices().join(", ")}, or a comma-separated list run in turn`).argParser(workloadArgument).default(STRESS_DEFAULTS.workload))
    .addOption(new Option("--module <file>", "stress a plugin (a .wasm built on the core, docs/plugins.md) instead of the workloads; any other wasm module runs bare, with the checks that apply"))
    .addOption(new Option("--entry <name>", "with --module: the export each cycle calls"))
    .addOption(new Option("--args <list>", "with --module: the entry's arguments, numbers separated by commas").argParser(numberList))
    .addOption(new Option("--seed <n>", `seed of the run, 0 to ${MAX_SEED} (default: a fresh one, printed)`).argParser(seedArgument))
    .addOption(new Option("--inject <fault>", `inject a fault to prove the checks catch it (repeatable): ${faultNames.join(", ")}`).argParser(faultArgument).default([]))
    .addOption(new Option("--mode <kind>", "cycle kinds: mixed (fresh cycles, every --restart-every-th a restart series), fresh, or restart").choices(cycleModes).default(STRESS_DEFAULTS.mode))
    .addOption(new Option("--restart-every <n>", "in mixed mode, every n-th cycle (from cycle 0) is a restart series").argParser(wholeNumber(1)).default(STRESS_DEFAULTS.restartEvery))
    .addOption(new Option("--restarts <k>", "in-instance restart cycles per restart series (≥ 2)").argParser(wholeNumber(2)).default(STRESS_DEFAULTS.restarts))
    .addOption(new Option("--slope-limit <bytes>", "largest process-memory slope that passes, bytes per cycle").argParser(realNumber(0, Number.MAX_SAFE_INTEGER)).default(STRESS_DEFAULTS.slopeLimit))
    .addOption(new Option("--rss-slope-limit <bytes>", `largest RSS slope that passes, bytes per cycle (default: ${RSS_LIMIT_FACTOR} × the slope limit)`).argParser(realNumber(0, Number.MAX_SAFE_INTEGER)))
    .addOption(new Option("--min-slope-span <cycles>", "fewest cycles a slope must be fitted over to be judged; shorter fits are reported as n/a").argParser(wholeNumber(0)).default(STRESS_DEFAULTS.minSlopeSpan))
    .addOption(new Option("--samples <n>", "memory samples (each after forced GC) to aim for over the run").argParser(wholeNumber(1)).default(STRESS_DEFAULTS.samples))
    .addOption(new Option("--warmup <fraction>", "share of the cycles, from the start, left out of the slope fits (0 to 0.9)").argParser(realNumber(0, 0.9)).default(STRESS_DEFAULTS.warmup))
    .addOption(new Option("--build <build>", "core build").choices(["release", "debug"]).default(STRESS_DEFAULTS.build))
    .addOption(new Option("--until-failure", "repeat runs with new seeds (following from --seed) until one fails"))
    .addOption(new Option("--max-runs <n>", "with --until-failure, stop after n passing runs").argParser(wholeNumber(1)))
    .addOption(new Option("--json <file>", "write the full result (options, seed, checks, samples, fits) as JSON"))
    .addOption(new Option("--report <file>", "write a plot of memory against cycles with the fitted lines: .svg, or .html with the table"))
    .addOption(new Option("--no-progress", "no progress bar or progress lines"))
    .addHelpText("after", `\nWorkloads:\n${workloadHelp()}\n\nFaults (see docs/faults.md):\n  pool-leak      one 64 KiB block per init escapes the allocator ring\n  instance-leak  the host keeps every instance it creates\n  barrier-skip   the write barrier forgets old-to-young stores (caught by the heap workload)\n  mvar-pop       a put pops its MVar's queue head without the barrier, GHC 8.10.2's bug (caught by pipeline)\n\nExamples:\n  unloadable stress                          default run (about ${STRESS_DEFAULTS.cycles} cycles, at most ${STRESS_DEFAULTS.seconds} s)\n  unloadable stress --cycles 500 --seed 42   a short, reproducible run\n  unloadable stress --inject pool-leak       must FAIL: proves the pool check works\n  unloadable stress --module p.wasm --entry run --args 1000\n                                             prove a plugin gives its memory back\n  unloadable stress --report memory.html     plot memory against cycles`)
    .action(async (options: StressCliOptions) => {
      process.exitCode = await stressCommand(options);
    });

  program
    .command("demo")
    .description(
      "Serve the browser demo on 127.0.0.1: a page that runs load/unload cycles of the runtime in your browser, " +
        "draws memory against cycles and ends in PASS or FAIL (examples/browser/, docs/browser.md). Runs until interrupted.",
    )
    .addOption(new Option("-p, --port <n>", "port to listen on (0: any free port)").argParser(wholeNumber(0)).default(DEMO_PORT))
    .addOption(new Option("-n, --cycles <n>", "cycles the page runs").argParser(wholeNumber(10)).default(1000))
    .action(async (options: { port: number; cycles: number }) => {
      const server = await startDemoServer({ port: options.port });
      process.stdout.write(`unloadable demo: open ${server.pageUrl}?cycles=${options.cycles}\n(serving the package's page, library and core on 127.0.0.1 only; Ctrl-C to stop)\n`);
      await new Promise<void>((resolve) => {
        for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => resolve());
      });
      await server.close();
    });
  return program;
}

async function main(): Promise<void> {
  try {
    await buildProgram().parseAsync(process.argv);
  } catch (thrown) {
    if (thrown instanceof CommanderError) {
      // Help and version are not errors; anything else commander refused is a usage error.
      process.exitCode = thrown.exitCode === 0 ? 0 : EXIT_USAGE;
      return;
    }
    if (thrown instanceof ArgumentError) {
      process.stderr.write(`unloadable: ${thrown.message}\n`);
      process.exitCode = EXIT_USAGE;
      return;
    }
    const text = thrown instanceof UnloadableError ? thrown.message : thrown instanceof Error ? (thrown.stack ?? thrown.message) : String(thrown);
    process.stderr.write(`unloadable: ${text}\n`);
    process.exitCode = EXIT_FAIL;
  }
}

await main();
