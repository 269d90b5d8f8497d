// Block: a handle on a heap block of fields with a small tag. get/set cross
// values as src/heap/values.ts describes; set goes through the write barrier.

import { describe } from "../core/options.js";
import { isArray, snapshotArray } from "../core/user.js";
import { ArgumentError, OutOfMemoryError } from "../core/errors.js";
import { Handle, handleContext, handleSlot, NO_HANDLE, type HeapContext } from "./handles.js";
import { checkValue, decode, encode } from "./values.js";
import { afterAllocation } from "./poll.js";

/** A heap block of fields. Free it (or use `using`, or rt.scope) when done. */
export class Block extends Handle {
  /** Number of fields. */
  get length(): number {
    const context = handleContext(this);
    const slot = handleSlot(this, "Block.length");
    return context.run("Block.length", (core) => core.heap_block_length(slot) >>> 0);
  }

  /** The tag given to rt.block (0 to 255). */
  get tag(): number {
    const context = handleContext(this);
    const slot = handleSlot(this, "Block.tag");
    return context.run("Block.tag", (core) => core.heap_block_tag(slot) >>> 0);
  }

  /** Field i; a block field comes back as a new Block handle (free it, or use rt.scope). */
  get(i: number): unknown {
    const context = handleContext(this);
    const slot = handleSlot(this, "Block.get");
    return context.run("Block.get", (core) => {
      checkIndex("Block.get", i, core.heap_block_length(slot) >>> 0);
      return decode(context, core, core.heap_get(slot, i));
    });
  }

  /** Stores `value` in field i, through the write barrier. */
  set(i: number, value: unknown): void {
    const context = handleContext(this);
    const slot = handleSlot(this, "Block.set");
    checkValue(context, value, "Block.set");
    context.run("Block.set", (core) => {
      checkIndex("Block.set", i, core.heap_block_length(slot) >>> 0);
      try {
        core.heap_set(slot, i, encode(context, core, value, "Block.set"));
      } finally {
        afterAllocation(context, core);
      }
    });
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
  return context.run("Runtime.block", (core) => {
    const slot = core.heap_block_new(tag, fields.length) >>> 0;
    if (slot === NO_HANDLE) {
      afterAllocation(context, core);
      throw new OutOfMemoryError("Runtime.block", `a block of ${fields.length} fields`, context.maxHeap);
    }
    const block = new Block(context, slot);
    try {
      for (let i = 0; i < fields.length; i++) core.heap_set(slot, i, encode(context, core, fields[i], "Runtime.block"));
    } catch (thrown) {
      block.free();
      throw thrown;
    } finally {
      afterAllocation(context, core);
    }
    return block;
  });
}

function checkIndex(operation: string, i: unknown, length: number): asserts i is number {
  if (typeof i !== "number" || !Number.isInteger(i) || i < 0 || i >= length) {
    throw new ArgumentError(`${operation}: field index must be a whole number from 0 to ${length - 1} (the block has ${length} fields), got ${describe(i)}`);
  }
}
