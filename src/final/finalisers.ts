// The host side of finalisation for one runtime cycle: the tables of the
// functions the core names by index (custom block finalisers; finalise,
// finaliseLast and weak pointers' finalisers), the queue they run from, the
// libraries the cycle loaded, the errors finalisers threw, and the host's
// steps of the shutdown order (Note [Shutdown order], assembly/lifecycle.ts).
//
// Note [The finaliser queue]
// ~~~~~~~~~~~~~~~~~~~~~~~~~~
// The core never calls host code from inside a collection. A collection moves
// the dead custom blocks' records to its dead queue (assembly/heap/custom.ts);
// after the core call that collected returns, the host drains them into this
// queue (src/heap/poll.ts) and runs it to the end; so do the finalise,
// finaliseLast and weak functions a collection found due (Note [Finaliser
// order], assembly/heap/finalise.ts), drained before the custom blocks. The
// queue never nests: a finaliser that causes more work (a collection, a new
// registration) only appends, and the one loop already running picks it up. Each
// entry's table slot is deleted before it runs, so nothing runs twice; a
// record naming a slot that is gone is counted as a duplicate (the shutdown
// check fails on it). A finaliser that throws is reported (FinaliserError to
// `onFinaliserError`, by default a process warning; counted; listed in the
// ShutdownReport) and the rest still run. While a custom finaliser runs,
// every entry point of the runtime throws FinaliserCallError: like OCaml's
// custom `finalize`, it may release what its payload names and nothing else.
// The other functions may use the runtime freely (allocate, collect,
// register), but not shut it down or restart it: that would tear the heap
// down under the queue still running.
//
// Note [A finaliser that returns a promise]
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
// Finalisers are synchronous: the queue runs each to its return, and
// shutdown does not wait for anything they start. A finaliser that returns
// a promise (an async function) is reported at once as a FinaliserError (an
// ArgumentError cause saying so), and its promise is not awaited; but it is
// watched, so that a rejection is reported too (a second FinaliserError,
// `rejected`, to onFinaliserError and the counts) and never becomes an
// unhandled rejection, which would end a Node process by default.
//
// Note [Function slots]
// ~~~~~~~~~~~~~~~~~~~~~
// A finalise / finaliseLast registration or a weak finalizer names a slot of
// the function table, not a serial number: the core drops a registration the
// moment it queues it (and a weak's finaliser field when it is cleared), so
// once the host has emptied the slot no core record names it, and the slot is
// free for the next registration. A custom block's finaliser names a slot of
// the custom table the same way: the block's record leaves the core's dead
// queue when the host drains it, and the slot is emptied when it runs. The
// table is then as large as what is pending, not as everything registered in
// a long cycle. A record naming an empty slot is counted in `duplicates`; a
// record naming a reused slot would run the newer function, whose own record
// then finds the slot empty and is counted: exactly-once stays observable
// either way.
//
// Note [The value a finalise function receives]
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
// `rt.finalise(v, f)` calls f with a new handle on v, made just before the
// call (the core keeps v as a root until the queue is drained, a handle slot
// from then on) and freed when f returns: v is resurrected only if f stores
// it somewhere reachable (a field of a live block, an MVar), as OCaml's f
// resurrects v by storing it. A handle f kept past its return would keep v
// alive at the whim of V8's collector, so it is stale instead
// (StaleHandleError 'freed').

import { emitWarning } from "../core/environment.js";
import type { CoreExports } from "../core/exports.js";
import { ArgumentError, causeText, CoreTrapError, FinaliserError, StackOverflowError } from "../core/errors.js";
import { isInstance, isThenable } from "../core/user.js";
import { isStackOverflow, readOverflow, withDeepStackTraces } from "../core/stack-overflow.js";
import { overflowTrap } from "../core/trap.js";
import type { FinaliserFailure, FinaliserPhase, FinaliserStats } from "../core/report.js";
import { Handle, withoutBackstop, type HeapContext } from "../heap/handles.js";
import { decode } from "../heap/values.js";
import { unloadLibrary, type Library } from "./library.js";

