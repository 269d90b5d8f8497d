// Block: a handle on a heap block of fields with a small tag. get/set cross
// values as src/values.ts describes; set goes through the write barrier.

import { describe } from "./options.js";
import { ArgumentError } from "./errors.js";
import { Handle, handleContext, handleSlot } from "./handles.js";
import { checkValue, decode, encode } from "./values.js";
import { afterAllocation } from "./heap-poll.js";

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

function checkIndex(operation: string, i: unknown, length: number): asserts i is number {
  if (typeof i !== "number" || !Number.isInteger(i) || i < 0 || i >= length) {
    throw new ArgumentError(`${operation}: field index must be a whole number from 0 to ${length - 1} (the block has ${length} fields), got ${describe(i)}`);
  }
}
