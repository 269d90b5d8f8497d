// The wake-up queue: the one place where a woken thread of a runtime is
// resumed. The core wakes threads in batches (a put may wake 10⁶ readers; a
// major collection may wake every deadlocked thread at once); the host hands
// each wake-up to this queue, and the queue settles the threads' promises one
// after another from a loop. Nothing here calls back into the code that woke
// the thread, so no chain of wake-ups can grow the stack (Lwt's run_waiters
// recursion: 1.3 million frames).
//
// Note [Resume policy]
// ~~~~~~~~~~~~~~~~~~~~
// Without a seed every wake-up is delivered now: its promise is settled before
// the core call that woke it returns to user code, and the thread's
// continuation runs in the next microtask, like any resolved promise.
// With a seed (option `seed`, the chaos mode) each wake-up draws, from one
// generator in the order the wake-ups happen, whether it is delivered now or
// after k turns of the event loop (1 ≤ k ≤ MAX_DEFER_TURNS). A turn is one
// setImmediate callback; wake-ups due in the same turn are delivered in the
// order they were woken. The same seed and the same program therefore give
// the same interleaving: the draws are the only source of choice.
//
//   now queue   ┌─────┬─────┬─────┬─────┐       drained by one loop, in order
//               │ fn  │ arg │ fn  │ arg │ …
//               └─────┴─────┴─────┴─────┘
//   later       turn t+1 → [fn, arg, …]   turn t+3 → [fn, arg, …]   …

import { ArgumentError } from "./errors.js";
import { describe } from "./options.js";
import { Random } from "./random.js";

/** A resume function: settles one thread's promise with `arg`. */
export type Resume = (arg: unknown) => void;

/** Largest delay, in event-loop turns, a chaos wake-up may draw. */
export const MAX_DEFER_TURNS = 4;
/** Out of DEFER_ODDS draws, the ones below DEFER_ODDS_NOW deliver now. */
const DEFER_ODDS = 2;
const DEFER_ODDS_NOW = 1;

/** Delivers wake-ups iteratively; seeded delays in chaos mode. See Note [Resume policy]. */
export class Scheduler {
  readonly #random: Random | undefined;
  /** Pairs (fn, arg) to deliver in this turn, from #head on. */
  #now: unknown[] = [];
  #head = 0;
  #draining = false;
  /** Turn number → pairs (fn, arg) due then. */
  readonly #later = new Map<number, unknown[]>();
  #turn = 0;
  #turnPending = false;
  #delivered = 0;
  #deferred = 0;

  /** @param seed chaos seed; undefined: every wake-up is delivered now. */
  constructor(seed?: number) {
    if (seed !== undefined && (typeof seed !== "number" || !Number.isSafeInteger(seed) || seed < 0 || seed > 2 ** 32 - 1)) {
      throw new ArgumentError(`Scheduler: seed must be a whole number from 0 to ${2 ** 32 - 1} or undefined, got ${describe(seed)}`);
    }
    this.#random = seed === undefined ? undefined : new Random(seed);
  }

  /** True in chaos mode. */
  get seeded(): boolean {
    return this.#random !== undefined;
  }

  /** Wake-ups delivered so far. */
  get delivered(): number {
    return this.#delivered;
  }

  /** Wake-ups that were put off by at least one turn. */
  get deferred(): number {
    return this.#deferred;
  }

  /** Wake-ups queued and not yet delivered. */
  get pending(): number {
    let n = (this.#now.length - this.#head) >> 1;
    for (const bucket of this.#later.values()) n += bucket.length >> 1;
    return n;
  }

  /** The current turn (setImmediate callbacks run so far), for traces. */
  get turn(): number {
    return this.#turn;
  }

  /** Queues `resume(arg)`: now, or (chaos) after a drawn number of turns. */
  wake(resume: Resume, arg: unknown): void {
    if (typeof resume !== "function") throw new ArgumentError(`Scheduler.wake: resume must be a function, got ${describe(resume)}`);
    const random = this.#random;
    if (random !== undefined && random.nextInt(DEFER_ODDS) >= DEFER_ODDS_NOW) {
      this.#defer(resume, arg, 1 + random.nextInt(MAX_DEFER_TURNS));
      return;
    }
    if (this.#draining) {
      this.#now.push(resume, arg);
      return;
    }
    // The queue is empty whenever no loop runs: deliver this one directly,
    // as the loop would, with the flag up so anything it wakes is queued.
    this.#draining = true;
    try {
      this.#delivered++;
      resume(arg);
    } finally {
      this.#draining = false;
    }
    if (this.#head < this.#now.length) this.#drain();
  }

  #defer(resume: Resume, arg: unknown, turns: number): void {
    const due = this.#turn + turns;
    let bucket = this.#later.get(due);
    if (bucket === undefined) {
      bucket = [];
      this.#later.set(due, bucket);
    }
    bucket.push(resume, arg);
    this.#deferred++;
    if (!this.#turnPending) {
      this.#turnPending = true;
      setImmediate(this.#nextTurn);
    }
  }

  /** One event-loop turn: deliver what is due now, and come back while anything is left. */
  readonly #nextTurn = (): void => {
    this.#turnPending = false;
    this.#turn++;
    const bucket = this.#later.get(this.#turn);
    if (bucket !== undefined) {
      this.#later.delete(this.#turn);
      for (let i = 0; i < bucket.length; i++) this.#now.push(bucket[i]);
      if (!this.#draining) this.#drain();
    }
    if (this.#later.size !== 0 && !this.#turnPending) {
      this.#turnPending = true;
      setImmediate(this.#nextTurn);
    }
  };

  /**
   * The loop. A resume function that wakes further threads (it should not:
   * settling a promise only queues a microtask) appends to #now and is served
   * by this same loop, never by a nested one.
   */
  #drain(): void {
    this.#draining = true;
    try {
      const now = this.#now;
      while (this.#head < now.length) {
        const resume = now[this.#head] as Resume;
        const arg = now[this.#head + 1];
        now[this.#head] = undefined;
        now[this.#head + 1] = undefined;
        this.#head += 2;
        this.#delivered++;
        resume(arg);
      }
    } finally {
      // A throwing resume leaves the rest queued for the next wake.
      if (this.#head >= this.#now.length) {
        this.#now.length = 0;
        this.#head = 0;
      }
      this.#draining = false;
    }
  }
}
