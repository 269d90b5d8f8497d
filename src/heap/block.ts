// Block: a handle on a heap block of fields with a small tag. get/set cross
// values as src/heap/values.ts describes; set goes through the write barrier.

import { describe } from "../core/options.js";
import { isArray, snapshotArray } from "../core/user.js";
import { ArgumentError, OutOfMemoryError } from "../core/errors.js";
import { Handle, handleContext, handleSlot, NO_HANDLE, type HeapContext } from "./handles.js";
import type { CoreExports } from "../core/exports.js";
import { cachedWord, checkValue, decode, encode, fillString, intOfWord, intWord, isIntWord, NOT_INT_WORD } from "./values.js";
import { afterAllocation, afterPublished } from "./poll.js";

/** A heap block of fields. Free it (or use `using`, or rt.scope) when done. */
export class Block extends Handle {
  /** Number of fields, read from the core at first use (a block's length never changes); -1 before. */
  #length = -1;

  /** Number of fields. */
  get length(): number {
    const context = handleContext(this);
    const slot = handleSlot(this, "Block.length");
    return context.run("Block.length", (core) => this.#lengthIn(core, slot));
  }

  /** The tag given to rt.block (0 to 255). */
  get tag(): number {
    const context = handleContext(this);
    const slot = handleSlot(this, "Block.tag");
    return context.run("Block.tag", (core) => core.heap_block_tag(slot) >>> 0);
  }

  // get and set are the host API's hottest calls; see Note [Block access
  // without a closure].

  /** Field i; a block field comes back as a new Block handle (free it, or use rt.scope). */
  get(i: number): unknown {
    const context = handleContext(this);
    const slot = handleSlot(this, "Block.get");
    const core = context.enter("Block.get");
    try {
      checkIndex("Block.get", i, this.#lengthIn(core, slot));
      const word = core.heap_get(slot, i) >>> 0;
      return isIntWord(word) ? intOfWord(word) : decode(context, core, word);
    } catch (thrown) {
      throw context.failed("Block.get", thrown);
    }
  }

  /** Stores `value` in field i, through the write barrier. */
  set(i: number, value: unknown): void {
    const context = handleContext(this);
    const slot = handleSlot(this, "Block.set");
    let word = intWord(value);
    if (word === NOT_INT_WORD) checkValue(context, value, "Block.set");
    const core = context.enter("Block.set");
    try {
      checkIndex("Block.set", i, this.#lengthIn(core, slot));
      if (word === NOT_INT_WORD) word = cachedWord(context, core, value);
      // An immediate int or a cached word allocates nothing, so no collection can have run: nothing to poll.
      if (word !== NOT_INT_WORD) core.heap_set(slot, i, word);
      else if (typeof value === "string") setNewString(context, core, slot, i, value);
      else setEncoded(context, core, slot, i, value);
    } catch (thrown) {
      throw context.failed("Block.set", thrown);
    }
  }

  #lengthIn(core: CoreExports, slot: number): number {
    if (this.#length < 0) this.#length = core.heap_block_length(slot) >>> 0;
    return this.#length;
  }
}

// Note [Block access without a closure]
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
// Every other call into the core goes through context.run(operation, body),
// the runtime's trap guard, with a closure for body. For get and set of an
// int that closure was a third of the cost: a CPU profile of 2·10⁶ int gets
// (issue 18) had 25 % of the time in V8's collector, collecting closures,
// and a get took ~47 ns. So get and set ask the guard for the live core
// once (context.enter), make their core calls in a try, and route anything
// thrown through the guard (context.failed), which marks the runtime dead on
// a trap exactly as run() would. The block's length is read once (it never
// changes), ints are encoded and decoded inline (values.ts), and an int set
// skips the poll: storing an immediate word allocates nothing. So does a set
// of a string or object whose word is cached (Note [One word per value until
// a collection], word-cache.ts).

/**
 * A set of a value that may allocate (a float, a host reference, bytes; a
 * string goes through setNewString) and that cachedWord has just missed: encode, store, then poll for collections.
 */
function setEncoded(context: HeapContext, core: CoreExports, slot: number, i: number, value: unknown): void {
  try {
    core.heap_set(slot, i, encode(context, core, value, "Block.set", true));
  } finally {
    afterAllocation(context, core);
  }
}

/**
 * A set of a string that cachedWord has just missed: the string is made in
 * field i by one core call (heap_set_new_string, not heap_string_new,
 * heap_set and heap_poll), filled, and the poll bits read from the mailbox
 * the call left them in.
 */
function setNewString(context: HeapContext, core: CoreExports, slot: number, i: number, s: string): void {
  // Its length was checked with the value (checkValue), before the core was entered.
  const p = core.heap_set_new_string(slot, i, s.length) >>> 0;
  try {
    if (p === 0) throw new OutOfMemoryError("Block.set", `a string of ${s.length} code units`, context.maxHeap);
    fillString(context, core, p, s);
  } finally {
    afterPublished(context, core);
  }
}

/** Largest block tag (TAG_MAX in assembly/heap/layout.ts). */
const BLOCK_TAG_MAX = 255;
/** Most fields rt.block accepts (maxLengthFor(KIND_BLOCK) in the core). */
const BLOCK_FIELDS_MAX = 2 ** 28;

/** rt.block: a new block with `tag` and `fields`, every field checked before anything is allocated. */
export function newBlock(context: HeapContext, tag: number, given: readonly unknown[]): Block {
  if (typeof tag !== "number" || !Number.isInteger(tag) || tag < 0 || tag > BLOCK_TAG_MAX) {
    throw new ArgumentError(`Runtime.block: tag must be a whole number from 0 to ${BLOCK_TAG_MAX}, got ${describe(tag)}`);
  }
  if (!isArray("Runtime.block", given)) throw new ArgumentError(`Runtime.block: fields must be an array, got ${describe(given)}`);
  // Each length and element read once: Note [User code runs before the core is entered] (src/core/user.ts).
  const fields = snapshotArray("Runtime.block", "fields", given, BLOCK_FIELDS_MAX);
  for (const value of fields) checkValue(context, value, "Runtime.block");
  // As get and set: the guard's core once, no closure per block (Note [Block access without a closure]).
  const core = context.enter("Runtime.block");
  try {
    const slot = core.heap_block_new(tag, fields.length) >>> 0;
    if (slot === NO_HANDLE) {
      afterAllocation(context, core);
      throw new OutOfMemoryError("Runtime.block", `a block of ${fields.length} fields`, context.maxHeap);
    }
    const block = new Block(context, slot);
    try {
      for (let i = 0; i < fields.length; i++) {
        const value = fields[i];
        const word = intWord(value);
        core.heap_set(slot, i, word !== NOT_INT_WORD ? word : encode(context, core, value, "Runtime.block"));
      }
    } catch (thrown) {
      block.free();
      throw thrown;
    } finally {
      afterAllocation(context, core);
    }
    return block;
  } catch (thrown) {
    throw context.failed("Runtime.block", thrown);
  }
}

function checkIndex(operation: string, i: unknown, length: number): asserts i is number {
  // (i >>> 0) === i: a whole number from 0 to 2^32 - 1; lengths are below 2^28.
  if (typeof i !== "number" || (i >>> 0) !== i || i >= length) {
    throw new ArgumentError(`${operation}: field index must be a whole number from 0 to ${length - 1} (the block has ${length} fields), got ${describe(i)}`);
  }
}
