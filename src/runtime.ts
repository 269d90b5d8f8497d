// Runtime: one instance of the core, from start to shutdown.

import { instantiateCore, liftString, trapFrom, type CoreExports } from "./core.js";
import { ArgumentError, CoreTrapError, LeakError, LifecycleError, SanityError, ShutdownError } from "./errors.js";
import { hostFaultOn } from "./faults.js";
import { resolveOptions, type ResolvedOptions, type RuntimeOptions } from "./options.js";
import type { PoolStats, RuntimeStats, ShutdownReport } from "./report.js";

/** Where a runtime is in its life. */
export type RuntimeState = "running" | "shutdown" | "dead";

/** Instances kept alive on purpose by the `instance-leak` fault (src/faults.ts). */
const leakedInstances: CoreExports[] = [];

let nextRuntimeId = 1;
let coreOfRuntime: (rt: Runtime, operation: string) => CoreExports;
let guardRuntime: <T>(rt: Runtime, operation: string, body: (core: CoreExports) => T) => T;

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
  #options: ResolvedOptions;
  #state: RuntimeState = "running";
  #trap: string | undefined;
  #final: Promise<ShutdownReport> | undefined;

  private constructor(core: CoreExports, options: ResolvedOptions) {
    this.id = nextRuntimeId++;
    this.#core = core;
    this.#options = options;
    if (hostFaultOn("instance-leak")) leakedInstances.push(core);
  }

  static {
    coreOfRuntime = (rt, operation) => rt.#live(operation);
    guardRuntime = (rt, operation, body) => rt.#guard(operation, body);
  }

  /** Instantiates the core and initialises it. */
  static async start(options?: RuntimeOptions): Promise<Runtime> {
    const resolved = resolveOptions(options);
    let core: CoreExports;
    try {
      core = instantiateCore(resolved.build);
    } catch (thrown) {
      throw trapFrom("Runtime.start", thrown);
    }
    const rt = new Runtime(core, resolved);
    rt.#guard("Runtime.start", (c) => rt.#init(c));
    return rt;
  }

  /** `running`, `shutdown` (after shutdown()) or `dead` (after a core trap). */
  get state(): RuntimeState {
    return this.#state;
  }

  /** A snapshot of the allocator ring and the instance's memory. */
  stats(): RuntimeStats {
    return this.#guard("stats", (c) => ({
      pool: poolStats(c),
      memoryPages: c.memory_pages(),
      cycles: c.rt_cycles(),
    }));
  }

  /** Re-checks every invariant the core promises; throws SanityError if one is broken. */
  checkSanity(): void {
    this.#guard("checkSanity", (c) => {
      c.failure_clear();
      if (!c.pool_check()) throw sanityErrorFrom(c, "ring");
    });
  }

  /**
   * Ends this cycle and starts a new one in the same instance: everything
   * allocated is freed, and memory already grown is reused. Much cheaper than
   * shutdown + start, which must create a fresh WebAssembly.Memory.
   * Throws LeakError (after restarting) if blocks escaped the ring.
   */
  async restart(): Promise<ShutdownReport> {
    const report = this.#guard("restart", (c) => {
      const finished = this.#exit(c);
      c.rt_reset();
      this.#init(c);
      return finished;
    });
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
    this.#final ??= this.#shutdownOnce();
    return this.#final;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.shutdown();
  }

  async #shutdownOnce(): Promise<ShutdownReport> {
    if (this.#state === "dead") return deadReport(this.#trap ?? "unknown trap");
    const report = this.#guard("shutdown", (c) => this.#exit(c));
    this.#core = undefined;
    this.#state = "shutdown";
    if (report.leakedBlocks !== 0 || report.leakedBytes !== 0) throw new LeakError(report);
    return report;
  }

  #init(core: CoreExports): void {
    core.rt_init();
    core.pool_set_limit(this.#options.maxHeap);
  }

  /** Drops every reference the instance holds, so the last exit shuts down. */
  #exit(core: CoreExports): ShutdownReport {
    const peakBytes = core.pool_peak_bytes();
    for (;;) {
      const left = core.rt_exit();
      if (left === 0) break;
      if (left < 0) throw new LifecycleError(liftString(core.memory, core.failure_message()));
    }
    return {
      blocksFreed: core.pool_last_freed_blocks(),
      bytesFreed: core.pool_last_freed_bytes(),
      leakedBlocks: core.pool_blocks(),
      leakedBytes: core.pool_bytes(),
      peakBytes,
      memoryPages: core.memory_pages(),
      cycle: core.rt_cycles(),
    };
  }

  #live(operation: string): CoreExports {
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
      if (thrown instanceof LifecycleError || thrown instanceof SanityError || thrown instanceof ArgumentError) throw thrown;
      const error = trapFrom(operation, thrown);
      this.#trap = error.trap;
      this.#state = "dead";
      this.#core = undefined;
      throw error;
    }
  }
}

/** @internal The live core of a runtime, for the harness and the benchmarks. */
export function coreOf(rt: Runtime, operation = "coreOf"): CoreExports {
  return coreOfRuntime(rt, operation);
}

/** @internal Runs `body` on the live core under the trap guard (tests, stress, bench). */
export function withCore<T>(rt: Runtime, operation: string, body: (core: CoreExports) => T): T {
  return guardRuntime(rt, operation, body);
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

function sanityErrorFrom(c: CoreExports, check: string): SanityError {
  return new SanityError(check, liftString(c.memory, c.failure_message()), c.failure_address() >>> 0, c.failure_field());
}

function deadReport(trap: string): ShutdownReport {
  return { blocksFreed: 0, bytesFreed: 0, leakedBlocks: 0, leakedBytes: 0, peakBytes: 0, memoryPages: 0, cycle: 0, trap };
}
