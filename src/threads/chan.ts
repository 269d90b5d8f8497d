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
//
// Note [Closing a channel]
// ~~~~~~~~~~~~~~~~~~~~~~~~
// close() ends a channel as Lwt_stream's close does: what was written
// before it is still read, in order; then readers end (`for await` leaves
// its loop, read() rejects with ChannelClosedError); writes called after it
// reject with ChannelClosedError. Close is ordered after every write already
// called: such a write completes, even one waiting for room in a full
// BoundedChan (its value is read like the others). Everything still flows
// through the MVars in the heap:
//   Chan: close takes writeVar, like a writer, and fills the last hole with
//   the end marker, an item block {null, null} (no next hole). A reader that
//   reads the marker puts readVar back on the same hole, so every later
//   reader (and every dup's reader) reads it too; a reader blocked on the
//   last hole when the channel closes is woken by the marker's put. A writer
//   finds the last hole full (tryPut fails) and puts writeVar back untouched.
//   BoundedChan: the ring has no spare slot for a marker while writers wait
//   for room, so `closed` is a flag of the channel object, with a count of
//   writes in flight. A reader that finds its slot empty ends if the channel
//   is closed and no write is in flight, and otherwise waits on the slot as
//   always; when the channel is closed and the last write in flight is done,
//   the reader waiting on an empty slot (readPos lets one at a time) is
//   handed END_MARK through that slot's ordinary put. A reader that takes the
//   marker ends and leaves its position where it was. Nothing on the hot
//   path changes: no signal, no extra core call per operation.
// Iterating never closes a channel: leaving a `for await` early (break,
// return, throw) leaves the channel as it is, since other readers may share it.
//
// Note [A flag that changes is assigned in the constructor]
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
// V8 treats a field that no object of its class has changed yet as
// constant, and optimised code relies on that; the first store that
// changes it, on any object, throws away every function optimised against
// the class's shape. A shape dies with the last object that has it, at a
// full collection, and the next object starts a new one. So a flag first
// written late in an object's life (close()'s `closed`, free()'s `freed`)
// cost a round of re-optimisation each time every channel and MVar had died
// before a full collection. chan/for-await makes its channels per call and
// the bench collects before each slice: in the first call after it, the
// producer's close() and the frees made V8 drop write, #next and the MVar
// operations (`--trace-deopt`: "marking dependent code … reason: code
// dependencies") and optimise them again, so ours took two calls to
// recover where the plain-JS peer, which has no such flag, took one
// (docs/bench.md, chan/for-await). Such a flag is declared without an
// initialiser and assigned in the constructor: the class field is defined
// as undefined and the assignment changes it, so V8 knows it as mutable
// before any code is optimised. Counters and positions need no such care:
// the hot path changes them from the first operation.

import { ArgumentError, ChannelClosedError, StaleHandleError } from "../core/errors.js";
import { describe } from "../core/options.js";
import type { Block } from "../heap/block.js";
import type { MVar } from "./mvar.js";
import { heapContextOf, isHeapOwner, type HeapContext } from "../heap/handles.js";
import { checkBlockingOptions, type BlockingOptions } from "./threads.js";
import { checkDeliverable, intWord, NOT_INT_WORD } from "../heap/values.js";

/**
 * What a channel needs of its runtime: a `Runtime` (from Runtime.start()).
 * Named by its shape, so that the threads, below the runtime, do not import it.
 */
export interface ChannelRuntime {
  mvar<T>(...initial: [] | [T]): MVar<T>;
  block(tag: number, fields?: readonly unknown[]): Block;
}

/** Tag of a Chan stream item block {value, next hole}; the end marker is {null, null}. */
const ITEM_TAG = 1;
const ITEM_VALUE = 0;
const ITEM_NEXT = 1;

/** What a read returns once the channel is closed and drained. */
const END: unique symbol = Symbol("end of channel");
type End = typeof END;

/**
 * A BoundedChan's end marker: a JS object only this module has, so it
 * crosses into the heap as a host reference and comes back as itself.
 * Note [Closing a channel].
 */
