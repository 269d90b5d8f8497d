// Runtime: one instance of the core, from start to shutdown.

import { CoreFault, type CoreExports } from "./core/exports.js";
import { instantiateModule, loadCore } from "./core/load.js";
import { instantiatePlugin, pluginFunction, pluginModule, type PluginInstance, type PluginView } from "./core/plugin.js";
import { CoreAbort, isOverflowTrapOf, liftString, overflowTrap, trapFrom } from "./core/trap.js";
import { isStackOverflow, readOverflow, withDeepStackTraces } from "./core/stack-overflow.js";
import { ArgumentError, CoreTrapError, PluginError, FinaliserCallError, LeakError, LifecycleError, ShutdownError, StackOverflowError, type UnloadableError } from "./core/errors.js";
import { hostFaultOn } from "./core/faults.js";
import { isInstance, snapshotOptions } from "./core/user.js";
import { describe, resolveOptions, type ResolvedOptions, type RuntimeOptions } from "./core/options.js";
import type { FinaliserStats, PoolStats, RuntimeStats, ShutdownReport } from "./core/report.js";
import { Block, newBlock } from "./heap/block.js";
import { handleSlot, HeapContext, isHandle, registerHeapOwner, type Handle, type HandleMakers } from "./heap/handles.js";
import { adopt } from "./heap/values.js";
import { afterAllocation } from "./heap/poll.js";
import { readHeapStats } from "./heap/stats.js";
import { sanityErrorFrom } from "./heap/sanity.js";
import { MVar, newMVar } from "./threads/mvar.js";
import { attachThreads, threadsOf } from "./threads/threads.js";
import { Custom, makeCustom, type CustomFinaliser } from "./final/custom.js";
import { instantiateLibrary, unloadLibrary, type Library, type LibrarySource, type LoadLibraryOptions } from "./final/library.js";
import { attachFinalisers, finalisersOf, type Finalisers } from "./final/finalisers.js";
import { registerFinaliser } from "./final/finalise.js";
import { makeWeak, Weak } from "./final/weak.js";
import { Ephemeron, makeEphemeron } from "./final/ephemeron.js";
import { WeakTable, type WeakTableOptions } from "./final/weak-table.js";
import { runExitSteps } from "./final/shutdown.js";
import { checkExit, trackRuntime, untrackRuntime } from "./final/shutdown-check.js";

/** Where a runtime is in its life. */
export type RuntimeState = "running" | "shutdown" | "dead";

/** Instances kept alive on purpose by the `instance-leak` fault (src/core/faults.ts). */
const leakedInstances: CoreExports[] = [];

let nextRuntimeId = 1;
const knownGcOptions = new Set(["major"]);
let coreOfRuntime: (rt: Runtime, operation: string) => CoreExports;
let guardRuntime: <T>(rt: Runtime, operation: string, body: (core: CoreExports) => T) => T;
let contextOfRuntime: (rt: Runtime, operation: string) => HeapContext;

/**
 * A managed runtime: a fresh instance of the core, initialised. Shut it down
 * with `await rt.shutdown()` (or `await using rt = await Runtime.start()`) to
 * get every byte back; `restart()` is the cheap way to start over in the same
 * instance.
 */
export class Runtime {
  /** Distinguishes runtimes, so a handle from another one can be refused. */
  readonly id: number;
  #core: CoreExports | undefined;
  /** The plugin's instance, when the runtime runs one (option `module`). */
  #plugin: PluginInstance | undefined;
  #options: ResolvedOptions;
  #state: RuntimeState = "running";
  #trap: string | undefined;
  #final: Promise<ShutdownReport> | undefined;
  #heap: HeapContext | undefined;
  #finalisers: Finalisers | undefined;
  /** UNLOADABLE_SHUTDOWN_CHECK: what the last exit broke, thrown once the state is settled. */
  #checkFailure: UnloadableError | undefined;

