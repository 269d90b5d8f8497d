// Runtime.start's options: defaults, and validation that says what was wrong.

import { ArgumentError, type FinaliserError } from "./errors.js";
import type { CoreBuild } from "./exports.js";
import type { PluginImports, PluginSource } from "./plugin.js";
import { describe, snapshotOptions } from "./user.js";

export { describe };

export interface RuntimeOptions {
  /**
   * Bytes the runtime may have outstanding at once (allocator ring); an
   * allocation beyond it fails. Default: unlimited (4 GiB).
   */
  maxHeap?: number;
  /** Which build of the core: `release` (default) or `debug` (assertions on). */
  build?: CoreBuild;
  /**
   * Bytes of the nursery, where every object starts (like GHC's `-A`).
   * Default 1 MiB; at least 64 KiB; a multiple of 8.
   */
  nursery?: number;
  /** Generations beyond the nursery, 2 to 16 (like GHC's `-G`). Default 2. */
  generations?: number;
  /** Run the heap sanity checker after every collection (slow; for tests). Default false. */
  sanity?: boolean;
  /**
   * Fault injection, for tests of the checkers only: never in production.
   * `skipBarrier: 'old-to-young'` makes the write barrier forget stores that
   * create a pointer from an old object into a younger generation, which the
   * sanity checker must then report (docs/heap.md, "Fault injection").
   * `skipBarrier: 'mvar-pop'` makes a put pop its MVar's queue head without
   * the barrier, GHC 8.10.2's bug (docs/mvar.md). `stale` makes the
   * collector forget to update a weak pointer's value or a finaliser
   * registration (docs/finalisers.md, "Checks").
   */
  faults?: HeapFaults;
  /**
   * Chaos seed (32-bit unsigned): extra minor collections at pseudo-random
   * MVar allocation points, and woken threads resumed now or after a
   * pseudo-random number of event-loop turns. The same seed and program give
   * the same interleaving (docs/mvar.md, "Seeded chaos"). Default: no chaos.
   */
  seed?: number;
  /**
   * Called with each FinaliserError: a finaliser (custom block, finalise,
   * finaliseLast, weak pointer) that threw. The others still run. Default: a
   * process warning. Every error is also counted in stats().finalisers and
   * the ShutdownReport (docs/finalisers.md).
   */
  onFinaliserError?: (error: FinaliserError) => void;
  /**
   * A plugin to run instead of the default core: the bytes of a module built
   * on the core's AssemblyScript API, or the module compiled (docs/plugins.md).
   * Each source object is compiled and checked once, then every runtime
   * started with it gets a fresh instance. A module that is not built on this
   * version of the core is refused with PluginError.
   */
  module?: PluginSource;
  /** The plugin's own imports, beside the core's `env.abort` and `env.now` (which it may not replace). */
  imports?: PluginImports;
}

/** What `faults.stale` can leave stale. */
export type StaleFault = "weak-value" | "finaliser-table" | "promoted-stub" | "ephemeron-data";
const staleFaults: ReadonlySet<string> = new Set<StaleFault>(["weak-value", "finaliser-table", "promoted-stub", "ephemeron-data"]);

/** Test-only fault switches of the heap (RuntimeOptions.faults). */
export interface HeapFaults {
  skipBarrier?: "old-to-young" | "mvar-pop";
  /**
   * The collector leaves one kind of reference at its object's from-space
   * address: a traced weak pointer's value (`'weak-value'`), a finaliser
   * registration (`'finaliser-table'`), or, in a nursery promoted in place,
   * the forwarded stub of an object copied before the switch
   * (`'promoted-stub'`), or a traced ephemeron's datum
   * (`'ephemeron-data'`). The sanity checker must report it.
   */
  stale?: StaleFault;
}

export interface ResolvedOptions {
  readonly maxHeap: number;
  readonly build: CoreBuild;
  readonly nursery: number;
  readonly generations: number;
  readonly sanity: boolean;
  readonly faults: { readonly skipBarrier: "old-to-young" | "mvar-pop" | undefined; readonly stale: StaleFault | undefined };
  readonly seed: number | undefined;
  readonly onFinaliserError: ((error: FinaliserError) => void) | undefined;
  readonly module: PluginSource | undefined;
  readonly imports: PluginImports | undefined;
}

