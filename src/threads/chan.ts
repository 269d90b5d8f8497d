// Channels made of MVars, as in GHC's Control.Concurrent.Chan and the
// BoundedChan package: the heap's heaviest users of the write barrier, since
// every write stores a new MVar into an older one.
//
// Chan<T>, unbounded: a linked stream of MVars. Each stream cell ("hole") is
// an MVar that is empty until a write fills it with an item block
// {value, next hole}. The read end and the write end are MVars holding the
// current first and last hole:
//
//   readVar ──► hole₀ = ⟦{v₀, ─}⟧──► hole₁ = ⟦{v₁, ─}⟧──► hole₂ = ⟦ ⟧ ◄── writeVar
//
// A write takes writeVar (so writers queue up in order), fills the last hole
// with {v, new empty hole} and puts the new hole back; a read takes readVar
// (so readers queue up in order), reads the first hole (waiting while it is
// empty) and puts the next hole back. Nothing but the two end MVars is shared,
// so a reader and a writer never wait for each other except on an empty
// channel.
//
// BoundedChan<T>(capacity): a ring of `capacity` MVars with a read position and
// a write position, each in an MVar of its own. A write waits while its slot
// is full (the channel holds `capacity` values), a read while its slot is
// empty; both keep FIFO order among many producers and consumers because the
// position MVars serialise them.
//
// Note [A failed channel operation gives back what it took]
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
// An operation holds one end (Chan's writeVar or readVar, a BoundedChan's
// position) between a take and a put, as GHC's modifyMVar does. Whatever
// fails in between (a value that cannot cross, the heap full under maxHeap,
// an abort while waiting for an item or a slot) puts the end back untouched
// before the error reaches the caller, so the channel stays usable and no
// other thread waits forever on an end nobody holds. Values are checked
// before anything is taken. An abort is honoured only while the operation
// waits (for the end, for an item, for a free slot); once it holds an end
// and has nothing more to wait for, it completes.

import { ArgumentError } from "../core/errors.js";
import { describe } from "../core/options.js";
import type { Block } from "../heap/block.js";
import type { MVar } from "./mvar.js";
import { heapContextOf, isHeapOwner } from "../heap/handles.js";
import { checkBlockingOptions, type BlockingOptions } from "./threads.js";
import { checkDeliverable } from "../heap/values.js";

/**
 * What a channel needs of its runtime: a `Runtime` (from Runtime.start()).
 * Named by its shape, so that the threads, below the runtime, do not import it.
 */
export interface ChannelRuntime {
  mvar<T>(...initial: [] | [T]): MVar<T>;
  block(tag: number, fields?: readonly unknown[]): Block;
}

/** Tag of a Chan stream item block {value, next hole}. */
const ITEM_TAG = 1;
const ITEM_VALUE = 0;
const ITEM_NEXT = 1;

/** An unbounded FIFO channel (GHC's Chan). */
export class Chan<T> {
  readonly #rt: ChannelRuntime;
  readonly #readVar: MVar<MVar<Block>>;
  readonly #writeVar: MVar<MVar<Block>>;

  constructor(rt: ChannelRuntime) {
    checkRuntime("Chan", rt);
    this.#rt = rt;
    const hole = rt.mvar<Block>();
    try {
      this.#readVar = rt.mvar<MVar<Block>>(hole);
      // All or nothing: Note [A channel made part-way is let go].
      try {
        this.#writeVar = rt.mvar<MVar<Block>>(hole);
      } catch (thrown) {
        this.#readVar.free();
        throw thrown;
      }
    } finally {
      hole.free();
    }
  }

