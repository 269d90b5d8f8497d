// The host side of the runtime's threads: every blocking MVar call that finds
// it must wait is a thread of the core (a TSO in the heap, assembly/mvar/tso.ts)
// and, here, a pending promise under the same id. This module keeps those
// promises, drains the core's wake list into the scheduler after every core
// call, cancels a thread when its AbortSignal fires, and settles whatever is
// left when the runtime cycle ends.
//
// Note [Draining before registering]
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
// The core frees a thread's id the moment it wakes the thread, and the next
// thread to block may get the same id in the same core call (an allocation
// that collects may wake deadlocked threads just before the new one is
// registered). So after every core call the wake list is drained first, which
// settles the old holder of the id, and only then is a newly blocked thread's
// promise stored under its id. Abort listeners are removed in the drain, so a
// late abort can never cancel the id's next holder.
//
// Note [Deadlock checks]
// ~~~~~~~~~~~~~~~~~~~~~~
// The core finds deadlocked threads in major collections
// (Note [Blocked threads are not roots] in assembly/mvar/tso.ts). A program whose
// last threads block forever allocates nothing more, so nothing would collect;
// GHC runs a major collection when every thread is blocked. The host cannot
// see "every thread", since other JS may run, so it checks when an MVar handle
// is let go while threads are blocked (free(), or V8 collecting the MVar
// object): one major collection, in a later turn, however many MVars go.

import type { CoreExports } from "../core/exports.js";
import { ArgumentError, BlockedIndefinitelyError, SanityError, ShutdownError, type UnloadableError } from "../core/errors.js";
import { describe } from "../core/options.js";
import { snapshotOptions } from "../core/user.js";
import type { HeapContext } from "../heap/handles.js";
import { nextTurn } from "../core/environment.js";
import { Random } from "./random.js";
import { Scheduler, type Resume } from "./scheduler.js";
import { decode, intOfWord, isIntWord } from "../heap/values.js";
import { afterAllocation } from "../heap/poll.js";

/** Wake-list triple layout (WAKE_* in assembly/mvar/wake.ts), u32 words. */
const WAKE_WORDS = 3;
const WAKE_ID = 0;
const WAKE_STATE = 1;
const WAKE_VALUE = 2;
/** STATE_* in assembly/mvar/tso.ts. */
const STATE_WOKEN = 2;
const STATE_DEADLOCKED = 4;
/** VALUE_NONE in assembly/heap/layout.ts: a putter's wake carries no value. */
const VALUE_NONE = (3 << 3) | 2;
/** The low bits of a heap word that are zero for a pointer (assembly/heap/layout.ts). */
const POINTER_MASK = 3;
/** Mailbox words (BOX_* in assembly/mvar/mailbox.ts). */
const BOX_POLL = 0;
const BOX_BLOCKED = 1;
const BOX_WAKE = 2;
const BOX_WAKE_LENGTH = 3;
/** Poll bits (POLL_* in assembly/mvar/mailbox.ts): threads', and the heap's own (dead host references, a verdict, dead custom blocks). */
const POLL_WOKEN = 1 << 2;
const POLL_CHAOS = 1 << 3;
const POLL_HEAP = (1 << 0) | (1 << 1) | (1 << 4) | (1 << 5);

/**
 * Chaos: mean MVar allocations between forced minor collections. Small
 * enough that a test with a few hundred operations sees several.
 */
export const CHAOS_MEAN_ALLOCATIONS = 24;

/** Turns a deadlock check waits for a collected MVar's handle to be released. */
const DEADLOCK_CHECK_TURNS = 64;

const knownBlockingOptions = new Set(["signal"]);

/** Options of one blocking call. */
export interface BlockingOptions {
  /** Aborts the wait: before the hand-off it leaves the queue and rejects with the signal's reason. */
  readonly signal?: AbortSignal;
}

/** The signal of a blocking call's options, refusing anything but `{ signal?: AbortSignal }`. */
export function checkBlockingOptions(operation: string, options: BlockingOptions | undefined): AbortSignal | undefined {
  if (options === undefined) return undefined;
  // A misspelt key ({ singal }) would leave the wait unabortable: refused.
  const { signal } = snapshotOptions(operation, options, knownBlockingOptions, "{ signal }");
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new ArgumentError(`${operation}: options.signal must be an AbortSignal, got ${describe(signal)}`);
  }
  return signal;
}

