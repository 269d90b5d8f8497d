// MVar<T>: a handle on an MVar in the GC heap (assembly/mvar/mvar.ts), with GHC's
// semantics; docs/mvar.md has the rules. Blocking operations return promises
// and each one that has to wait is a thread of the runtime; non-blocking ones
// return plain values. Code between two awaits is atomic with respect to
// every other thread, since every operation is one synchronous core call.

import { FinaliserCallError, OutOfMemoryError, ShutdownError, UnloadableError } from "../core/errors.js";
import { Handle, handleSlot, NO_HANDLE, type HeapContext } from "../heap/handles.js";
import { afterAllocation } from "../heap/poll.js";
import { checkBlockingOptions, threadsOf, type BlockingOptions, type Threads } from "./threads.js";
import { checkDeliverable, CROSSES_ENCODED, decode, encode, encodeChecked, intOfWord, intWord, isIntWord, NOT_INT_WORD } from "../heap/values.js";
import { checkCallback, checkPair, combinatorSignal, holding } from "./modify.js";

/** VALUE_NONE (assembly/heap/layout.ts): "empty" from try operations, "blocked" from take/read. */
const VALUE_NONE = (3 << 3) | 2;
/** mvar_put's results (PUT_* and OP_OUT_OF_HEAP in assembly/mvar/mvar.ts). */
const OP_OUT_OF_HEAP = 0;
const PUT_BLOCKED = 2;

// Held weakly by V8: when an MVar object is collected without free(), its
// runtime checks for threads that can no longer be woken (Note [Deadlock
// checks] in threads.ts). Module-level so the registry itself stays alive.
const letGo = new FinalizationRegistry<LetGo>(({ context, slot }) => scheduleDeadlockCheck(context, slot));

/** What the registry keeps of a collected MVar object: its cycle and handle slot. */
interface LetGo {
  readonly context: HeapContext;
  readonly slot: number;
}

/**
 * An MVar: a box that is empty or holds one value. `take` empties it (waiting
 * while it is empty), `put` fills it (waiting while it is full), `read` gets
 * the value without taking it. Made by `rt.mvar()`; free it (or `using`) when
 * done, though blocked threads keep no MVar alive.
 */
export class MVar<T = unknown> extends Handle {
  /** This cycle's threads (and core); see #live. */
  readonly #threads: Threads;
  readonly #slot: number;
  /** Mirrors Handle.freed, read on every operation; born mutable: Note [A flag that changes is assigned in the constructor] (chan.ts). */
  #freed: boolean;

  /** @internal Wraps a handle slot holding an MVar. */
  constructor(context: HeapContext, slot: number) {
    super(context, slot);
    this.#threads = threadsOf(context);
    this.#slot = slot;
    this.#freed = false;
    letGo.register(this, { context, slot }, this);
  }

  /** Takes the value, waiting while the MVar is empty. Waiters are served first come, first served. */
  take(options?: BlockingOptions): Promise<T> {
    return this.#wait("MVar.take", options, TAKE);
  }

  /** Reads the value without taking it, waiting while the MVar is empty; atomic. */
  read(options?: BlockingOptions): Promise<T> {
    return this.#wait("MVar.read", options, READ);
  }

  /**
   * Puts `value`, waiting while the MVar is full. Onto waiting takers it goes
   * straight to the first one (after every waiting reader has seen it).
   */
  put(value: T, options?: BlockingOptions): Promise<void> {
    return this.#put("MVar.put", options, value);
  }

  /**
   * GHC's modifyMVar_: takes the value, puts back `fn(value)` (fn may be
   * async). If fn throws, its result cannot be stored, or `signal` fires
   * before fn's result is back, the old value is put back and the error (or
   * the signal's reason) rejects. Atomic while every other user of the MVar
   * takes before it puts: Note [Combinators hold the MVar] (modify.ts).
   */
  modify(fn: (value: T) => T | PromiseLike<T>, options?: BlockingOptions): Promise<void> {
    const operation = "MVar.modify";
    try {
      checkCallback(operation, fn, "(value) => newValue");
      const signal = this.#admitCombinator(operation, options);
      return holding<T, void>(this, signal, async (value) => ({ next: await fn(value), result: undefined }));
    } catch (thrown) {
      return Promise.reject(thrown);
    }
  }