  private constructor(core: CoreExports, options: ResolvedOptions) {
    this.id = nextRuntimeId++;
    this.#core = core;
    this.#options = options;
    if (hostFaultOn("instance-leak")) leakedInstances.push(core);
    registerHeapOwner(this, (operation) => this.#context(operation));
  }

  static {
    coreOfRuntime = (rt, operation) => rt.#live(operation);
    guardRuntime = (rt, operation, body) => rt.#guard(operation, body);
    contextOfRuntime = (rt, operation) => rt.#context(operation);
  }

  /** Instantiates the core and initialises it. */
  static async start(options?: RuntimeOptions): Promise<Runtime> {
    const resolved = resolveOptions(options);
    // Compiled once per process (a page) and per plugin, asynchronously; CoreLoadError if the core's build cannot be had.
    const module = resolved.module === undefined ? await loadCore(resolved.build) : await pluginModule(resolved.module);
    let core: CoreExports;
    let plugin: PluginInstance | undefined;
    try {
      if (resolved.module === undefined) {
        core = instantiateModule(module);
      } else {
        plugin = instantiatePlugin(module, resolved.imports);
        core = plugin.core;
      }
    } catch (thrown) {
      if (thrown instanceof PluginError) throw thrown;
      throw trapFrom("Runtime.start", thrown);
    }
    const rt = new Runtime(core, resolved);
    rt.#plugin = plugin;
    rt.#guard("Runtime.start", (c) => rt.#init(c));
    trackRuntime(rt);
    return rt;
  }

  /** `running`, `shutdown` (after shutdown()) or `dead` (after a core trap). */
  get state(): RuntimeState {
    return this.#state;
  }

  /** A snapshot of the allocator ring and the instance's memory. */
  stats(): RuntimeStats {
    return this.#guard("Runtime.stats", (c) => ({
      pool: poolStats(c),
      memoryPages: c.memory_pages(),
      cycles: c.rt_cycles(),
      heap: readHeapStats(c, this.#context("Runtime.stats")),
      finalisers: this.#finalisersStats(c),
    }));
  }

  /** Re-checks every invariant the core promises; throws SanityError if one is broken. */
  checkSanity(): void {
    this.#guard("Runtime.checkSanity", (c) => {
      c.failure_clear();
      if (!c.pool_check() || !c.sanity_check()) throw sanityErrorFrom(c);
    });
  }

  /**
   * Ends this cycle and starts a new one in the same instance: everything
   * allocated is freed, and memory already grown is reused. Much cheaper than
   * shutdown + start, which must create a fresh WebAssembly.Memory.
   * Throws LeakError (after restarting) if blocks escaped the ring.
   */
  async restart(): Promise<ShutdownReport> {
    if (this.#finalisers?.running === true) throw new FinaliserCallError("Runtime.restart", this.#finalisers.inCustomFinaliser ? "custom" : "finaliser");
    const report = this.#guard("Runtime.restart", (c) => {
      const finished = this.#exit(c, "restarted");
      c.rt_reset();
      this.#init(c);
      return finished;
    });
    this.#throwCheckFailure();
    if (report.leakedBlocks !== 0 || report.leakedBytes !== 0) throw new LeakError(report);
    return report;
  }

  /**
   * Exits the core, checks that the pool gave every block back, and drops the
   * instance and its memory. Idempotent: later calls settle the same way.
   * Rejects with LeakError (the runtime is gone all the same) if blocks
   * escaped the ring.
   */
  shutdown(): Promise<ShutdownReport> {
    // Refused without settling the runtime's one shutdown (Note [The finaliser queue]).
    if (this.#finalisers?.running === true) return Promise.reject(new FinaliserCallError("Runtime.shutdown", this.#finalisers.inCustomFinaliser ? "custom" : "finaliser"));
    this.#final ??= this.#shutdownOnce();
    return this.#final;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.shutdown();
  }

  async #shutdownOnce(): Promise<ShutdownReport> {
    if (this.#state === "dead") return deadReport(this.#trap ?? "unknown trap");
    const report = this.#guard("Runtime.shutdown", (c) => this.#exit(c));
    this.#core = undefined;
    this.#plugin = undefined;
    // The cycle's threads hold the instance (their MVar fast path reads its
    // memory): let go of them too, so a shut-down Runtime that is still
    // referenced (an `await using` in a long-lived frame, a suspended async
    // function's register) does not keep its WebAssembly.Memory alive.
    this.#heap = undefined;
    this.#finalisers = undefined;
    this.#state = "shutdown";
    untrackRuntime(this);
    this.#throwCheckFailure();
    if (report.leakedBlocks !== 0 || report.leakedBytes !== 0) throw new LeakError(report);
    return report;
  }

  /**
   * A new heap block with `tag` (0 to 255) and the given fields; see
   * docs/heap.md for the values that cross. Returns a handle: free it, use
   * `using`, or make it inside rt.scope().
   */
  block(tag: number, fields: readonly unknown[] = []): Block {
    return newBlock(this.#context("Runtime.block"), tag, fields);
  }

  /**
   * A new MVar, empty, or full with `initial` when given (docs/mvar.md).
   * Returns a handle: free it, or use `using`, when done.
   */
  mvar<T>(...initial: [] | [T]): MVar<T> {
    return newMVar<T>(this.#context("Runtime.mvar"), "Runtime.mvar", initial);
  }

  /**
   * A custom block: an opaque `payload` (a safe integer, or a Uint8Array,
   * copied) and a `finaliser`, a host function or a library export
   * (`lib.finaliser(name)`, integer payloads only), called with the payload
   * exactly once: after a collection finds the block dead, or at shutdown.
   * The finaliser must not call back into the runtime (FinaliserCallError).
   * Returns a handle (docs/finalisers.md).
   */
  custom(payload: number | Uint8Array, finaliser: CustomFinaliser): Custom {
    return makeCustom(this.#context("Runtime.custom"), payload, finaliser);
  }

  /**
   * OCaml's Gc.finalise: calls `fn(value)` once, some time after `value` (a
   * heap object held by a handle) is first found unreachable; `fn` gets a
   * handle valid for the call and may resurrect the value by storing it.
   * Several per value; among values dying in one collection, newest
   * registration first (docs/finalisers.md).
   */
  finalise<T extends Handle>(value: T, fn: (value: T) => void): void {
    registerFinaliser(this.#context("Runtime.finalise"), value, fn, false);
  }

  /**
   * OCaml's Gc.finalise_last: calls `fn()` once, after `value` is
   * unreachable for good (no finalise function resurrected it) and weak
   * pointers to it are cleared; after every finalise function due with it.
   */
  finaliseLast(value: Handle, fn: () => void): void {
    registerFinaliser(this.#context("Runtime.finaliseLast"), value, fn, true);
  }

  /**
   * GHC's mkWeak: a weak pointer from `key` (a heap object held by a handle)
   * to `value` (any value that can cross; the key itself by default), with
   * an optional `finalizer` run once when the key dies. The value is
   * reachable only through a live key. Returns a handle (docs/finalisers.md).
   */
  weak<V = unknown>(key: Handle, value?: V, finalizer?: () => void): Weak<V> {
    // arguments.length, not a copy of arguments: copying them was a third of rt.weak (issue 18, docs/bench.md).
    return makeWeak<V>(this.#context("Runtime.weak"), key, arguments.length - 1, value, finalizer);
  }

  /**
   * OCaml's ephemeron (Ephemeron.K1 with one key, Ephemeron.Kn with an
   * array): `data` (any value that can cross) is reachable through it only
   * while every key (a heap object held by a handle) is reachable from
   * elsewhere; it keeps no key alive. deref() gives the data until a
   * collection finds a key dead. Returns a handle (docs/finalisers.md).
   */
  ephemeron<V = unknown>(keys: Handle | readonly Handle[], data: V): Ephemeron<V> {
    return makeEphemeron<V>(this.#context("Runtime.ephemeron"), "Runtime.ephemeron", keys, data);
  }

  /**
   * A weak hash table (OCaml's Ephemeron.K1.Make): entries vanish when their
   * key dies; `hash(key)` is required, `equal` defaults to "the same heap
   * object" (Note [A weak table hashes what the caller says]).
   */
  weakTable<K extends Handle, V>(options: WeakTableOptions<K>): WeakTable<K, V> {
    return new WeakTable<K, V>(this.#context("Runtime.weakTable"), options);
  }

  /**
   * Instantiates a wasm library (its bytes or a compiled module) on behalf
   * of this runtime, with `options.imports`. Its exports can finalise custom
   * blocks. It stays loaded until shutdown (or restart), which unloads it
   * after every finaliser has run (Note [Libraries are unloaded only at
   * shutdown], src/final/library.ts).
   */
  async loadLibrary(source: LibrarySource, options?: LoadLibraryOptions): Promise<Library> {
    const context = this.#context("Runtime.loadLibrary");
    const library = await instantiateLibrary(source, options, this.id);
    // The cycle may have ended while the module compiled: then it is not ours to keep.
    if (context.ended !== undefined) {
      unloadLibrary(library);
      this.#live("Runtime.loadLibrary");
      throw new ShutdownError("Runtime.loadLibrary (the runtime shut down or restarted while the library loaded)");
    }
    finalisersOf(context).addLibrary(library);
    return library;
  }

  /**
   * Runs a collection now: minor (the nursery and the young generations the
   * policy picks) by default, every generation with `{ major: true }`.
   */
  gc(options: { major?: boolean } = {}): void {
    const context = this.#context("Runtime.gc");
    const { major } = snapshotOptions("Runtime.gc", options, knownGcOptions, "{ major: true }");
    if (major !== undefined && typeof major !== "boolean") throw new ArgumentError(`Runtime.gc: major must be true or false, got ${describe(major)}`);
    this.#guard("Runtime.gc", (core) => {
      core.gc_collect(major === true ? 1 : 0);
      afterAllocation(context, core);
    });
  }

  /**
   * Runs `fn` and frees every handle made during it when it returns (or
   * throws), except the handle it returns. For code that makes many
   * temporaries, e.g. walking or building a long list. Synchronous only.
   */
  scope<T>(fn: () => T): T {
    return this.#context("Runtime.scope").scope(fn);
  }

  /**
   * Calls the plugin's export `name` with `args` (numbers, or bigints for
   * i64) and returns what it returns. Afterwards the runtime does what any
   * core call may make due: threads a tryPut woke are resumed, finalisers
   * of what a collection found dead run, a sanity verdict is thrown. A trap
   * in the plugin discards the runtime (CoreTrapError), as a trap in the
   * core does. Heap objects cross as handle slots: `rt.slotOf(handle)` in,
   * `rt.adopt(slot)` out (docs/plugins.md).
   */
  call(name: string, ...args: readonly (number | bigint)[]): unknown {
    const context = this.#context("Runtime.call");
    const fn = pluginFunction(this.#plugin, name);
    for (const arg of args) {
      if (typeof arg !== "number" && typeof arg !== "bigint") throw new ArgumentError(`Runtime.call: ${name}'s arguments must be numbers (or bigints for i64), got ${describe(arg)}; heap objects cross as rt.slotOf(handle), strings through rt.plugin.loader`);
    }
    const operation = `Runtime.call(${name})`;
    return this.#guard(operation, (core) => {
      const entry = { rootDepth: core.root_depth(), shadowStack: core.rt_shadow_stack() };
      let broken = false;
      try {
        return withDeepStackTraces(() => fn(...args));
      } catch (thrown) {
        if (!isStackOverflow(thrown)) throw thrown;
        broken = true;
        throw this.#afterOverflow(core, operation, thrown, entry);
      } finally {
        if (!broken) afterAllocation(context, core);
      }
    });
  }

  /**
   * A stack overflow cut a plugin call off. Outside every core operation the
   * heap is whole: the root stack and AssemblyScript's shadow stack go back
   * to where they were at the call's entry, a loaned Hp back to where it was
   * taken (proved harmless by the sanity checker), and the runtime lives on.
   * Inside one it is discarded (Note [Overflow inside or outside the core],
   * assembly/core-depth.ts).
   */
  #afterOverflow(core: CoreExports, operation: string, thrown: RangeError, entry: { rootDepth: number; shadowStack: number }): UnloadableError {
    if (core.core_depth() !== 0) return overflowTrap(operation, thrown, "core", core);
    core.rt_shadow_stack_restore(entry.shadowStack);
    if (core.root_depth() >= entry.rootDepth) core.root_truncate(entry.rootDepth);
    const hpWasHeld = core.heap_reclaim_hp() !== 0;
    if (hpWasHeld || this.#options.sanity) {
      core.failure_clear();
      if (!core.pool_check() || !core.sanity_check()) return overflowTrap(operation, thrown, "heap", core);
    }
    const error = new StackOverflowError(operation, readOverflow(thrown), "intact", { cause: thrown });
    // What the call made due before it overflowed (woken threads, finalisers) still happens.
    afterAllocation(this.#context(operation), core);
    return error;
  }

  /**
   * The plugin this runtime runs (option `module`): its own exports' names,
   * and @assemblyscript/loader's helpers on its exports, to lift and lower
   * its AssemblyScript strings and arrays (a plugin built with
   * `--exportRuntime`). Undefined on the default core.
   */
  get plugin(): PluginView | undefined {
    this.#live("Runtime.plugin");
    const plugin = this.#plugin;
    return plugin === undefined ? undefined : { exportNames: [...plugin.functions.keys()], loader: plugin.util };
  }

  /**
   * Takes ownership of handle `slot`, made by the plugin (handleNew): a
   * Block, MVar, Custom or Weak for an object of that kind, which the host
   * now frees; any other value is returned as its JS value, and the slot
   * freed at once.
   */
  adopt(slot: number): unknown {
    const context = this.#context("Runtime.adopt");
    return this.#guard("Runtime.adopt", (core) => adopt(context, core, slot, "Runtime.adopt"));
  }

  /** The handle-table slot of `handle`, to pass into the plugin (which reads it with handleGet). */
  slotOf(handle: Handle): number {
    const context = this.#context("Runtime.slotOf");
    if (!isHandle(handle)) throw new ArgumentError(`Runtime.slotOf: expected a handle (Block, MVar, Custom or Weak), got ${describe(handle)}`);
    return handleSlot(handle, "Runtime.slotOf", context);
  }

  #finalisersStats(core: CoreExports): FinaliserStats {
    const finalisers = this.#finalisers!;
    finalisers.noteMutator(core);
    return finalisers.stats();
  }

  #context(operation: string): HeapContext {
    this.#live(operation);
    return this.#heap!;
  }

  #init(core: CoreExports): void {
    const options = this.#options;
    core.heap_configure(options.nursery, options.generations, options.sanity ? 1 : 0);
    if (options.faults.skipBarrier === "old-to-young") core.fault_set(core.fault_get() | CoreFault.barrierSkipYoung);
    if (options.faults.skipBarrier === "mvar-pop") core.fault_set(core.fault_get() | CoreFault.mvarPopNoBarrier);
    if (options.faults.stale === "weak-value") core.fault_set(core.fault_get() | CoreFault.weakStaleValue);
    if (options.faults.stale === "finaliser-table") core.fault_set(core.fault_get() | CoreFault.finaliseStaleEntry);
    if (options.faults.stale === "promoted-stub") core.fault_set(core.fault_get() | CoreFault.promoteKeepStubs);
    if (options.faults.stale === "ephemeron-data") core.fault_set(core.fault_get() | CoreFault.ephemeronStaleData);
    core.rt_init();
    core.pool_set_limit(options.maxHeap);
    const heap = new HeapContext(this, (operation, body) => this.#guard(operation, body), options.maxHeap, handleMakers);
    const threads = attachThreads(heap, core, options.seed);
    const finalisers = attachFinalisers(heap, options.onFinaliserError);
    // Note [The heap calls up through its context] (src/heap/handles.ts).
    heap.listen({
      threadsWoken: (c) => threads.drain(c),
      chaosFired: (c) => threads.armChaos(c),
      finalisersDue: (c) => finalisers.afterCollection(c),
    });
    this.#heap = heap;
    this.#finalisers = finalisers;
    threads.armChaos(core);
  }

  /** Drops every reference the instance holds, so the last exit shuts down. */
  #exit(core: CoreExports, ending: "shutdown" | "restarted" = "shutdown"): ShutdownReport {
    // Threads still waiting can never be woken now: settle them first.
    const pendingOperationsRejected = this.#heap === undefined ? 0 : threadsOf(this.#heap).end(new ShutdownError(ending === "shutdown" ? "MVar operation (the runtime shut down while it waited)" : "MVar operation (the runtime restarted while it waited)"));
    // Steps (1)–(4) of Note [Shutdown order] (assembly/lifecycle.ts); (5) is rt_exit.
    const finalisers = this.#finalisers;
    const steps = runExitSteps(finalisers, core, () => this.#heap?.end(ending) ?? 0);
    const faulted = core.fault_get() !== 0 || hostFaultOn("skip-heap-finalisation") || hostFaultOn("unload-libraries-early");
    const peakBytes = core.pool_peak_bytes();
    // rt_exit clears any earlier verdict itself, so an unmatched exit reports
    // its own message (Note [Exit clears the failure record], assembly/lifecycle.ts).
    for (;;) {
      const left = core.rt_exit();
      if (left === 0) break;
      if (left < 0) throw new LifecycleError(liftString(core.memory, core.failure_message()));
    }
    const report: ShutdownReport = {
      blocksFreed: core.pool_last_freed_blocks(),
      bytesFreed: core.pool_last_freed_bytes(),
      leakedBlocks: core.pool_blocks(),
      leakedBytes: core.pool_bytes(),
      peakBytes,
      memoryPages: core.memory_pages(),
      cycle: core.rt_cycles(),
      hostRefsReleased: steps.hostRefsReleased,
      pendingOperationsRejected,
      customBlocksUnfinalised: core.rt_unfinalised_customs(),
      ...(finalisers?.report(steps.finalisersRun, steps.finalisersDropped, steps.customBlocksFinalised, steps.librariesUnloaded) ?? noFinalisation),
    };
    this.#checkFailure = checkExit(report, finalisers, faulted);
    finalisers?.release();
    return report;
  }

  #throwCheckFailure(): void {
    const failure = this.#checkFailure;
    this.#checkFailure = undefined;
    if (failure !== undefined) throw failure;
  }

  #live(operation: string): CoreExports {
    // A custom finaliser may not call back in (Note [The finaliser queue]).
    if (this.#finalisers?.inCustomFinaliser === true) throw new FinaliserCallError(operation);
    if (this.#core !== undefined) return this.#core;
    if (this.#state === "dead") {
      throw new CoreTrapError(operation, `${this.#trap} (earlier; the runtime was discarded then)`);
    }
    throw new ShutdownError(operation);
  }

  /**
   * Runs `body` against the live core. A trap inside marks the runtime dead
   * and drops the instance: its memory can no longer be trusted.
   */
  #guard<T>(operation: string, body: (core: CoreExports) => T): T {
    const core = this.#live(operation);
    try {
      return body(core);
    } catch (thrown) {
      // Note [Only a trap discards a runtime]: anything else passes through.
      if (!isTrap(thrown) && !isOverflowTrapOf(thrown, core)) throw thrown;
      const error = trapFrom(operation, thrown);
      this.#trap = error.trap;
      this.#state = "dead";
      this.#core = undefined;
      this.#plugin = undefined;
      // Threads waiting on its MVars can never be woken: they reject with the trap.
      if (this.#heap !== undefined) threadsOf(this.#heap).end(error);
      // Its handles are stale from now on; let go of the JS values its heap held.
      this.#heap?.end("shutdown");
      this.#finalisers?.abandon();
      untrackRuntime(this);
      throw error;
    }
  }
}

// Note [Only a trap discards a runtime]
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
// A runtime is discarded (state "dead", instance dropped) only when the core
// itself failed inside a call: a wasm trap (WebAssembly.RuntimeError), the
// core's own abort (CoreAbort, from `fail()`), or the engine's stack
// overflow, which may have cut a core call short half-way. Everything else
// that reaches the guard passes through with the runtime untouched: the
// package's own errors (argument, out of heap, stale handle, sanity …), a
// CoreTrapError of another runtime that a finaliser of this one called, and
// an error of the user's. The user's code does not run inside a guard in the
// first place (Note [User code runs before the core is entered],
// src/core/user.ts) except as finalisers, whose exceptions the finaliser
// queue reports; so an error that is none of these is a bug of the host, and
// the core, which returned normally from every call, is still intact.

/** True for what only a failed core call throws; See Note [Only a trap discards a runtime]. */
function isTrap(thrown: unknown): boolean {
  if (isInstance(thrown, CoreAbort) || isInstance(thrown, WebAssembly.RuntimeError)) return true;
  return isInstance(thrown, RangeError) && /call stack/i.test((thrown as RangeError).message);
}

/** @internal The live core of a runtime, for the harness and the benchmarks. */
export function coreOf(rt: Runtime, operation = "coreOf"): CoreExports {
  return coreOfRuntime(rt, operation);
}

/** @internal Runs `body` on the live core under the trap guard (tests, stress, bench). */
export function withCore<T>(rt: Runtime, operation: string, body: (core: CoreExports) => T): T {
  return guardRuntime(rt, operation, body);
}

/**
 * @internal Seeds the chaos of a running runtime as option `seed` would have
 * (the stress harness gives each cycle its own seed). Call while no MVar
 * operation waits.
 */
export function reseedChaos(rt: Runtime, seed: number): void {
  guardRuntime(rt, "reseedChaos", (core) => threadsOf(contextOfRuntime(rt, "reseedChaos")).reseed(core, seed));
}

/**
 * @internal `promise` (I/O the runtime does not control), resumed as a
 * seeded wake-up of rt's threads (Note [Arrivals from outside], scheduler.ts).
 */
export function arrival<T>(rt: Runtime, promise: PromiseLike<T>): Promise<T> {
  return threadsOf(contextOfRuntime(rt, "arrival")).arrival(promise);
}

/** @internal Lets the instances kept by the `instance-leak` fault go. */
export function releaseLeakedInstances(): number {
  const count = leakedInstances.length;
  leakedInstances.length = 0;
  return count;
}

function poolStats(c: CoreExports): PoolStats {
  return {
    blocks: c.pool_blocks(),
    bytes: c.pool_bytes(),
    peakBlocks: c.pool_peak_blocks(),
    peakBytes: c.pool_peak_bytes(),
    totalAllocs: c.pool_total_allocs(),
    totalFrees: c.pool_total_frees(),
    limit: c.pool_limit(),
  };
}

/** The handle class JS sees for each kind of heap object (decode's answers). */
const handleMakers: HandleMakers = {
  block: (context, slot) => new Block(context, slot),
  mvar: (context, slot) => new MVar(context, slot),
  custom: (context, slot) => new Custom(context, slot),
  weak: (context, slot) => new Weak(context, slot),
  ephemeron: (context, slot) => new Ephemeron(context, slot),
};

/** The finaliser figures of an exit that had no finalisation state. */
const noFinalisation = { finalisersRun: 0, finalisersDropped: 0, customBlocksFinalised: 0, librariesUnloaded: 0, finaliserErrors: 0, finaliserFailures: [] } as const;

function deadReport(trap: string): ShutdownReport {
  return { blocksFreed: 0, bytesFreed: 0, leakedBlocks: 0, leakedBytes: 0, peakBytes: 0, memoryPages: 0, cycle: 0, hostRefsReleased: 0, pendingOperationsRejected: 0, customBlocksUnfinalised: 0, ...noFinalisation, trap };
}
