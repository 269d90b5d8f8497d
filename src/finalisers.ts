// The host side of finalisation for one runtime cycle: the table of custom
// block finalisers the core's blocks name by index, the queue they run from,
// the libraries the cycle loaded, the errors finalisers threw, and the host's
// steps of the shutdown order (Note [Shutdown order], assembly/lifecycle.ts).
//
// Note [The finaliser queue]
// ~~~~~~~~~~~~~~~~~~~~~~~~~~
// The core never calls host code from inside a collection. A collection moves
// the dead custom blocks' records to its dead queue (assembly/heap/custom.ts);
// after the core call that collected returns, the host drains them into this
// queue (heap-poll.ts) and runs it to the end. The queue never nests: a
// finaliser that causes more work (a collection, when phase-2 finalisers may
// allocate) only appends, and the one loop already running picks it up. Each
// entry's table slot is deleted before it runs, so nothing runs twice; a
// record naming a slot that is gone is counted as a duplicate (the shutdown
// check fails on it). A finaliser that throws is reported (FinaliserError to
// `onFinaliserError`, by default a process warning; counted; listed in the
// ShutdownReport) and the rest still run. While a custom finaliser runs,
// every entry point of the runtime throws FinaliserCallError: like OCaml's
// custom `finalize`, it may release what its payload names and nothing else.

import type { CoreExports } from "./core.js";
import { FinaliserError, type FinaliserPhase } from "./errors.js";
import type { HeapContext } from "./handles.js";
import { unloadLibrary, type Library } from "./library.js";

/** A custom block's finaliser as the table keeps it. */
export interface CustomEntry {
  /** For messages: the function's name, or `library.export`. */
  readonly name: string;
  /** Runs it with the block's payload. */
  readonly run: (payload: number | Uint8Array) => void;
}

/** What the ShutdownReport lists about one finaliser that threw. Plain data. */
export interface FinaliserFailure {
  readonly phase: FinaliserPhase;
  readonly finaliser: string;
  /** The error's name and message. */
  readonly message: string;
}

/** Finaliser figures of a running runtime (`stats().finalisers`). */
export interface FinaliserStats {
  /** Custom blocks made this cycle. */
  readonly customCreated: number;
  /** Custom block finalisers run this cycle (after collections and at shutdown). */
  readonly customFinalised: number;
  /** Custom blocks not finalised yet: alive, or dead and waiting in a queue. */
  readonly customPending: number;
  /** Libraries loaded and not yet unloaded. */
  readonly libraries: number;
  /** Finalisers that threw this cycle. */
  readonly errors: number;
}

/** The host's shutdown steps, counted for the ShutdownReport. */
export interface FinalisationReport {
  readonly customBlocksFinalised: number;
  readonly librariesUnloaded: number;
  readonly finaliserErrors: number;
  readonly finaliserFailures: readonly FinaliserFailure[];
}

/** How many failures a report lists in full; the count covers all of them. */
export const FAILURES_LISTED = 32;
/** Custom finaliser indices are u32 in the core's blocks. */
const INDEX_LIMIT = 2 ** 32;

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

interface Job {
  readonly index: number;
  readonly payload: number | Uint8Array;
}

/** Where errors go; see Note [The finaliser queue]. */
export type FinaliserErrorHandler = (error: FinaliserError) => void;

function warn(error: FinaliserError): void {
  process.emitWarning(error);
}

/** Finalisation state of one runtime cycle. See Note [The finaliser queue]. */
export class Finalisers {
  readonly #onError: FinaliserErrorHandler;
  readonly #table = new Map<number, CustomEntry>();
  #nextIndex = 0;
  #queue: Job[] = [];
  #head = 0;
  #running = false;
  #inCustom = false;
  #phase: FinaliserPhase = "collection";
  readonly #libraries: Library[] = [];
  #created = 0;
  #finalised = 0;
  #duplicates = 0;
  #errors = 0;
  readonly #failures: FinaliserFailure[] = [];

  constructor(onError: FinaliserErrorHandler | undefined) {
    this.#onError = onError ?? warn;
  }

  /** True while a custom finaliser runs: the runtime refuses every call. */
  get inCustomFinaliser(): boolean {
    return this.#inCustom;
  }