/** A custom block's finaliser as the table keeps it. */
export interface CustomEntry {
  /** For messages: the function's name, or `library.export`. */
  readonly name: string;
  /** Runs it with the block's payload. */
  readonly run: (payload: number | Uint8Array) => unknown;
}

/** What kind of function a FunctionEntry is. */
export type FunctionKind = "finalise" | "finaliseLast" | "weak";

/** A finalise / finaliseLast / weak finaliser function as the table keeps it. */
export interface FunctionEntry {
  readonly kind: FunctionKind;
  /** For messages: the function's name. */
  readonly name: string;
  /** Runs it; `value` only for `finalise` (Note [The value a finalise function receives]). */
  readonly run: (value?: unknown) => unknown;
}

/** The host's shutdown steps, counted for the ShutdownReport. */
export interface FinalisationReport {
  readonly finalisersRun: number;
  readonly finalisersDropped: number;
  readonly customBlocksFinalised: number;
  readonly librariesUnloaded: number;
  readonly finaliserErrors: number;
  readonly finaliserFailures: readonly FinaliserFailure[];
}

/** How many failures a report lists in full; the count covers all of them. */
export const FAILURES_LISTED = 32;
/** Custom finaliser indices are u32 in the core's blocks. */
const INDEX_LIMIT = 2 ** 31;
/**
 * Bit 31 of an index the core names: a function of the plugin itself
 * (MUTATOR_FUNCTION in assembly/heap/mutator-finalisers.ts), run by calling
 * back into the instance; host indices stay below it.
 */
const MUTATOR_FUNCTION = 2 ** 31;

// The core's dead-queue record (assembly/heap/custom.ts): a length word, a pad
// word, then the block's payload: finaliser u32, flags u32, number f64, bytes.
const RECORD_LENGTH = 0;
const RECORD_FINALISER = 8;
const RECORD_FLAGS = RECORD_FINALISER + 4;
const RECORD_NUMBER = RECORD_FLAGS + 4;
const RECORD_BYTES = RECORD_NUMBER + 8;
const RECORD_ALIGN = 8;
/** CUSTOM_BYTES in custom.ts: the payload is the bytes. */
export const CUSTOM_BYTES = 1;

/**
 * A custom block's finaliser with its payload, a function with the value it
 * receives, or (index BATCH) a run of functions that receive nothing, whose
 * indices are the payload: see Note [Due functions in batches].
 */
interface Job {
  readonly custom: boolean;
  readonly index: number;
  readonly payload: unknown;
  /** A plugin's own function (index has MUTATOR_FUNCTION) or a batch: the instance to call into. */
  readonly core?: CoreExports;
}

/** The index of a Job that is a batch (Note [Due functions in batches]); no slot has it. */
const BATCH = -1;
/** The index of a Job that is a batch of finalise functions: (index, handle slot of its value) pairs. */
const VALUE_BATCH = -2;

// Note [Due functions in batches]
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
// The drain queues each kind of due function as one job: a copy of the
// core's list, run in its order where one job a function would have stood.
// The weak finalizers and finaliseLast functions receive nothing, so their
// batch is their indices; a finalise function's batch pairs its index with a
// handle slot that roots its value, and the value's handle object is made
// just before the call and freed just after it. A job object a function was
// most of what the host spent on a weak finalizer (node --cpu-prof, issue
// 18: ~270 ns of ~680 per rt.weak in pushing them, plus the collector's
// share); for finalise, the value handles made at the drain lived until the
// whole queue had run, so V8's scavenges copied tens of thousands of them
// each time (2.6 s of scavenges for 3·10⁶ rt.finalise, ~850 ns each). The
// queue's order is unchanged: what a function of a batch causes (a
// collection, a registration) is appended after the batch, as it was
// appended after its jobs.

