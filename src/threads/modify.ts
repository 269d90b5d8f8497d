// The MVar combinators of GHC's Control.Concurrent.MVar, exception-safe:
// modify (modifyMVar_), modifyReturning (modifyMVar), with (withMVar) and
// swap (swapMVar). Each takes the MVar, runs the caller's function on the
// value, and puts a value back whatever happens. MVar's methods call them;
// this module sees an MVar only through the Box it needs, so it imports
// nothing of mvar.ts.
//
// Note [Combinators hold the MVar]
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
// A combinator is take, then the caller's function, then put: between the
// take and the put the MVar is empty, and it is this thread's. So a combinator
// is atomic with respect to other users of the MVar in exactly GHC's sense
// (Control.Concurrent.MVar, "atomic only if there are no other producers"):
// while every other user also takes before it puts (another combinator, a
// take-then-put, a read), nobody sees or changes the value in between. A
// plain `put` by another thread while the MVar is held breaks that: it fills
// the empty MVar, and the combinator's own put then waits, as GHC's does.
//
// Whatever goes wrong between the take and the put, the MVar is not left
// empty: if the function throws or rejects, if its result cannot be stored
// (undefined, a handle of another runtime), or if the signal fires while the
// function runs, the value taken is put back, and only then does the error
// (or the signal's reason) reach the caller. An abort is honoured while the
// combinator waits for the value and while the function runs; the function
// is not stopped (JS cannot stop it), and its result, when it comes, is
// dropped. The put itself takes no signal: a put into the MVar this thread
// emptied does not wait unless someone broke the protocol.

import { ArgumentError } from "../core/errors.js";
import { describe } from "../core/options.js";
import { checkBlockingOptions, type BlockingOptions } from "./threads.js";

/** What a combinator needs of an MVar. */
export interface Box<T> {
  take(options?: BlockingOptions): Promise<T>;
  put(value: T, options?: BlockingOptions): Promise<void>;
}

/** `{ signal? }`, refusing anything else (checkBlockingOptions does); the signal. */
export function combinatorSignal(operation: string, options: unknown): AbortSignal | undefined {
  return checkBlockingOptions(operation, options as BlockingOptions | undefined);
}

/** Refuses a callback that is not a function. */
export function checkCallback(operation: string, fn: unknown, shape: string): void {
  if (typeof fn !== "function") throw new ArgumentError(`${operation}: expected a function ${shape}, got ${describe(fn)}`);
}

/** What the caller's function left: the value to put back and the combinator's result. */
interface Outcome<T, R> {
  readonly next: T;
  readonly result: R;
}

/**
 * take, `body(value)`, put: Note [Combinators hold the MVar]. `signal` has
 * been checked; `body` may throw, return a value or a promise.
 */
export async function holding<T, R>(box: Box<T>, signal: AbortSignal | undefined, body: (value: T) => Outcome<T, R> | Promise<Outcome<T, R>>): Promise<R> {
  const value = await box.take(signal === undefined ? undefined : { signal });
  let outcome: Outcome<T, R>;
  try {
    if (signal?.aborted) throw signal.reason;
    outcome = await untilAborted(body, value, signal);
  } catch (thrown) {
    await box.put(value);
    throw thrown;
  }
  if (outcome.next === value) {
    await box.put(value);
    return outcome.result;
  }
  try {
    await box.put(outcome.next);
  } catch (thrown) {
    // The new value could not be stored (undefined, say): nothing was; the old one goes back.
    await box.put(value);
    throw thrown;
  }
  return outcome.result;
}

/** `body(value)`, rejecting with the signal's reason if it fires first. */
function untilAborted<T, R>(body: (value: T) => R | Promise<R>, value: T, signal: AbortSignal | undefined): Promise<R> {
  if (signal === undefined) return Promise.resolve(body(value));
  return new Promise<R>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    const done = (): void => signal.removeEventListener("abort", onAbort);
    let started: Promise<R>;
    try {
      started = Promise.resolve(body(value));
    } catch (thrown) {
      started = Promise.reject(thrown);
    }
    started.then(
      (result) => {
        done();
        resolve(result);
      },
      (thrown: unknown) => {
        done();
        reject(thrown);
      },
    );
  });
}

/** modifyReturning's function must give back a pair. */
export function checkPair<T, R>(operation: string, pair: unknown): Outcome<T, R> {
  if (!Array.isArray(pair) || pair.length !== 2) {
    throw new ArgumentError(`${operation}: the function must return (or resolve to) a pair [newValue, result], got ${describe(pair)}; the MVar keeps its old value`);
  }
  return { next: pair[0] as T, result: pair[1] as R };
}