  /** Records a finaliser for a new custom block; the index the block will hold. */
  register(entry: CustomEntry): number {
    if (this.#nextIndex >= INDEX_LIMIT) throw new RangeError("Finalisers.register: 2^32 custom blocks in one cycle; restart the runtime");
    const index = this.#nextIndex++;
    this.#table.set(index, entry);
    return index;
  }

  /** The block made for `index` could not be allocated: forget it. */
  unregister(index: number): void {
    this.#table.delete(index);
  }

  /** A custom block was made. */
  created(): void {
    this.#created++;
  }

  /** The name of the finaliser at `index` (a live block's), for messages. */
  nameOf(index: number): string | undefined {
    return this.#table.get(index)?.name;
  }

  addLibrary(library: Library): void {
    this.#libraries.push(library);
  }

  /** After a core call that may have collected: drain the dead blocks and run them. */
  afterCollection(core: CoreExports): void {
    this.#drain(core);
    this.#run("collection");
  }

  /**
   * Shutdown step (2): every custom block still alive is finalised, exactly
   * once, then the queue runs to its end. Returns how many ran at this step.
   */
  finaliseAll(core: CoreExports): number {
    const before = this.#finalised;
    core.custom_finalise_all();
    this.#drain(core);
    this.#run("shutdown");
    return this.#finalised - before;
  }

  /** Shutdown step (4): unload every library; returns how many. */
  unloadLibraries(): number {
    const count = this.#libraries.length;
    for (const library of this.#libraries) unloadLibrary(library);
    this.#libraries.length = 0;
    return count;
  }

  /** The runtime died from a trap: drop everything without running anything. */
  abandon(): void {
    this.unloadLibraries();
    this.#table.clear();
    this.#queue = [];
    this.#head = 0;
  }

  stats(): FinaliserStats {
    return {
      customCreated: this.#created,
      customFinalised: this.#finalised,
      customPending: this.#table.size,
      libraries: this.#libraries.length,
      errors: this.#errors,
    };
  }

  /** Finalisers that never ran (their blocks' slots are still in the table). */
  get unfinalised(): number {
    return this.#table.size;
  }

  /** Records naming a slot that had already run; 0 unless exactly-once broke. */
  get duplicates(): number {
    return this.#duplicates;
  }

  get createdCount(): number {
    return this.#created;
  }

  get finalisedCount(): number {
    return this.#finalised;
  }

  report(customBlocksFinalised: number, librariesUnloaded: number): FinalisationReport {
    return {
      customBlocksFinalised,
      librariesUnloaded,
      finaliserErrors: this.#errors,
      finaliserFailures: [...this.#failures],
    };
  }

  /** Copies the core's dead records into the queue and clears the core's. */
  #drain(core: CoreExports): void {
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
      this.#queue.push({ index, payload });
      at += Math.ceil((RECORD_BYTES + length) / RECORD_ALIGN) * RECORD_ALIGN;
    }
    core.custom_dead_clear();
  }

  #run(phase: FinaliserPhase): void {
    if (this.#running) return;
    this.#running = true;
    this.#phase = phase;
    try {
      while (this.#head < this.#queue.length) {
        const job = this.#queue[this.#head++]!;
        this.#runOne(job);
      }
      this.#queue = [];
      this.#head = 0;
    } finally {
      this.#running = false;
    }
  }

  #runOne(job: Job): void {
    const entry = this.#table.get(job.index);
    if (entry === undefined) {
      this.#duplicates++;
      return;
    }
    this.#table.delete(job.index);
    this.#finalised++;
    this.#inCustom = true;
    try {
      entry.run(job.payload);
    } catch (thrown) {
      this.#report(new FinaliserError(this.#phase, entry.name, thrown));
    } finally {
      this.#inCustom = false;
    }
  }

  #report(error: FinaliserError): void {
    this.#errors++;
    if (this.#failures.length < FAILURES_LISTED) {
      const cause = error.cause;
      this.#failures.push({ phase: error.phase, finaliser: error.finaliser, message: cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause) });
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
  const finalisers = new Finalisers(onError);
  finalisersOfContext.set(context, finalisers);
  return finalisers;
}

/** The finalisation state of a runtime cycle. */
export function finalisersOf(context: HeapContext): Finalisers {
  let finalisers = finalisersOfContext.get(context);
  if (finalisers === undefined) {
    finalisers = new Finalisers(undefined);
    finalisersOfContext.set(context, finalisers);
  }
  return finalisers;
}