/** Where errors go; see Note [The finaliser queue]. */
export type FinaliserErrorHandler = (error: FinaliserError) => void;

function warn(error: FinaliserError): void {
  emitWarning(error);
}

/** Finalisation state of one runtime cycle. See Note [The finaliser queue]. */
export class Finalisers {
  readonly #onError: FinaliserErrorHandler;
  readonly #context: HeapContext | undefined;
  // Custom blocks' finalisers by slot, reused as the functions' are (Note
  // [Function slots]): a Map keyed by a serial number was half of rt.custom.
  #customs: (CustomEntry | undefined)[] = [];
  readonly #freeCustomSlots: number[] = [];
  #customsPending = 0;
  // Slots the core's registrations name; a slot is reused once its function
  // has run or was dropped (its registration is gone from the core by then),
  // so the table stays as small as what is pending. See Note [Function slots].
  #functions: (FunctionEntry | undefined)[] = [];
  readonly #freeSlots: number[] = [];
  #functionsRegistered = 0;
  #functionsPending = 0;
  #functionsRun = 0;
  #queue: Job[] = [];
  #head = 0;
  #running = false;
  /** The instance the running queue belongs to, for its core depth after an overflow. */
  #core: CoreExports | undefined;
  #inCustom = false;
  #phase: FinaliserPhase = "collection";
  readonly #libraries: Library[] = [];
  #created = 0;
  #finalised = 0;
  #duplicates = 0;
  /** Made and registered by a plugin's own code, as the core counted them (noteMutator). */
  #mutatorCreated = 0;
  #mutatorRegistered = 0;
  #mutatorRun = 0;
  #errors = 0;
  readonly #failures: FinaliserFailure[] = [];

  constructor(context: HeapContext | undefined, onError: FinaliserErrorHandler | undefined) {
    this.#context = context;
    this.#onError = onError ?? warn;
  }

  /** True while the queue runs (any finaliser): the runtime refuses shutdown and restart. */
  get running(): boolean {
    return this.#running;
  }

  /** True while a custom finaliser runs: the runtime refuses every call. */
  get inCustomFinaliser(): boolean {
    return this.#inCustom;
  }

  /** Records a finaliser for a new custom block; the index the block will hold. */
  register(entry: CustomEntry): number {
    const index = this.#freeCustomSlots.pop() ?? this.#customs.length;
    if (index >= INDEX_LIMIT) throw new RangeError("Finalisers.register: 2^31 custom blocks pending at once; let some die first");
    this.#customs[index] = entry;
    this.#customsPending++;
    return index;
  }

  /** The block made for `index` could not be allocated: forget it. */
  unregister(index: number): void {
    this.#takeCustom(index);
  }

