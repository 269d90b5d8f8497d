// The plain-JS peers of the MVar combinators and of a closable BoundedChan,
// built on the Promise MVar (promise-mvar.ts) the way a careful JS author
// would: modify is GHC's take / try fn / put with the old value put back on
// failure; the channel is the same ring of MVars with read and write
// positions as src/threads/chan.ts, closed by writing an end sentinel that
// readers leave in place. No validation, no signals: the best a host-only
// implementation of the same programs does.

import { PromiseMVar } from "./promise-mvar.js";

/** A Promise MVar with GHC's modifyMVar_. */
export class PromiseModifyMVar<T> extends PromiseMVar<T> {
  async modify(fn: (value: T) => T | PromiseLike<T>): Promise<void> {
    const value = await this.take();
    let next: T;
    try {
      next = await fn(value);
    } catch (thrown) {
      await this.put(value);
      throw thrown;
    }
    await this.put(next);
  }
}

const END: unique symbol = Symbol("end");

/** A bounded channel of Promise MVars, closable, async iterable. */
export class PromiseBoundedChan<T> implements AsyncIterable<T> {
  readonly #slots: PromiseMVar<T | typeof END>[] = [];
  readonly #readPos = new PromiseMVar<number>(0);
  readonly #writePos = new PromiseMVar<number>(0);
  readonly #capacity: number;

  constructor(capacity: number) {
    this.#capacity = capacity;
    for (let i = 0; i < capacity; i++) this.#slots.push(new PromiseMVar<T | typeof END>());
  }

  write(value: T): Promise<void> {
    return this.#write(value);
  }

  /** Ends the channel once the values before it are read. */
  close(): Promise<void> {
    return this.#write(END);
  }

  async #write(value: T | typeof END): Promise<void> {
    const at = await this.#writePos.take();
    await this.#slots[at]!.put(value);
    await this.#writePos.put(at + 1 === this.#capacity ? 0 : at + 1);
  }

  /** The next value, or END; END stays in its slot for the readers after. */
  async #next(): Promise<T | typeof END> {
    const at = await this.#readPos.take();
    const slot = this.#slots[at]!;
    const value = await slot.take();
    if (value === END) {
      await slot.put(END);
      await this.#readPos.put(at);
      return END;
    }
    await this.#readPos.put(at + 1 === this.#capacity ? 0 : at + 1);
    return value;
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    let done = false;
    const finished: IteratorReturnResult<undefined> = { done: true, value: undefined };
    return {
      next: async (): Promise<IteratorResult<T, undefined>> => {
        if (done) return finished;
        const value = await this.#next();
        if (value === END) {
          done = true;
          return finished;
        }
        return { done: false, value };
      },
    };
  }
}