  /**
   * GHC's modifyMVar: as modify, but `fn` returns a pair `[newValue,
   * result]`; resolves with `result`.
   */
  modifyReturning<R>(fn: (value: T) => readonly [T, R] | PromiseLike<readonly [T, R]>, options?: BlockingOptions): Promise<R> {
    const operation = "MVar.modifyReturning";
    try {
      checkCallback(operation, fn, "(value) => [newValue, result]");
      const signal = this.#admitCombinator(operation, options);
      return holding<T, R>(this, signal, async (value) => checkPair<T, R>(operation, await fn(value)));
    } catch (thrown) {
      return Promise.reject(thrown);
    }
  }

  /**
   * GHC's withMVar: takes the value, runs `fn(value)` and puts the same
   * value back whatever happens; resolves with fn's result. Unlike read,
   * other users wait until fn is done.
   */
  with<R>(fn: (value: T) => R | PromiseLike<R>, options?: BlockingOptions): Promise<R> {
    const operation = "MVar.with";
    try {
      checkCallback(operation, fn, "(value) => result");
      const signal = this.#admitCombinator(operation, options);
      return holding<T, R>(this, signal, async (value) => ({ next: value, result: await fn(value) }));
    } catch (thrown) {
      return Promise.reject(thrown);
    }
  }

