// Every error the package throws, in one place. Each class has a stable `code`
// so callers (and tests) can tell failures apart without parsing messages, and
// each message says what went wrong and what to do about it.

import type { FinaliserPhase, ShutdownReport } from "./report.js";

/** Base class of every error thrown by unloadable. */
export class UnloadableError extends Error {
  /** Stable identifier of the failure, e.g. `ERR_SHUTDOWN`. */
  readonly code: string;

  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** An argument or option was missing, of the wrong type or out of range. */
export class ArgumentError extends UnloadableError {
  /** `options.cause`: the user's own exception, when reading a value threw (src/core/user.ts). */
  constructor(message: string, options?: ErrorOptions) {
    super("ERR_ARGUMENT", message, options);
  }
}

/** The runtime was shut down; start a new one. */
export class ShutdownError extends UnloadableError {
  constructor(operation: string) {
    super("ERR_SHUTDOWN", `${operation}: this runtime has been shut down; start a new one with Runtime.start()`);
  }
}

/**
 * The core trapped (a failed internal check, an out-of-bounds access, memory
 * that could not grow). The instance is discarded and never used again;
 * anything pending on it is rejected. Other runtimes are unaffected.
 */
export class CoreTrapError extends UnloadableError {
  /** The trap's own message, as the core or the engine reported it. */
  readonly trap: string;

  constructor(operation: string, trap: string, options?: ErrorOptions) {
    super("ERR_CORE_TRAP", `${operation}: the core trapped: ${trap}. This runtime is discarded; start a new one with Runtime.start()`, options);
    this.trap = trap;
  }
}

/** init/exit were not balanced. */
export class LifecycleError extends UnloadableError {
  constructor(message: string) {
    super("ERR_LIFECYCLE", message);
  }
}

/** What a heap check adds to a SanityError (assembly/sanity.ts). */
export interface SanityDetail {
  /** Kind of the offending object (`block`, `string`, …). */
  readonly kind?: string;
  /** Its generation (-1: not a heap object, e.g. a handle slot). */
  readonly generation?: number;
  /** Generation the offending field points into (-1: none / not an object). */
  readonly targetGeneration?: number;
}

/**
 * A checker found a broken invariant: the ring, or the heap (checks `object`,
 * `value`, `pointer`, `remembered`, `remset`, `handles`, `hostrefs`,
 * `customs`, `counters`; see docs/heap.md).
 */
export class SanityError extends UnloadableError {
  /** Which check failed (`ring`, `remembered`, …). */
  readonly check: string;
  /** Address of the object (or ring header) that broke the rule. */
  readonly address: number;
  /** Field index, or position on the ring (-1: not about one field). */
  readonly field: number;
  /** Kind of the object, for heap checks. */
  readonly kind: string | undefined;
  /** Generation of the object, for heap checks. */
  readonly generation: number | undefined;
  /** Generation the field points into, for heap checks. */
  readonly targetGeneration: number | undefined;

  constructor(check: string, message: string, address: number, field: number, detail: SanityDetail = {}) {
    super("ERR_SANITY", `sanity check '${check}' failed: ${message}`);
    this.check = check;
    this.address = address;
    this.field = field;
    this.kind = detail.kind;
    this.generation = detail.generation;
    this.targetGeneration = detail.targetGeneration;
  }
}

/**
 * The heap could not make room for an allocation under `maxHeap`, even after
 * a major collection. Nothing was allocated; the runtime stays usable: free
 * handles (or drop references to the data) and try again, or start the
 * runtime with a larger maxHeap.
 */
export class OutOfMemoryError extends UnloadableError {
  /** The runtime's maxHeap, bytes. */
  readonly maxHeap: number;