const END_MARK: object = Object.freeze({ endOfChannel: true });

/** The write end a Chan shares with its dups: writeVar, and who still holds the handle. */
interface WriteEnd {
  readonly writeVar: MVar<MVar<Block>>;
  users: number;
  closed: boolean;
}

/** Set by Chan.dup for the constructor it calls: the dup's first hole and the shared write end. */
let dupOf: { readonly hole: MVar<Block>; readonly end: WriteEnd } | undefined;

/** An unbounded FIFO channel (GHC's Chan). */
export class Chan<T> implements AsyncIterable<T> {
  readonly #rt: ChannelRuntime;
  /** The cycle it was made in, for admit's hot path. */
  readonly #context: HeapContext;
  readonly #readVar: MVar<MVar<Block>>;
  readonly #end: WriteEnd;
  /** Set by free(); born mutable: Note [A flag that changes is assigned in the constructor]. */
  #freed: boolean;

  constructor(rt: ChannelRuntime) {
    checkRuntime("Chan", rt);
    this.#rt = rt;
    this.#freed = false;
    const dup = dupOf;
    dupOf = undefined;
    if (dup !== undefined) {
      this.#readVar = rt.mvar<MVar<Block>>(dup.hole);
      this.#context = heapContextOf(rt, "Chan");
      this.#end = dup.end;
      dup.end.users++;
      return;
    }
    const hole = rt.mvar<Block>();
    try {
      this.#readVar = rt.mvar<MVar<Block>>(hole);
      // All or nothing: Note [A channel made part-way is let go].
      try {
        this.#end = { writeVar: rt.mvar<MVar<Block>>(hole), users: 1, closed: false };
      } catch (thrown) {
        this.#readVar.free();
        throw thrown;
      }
    } finally {
      hole.free();
    }
    this.#context = heapContextOf(rt, "Chan");
  }

  /** True once close() has finished (on this channel or on one of its dups). */
  get closed(): boolean {
    return this.#end.closed;
  }