  /**
   * GHC's swapMVar: takes the value, puts `value`, resolves with the old
   * one. `value` is checked before anything is taken.
   */
  swap(value: T, options?: BlockingOptions): Promise<T> {
    const operation = "MVar.swap";
    try {
      const signal = this.#admitCombinator(operation, options);
      checkDeliverable(this.#threads.context, value, operation);
      return holding<T, T>(this, signal, (old) => ({ next: value, result: old }));
    } catch (thrown) {
      return Promise.reject(thrown);
    }
  }

  /** Takes the value if there is one; never waits. */
  tryTake(): T | undefined {
    const slot = this.#live("MVar.tryTake");
    const threads = this.#threads;
    const core = threads.core;
    try {
      const word = core.mvar_try_take(slot) >>> 0;
      const value = word === VALUE_NONE ? undefined : ((isIntWord(word) ? intOfWord(word) : decode(threads.context, core, word)) as T);
      threads.afterOp(core);
      return value;
    } catch (thrown) {
      throw fault(threads, "MVar.tryTake", thrown);
    }
  }

  /** Puts `value` if the MVar is empty; false if it is full (it never overtakes waiting putters). */
  tryPut(value: T): boolean {
    const slot = this.#live("MVar.tryPut");
    const threads = this.#threads;
    const context = threads.context;
    let word = intWord(value);
    const crossing = word === NOT_INT_WORD ? checkDeliverable(context, value, "MVar.tryPut") : CROSSES_ENCODED;
    const core = threads.core;
    let done: boolean;
    try {
      if (word === NOT_INT_WORD) word = encodeChecked(context, core, value, crossing, "MVar.tryPut");
      done = core.mvar_try_put(slot, word) !== 0;
    } catch (thrown) {
      throw fault(threads, "MVar.tryPut", thrown);
    }
    threads.afterOp(core);
    return done;
  }

  /** The value if there is one, without taking it; never waits, never empties. */
  tryRead(): T | undefined {
    const slot = this.#live("MVar.tryRead");
    const threads = this.#threads;
    try {
      const word = threads.core.mvar_try_read(slot) >>> 0;
      return word === VALUE_NONE ? undefined : (decode(threads.context, threads.core, word) as T);
    } catch (thrown) {
      throw fault(threads, "MVar.tryRead", thrown);
    }
  }

  /** True when the MVar holds no value (a snapshot: other threads may change it at the next await). */
  isEmpty(): boolean {
    const slot = this.#live("MVar.isEmpty");
    try {
      return this.#threads.core.mvar_is_empty(slot) !== 0;
    } catch (thrown) {
      throw fault(this.#threads, "MVar.isEmpty", thrown);
    }
  }

  /** Lets the MVar go; threads blocked on it are woken as deadlocked if nothing else reaches it. */
  override free(): void {
    if (this.#freed) return;
    this.#freed = true;
    letGo.unregister(this);
    super.free();
    scheduleDeadlockCheck(this.#threads.context, undefined);
  }

  /**
   * The slot, when the handle may be used: not freed, its cycle still
   * running (Threads.end runs at every exit, restart and trap). Otherwise
   * handleSlot throws the error that says why.
   */
  #live(operation: string): number {
    if (this.#freed || this.#threads.closed) this.#refuse(operation);
    return this.#slot;
  }

  /** Throws why the handle may not be used now, if it may not; out of line. */
  #refuse(operation: string): void {
    const context = this.#threads.context;
    handleSlot(this, operation, context);
    if (context.inCustomFinaliser) throw new FinaliserCallError(operation);
  }

  /**
   * take and read: the core call, what it woke, and either the value now or
   * the thread's promise. Failures reject; nothing throws synchronously.
   * See Note [A hot path that fits the inliner].
   */
  #wait<R>(operation: string, options: BlockingOptions | undefined, kind: number): Promise<R> {
    const threads = this.#threads;
    let signal: AbortSignal | undefined;
    if (options !== undefined || this.#freed || threads.closed) {
      try {
        signal = this.#admit(operation, options);
      } catch (thrown) {
        return Promise.reject(thrown);
      }
      if (signal?.aborted) return Promise.reject(signal.reason);
    }
    const core = threads.core;
    try {
      let word: number;
      try {
        word = (kind === TAKE ? core.mvar_take(this.#slot) : core.mvar_read(this.#slot)) >>> 0;
      } catch (thrown) {
        throw fault(threads, operation, thrown);
      }
      // Drains the wake list before a new thread is registered:
      // Note [Draining before registering] in threads.ts.
      if (word === VALUE_NONE) return threads.wait<R>(threads.afterOp(core), signal);
      if (word === OP_OUT_OF_HEAP) throw outOfHeap(threads, operation);
      const value = (isIntWord(word) ? intOfWord(word) : decode(threads.context, core, word)) as R;
      threads.afterOp(core);
      return Promise.resolve(value);
    } catch (thrown) {
      return Promise.reject(thrown);
    }
  }

  /** put: as #wait. */
  #put(operation: string, options: BlockingOptions | undefined, value: unknown): Promise<void> {
    const threads = this.#threads;
    let signal: AbortSignal | undefined;
    let word = intWord(value);
    let crossing = CROSSES_ENCODED;
    if (options !== undefined || this.#freed || threads.closed || word === NOT_INT_WORD) {
      try {
        signal = this.#admit(operation, options);
        crossing = checkDeliverable(threads.context, value, operation);
      } catch (thrown) {
        return Promise.reject(thrown);
      }
      if (signal?.aborted) return Promise.reject(signal.reason);
    }
    const core = threads.core;
    try {
      let result: number;
      try {
        if (word === NOT_INT_WORD) word = encodeChecked(threads.context, core, value, crossing, operation);
        result = core.mvar_put(this.#slot, word) >>> 0;
      } catch (thrown) {
        throw fault(threads, operation, thrown);
      }
      if (result === OP_OUT_OF_HEAP) throw outOfHeap(threads, operation);
      const blocked = threads.afterOp(core);
      return result === PUT_BLOCKED ? threads.wait<void>(blocked, signal) : DONE;
    } catch (thrown) {
      return Promise.reject(thrown);
    }
  }

  /** A combinator's checks: its options (only `signal`), a live handle. */
  #admitCombinator(operation: string, options: unknown): AbortSignal | undefined {
    const signal = combinatorSignal(operation, options);
    this.#live(operation);
    return signal;
  }

  /**
   * The checks a blocking call makes only when they can fail, out of line:
   * its options, and a handle that may no longer be used (#live throws why).
   */
  #admit(operation: string, options: BlockingOptions | undefined): AbortSignal | undefined {
    const signal = options === undefined ? undefined : checkBlockingOptions(operation, options);
    this.#live(operation);
    // Nothing would ever settle a thread that blocks now: Note [Blocking during shutdown].
    if (this.#threads.ended) throw new ShutdownError(`${operation} (started while the runtime was shutting down or restarting)`);
    return signal;
  }
}

// Note [Blocking during shutdown]
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
// An exit (shutdown or restart) first rejects every thread still waiting
// (Threads.end), then runs the finalise wave, whose functions may still use
// the heap. A take, read or put started by one of them could block, and no
// one would ever settle it: the threads were already ended. So once the
// threads have ended, every blocking operation rejects at once with
// ShutdownError, whether or not it would have had to wait; the try
// operations still work until the heap goes.

// Note [A hot path that fits the inliner]
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
// V8's optimising compiler inlines the calls of a hot function within a
// budget of bytecode (920 bytes in Node 20's V8 11.3, at most 460 per
// callee), spending it on the callees in order of how often each was seen
// called. A worker loop `await out.put(f(await in.take()))` inlines take,
// put and what they call; when those came to more than the budget (#wait
// 296 bytes, #put 282, encode 299, afterOp 178, Threads.wait 129, …), which
// of them stayed out of line depended on the call counts at the moment the
// loop was compiled, which depend on when the background compiler ran. So
// each process settled in one of several modes: the same mvar/pipeline
// program took 470 ns per item in one process and 510–530 ns in the next
// (ratios to the Promise MVar of 1.09–1.23 at one load), with CPU profiles
// differing exactly in which of Threads.wait, isImmediateInt and checkValue
// were separate frames. The path every operation takes is therefore kept
// small: an immediate int is encoded and decoded inline (intWord,
// isIntWord), the checks that cannot fail on a live handle without options
// are skipped by one test and made out of line (#admit), afterOp is a read of
// two mailbox words with the poll's work out of line, and a blocked thread's
// promise takes one shared executor (Threads.wait). Then everything fits in
// any order and every process compiles the same code.

/** An allocation for a blocked thread failed: poll what the collections left, then say so. */
function outOfHeap(threads: Threads, operation: string): OutOfMemoryError {
  afterAllocation(threads.context, threads.core);
  return new OutOfMemoryError(operation, "a blocked thread", threads.context.maxHeap);
}

const TAKE = 0;
const READ = 1;
/** What every put that did not wait returns: one settled promise, shared (it carries no value). */
const DONE: Promise<void> = Promise.resolve();

/**
 * What a core call threw, as the runtime reports it: re-thrown inside the
 * runtime's trap guard, so a trap marks the runtime dead as any other core
 * call's would, and errors of the package pass through.
 */
function fault(threads: Threads, operation: string, thrown: unknown): unknown {
  if (thrown instanceof UnloadableError) {
    // encode's OutOfMemoryError, say: the encode allocated, so poll.
    try {
      afterAllocation(threads.context, threads.core);
    } catch {
      // The first error is the one to report.
    }
    return thrown;
  }
  try {
    threads.context.run(operation, () => {
      throw thrown;
    });
  } catch (guarded) {
    return guarded;
  }
  return thrown;
}

/**
 * A major collection in a later turn, if threads are blocked. See Note
 * [Deadlock checks] in threads.ts. `slot`: the handle of an MVar object V8
 * collected, which the handle backstop (another FinalizationRegistry, whose
 * callbacks may come later) has yet to release; the check waits for it.
 */
function scheduleDeadlockCheck(context: HeapContext, slot: number | undefined): void {
  if (context.ended !== undefined) return;
  threadsOf(context).scheduleDeadlockCheck(
    () => slot !== undefined && context.run("deadlock check", (core) => core.handle_is_live(slot) !== 0),
    () => context.run("deadlock check", (core) => {
      core.gc_collect(1);
      afterAllocation(context, core);
    }),
  );
}

/** @internal A new MVar in the heap, holding `initial` unless it is omitted. */
export function newMVar<T>(context: HeapContext, operation: string, initial: [] | [T]): MVar<T> {
  const full = initial.length !== 0;
  if (full) checkDeliverable(context, initial[0], operation);
  return context.run(operation, (core) => {
    let slot: number;
    try {
      slot = core.mvar_new(full ? encode(context, core, initial[0], operation) : VALUE_NONE) >>> 0;
    } finally {
      afterAllocation(context, core);
    }
    if (slot === NO_HANDLE) throw new OutOfMemoryError(operation, "an MVar", context.maxHeap);
    return new MVar<T>(context, slot);
  });
}