  constructor(operation: string, what: string, maxHeap: number) {
    super("ERR_OUT_OF_MEMORY", `${operation}: out of heap allocating ${what}: the heap does not fit in maxHeap (${maxHeap} bytes) even after a major collection. Free handles you no longer need, or start the runtime with a larger maxHeap`);
    this.maxHeap = maxHeap;
  }
}

/** Why a handle can no longer be used. */
export type StaleReason = "freed" | "shutdown" | "restarted";

/**
 * A handle was used after `free()` (or `[Symbol.dispose]`, or the end of its
 * scope), after its runtime shut down, or after the runtime restarted. Its
 * object may be gone; keep the handle alive (don't free it) while you use it.
 */
export class StaleHandleError extends UnloadableError {
  readonly reason: StaleReason;

  constructor(operation: string, reason: StaleReason) {
    const why = {
      freed: "the handle was freed (free(), Symbol.dispose or the end of its rt.scope)",
      shutdown: "its runtime has been shut down",
      restarted: "its runtime was restarted since the handle was made",
    }[reason];
    super("ERR_STALE_HANDLE", `${operation}: stale handle: ${why}; handles are valid only while held, in the runtime cycle that made them`);
    this.reason = reason;
  }
}

/** A handle of one runtime was passed to another. */
export class ForeignHandleError extends UnloadableError {
  constructor(operation: string, ownerId: number, runtimeId: number) {
    super("ERR_FOREIGN_HANDLE", `${operation}: the handle belongs to runtime #${ownerId}, not to runtime #${runtimeId}; heap objects cannot be shared between runtimes (copy the data instead)`);
  }
}

/**
 * A JS value that the heap cannot hold. Only `undefined` is refused (it means
 * "none" throughout the API); every other value crosses, see docs/heap.md.
 * This is the package's TypeError: it is an UnloadableError with a code, so it
 * does not extend the built-in TypeError.
 */
export class UnrepresentableValueError extends UnloadableError {
  constructor(operation: string, what: string) {
    super("ERR_UNREPRESENTABLE", `${operation}: ${what} cannot be stored in the heap (undefined means "none" in this API); use null for an empty field`);
  }
}

/**
 * A thread waited on an MVar that nothing can ever fill or empty again: the
 * MVar is reachable from nothing but blocked threads, so a major collection
 * woke the thread with this error instead of leaving its promise pending
 * forever (GHC's BlockedIndefinitelyOnMVar). Keep the MVar (or whatever holds
 * it) alive while some thread may still use it.
 */
export class BlockedIndefinitelyError extends UnloadableError {
  constructor() {
    super("ERR_BLOCKED_INDEFINITELY", "blocked indefinitely in an MVar operation: the MVar is reachable from nothing but blocked threads, so no other thread can ever put or take it");
  }
}

/**
 * A channel was closed (`close()`, Note [Closing a channel] in
 * src/threads/chan.ts): a write called after close, or a `read()` once
 * everything written before the close has been read (`for await` just ends
 * instead). After Lwt_stream's Closed.
 */
export class ChannelClosedError extends UnloadableError {
  constructor(operation: string, drained = false) {
    super("ERR_CHANNEL_CLOSED", drained
      ? `${operation}: the channel is closed and every value written before the close has been read; iterate with for await to end without an error`
      : `${operation}: the channel is closed; nothing more can be written to it`);
  }
}

/**
 * Shutdown finished, but blocks were still counted as outstanding after the
 * pool was destroyed: something escaped the allocator ring. The runtime is
 * gone all the same; `report` has the figures.
 */
export class LeakError extends UnloadableError {
  readonly report: ShutdownReport;

  constructor(report: ShutdownReport) {
    super("ERR_LEAK", `shutdown: ${report.leakedBlocks} block(s) / ${report.leakedBytes} byte(s) were still outstanding after the pool was destroyed: they escaped the allocator ring`);
    this.report = report;
  }
}

/** When a finaliser ran: after a collection found its value dead, or at shutdown. */

/**
 * A finaliser threw (or trapped, for a library export). The error is
 * reported, never swallowed: to the runtime's `onFinaliserError` option (by
 * default a process warning), in `stats().finalisers.errors`, and in the
 * ShutdownReport (`finaliserErrors`, `finaliserFailures`). The other
 * finalisers still run, and this one is not run again.
 */
export class FinaliserError extends UnloadableError {
  /** When it ran. */
  readonly phase: FinaliserPhase;
  /** Which finaliser: the host function's name or `library#n.export`. */
  readonly finaliser: string;