/** A Promise executor; Threads.#register is one for every T. */
type Executor<T> = (resolve: (value: T) => void, reject: (reason: unknown) => void) => void;

interface Waiter {
  readonly signal: AbortSignal;
  readonly onAbort: () => void;
}

/** The pending threads of one runtime cycle. */
export class Threads {
  #scheduler: Scheduler;
  readonly #context: HeapContext;
  #chaos: Random | undefined;
  /** id → resolve / reject of the thread's promise; undefined: no thread. */
  readonly #resolves: (Resume | undefined)[] = [];
  readonly #rejects: (Resume | undefined)[] = [];
  readonly #waiters = new Map<number, Waiter>();
  #pending = 0;
  #checkScheduled = false;
  #deadlocked = 0;
  #ended = false;
  /** Index in #words of the core's mailbox (mvar_mailbox), fixed for the instance. */
  readonly #box: number;
  /** The core's memory as u32 words; length 0 once growth detached it (#words). */
  #memoryWords: Uint32Array;
  /** The id wait() is registering, for #register. */
  #registering = 0;

  /**
   * The cycle's core, for the MVar fast path: valid while `context.ended` is
   * undefined (a trap or a shutdown ends the context).
   */
  readonly core: CoreExports;

  constructor(context: HeapContext, core: CoreExports, seed: number | undefined) {
    this.#context = context;
    this.core = core;
    this.#box = core.mvar_mailbox() >>> 2;
    this.#memoryWords = new Uint32Array(core.memory.buffer);
    this.#scheduler = new Scheduler(seed === undefined ? undefined : new Random(seed).nextU32());
    this.#chaos = seed === undefined ? undefined : new Random(seed);
  }

  /** The runtime cycle these threads belong to. */
  get context(): HeapContext {
    return this.#context;
  }

  /** Where woken threads are resumed. */
  get scheduler(): Scheduler {
    return this.#scheduler;
  }

  /**
   * Starts the chaos over from `seed`, as if the runtime had been started
   * with it (the stress harness gives each cycle its own). Only while no
   * thread waits, so no wake-up is split between two schedules.
   */
  reseed(core: CoreExports, seed: number): void {
    if (this.#pending !== 0) throw new Error(`Threads.reseed: ${this.#pending} threads are waiting; reseed only between runs`);
    this.#scheduler = new Scheduler(new Random(seed).nextU32());
    this.#chaos = new Random(seed);
    this.armChaos(core);
  }

  /** Threads waiting now (host side). */
  get pending(): number {
    return this.#pending;
  }

  /** Threads woken as deadlocked so far. */
  get deadlocked(): number {
    return this.#deadlocked;
  }

  /** Arms the core's chaos countdown (option `seed`): after init, and each time it fires. */
  armChaos(core: CoreExports): void {
    if (this.#chaos !== undefined) core.mvar_chaos_set(1 + this.#chaos.nextInt(2 * CHAOS_MEAN_ALLOCATIONS));
  }

  /**
   * The promise of thread `id`, which just blocked. Call only after drain():
   * See Note [Draining before registering].
   */
  wait<T>(id: number, signal: AbortSignal | undefined): Promise<T> {
    this.#registering = id;
    const promise = new Promise<T>(this.#register as Executor<T>);
    this.#pending++;
    if (signal !== undefined) this.#watch(id, signal);
    return promise;
  }

  /**
   * The executor of every thread's promise: one function made once, not a
   * closure per blocked thread (Note [A hot path that fits the inliner] in
   * mvar.ts). It runs inside the Promise constructor, so #registering is
   * the id wait() was given.
   */
  readonly #register = (resolve: Resume, reject: Resume): void => {
    const id = this.#registering;
    this.#resolves[id] = resolve;
    this.#rejects[id] = reject;
  };

  /** Thread `id` waits with an AbortSignal: cancel it when the signal fires. */
  #watch(id: number, signal: AbortSignal): void {
    const onAbort = (): void => this.#abort(id, signal);
    signal.addEventListener("abort", onAbort, { once: true });
    this.#waiters.set(id, { signal, onAbort });
  }

  /**
   * `promise` (something outside the runtime: I/O), settled as a wake-up
   * of this cycle's scheduler: under chaos its place among the other
   * wake-ups is drawn now, so the seed fixes the interleaving whenever the
   * I/O completes (Note [Arrivals from outside], scheduler.ts).
   */
  arrival<T>(promise: PromiseLike<T>): Promise<T> {
    const scheduler = this.#scheduler;
    const reservation = scheduler.reserve();
    return new Promise<T>((resolve, reject) => {
      promise.then(
        (value) => scheduler.fill(reservation, resolve as Resume, value),
        (error: unknown) => scheduler.fill(reservation, reject, error),
      );
    });
  }

  /** The signal fired: cancel the thread if it is still queued. */
  #abort(id: number, signal: AbortSignal): void {
    this.#waiters.delete(id);
    if (this.#context.ended !== undefined) return;
    let cancelled = false;
    try {
      cancelled = this.#context.run("abort", (core) => core.mvar_cancel(id) !== 0);
    } catch {
      // The runtime died meanwhile; its end() settles the thread.
      return;
    }
    if (!cancelled) return;
    const reject = this.#take(id);
    this.scheduler.wake(reject, signal.reason);
  }

  /** Removes thread id's entries; returns its reject function. */
  #take(id: number): Resume {
    const reject = this.#rejects[id]!;
    this.#resolves[id] = undefined;
    this.#rejects[id] = undefined;
    this.#pending--;
    return reject;
  }

