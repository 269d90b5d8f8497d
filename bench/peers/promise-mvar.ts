// The plain-JS peer of rt.mvar(): an MVar made of one value slot and FIFO
// queues of pending promises, written as well as plain JS allows, so the bench
// compares our MVar (heap object, barrier, core calls) against the best a
// host-only implementation does, not against a strawman. Same semantics as
// src/threads/mvar.ts: FIFO single wake-up, a put onto waiting takers hands the value
// straight to the first one, a blocked putter's value moves in when a take
// empties the MVar, and readers waiting on an empty MVar all get the next put
// before the first taker does.
//
// It has the two micro-optimisations ours has (src/threads/mvar.ts, Note [A
// hot path that fits the inliner]), so the rows compare MVars, not tricks:
//  - a put that does not wait returns one shared settled promise (DONE): no
//    promise is made for it;
//  - a blocked thread's promise takes one shared executor (#register), not
//    a closure per thread: the operation stores what the executor needs in
//    fields, and the executor, run inside the Promise constructor, reads them.
// Where the two still differ, by design: ours crosses into the core for
// every operation (a JS→wasm call, the value encoded into a heap word, the
// queue entry and TSO allocated in the heap, the write barrier); this one
// keeps the value and the resolve functions in JS arrays.

const EMPTY: unique symbol = Symbol("empty");

/** What every put that did not wait returns: one settled promise, shared (it carries no value). */
const DONE: Promise<void> = Promise.resolve();

/**
 * A FIFO of (resolve, value) pairs in one array with a head index: push and
 * shift are O(1) with no per-entry object, and the array is reset when it
 * empties so it never grows past the longest queue.
 */
class Fifo<T> {
  #items: unknown[] = [];
  #head = 0;

  get size(): number {
    return (this.#items.length - this.#head) >> 1;
  }

  push(resolve: (value: T) => void, value: unknown): void {
    this.#items.push(resolve, value);
  }

  /** Pops the oldest pair into `out` (resolve, value); false when empty. */
  shift(out: [((value: T) => void) | undefined, unknown]): boolean {
    const items = this.#items;
    if (this.#head === items.length) return false;
    out[0] = items[this.#head] as (value: T) => void;
    out[1] = items[this.#head + 1];
    items[this.#head] = undefined;
    items[this.#head + 1] = undefined;
    this.#head += 2;
    if (this.#head === items.length) {
      items.length = 0;
      this.#head = 0;
    }
    return true;
  }
}

export class PromiseMVar<T> {
  #value: T | typeof EMPTY;
  readonly #takers = new Fifo<T>();
  readonly #readers = new Fifo<T>();
  readonly #putters = new Fifo<void>();
  readonly #slot: [((value: never) => void) | undefined, unknown] = [undefined, undefined];
  /** Where the shared executor puts the resolve function: the queue and the value (putters) of the thread blocking now. */
  #blockingOn: Fifo<never> | undefined;
  #blockingValue: unknown;

  /**
   * The executor of every blocked thread's promise, made once per MVar, not
   * once per thread; it runs inside the Promise constructor, so the fields
   * hold what #block was given.
   */
  readonly #register = (resolve: (value: never) => void): void => {
    this.#blockingOn!.push(resolve, this.#blockingValue);
  };

  #block<R>(queue: Fifo<R>, value: unknown): Promise<R> {
    this.#blockingOn = queue as unknown as Fifo<never>;
    this.#blockingValue = value;
    return new Promise<R>(this.#register as (resolve: (value: R) => void) => void);
  }

  constructor(...initial: [] | [T]) {
    this.#value = initial.length === 0 ? EMPTY : initial[0];
  }

  isEmpty(): boolean {
    return this.#value === EMPTY;
  }

  take(): Promise<T> {
    const value = this.#value;
    if (value === EMPTY) return this.#block(this.#takers, undefined);
    this.#refill();
    return Promise.resolve(value);
  }

  read(): Promise<T> {
    const value = this.#value;
    if (value === EMPTY) return this.#block(this.#readers, undefined);
    return Promise.resolve(value);
  }

  put(value: T): Promise<void> {
    if (this.#value !== EMPTY) return this.#block(this.#putters, value);
    this.#fill(value);
    return DONE;
  }

  tryTake(): T | undefined {
    const value = this.#value;
    if (value === EMPTY) return undefined;
    this.#refill();
    return value;
  }

  tryPut(value: T): boolean {
    if (this.#value !== EMPTY) return false;
    this.#fill(value);
    return true;
  }

  tryRead(): T | undefined {
    return this.#value === EMPTY ? undefined : this.#value;
  }

  /** The MVar was just taken: the first blocked putter's value moves in. */
  #refill(): void {
    const slot = this.#slot;
    if (this.#putters.shift(slot as [((value: void) => void) | undefined, unknown])) {
      this.#value = slot[1] as T;
      (slot[0] as (value: void) => void)(undefined);
    } else {
      this.#value = EMPTY;
    }
  }

  /** A put into the empty MVar: readers first, then a hand-off to the first taker, else it fills. */
  #fill(value: T): void {
    const slot = this.#slot;
    while (this.#readers.shift(slot as [((value: T) => void) | undefined, unknown])) (slot[0] as (value: T) => void)(value);
    if (this.#takers.shift(slot as [((value: T) => void) | undefined, unknown])) {
      (slot[0] as (value: T) => void)(value);
      return;
    }
    this.#value = value;
  }
}