const knownOptions = new Set(["maxHeap", "build", "nursery", "generations", "sanity", "faults", "seed", "onFinaliserError", "module", "imports"]);
const knownFaults = new Set(["skipBarrier", "stale"]);
export const UNLIMITED_HEAP = 2 ** 32 - 1;
export const NURSERY_DEFAULT = 1 << 20;
export const NURSERY_MIN = 64 << 10;
/** Largest nursery: one pool block (assembly/pool.ts, MAX_PAYLOAD is just under 1 GiB). */
export const NURSERY_MAX = 512 << 20;
export const NURSERY_ALIGN = 8;
export const GENERATIONS_DEFAULT = 2;
export const GENERATIONS_MIN = 2;
/** The header has 4 generation bits (assembly/heap/layout.ts). */
export const GENERATIONS_MAX = 16;

// Note [A nursery that fits maxHeap]
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
// The nursery comes out of maxHeap like every other heap byte, and a
// collection needs room beside it for what survives. A default nursery
// (1 MiB) under a small maxHeap (say 512 KiB) would make every allocation
// fail. So when maxHeap is given and the nursery is not, the nursery is
// shrunk to a NURSERY_HEADROOM-th of maxHeap (never below NURSERY_MIN: a
// maxHeap under NURSERY_HEADROOM × 64 KiB leaves the heap too small for
// anything but the allocator ring, which tests of the ring use). When both
// are given and the nursery alone exceeds maxHeap, the pair is refused.

/** maxHeap over nursery that a default nursery keeps; See Note [A nursery that fits maxHeap]. */
export const NURSERY_HEADROOM = 4;

/** The default nursery under `maxHeap`: See Note [A nursery that fits maxHeap]. */
function nurseryFor(maxHeap: number): number {
  const fit = Math.floor(maxHeap / NURSERY_HEADROOM / NURSERY_ALIGN) * NURSERY_ALIGN;
  return Math.max(NURSERY_MIN, Math.min(NURSERY_DEFAULT, fit));
}

export function resolveOptions(options: unknown): ResolvedOptions {
  // Read once, each key, before anything is checked: Note [User code runs before the core is entered] (user.ts).
  const given = snapshotOptions("Runtime.start", options, knownOptions, "");
  for (const key of Object.keys(given)) {
    // `??` below would read null as "use the default": refuse it instead, so a
    // null that was meant as a value does not pass silently.
    if (given[key] === null) {
      throw new ArgumentError(`Runtime.start: option '${key}' is null; leave it out (or pass undefined) for the default`);
    }
  }
  const maxHeap = given.maxHeap ?? UNLIMITED_HEAP;
  if (typeof maxHeap !== "number" || !Number.isSafeInteger(maxHeap) || maxHeap < 0 || maxHeap > UNLIMITED_HEAP) {
    throw new ArgumentError(`Runtime.start: maxHeap must be a whole number of bytes from 0 to ${UNLIMITED_HEAP}, got ${describe(maxHeap)}`);
  }
  const build = given.build ?? "release";
  if (build !== "release" && build !== "debug") {
    throw new ArgumentError(`Runtime.start: build must be 'release' or 'debug', got ${describe(build)}`);
  }
  const nursery = given.nursery ?? nurseryFor(maxHeap);
  if (typeof nursery !== "number" || !Number.isSafeInteger(nursery) || nursery < NURSERY_MIN || nursery > NURSERY_MAX || nursery % NURSERY_ALIGN !== 0) {
    throw new ArgumentError(`Runtime.start: nursery must be a whole number of bytes from ${NURSERY_MIN} (64 KiB) to ${NURSERY_MAX}, a multiple of ${NURSERY_ALIGN}, got ${describe(nursery)}`);
  }
  if (given.nursery !== undefined && given.maxHeap !== undefined && nursery > maxHeap) {
    throw new ArgumentError(`Runtime.start: the nursery (${nursery} bytes) does not fit in maxHeap (${maxHeap} bytes), so every allocation would fail; give a maxHeap of at least ${NURSERY_HEADROOM} × the nursery, or leave the nursery out and it is sized to fit`);
  }
  const generations = given.generations ?? GENERATIONS_DEFAULT;
  if (typeof generations !== "number" || !Number.isInteger(generations) || generations < GENERATIONS_MIN || generations > GENERATIONS_MAX) {
    throw new ArgumentError(`Runtime.start: generations must be a whole number from ${GENERATIONS_MIN} to ${GENERATIONS_MAX}, got ${describe(generations)}`);
  }
  const sanity = given.sanity ?? false;
  if (typeof sanity !== "boolean") {
    throw new ArgumentError(`Runtime.start: sanity must be true or false, got ${describe(sanity)}`);
  }
  const seed = given.seed;
  if (seed !== undefined && (typeof seed !== "number" || !Number.isSafeInteger(seed) || seed < 0 || seed > 2 ** 32 - 1)) {
    throw new ArgumentError(`Runtime.start: seed must be a whole number from 0 to ${2 ** 32 - 1}, got ${describe(seed)}`);
  }
  const onFinaliserError = given.onFinaliserError;
  if (onFinaliserError !== undefined && typeof onFinaliserError !== "function") {
    throw new ArgumentError(`Runtime.start: onFinaliserError must be a function (error) => void, got ${describe(onFinaliserError)}`);
  }
  const { module, imports } = resolvePlugin(given);
  return { maxHeap, build, nursery, generations, sanity, faults: resolveFaults(given.faults), seed, onFinaliserError: onFinaliserError as ResolvedOptions["onFinaliserError"], module, imports };
}

