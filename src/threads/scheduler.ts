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
//
// Note [Arrivals from outside]
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~
// A thread that awaits something the runtime does not control (I/O: the
// pipeline's gunzip runs on libuv's thread pool) resumes whenever the I/O
// completes, and under chaos that moment falls between the scheduler's turns
// differently from run to run, so the seed no longer fixes the interleaving.
// `reserve()` makes such an arrival one more seeded wake-up. The delay is
// drawn when the thread starts waiting, from the same generator and at the
// same point in program order as any wake-up, and the reservation takes its
// place in its turn's bucket then. When the drain reaches it:
//  - the loop stops there, whether or not the value has arrived, and the
//    logical turns stop advancing (later turns wait);
//  - wake-ups drawn "now" by code running meanwhile are delivered at once,
//    as always;
//  - the reservation is delivered, and the drain goes on, in a fresh
//    setImmediate callback once the value has arrived (at once if it
//    already had): after every microtask the earlier deliveries started.
// Whether the I/O finished early or late, the same wake-ups have been
// delivered, in the same order, with the same microtasks run, when the
// waiting thread resumes: only wall time differs. A reservation always
// waits at least one turn (a "now" draw could not be held back without
// holding back every other "now" wake-up). Without a seed nothing is
// reserved: the arrival is delivered when it comes, like any wake-up.
//
//   now queue   ┌─────┬─────┬─────┬─────┐       drained by one loop, in order
//               │ fn  │ arg │ fn  │ arg │ …
//               └─────┴─────┴─────┴─────┘
//   later       turn t+1 → [fn, arg, …]   turn t+3 → [fn, arg, …]   …

import { ArgumentError } from "../core/errors.js";
import { describe } from "../core/options.js";
import { nextTurn } from "../core/environment.js";
import { Random } from "./random.js";

/** A resume function: settles one thread's promise with `arg`. */
export type Resume = (arg: unknown) => void;

/** Largest delay, in event-loop turns, a chaos wake-up may draw. */
export const MAX_DEFER_TURNS = 4;
/** Out of DEFER_ODDS draws, the ones below DEFER_ODDS_NOW deliver now. */
const DEFER_ODDS = 2;
const DEFER_ODDS_NOW = 1;

/**
 * A place in the seeded order for a wake-up from outside the runtime: filled
 * when the value arrives. See Note [Arrivals from outside].
 */
export class Reservation {
  resume: Resume | undefined = undefined;
  arg: unknown = undefined;
  /** @internal Made by Scheduler.reserve. */
  constructor(readonly scheduler: Scheduler) {}
}

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
  /** The reservation the drain stopped at (Note [Arrivals from outside]); turns wait while set. */
  #blockedAt: Reservation | undefined = undefined;
  /** A setImmediate is queued to deliver #blockedAt. */
  #arrivalPending = false;

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
    // The queue is empty whenever no loop runs (or it waits behind a
    // reservation, which a "now" wake-up does not): deliver this one
    // directly, as the loop would, with the flag up so anything it wakes is
    // queued.
    this.#draining = true;
    try {
      this.#delivered++;
      resume(arg);
    } finally {
      this.#draining = false;
    }
    if (this.#head < this.#now.length && this.#blockedAt === undefined) this.#drain();
  }

  /**
   * A place in the seeded order for a wake-up that comes from outside the
   * runtime (I/O), drawn now; fill() it when the value arrives. Without a
   * seed, fill() delivers at once. See Note [Arrivals from outside].
   */
  reserve(): Reservation {
    const reservation = new Reservation(this);
    const random = this.#random;
    if (random !== undefined) this.#defer(reservation, undefined, 1 + random.nextInt(MAX_DEFER_TURNS));
    return reservation;
  }

  /** The value a reservation waited for has arrived: `resume(arg)` is delivered in its place. */
  fill(reservation: Reservation, resume: Resume, arg: unknown): void {
    if (!(reservation instanceof Reservation) || reservation.scheduler !== this) {
      throw new ArgumentError(`Scheduler.fill: ${describe(reservation)} is not a reservation of this scheduler`);
    }
    if (reservation.resume !== undefined) throw new ArgumentError("Scheduler.fill: the reservation is already filled");
    if (typeof resume !== "function") throw new ArgumentError(`Scheduler.fill: resume must be a function, got ${describe(resume)}`);
    if (this.#random === undefined) {
      this.wake(resume, arg);
      return;
    }
    reservation.resume = resume;
    reservation.arg = arg;
    if (this.#blockedAt === reservation) this.#scheduleArrival();
  }

  #scheduleArrival(): void {
    if (this.#arrivalPending) return;
    this.#arrivalPending = true;
    nextTurn(this.#deliverArrival);
  }

  /** The drain stopped at a filled reservation: deliver it and go on. */
  readonly #deliverArrival = (): void => {
    this.#arrivalPending = false;
    const reservation = this.#blockedAt!;
    this.#blockedAt = undefined;
    // The reservation is the head of #now; the loop delivers it as any pair.
    this.#now[this.#head] = reservation.resume;
    this.#now[this.#head + 1] = reservation.arg;
    if (!this.#draining) this.#drain();
    this.#armTurn();
  };

  /** Queues the next turn if anything waits for one and nothing holds the turns. */
  #armTurn(): void {
    if (this.#later.size !== 0 && !this.#turnPending && this.#blockedAt === undefined) {
      this.#turnPending = true;
      nextTurn(this.#nextTurn);
    }
  }

  #defer(resume: Resume | Reservation, arg: unknown, turns: number): void {
    const due = this.#turn + turns;
    let bucket = this.#later.get(due);
    if (bucket === undefined) {
      bucket = [];
      this.#later.set(due, bucket);
    }
    bucket.push(resume, arg);
    this.#deferred++;
    this.#armTurn();
  }

  /** One event-loop turn: deliver what is due now, and come back while anything is left. */
  readonly #nextTurn = (): void => {
    this.#turnPending = false;
    // Turns wait for a reservation the drain stopped at; its delivery re-arms them.
    if (this.#blockedAt !== undefined) return;
    this.#turn++;
    const bucket = this.#later.get(this.#turn);
    if (bucket !== undefined) {
      this.#later.delete(this.#turn);
      for (let i = 0; i < bucket.length; i++) this.#now.push(bucket[i]);
      if (!this.#draining) this.#drain();
    }
    this.#armTurn();
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
        const entry = now[this.#head];
        // Resume functions are checked to be functions; anything else is a reservation.
        if (typeof entry !== "function") {
          // Stop here: See Note [Arrivals from outside].
          this.#blockedAt = entry as Reservation;
          if ((entry as Reservation).resume !== undefined) this.#scheduleArrival();
          return;
        }
        const resume = entry as Resume;
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