  /**
   * Appends `value`; never waits for a reader (only, briefly, for writers
   * ahead of it). `signal` aborts that wait; see Note [A failed channel
   * operation gives back what it took].
   */
  async write(value: T, options?: BlockingOptions): Promise<void> {
    const wait = admit(this.#rt, "Chan.write", value, options);
    const next = this.#rt.mvar<Block>();
    try {
      const last = await this.#writeVar.take(wait);
      try {
        let item: Block;
        try {
          item = this.#rt.block(ITEM_TAG, [value, next]);
        } catch (thrown) {
          await this.#writeVar.put(last);
          throw thrown;
        }
        try {
          // `last` is empty: only the holder of writeVar fills it, so this never waits.
          await last.put(item);
        } finally {
          item.free();
        }
      } finally {
        last.free();
      }
      await this.#writeVar.put(next);
    } finally {
      next.free();
    }
  }

  /**
   * Removes and returns the first value, waiting while the channel is empty.
   * `signal` aborts the wait and takes nothing.
   */
  async read(options?: BlockingOptions): Promise<T> {
    const wait = admit(this.#rt, "Chan.read", null, options);
    const first = await this.#readVar.take(wait);
    let item: Block;
    try {
      item = await first.read(wait);
    } catch (thrown) {
      await this.#readVar.put(first);
      first.free();
      throw thrown;
    }
    try {
      const value = item.get(ITEM_VALUE) as T;
      const next = item.get(ITEM_NEXT) as MVar<Block>;
      try {
        await this.#readVar.put(next);
      } finally {
        next.free();
      }
      return value;
    } finally {
      item.free();
      first.free();
    }
  }

  /** Lets the channel's end MVars go (values not yet read go with them). */
  free(): void {
    this.#readVar.free();
    this.#writeVar.free();
  }

  [Symbol.dispose](): void {
    this.free();
  }
}

/**
 * Largest BoundedChan capacity: each slot is an MVar with a handle of its
 * own (about 150 bytes of JS and 28 of heap), so 2²⁰ slots cost some 180
 * MiB; a capacity of 2³¹ would exhaust V8's heap and end the process
 * before the runtime's maxHeap could refuse it.
 */
export const BOUNDED_CHAN_CAPACITY_MAX = 2 ** 20;

// Note [A channel made part-way is let go]
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
// A channel is several MVars made one after the other, and any of them can
// fail (out of heap under maxHeap, a runtime that shut down). A constructor
// that fails part-way frees every handle it made before the error reaches
// the caller, so the MVars become garbage at the next collection instead
// of staying rooted until shutdown: a constructor is all or nothing.

/** A FIFO channel holding at most `capacity` values; writers wait while it is full. */
export class BoundedChan<T> {
  readonly capacity: number;
  readonly #rt: ChannelRuntime;
  readonly #slots: MVar<T>[];
  readonly #readPos: MVar<number>;
  readonly #writePos: MVar<number>;

  constructor(rt: ChannelRuntime, capacity: number) {
    checkRuntime("BoundedChan", rt);
    if (typeof capacity !== "number" || !Number.isSafeInteger(capacity) || capacity < 1 || capacity > BOUNDED_CHAN_CAPACITY_MAX) {
      throw new ArgumentError(`BoundedChan: capacity must be a whole number from 1 to ${BOUNDED_CHAN_CAPACITY_MAX}, got ${describe(capacity)}`);
    }
    this.capacity = capacity;
    this.#rt = rt;
    // All or nothing: Note [A channel made part-way is let go].
    const made: MVar<unknown>[] = [];
    try {
      for (let i = 0; i < capacity; i++) made.push(rt.mvar<T>());
      made.push(rt.mvar<number>(0));
      made.push(rt.mvar<number>(0));
    } catch (thrown) {
      for (const mvar of made) mvar.free();
      throw thrown;
    }
    this.#writePos = made.pop() as MVar<number>;
    this.#readPos = made.pop() as MVar<number>;
    this.#slots = made as MVar<T>[];
  }

  /**
   * Appends `value`, waiting while the channel is full. `signal` aborts the
   * wait and deposits nothing.
   */
  async write(value: T, options?: BlockingOptions): Promise<void> {
    const wait = admit(this.#rt, "BoundedChan.write", value, options);
    const at = await this.#writePos.take(wait);
    try {
      await this.#slots[at]!.put(value, wait);
    } catch (thrown) {
      await this.#writePos.put(at);
      throw thrown;
    }
    await this.#writePos.put(at + 1 === this.capacity ? 0 : at + 1);
  }

  /**
   * Removes and returns the first value, waiting while the channel is empty.
   * `signal` aborts the wait and takes nothing.
   */
  async read(options?: BlockingOptions): Promise<T> {
    const wait = admit(this.#rt, "BoundedChan.read", null, options);
    const at = await this.#readPos.take(wait);
    let value: T;
    try {
      value = await this.#slots[at]!.take(wait);
    } catch (thrown) {
      await this.#readPos.put(at);
      throw thrown;
    }
    await this.#readPos.put(at + 1 === this.capacity ? 0 : at + 1);
    return value;
  }

  /** Lets the channel's MVars go. */
  free(): void {
    for (const slot of this.#slots) slot.free();
    this.#readPos.free();
    this.#writePos.free();
  }

  [Symbol.dispose](): void {
    this.free();
  }
}

function checkRuntime(operation: string, rt: unknown): void {
  if (!isHeapOwner(rt)) throw new ArgumentError(`${operation}: expected a Runtime (from Runtime.start()), got ${describe(rt)}`);
}

/**
 * What a channel operation checks before it takes anything: the runtime is
 * live, the value can cross, the options are `{ signal? }` and the signal has
 * not fired. Throws (so the async caller rejects) with the operation's name;
 * returns the options for the MVar operations it waits in.
 */
function admit(rt: ChannelRuntime, operation: string, value: unknown, options: BlockingOptions | undefined): BlockingOptions | undefined {
  checkDeliverable(heapContextOf(rt, operation), value, operation);
  const signal = checkBlockingOptions(operation, options);
  if (signal?.aborted) throw signal.reason;
  return signal && { signal };
}