function resolvePlugin(given: Record<string, unknown>): { module: PluginSource | undefined; imports: PluginImports | undefined } {
  const module = given.module;
  if (module !== undefined && !(module instanceof Uint8Array || module instanceof ArrayBuffer || module instanceof WebAssembly.Module)) {
    throw new ArgumentError(`Runtime.start: module must be a plugin's bytes (Uint8Array or ArrayBuffer) or a WebAssembly.Module, got ${describe(module)}`);
  }
  if (module !== undefined && given.build !== undefined) {
    throw new ArgumentError("Runtime.start: build chooses a build of the default core; a plugin (module) is built by its author with the core inside it. Leave one of them out");
  }
  const imports = given.imports;
  if (imports !== undefined && module === undefined) {
    throw new ArgumentError("Runtime.start: imports are a plugin's own imports; give them with the plugin (module)");
  }
  if (imports !== undefined) {
    if (typeof imports !== "object" || Array.isArray(imports)) throw new ArgumentError(`Runtime.start: imports must be an object of import modules ({ env: { … } }), got ${describe(imports)}`);
    for (const [name, values] of Object.entries(imports as object)) {
      if (values === null || typeof values !== "object" || Array.isArray(values)) throw new ArgumentError(`Runtime.start: imports.${name} must be an object of import values, got ${describe(values)}`);
    }
  }
  return { module: module as PluginSource | undefined, imports: imports as PluginImports | undefined };
}

function resolveFaults(faults: unknown): ResolvedOptions["faults"] {
  if (faults === undefined) return { skipBarrier: undefined, stale: undefined };
  const given = snapshotOptions("Runtime.start", faults, knownFaults, "{ skipBarrier: 'old-to-young' }", "fault");
  const skipBarrier = given.skipBarrier;
  if (skipBarrier !== undefined && skipBarrier !== "old-to-young" && skipBarrier !== "mvar-pop") {
    throw new ArgumentError(`Runtime.start: faults.skipBarrier must be 'old-to-young' or 'mvar-pop', got ${describe(skipBarrier)}`);
  }
  const stale = given.stale;
  if (stale !== undefined && (typeof stale !== "string" || !staleFaults.has(stale))) {
    throw new ArgumentError(`Runtime.start: faults.stale must be 'weak-value', 'finaliser-table', 'promoted-stub' or 'ephemeron-data', got ${describe(stale)}`);
  }
  return { skipBarrier, stale: stale as StaleFault | undefined };
}

/** Refuses the first key of `given` that is not in `known`, naming the ones that are. */
export function refuseUnknownKeys(operation: string, given: object, known: ReadonlySet<string>, noun = "option"): void {
  for (const key of Object.keys(given)) {
    if (!known.has(key)) throw new ArgumentError(`${operation}: unknown ${noun} '${key}'; known ${noun}s are ${[...known].join(", ")}`);
  }
}