  constructor(phase: FinaliserPhase, finaliser: string, cause: unknown, how: "threw" | "rejected" = "threw") {
    const why = causeText(cause);
    super("ERR_FINALISER", `finaliser ${finaliser} ${how === "threw" ? "threw" : "returned a promise that rejected"} (${phase === "shutdown" ? "at shutdown" : phase === "finalize" ? "from Weak.finalize()" : "after a collection"}): ${why}. It is not run again; the other finalisers still run`, { cause });
    this.phase = phase;
    this.finaliser = finaliser;
  }
}

/**
 * A custom block's finaliser called into its runtime. Custom finalisers run
 * while the runtime is finalising: like OCaml's custom `finalize`, they must
 * not allocate or call back into the runtime; release the resource the
 * payload names and return.
 */
export class FinaliserCallError extends UnloadableError {
  /** `custom`: from a custom-block finaliser; `finaliser`: shutdown or restart from any finaliser. */
  constructor(operation: string, from: "custom" | "finaliser" = "custom") {
    super("ERR_IN_FINALISER", from === "custom"
      ? `${operation}: called from inside a custom-block finaliser; a custom finaliser cannot allocate on the heap or call back into the runtime. Release the resource its payload names and return (use rt.finalise for finalisers that need the runtime)`
      : `${operation}: called from inside a finaliser; a runtime cannot shut down or restart while its finalisers run (the heap they use would go under them). Call it after the operation that ran them returns (e.g. from setImmediate)`);
  }
}

/**
 * A library could not be loaded, an export it was asked for does not exist
 * or is not a function, or it was used after its runtime unloaded it (at
 * shutdown, the only time libraries are unloaded).
 */
export class LibraryError extends UnloadableError {
  constructor(message: string, options?: ErrorOptions) {
    super("ERR_LIBRARY", message, options);
  }
}

/**
 * UNLOADABLE_SHUTDOWN_CHECK=1: a runtime's shutdown did not finalise every
 * custom block exactly once or did not empty its pool (docs/finalisers.md,
 * "The shutdown check").
 */
export class ShutdownCheckError extends UnloadableError {
  /** One line per broken promise. */
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super("ERR_SHUTDOWN_CHECK", `shutdown check (UNLOADABLE_SHUTDOWN_CHECK=1) failed: ${problems.join("; ")}`);
    this.problems = problems;
  }
}

/**
 * The core's wasm could not be fetched, read or compiled: the package's
 * build/ is missing or not served beside the library, or the environment
 * cannot read it. `url` says where it was looked for; `cause` has the reason.
 */
export class CoreLoadError extends UnloadableError {
  /** Where the core was looked for. */
  readonly url: string;

  constructor(operation: string, url: string, reason: string, options?: ErrorOptions) {
    super("ERR_CORE_LOAD", `${operation}: could not load the core from ${url}: ${reason}`, options);
    this.url = url;
  }
}

/**
 * A plugin module was refused: it is not built on the unloadable core, is
 * built on another version of it, or a plugin call named no export of its
 * own (docs/plugins.md).
 */
export class PluginError extends UnloadableError {
  constructor(message: string, options?: ErrorOptions) {
    super("ERR_PLUGIN", message, options);
  }
}

/** `cause` in a message; a hostile value (a throwing getter, a revoked Proxy) gives a generic text. */
export function causeText(cause: unknown): string {
  try {
    return cause instanceof Error ? `${cause.name}: ${cause.message}` : typeof cause === "object" && cause !== null ? "a non-Error object" : typeof cause === "symbol" ? "a symbol" : String(cause);
  } catch {
    return "a value that cannot be shown";
  }
}