  /**
   * Appends `value`; never waits for a reader (only, briefly, for writers
   * ahead of it). `signal` aborts that wait; see Note [A failed channel
   * operation gives back what it took]. Rejects with ChannelClosedError
   * once the channel is closed.
   */
  async write(value: T, options?: BlockingOptions): Promise<void> {
    const wait = admit(this.#rt, this.#context, "Chan.write", value, options);
    const writeVar = this.#end.writeVar;
    const next = this.#rt.mvar<Block>();
    try {
      const last = await writeVar.take(wait);
      try {
        if (!this.#fill(last, value, next)) {
          await writeVar.put(last);
          throw new ChannelClosedError("Chan.write");
        }
      } catch (thrown) {
        if (!(thrown instanceof ChannelClosedError)) await writeVar.put(last);
        throw thrown;
      } finally {
        last.free();
      }
      await writeVar.put(next);
    } finally {
      next.free();
    }
  }

  /** Appends `value` if no other writer holds the write end now; never waits. Throws ChannelClosedError once closed. */
  tryWrite(value: T): boolean {
    admit(this.#rt, this.#context, "Chan.tryWrite", value, undefined);
    const writeVar = this.#end.writeVar;
    const next = this.#rt.mvar<Block>();
    try {
      const last = writeVar.tryTake();
      if (last === undefined) return false;
      let filled = false;
      try {
        filled = this.#fill(last, value, next);
      } finally {
        writeVar.tryPut(filled ? next : last);
        last.free();
      }
      if (!filled) throw new ChannelClosedError("Chan.tryWrite");
      return true;
    } finally {
      next.free();
    }
  }

  /** Fills the last hole with {value, next}; false when it is full (the end marker: closed). */
  #fill(last: MVar<Block>, value: T, next: MVar<Block>): boolean {
    const item = this.#rt.block(ITEM_TAG, [value, next]);
    try {
      // `last` is empty unless closed: only the holder of writeVar fills it.
      return last.tryPut(item);
    } finally {
      item.free();
    }
  }

  /**
   * Removes and returns the first value, waiting while the channel is empty.
   * `signal` aborts the wait and takes nothing. Once the channel is closed
   * and drained, rejects with ChannelClosedError.
   */
  async read(options?: BlockingOptions): Promise<T> {
    const value = await this.#next(admit(this.#rt, this.#context, "Chan.read", null, options));
    if (value === END) throw new ChannelClosedError("Chan.read", true);
    return value;
  }

  /** The first value if there is one and no other reader holds the read end now; never waits. */
  tryRead(): T | undefined {
    checkLive(this.#rt, "Chan.tryRead");
    const readVar = this.#readVar;
    const first = readVar.tryTake();
    if (first === undefined) return undefined;
    let rest = first;
    try {
      const item = first.tryRead();
      if (item === undefined) return undefined;
      try {
        const next = item.get(ITEM_NEXT) as MVar<Block> | null;
        if (next === null) return undefined;
        rest = next;
        return item.get(ITEM_VALUE) as T;
      } finally {
        item.free();
      }
    } finally {
      readVar.tryPut(rest);
      first.free();
      if (rest !== first) rest.free();
    }
  }

  /** One read: the value, or END once closed and drained. */
  async #next(wait: BlockingOptions | undefined): Promise<T | End> {
    const readVar = this.#readVar;
    const first = await readVar.take(wait);
    let item: Block;
    try {
      item = await first.read(wait);
    } catch (thrown) {
      await readVar.put(first);
      first.free();
      throw thrown;
    }
    try {
      const next = item.get(ITEM_NEXT) as MVar<Block> | null;
      if (next === null) {
        // The end marker: leave it for the readers after this one.
        await readVar.put(first);
        return END;
      }
      const value = item.get(ITEM_VALUE) as T;
      try {
        await readVar.put(next);
      } finally {
        next.free();
      }
      return value;
    } finally {
      item.free();
      first.free();
    }
  }

  /**
   * Ends the channel (Note [Closing a channel]): what was written is still
   * read, then readers end; writes reject with ChannelClosedError. Waits
   * only for writers that hold the write end. Closing again does nothing.
   */
  async close(): Promise<void> {
    checkLive(this.#rt, "Chan.close");
    const writeVar = this.#end.writeVar;
    const last = await writeVar.take();
    try {
      if (last.isEmpty()) {
        const marker = this.#rt.block(ITEM_TAG, [null, null]);
        try {
          last.tryPut(marker);
        } finally {
          marker.free();
        }
      }
      this.#end.closed = true;
    } finally {
      await writeVar.put(last);
      last.free();
    }
  }

  /**
   * GHC's dupChan: a new channel with its own read end, which reads every
   * value written to either from now on (and the close); the two share the
   * write end. Waits only for writers that hold the write end.
   */
  async dup(): Promise<Chan<T>> {
    checkLive(this.#rt, "Chan.dup");
    if (this.#freed) throw new StaleHandleError("Chan.dup", "freed");
    const hole = await this.#end.writeVar.read();
    try {
      dupOf = { hole, end: this.#end };
      return new Chan<T>(this.#rt);
    } finally {
      dupOf = undefined;
      hole.free();
    }
  }

  /** An async iterator of the values read until the channel is closed and drained; `signal` aborts its waits. */
  values(options?: BlockingOptions): AsyncIterableIterator<T> {
    const wait = iterationOptions(this.#rt, "Chan.values", options);
    return iterate((): Promise<T | End> => this.#next(wait));
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this.values();
  }

  /** Lets the channel's read end go, and the write end once no dup holds it (values not yet read go with them). */
  free(): void {
    if (this.#freed) return;
    this.#freed = true;
    this.#readVar.free();
    if (--this.#end.users === 0) this.#end.writeVar.free();
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
export class BoundedChan<T> implements AsyncIterable<T> {
  readonly capacity: number;
  readonly #rt: ChannelRuntime;
  /** The cycle it was made in, for admit's hot path. */
  readonly #context: HeapContext;
  readonly #slots: MVar<T>[];
  readonly #readPos: MVar<number>;
  readonly #writePos: MVar<number>;
  /** Set by close(); born mutable: Note [A flag that changes is assigned in the constructor]. */
  #closed: boolean;
  /** Writes called before the close and not finished yet: Note [Closing a channel]. */
  #writing = 0;
  /** The slot a reader waits on (readPos serialises readers: at most one), or -1. */
  #readerAt = -1;

  constructor(rt: ChannelRuntime, capacity: number) {
    checkRuntime("BoundedChan", rt);
    if (typeof capacity !== "number" || !Number.isSafeInteger(capacity) || capacity < 1 || capacity > BOUNDED_CHAN_CAPACITY_MAX) {
      throw new ArgumentError(`BoundedChan: capacity must be a whole number from 1 to ${BOUNDED_CHAN_CAPACITY_MAX}, got ${describe(capacity)}`);
    }
    this.capacity = capacity;
    this.#rt = rt;
    this.#closed = false;
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
    this.#context = heapContextOf(rt, "BoundedChan");
  }

  /** True once close() was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Appends `value`, waiting while the channel is full. `signal` aborts the
   * wait and deposits nothing. Rejects with ChannelClosedError when called
   * after close(); a write called before it completes (Note [Closing a channel]).
   */
  async write(value: T, options?: BlockingOptions): Promise<void> {
    const operation = "BoundedChan.write";
    const wait = admit(this.#rt, this.#context, operation, value, options);
    if (this.#closed) throw new ChannelClosedError(operation);
    this.#writing++;
    try {
      const writePos = this.#writePos;
      const at = await writePos.take(wait);
      try {
        await this.#slots[at]!.put(value, wait);
      } catch (thrown) {
        await writePos.put(at);
        throw thrown;
      }
      await writePos.put(at + 1 === this.capacity ? 0 : at + 1);
    } finally {
      if (--this.#writing === 0 && this.#closed) this.#wakeReader();
    }
  }

  /** Appends `value` if there is room and no other writer is writing now; never waits. Throws ChannelClosedError once closed. */
  tryWrite(value: T): boolean {
    const operation = "BoundedChan.tryWrite";
    admit(this.#rt, this.#context, operation, value, undefined);
    if (this.#closed) throw new ChannelClosedError(operation);
    const at = this.#writePos.tryTake();
    if (at === undefined) return false;
    let stored = false;
    try {
      stored = this.#slots[at]!.tryPut(value);
    } finally {
      this.#writePos.tryPut(stored ? (at + 1 === this.capacity ? 0 : at + 1) : at);
    }
    return stored;
  }

  /**
   * Removes and returns the first value, waiting while the channel is empty.
   * `signal` aborts the wait and takes nothing. Once the channel is closed
   * and drained, rejects with ChannelClosedError.
   */
  async read(options?: BlockingOptions): Promise<T> {
    const value = await this.#next(admit(this.#rt, this.#context, "BoundedChan.read", null, options));
    if (value === END) throw new ChannelClosedError("BoundedChan.read", true);
    return value;
  }

  /** The first value if there is one and no other reader is reading now; never waits. */
  tryRead(): T | undefined {
    checkLive(this.#rt, "BoundedChan.tryRead");
    const at = this.#readPos.tryTake();
    if (at === undefined) return undefined;
    let value: T | undefined;
    try {
      value = this.#slots[at]!.tryTake();
      if ((value as unknown) === END_MARK) value = undefined;
    } finally {
      this.#readPos.tryPut(value === undefined ? at : at + 1 === this.capacity ? 0 : at + 1);
    }
    return value;
  }

  /** One read: the value, or END once closed and drained. */
  async #next(wait: BlockingOptions | undefined): Promise<T | End> {
    const readPos = this.#readPos;
    const at = await readPos.take(wait);
    const slot = this.#slots[at]!;
    let value: T | undefined;
    try {
      if (this.#closed && this.#writing === 0) {
        // Nothing more can arrive: what is in the slot, or the end.
        value = slot.tryTake() ?? (END_MARK as T);
      } else {
        this.#readerAt = at;
        value = await slot.take(wait);
        this.#readerAt = -1;
      }
    } catch (thrown) {
      this.#readerAt = -1;
      await readPos.put(at);
      throw thrown;
    }
    if ((value as unknown) === END_MARK) {
      // Closed and drained: the position stays, so every later read ends here too.
      await readPos.put(at);
      return END;
    }
    await readPos.put(at + 1 === this.capacity ? 0 : at + 1);
    return value;
  }

  /** Closed, and the last write has finished: the reader waiting on an empty slot (if any) gets the end marker. */
  #wakeReader(): void {
    if (this.#readerAt >= 0) this.#slots[this.#readerAt]!.tryPut(END_MARK as T);
  }

  /**
   * Ends the channel (Note [Closing a channel]): writes called before it
   * complete and are read; then readers end, a reader waiting on an empty
   * channel at once; writes called after it reject with ChannelClosedError.
   * Closing again does nothing.
   */
  close(): Promise<void> {
    try {
      checkLive(this.#rt, "BoundedChan.close");
    } catch (thrown) {
      return Promise.reject(thrown);
    }
    if (!this.#closed) {
      this.#closed = true;
      if (this.#writing === 0) this.#wakeReader();
    }
    return Promise.resolve();
  }

  /** An async iterator of the values read until the channel is closed and drained; `signal` aborts its waits. */
  values(options?: BlockingOptions): AsyncIterableIterator<T> {
    const wait = iterationOptions(this.#rt, "BoundedChan.values", options);
    return iterate((): Promise<T | End> => this.#next(wait));
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this.values();
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

/**
 * The iterator of `values()`: each next() is one read; done once a read
 * finds the channel closed and drained, and from then on. return() (a
 * `break` out of for await) only stops this iterator: Note [Closing a channel].
 */
function iterate<T>(read: () => Promise<T | End>): AsyncIterableIterator<T> {
  let done = false;
  const finished: IteratorReturnResult<undefined> = { done: true, value: undefined };
  const iterator: AsyncIterableIterator<T> = {
    next: async (): Promise<IteratorResult<T, undefined>> => {
      if (done) return finished;
      const value = await read();
      if (value === END) {
        done = true;
        return finished;
      }
      return { done: false, value };
    },
    return: (): Promise<IteratorResult<T, undefined>> => {
      done = true;
      return Promise.resolve(finished);
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}

function checkRuntime(operation: string, rt: unknown): void {
  if (!isHeapOwner(rt)) throw new ArgumentError(`${operation}: expected a Runtime (from Runtime.start()), got ${describe(rt)}`);
}

/** The runtime is live (ShutdownError, CoreTrapError otherwise). */
function checkLive(rt: ChannelRuntime, operation: string): void {
  heapContextOf(rt, operation);
}

/**
 * What a channel operation checks before it takes anything: the runtime is
 * live, the value can cross, the options are `{ signal? }` and the signal has
 * not fired. Throws (so the async caller rejects) with the operation's name;
 * returns the options for the MVar operations it waits in.
 */
function admit(rt: ChannelRuntime, context: HeapContext, operation: string, value: unknown, options: BlockingOptions | undefined): BlockingOptions | undefined {
  // The hot path: no options, an immediate int (nothing to check in it), in
  // the cycle the channel was made in, still running and not inside a custom
  // finaliser; then nothing below can fail. Anything else is checked in full.
  if (options === undefined && context.ended === undefined && !context.inCustomFinaliser && intWord(value) !== NOT_INT_WORD) return undefined;
  checkDeliverable(heapContextOf(rt, operation), value, operation);
  const signal = checkBlockingOptions(operation, options);
  if (signal?.aborted) throw signal.reason;
  return signal && { signal };
}

/** values()'s options: `{ signal? }` only (checkBlockingOptions refuses other keys); checked when the iterator is made. */
function iterationOptions(rt: ChannelRuntime, operation: string, options: BlockingOptions | undefined): BlockingOptions | undefined {
  checkLive(rt, operation);
  const signal = checkBlockingOptions(operation, options);
  return signal && { signal };
}