  /**
   * The core's memory as u32 words, re-made when memory grows: growing
   * detaches the old buffer, and a view of a detached buffer has length 0
   * (cheaper to test than reading memory.buffer on every operation).
   */
  #words(core: CoreExports): Uint32Array {
    let words = this.#memoryWords;
    if (words.length === 0) {
      words = new Uint32Array(core.memory.buffer);
      this.#memoryWords = words;
    }
    return words;
  }

  /**
   * After an MVar operation: read its mailbox (assembly/mvar/mailbox.ts) and do what
   * it asks; anything beyond threads goes to the heap's own poll. Returns the
   * id of the thread the operation blocked, if it did.
   */
  afterOp(core: CoreExports): number {
    const words = this.#words(core);
    const box = this.#box;
    // Read first: the poll's work may run user code (finalisers) that blocks another thread.
    const blocked = words[box + BOX_BLOCKED]!;
    const poll = words[box + BOX_POLL]!;
    if (poll !== 0) this.#poll(core, poll, words[box + BOX_WAKE]!, words[box + BOX_WAKE_LENGTH]!);
    return blocked;
  }

  /** afterOp's work, out of line: woken threads, chaos to re-arm, the heap's own poll. */
  #poll(core: CoreExports, poll: number, wake: number, wakeLength: number): void {
    if ((poll & POLL_WOKEN) !== 0) this.#drainFrom(core, wake, wakeLength);
    if ((poll & POLL_CHAOS) !== 0) this.armChaos(core);
    if ((poll & POLL_HEAP) !== 0) afterAllocation(this.#context, core);
  }

  /**
   * Hands every thread the core woke since the last drain to the scheduler,
   * in the order they were woken. Called after every core call that may have
   * woken or collected (src/heap/poll.ts).
   */
  drain(core: CoreExports): void {
    const n = core.mvar_woken_length() >>> 0;
    if (n !== 0) this.#drainFrom(core, core.mvar_woken_address() >>> 0, n);
  }

  #drainFrom(core: CoreExports, address: number, n: number): void {
    const at = address >>> 2;
    // Decoding a block makes a handle, which may grow memory and detach any
    // view: #words is asked again after every decode.
    if (n === 1) {
      // The common case (a hand-off): no arrays.
      let words = this.#words(core);
      const id = words[at + WAKE_ID]!;
      const state = words[at + WAKE_STATE]!;
      const value = words[at + WAKE_VALUE]!;
      const arg = state === STATE_WOKEN && isIntWord(value) ? intOfWord(value) : this.#wakeArg(core, id, state, value);
      // Only an object's decode makes a handle (and may grow memory).
      if ((value & POINTER_MASK) === 0) words = this.#words(core);
      words[this.#box + BOX_WAKE_LENGTH] = 0;
      const ok = state === STATE_WOKEN;
      this.#deliver(id, ok, arg);
      return;
    }
    // Values are decoded before the list is cleared, and decoding allocates
    // nothing in the heap, so the words stay valid throughout.
    const ids = new Array<number>(n);
    const args = new Array<unknown>(n);
    const ok = new Array<boolean>(n);
    for (let i = 0; i < n; i++) {
      const words = this.#words(core);
      const w = at + i * WAKE_WORDS;
      ids[i] = words[w + WAKE_ID]!;
      ok[i] = words[w + WAKE_STATE] === STATE_WOKEN;
      args[i] = this.#wakeArg(core, ids[i]!, words[w + WAKE_STATE]!, words[w + WAKE_VALUE]!);
    }
    // The list is drained: its length lives in the mailbox (assembly/mvar/mailbox.ts).
    this.#words(core)[this.#box + BOX_WAKE_LENGTH] = 0;
    for (let i = 0; i < n; i++) this.#deliver(ids[i]!, ok[i]!, args[i]);
  }

  /** What thread `id`'s promise settles with. */
  #wakeArg(core: CoreExports, id: number, state: number, value: number): unknown {
    if (state === STATE_WOKEN) return value === VALUE_NONE ? undefined : decode(this.#context, core, value);
    if (state === STATE_DEADLOCKED) {
      this.#deadlocked++;
      return new BlockedIndefinitelyError();
    }
    throw new Error(`Threads.drain: thread ${id} woke in state ${state}, which the host does not know`);
  }

  #deliver(id: number, ok: boolean, arg: unknown): void {
    if (this.#waiters.size !== 0) {
      const waiter = this.#waiters.get(id);
      if (waiter !== undefined) {
        waiter.signal.removeEventListener("abort", waiter.onAbort);
        this.#waiters.delete(id);
      }
    }
    const resume = ok ? this.#resolves[id] : this.#rejects[id];
    if (resume === undefined) {
      // Only a corrupt heap gets here (a stale queue entry woken: the
      // mvar-pop fault shows it). Report it where the operation can see it.
      throw new SanityError("threads", `Threads.drain: the core woke thread ${id}, which no pending operation of the host owns: a queue entry outlived its thread (the heap is corrupt)`, 0, id);
    }
    this.#resolves[id] = undefined;
    this.#rejects[id] = undefined;
    this.#pending--;
    this.#scheduler.wake(resume, arg);
  }

  /**
   * Schedules one major collection in a later turn; while `notYet()` holds
   * (a handle still to be released) it waits, up to DEADLOCK_CHECK_TURNS
   * turns. See Note [Deadlock checks].
   */
  scheduleDeadlockCheck(notYet: () => boolean, collect: () => void): void {
    if (this.#checkScheduled || this.#pending === 0) return;
    this.#checkScheduled = true;
    let turns = 0;
    const check = (): void => {
      if (this.#context.ended !== undefined || this.#pending === 0) {
        this.#checkScheduled = false;
        return;
      }
      try {
        if (notYet() && ++turns < DEADLOCK_CHECK_TURNS) {
          nextTurn(check);
          return;
        }
        this.#checkScheduled = false;
        collect();
      } catch {
        // A trap or a sanity failure here surfaces on the next operation.
        this.#checkScheduled = false;
      }
    };
    nextTurn(check);
  }

  /** True once end() ran: the cycle is over (exit, restart or a trap), `core` must not be called. */
  get ended(): boolean {
    return this.#ended;
  }

  /**
   * True when an MVar operation must take its slow path to be refused or
   * checked: the cycle ended, or a custom finaliser runs (FinaliserCallError).
   */
  get closed(): boolean {
    return this.#ended || this.#context.inCustomFinaliser;
  }

  /** The cycle ended: every thread still waiting is rejected with `error`. */
  end(error: UnloadableError = new ShutdownError("MVar operation")): number {
    this.#ended = true;
    let settled = 0;
    for (let id = 0; id < this.#rejects.length; id++) {
      if (this.#rejects[id] === undefined) continue;
      const waiter = this.#waiters.get(id);
      if (waiter !== undefined) waiter.signal.removeEventListener("abort", waiter.onAbort);
      this.scheduler.wake(this.#take(id), error);
      settled++;
    }
    this.#waiters.clear();
    return settled;
  }
}

const threadsOfContext = new WeakMap<HeapContext, Threads>();

/** Creates the threads of a new runtime cycle (runtime.ts, at init). */
export function attachThreads(context: HeapContext, core: CoreExports, seed: number | undefined): Threads {
  const threads = new Threads(context, core, seed);
  threadsOfContext.set(context, threads);
  return threads;
}

/** The threads of a runtime cycle (attachThreads made them at init). */
export function threadsOf(context: HeapContext): Threads {
  const threads = threadsOfContext.get(context);
  if (threads === undefined) throw new Error("threadsOf: this runtime cycle has no threads (attachThreads runs at init)");
  return threads;
}
