// The plain-JS peer of rt.mvar(): an MVar made of one value slot and FIFO
// queues of pending promises, written as well as plain JS allows, so the bench
// compares our MVar (heap object, barrier, core calls) against the best a
// host-only implementation does, not against a strawman. Same semantics as
// src/threads/mvar.ts: FIFO single wake-up, a put onto waiting takers hands the value
// straight to the first one, a blocked putter's value moves in when a take
// empties the MVar, and readers waiting on an empty MVar all get the next put
// before the first taker does.

const EMPTY: unique symbol = Symbol("empty");

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

  constructor(...initial: [] | [T]) {
    this.#value = initial.length === 0 ? EMPTY : initial[0];
  }

  isEmpty(): boolean {
    return this.#value === EMPTY;
  }

  take(): Promise<T> {
    const value = this.#value;
    if (value === EMPTY) return new Promise<T>((resolve) => this.#takers.push(resolve, undefined));
    this.#refill();
    return Promise.resolve(value);
  }

  read(): Promise<T> {
    const value = this.#value;
    if (value === EMPTY) return new Promise<T>((resolve) => this.#readers.push(resolve, undefined));
    return Promise.resolve(value);
  }

  put(value: T): Promise<void> {
    if (this.#value !== EMPTY) return new Promise<void>((resolve) => this.#putters.push(resolve, value));
    this.#fill(value);
    return Promise.resolve();
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