  /** Empties a custom slot for reuse; its entry, or undefined when it was empty. */
  #takeCustom(index: number): CustomEntry | undefined {
    const entry = this.#customs[index];
    if (entry === undefined) return undefined;
    this.#customs[index] = undefined;
    this.#freeCustomSlots.push(index);
    this.#customsPending--;
    return entry;
  }

  /** Records a finalise / finaliseLast / weak function; the slot the core will hold. */
  registerFunction(entry: FunctionEntry): number {
    const index = this.#freeSlots.pop() ?? this.#functions.length;
    if (index >= INDEX_LIMIT) throw new RangeError("Finalisers.registerFunction: 2^31 finalisers pending at once; let some values die first");
    this.#functions[index] = entry;
    this.#functionsRegistered++;
    this.#functionsPending++;
    return index;
  }

  /** The registration for `index` could not be made in the core (out of heap): forget it. */
  unregisterFunction(index: number): void {
    if (this.#takeFunction(index) !== undefined) this.#functionsRegistered--;
  }

  /** Empties a slot for reuse; its entry, or undefined when it was empty. */
  #takeFunction(index: number): FunctionEntry | undefined {
    const entry = this.#functions[index];
    if (entry === undefined) return undefined;
    this.#functions[index] = undefined;
    this.#freeSlots.push(index);
    this.#functionsPending--;
    return entry;
  }

  /** `w.finalize()`: the weak's finaliser runs now, from the queue, once. */
  runWeakNow(index: number, core?: CoreExports): void {
    this.#queue.push(core === undefined ? { custom: false, index, payload: undefined } : { custom: false, index, payload: undefined, core });
    this.#run("finalize", core);
  }

  /** A custom block was made. */
  created(): void {
    this.#created++;
  }

  /** The name of the finaliser at `index` (a live block's), for messages. */
  nameOf(index: number): string | undefined {
    return this.#customs[index]?.name;
  }

  addLibrary(library: Library): void {
    this.#libraries.push(library);
  }

  /** After a core call that may have collected: drain the dead blocks and run them. */
  afterCollection(core: CoreExports): void {
    this.#drain(core);
    this.#run("collection", core);
  }

  /**
   * Shutdown step (1): one wave of every finalise / finaliseLast
   * registration and weak finaliser, alive or not (Note [Finaliser order]).
   * Returns how many ran at this step.
   */
  runWave(core: CoreExports): number {
    return this.#shutdownStep(core, () => core.finalise_all(), () => this.#functionsRun);
  }

  /** Registrations the wave did not run (made during it); dropped with the heap. */
  dropFunctions(): number {
    const dropped = this.#functionsPending + this.#mutatorPending;
    this.#mutatorRun = this.#mutatorRegistered;
    this.#clearFunctions();
    return dropped;
  }

  /**
   * Shutdown step (2): every custom block still alive is finalised, exactly
   * once, then the queue runs to its end. Returns how many ran at this step.
   */
  finaliseAll(core: CoreExports): number {
    return this.#shutdownStep(core, () => core.custom_finalise_all(), () => this.#finalised);
  }

  /** Has the core queue everything of one kind, runs the queue; how many of that kind `ran` counts now. */
  #shutdownStep(core: CoreExports, queueAll: () => void, ran: () => number): number {
    const before = ran();
    queueAll();
    this.#drain(core);
    this.#run("shutdown", core);
    return ran() - before;
  }

  /** Shutdown step (4): unload every library; returns how many. */
  unloadLibraries(): number {
    const count = this.#libraries.length;
    for (const library of this.#libraries) unloadLibrary(library);
    this.#libraries.length = 0;
    return count;
  }

  /** True when a finaliser index names a plugin's own function (run in its instance). */
  isMutatorFunction(index: number): boolean {
    return index >= MUTATOR_FUNCTION;
  }

  /** The runtime died from a trap: drop everything without running anything. */
  abandon(): void {
    this.unloadLibraries();
    this.release();
  }

  /**
   * The cycle has ended (its report is made): nothing can run any more, so
   * let go of every function. A function left here (a fault skipped the
   * wave) may hold handles of this cycle, whose backstop registrations hold
   * the cycle's context, which holds this: a cycle V8 could never collect.
   */
  release(): void {
    this.#customs = [];
    this.#freeCustomSlots.length = 0;
    this.#customsPending = 0;
    this.#clearFunctions();
    this.#queue = [];
    this.#head = 0;
  }

  stats(): FinaliserStats {
    return {
      customCreated: this.createdCount,
      customFinalised: this.#finalised,
      customPending: this.#customsPending,
      functionsRegistered: this.functionsRegisteredCount,
      functionsRun: this.#functionsRun,
      functionsPending: this.#functionsPending + this.#mutatorPending,
      libraries: this.#libraries.length,
      errors: this.#errors,
    };
  }

  /** Finalisers that never ran (their blocks' slots are still in the table). */
  get unfinalised(): number {
    return this.#customsPending;
  }

  /** Records naming a slot that had already run; 0 unless exactly-once broke. */
  get duplicates(): number {
    return this.#duplicates;
  }

  /** finalise / finaliseLast / weak functions registered this cycle, and run. */
  get functionsRegisteredCount(): number {
    return this.#functionsRegistered + this.#mutatorRegistered;
  }

  /** A plugin's registrations not run yet. */
  get #mutatorPending(): number {
    return this.#mutatorRegistered - this.#mutatorRun;
  }

  /**
   * Reads what a plugin's own code made (custom blocks with its finalisers,
   * its finalise / finaliseLast / weak functions), as the core counted it:
   * the host never sees them made. Before stats, after each drain, and
   * before the exit's report.
   */
  noteMutator(core: CoreExports): void {
    this.#mutatorCreated = core.custom_mutator_made() >>> 0;
    this.#mutatorRegistered = core.finalise_mutator_registered() >>> 0;
  }

  get functionsRunCount(): number {
    return this.#functionsRun;
  }

  get createdCount(): number {
    return this.#created + this.#mutatorCreated;
  }

  get finalisedCount(): number {
    return this.#finalised;
  }

  report(finalisersRun: number, finalisersDropped: number, customBlocksFinalised: number, librariesUnloaded: number): FinalisationReport {
    return {
      finalisersRun,
      finalisersDropped,
      customBlocksFinalised,
      librariesUnloaded,
      finaliserErrors: this.#errors,
      finaliserFailures: [...this.#failures],
    };
  }

  /**
   * Copies the core's due functions, then its dead custom blocks, into the
   * queue, in Note [Finaliser order], and clears the core's queues.
   */
  #drain(core: CoreExports): void {
    this.noteMutator(core);
    this.#drainFunctions(core);
    this.#drainCustoms(core);
  }

  #drainFunctions(core: CoreExports): void {
    const firsts = core.finalise_due_first_length() >>> 0;
    const weaks = core.finalise_due_weak_length() >>> 0;
    const lasts = core.finalise_due_last_length() >>> 0;
    if (firsts + weaks + lasts === 0) return;
    // Slots first: making one never collects, so the words stay valid.
    if (firsts > 0) {
      // Pairs (index, word) become (index, handle slot): a slot roots the
      // value once the core's list is cleared. Each is freed after its call
      // (Note [The value a finalise function receives]).
      const due = new Uint32Array(core.memory.buffer, core.finalise_due_first_data() >>> 0, 2 * firsts).slice();
      for (let i = 1; i < due.length; i += 2) due[i] = core.handle_new(due[i]!) >>> 0;
      this.#queue.push({ custom: false, index: VALUE_BATCH, payload: due, core });
    }
    // Note [Due functions in batches]; copied, since the core reuses its lists.
    if (weaks > 0) this.#queue.push({ custom: false, index: BATCH, payload: new Uint32Array(core.memory.buffer, core.finalise_due_weak_data() >>> 0, weaks).slice(), core });
    if (lasts > 0) this.#queue.push({ custom: false, index: BATCH, payload: new Uint32Array(core.memory.buffer, core.finalise_due_last_data() >>> 0, lasts).slice(), core });
    core.finalise_due_clear();
  }

  /** Copies the core's dead records into the queue and clears the core's. */
  #drainCustoms(core: CoreExports): void {
    const count = core.custom_dead_count() >>> 0;
    if (count === 0) return;
    const base = core.custom_dead_queue() >>> 0;
    const view = new DataView(core.memory.buffer);
    let at = base;
    for (let i = 0; i < count; i++) {
      const length = view.getUint32(at + RECORD_LENGTH, true);
      const index = view.getUint32(at + RECORD_FINALISER, true);
      const flags = view.getUint32(at + RECORD_FLAGS, true);
      const payload = (flags & CUSTOM_BYTES) !== 0
        ? new Uint8Array(core.memory.buffer, at + RECORD_BYTES, length).slice()
        : view.getFloat64(at + RECORD_NUMBER, true);
      this.#queue.push({ custom: true, index, payload, core });
      at += Math.ceil((RECORD_BYTES + length) / RECORD_ALIGN) * RECORD_ALIGN;
    }
    core.custom_dead_clear();
  }

  #run(phase: FinaliserPhase, core: CoreExports | undefined): void {
    if (this.#running) return;
    this.#running = true;
    this.#phase = phase;
    this.#core = core;
    try {
      // A finaliser is user code: Note [Deep stack traces, only around user code].
      withDeepStackTraces(() => {
        while (this.#head < this.#queue.length) {
          const job = this.#queue[this.#head++]!;
          this.#runOne(job);
        }
      });
      this.#queue = [];
      this.#head = 0;
    } finally {
      this.#running = false;
      this.#core = undefined;
    }
  }

  /**
   * What a finaliser threw, as reported: a stack overflow becomes a
   * StackOverflowError naming its cycle, the runtime intact, when it struck
   * in the finaliser's own code; one that struck inside a core operation (the
   * finaliser called into the runtime) discards the runtime instead, thrown
   * to the guard of the call that ran the queue (Note [Overflow inside or
   * outside the core], assembly/core-depth.ts).
   */
  #reported(operation: string, thrown: unknown): unknown {
    if (!isStackOverflow(thrown)) return thrown;
    if (this.#core !== undefined && this.#core.core_depth() !== 0) throw overflowTrap(operation, thrown, "core", this.#core);
    return new StackOverflowError(operation, readOverflow(thrown), "intact", { cause: thrown });
  }

  #runOne(job: Job): void {
    if (job.index === BATCH) {
      this.#runBatch(job.payload as Uint32Array, job.core!);
      return;
    }
    if (job.index === VALUE_BATCH) {
      this.#runValueBatch(job.payload as Uint32Array, job.core!);
      return;
    }
    if (job.index >= MUTATOR_FUNCTION) {
      this.#runMutatorFunction(job);
      return;
    }
    if (!job.custom) {
      this.#runFunction(job.index, job.payload);
      return;
    }
    const entry = this.#takeCustom(job.index);
    if (entry === undefined) {
      this.#duplicates++;
      return;
    }
    this.#finalised++;
    this.#inCustom = true;
    if (this.#context !== undefined) this.#context.inCustomFinaliser = true;
    try {
      this.#returned(entry.run(job.payload as number | Uint8Array), entry.name, "custom finaliser", "custom finalisers are synchronous (nothing awaits them, and the runtime may be gone when it settles)");
    } catch (thrown) {
      this.#report(new FinaliserError(this.#phase, entry.name, this.#reported(`finaliser ${entry.name}`, thrown)));
    } finally {
      this.#inCustom = false;
      if (this.#context !== undefined) this.#context.inCustomFinaliser = false;
    }
  }

  /**
   * A plugin's own finaliser: a call back into the instance. Counted as the
   * host's own are; a trap in it is the runtime's trap (CoreTrapError
   * through the guard of the call that collected), not a finaliser's error,
   * since the instance can no longer be trusted.
   */
  #runMutatorFunction(job: Job): void {
    const core = job.core!;
    if (job.custom) {
      this.#finalised++;
      core.call_custom_finaliser(job.index, job.payload as number);
      return;
    }
    this.#functionsRun++;
    this.#mutatorRun++;
    if (job.payload === undefined) {
      core.call_function(job.index);
      return;
    }
    const slot = job.payload as number;
    try {
      core.call_finalise_function(job.index, slot);
    } finally {
      core.handle_free(slot);
    }
  }

  /** Functions that receive nothing, in order (Note [Due functions in batches]); a plugin's own are called in its instance, as #runMutatorFunction does. */
  #runBatch(indices: Uint32Array, core: CoreExports): void {
    for (let i = 0; i < indices.length; i++) {
      const index = indices[i]!;
      if (index >= MUTATOR_FUNCTION) {
        this.#functionsRun++;
        this.#mutatorRun++;
        core.call_function(index);
      } else {
        this.#runFunction(index, undefined);
      }
    }
  }

  /**
   * Finalise functions with their values' slots, in order (Note [Due
   * functions in batches]); each slot is freed after its call. A plugin's own
   * function is given the slot itself, as #runMutatorFunction does.
   */
  #runValueBatch(pairs: Uint32Array, core: CoreExports): void {
    const context = this.#context!;
    for (let i = 0; i < pairs.length; i += 2) {
      const index = pairs[i]!;
      const slot = pairs[i + 1]!;
      if (index >= MUTATOR_FUNCTION) {
        this.#functionsRun++;
        this.#mutatorRun++;
        try {
          core.call_finalise_function(index, slot);
        } finally {
          core.handle_free(slot);
        }
        continue;
      }
      // The value's own handle, made now so that it dies young; the slot was only its root until then.
      let value: unknown;
      try {
        value = withoutBackstop(() => decode(context, core, core.handle_get(slot)));
      } finally {
        core.handle_free(slot);
      }
      this.#runFunction(index, value);
    }
  }

  #clearFunctions(): void {
    this.#functions = [];
    this.#freeSlots.length = 0;
    this.#functionsPending = 0;
  }

  #runFunction(index: number, value: unknown): void {
    const entry = this.#takeFunction(index);
    try {
      if (entry === undefined) {
        this.#duplicates++;
        return;
      }
      this.#functionsRun++;
      try {
        this.#returned(entry.run(value), entry.name, `${entry.kind} function`, "finalisers are synchronous (nothing awaits them; the value it was given is freed when it returns)");
      } catch (thrown) {
        // This runtime died under it: that is the caller's error, not the
        // finaliser's. Another runtime's trap is the finaliser's own error
        // (Note [Only a trap discards a runtime], src/runtime.ts).
        if (isInstance(thrown, CoreTrapError) && this.#context?.owner.state === "dead") throw thrown;
        this.#report(new FinaliserError(this.#phase, entry.name, this.#reported(`finaliser ${entry.name}`, thrown)));
      }
    } finally {
      // Note [The value a finalise function receives].
      if (value instanceof Handle) value.free();
    }
  }

  /**
   * What a finaliser returned: a thenable is reported as a misuse at once,
   * and its rejection, when it comes, as the finaliser's error. See Note [A
   * finaliser that returns a promise].
   */
  #returned(result: unknown, name: string, what: string, why: string): void {
    if (!isThenable(what, result)) return;
    const phase = this.#phase;
    const reportRejection = (reason: unknown): void => this.#report(new FinaliserError(phase, name, reason, "rejected"));
    try {
      Promise.resolve(result).then(undefined, reportRejection);
    } catch (thrown) {
      // Its `constructor` getter threw: that is its rejection.
      reportRejection(thrown);
    }
    throw new ArgumentError(`${what} ${name} returned a promise: ${why}`);
  }

  #report(error: FinaliserError): void {
    this.#errors++;
    if (this.#failures.length < FAILURES_LISTED) {
      const cause = error.cause;
      this.#failures.push({ phase: error.phase, finaliser: error.finaliser, message: causeText(cause) });
    }
    try {
      this.#onError(error);
    } catch {
      // The handler itself threw: the error is already counted and listed,
      // and finalisation must go on.
    }
  }
}

const finalisersOfContext = new WeakMap<HeapContext, Finalisers>();

/** Creates the finalisation state of a new runtime cycle (runtime.ts, at init). */
export function attachFinalisers(context: HeapContext, onError: FinaliserErrorHandler | undefined): Finalisers {
  const finalisers = new Finalisers(context, onError);
  finalisersOfContext.set(context, finalisers);
  return finalisers;
}

/** The finalisation state of a runtime cycle. */
export function finalisersOf(context: HeapContext): Finalisers {
  let finalisers = finalisersOfContext.get(context);
  if (finalisers === undefined) {
    finalisers = new Finalisers(context, undefined);
    finalisersOfContext.set(context, finalisers);
  }
  return finalisers;
}
