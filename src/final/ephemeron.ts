// Ephemerons, OCaml's Ephemeron.K1 / Ephemeron.Kn on the GC heap:
// `rt.ephemeron(keys, data)`. The data is reachable through the ephemeron
// only while every key is reachable from elsewhere; the ephemeron keeps no
// key alive. Once a collection finds a key dead the ephemeron is emptied
// (Note [A dead ephemeron is emptied whole], assembly/heap/ephemeron.ts):
// deref() gives undefined and `dead` is true. An ephemeron is an ordinary
// heap value with no finaliser: it lives while a handle or an object holds it.

import { ArgumentError, OutOfMemoryError } from "../core/errors.js";
import type { CoreExports } from "../core/exports.js";
import { describe } from "../core/options.js";
import { Handle, handleContext, handleSlot, isHandle, type HeapContext } from "../heap/handles.js";
import { isArray, snapshotArray } from "../core/user.js";
import { newBlock } from "../heap/block.js";
import { afterAllocation } from "../heap/poll.js";
import { checkValue, decode, encode } from "../heap/values.js";

/** Most keys one ephemeron takes. */
export const EPHEMERON_MAX_KEYS = 1024;

/** An ephemeron. A handle like any other: free it when done. */
export class Ephemeron<V = unknown> extends Handle {
  /** The data while every key is alive; undefined once one died. */
  deref(): V | undefined {
    const context = handleContext(this);
    const slot = handleSlot(this, "Ephemeron.deref");
    return context.run("Ephemeron.deref", (core) => {
      const p = core.handle_get(slot) >>> 0;
      if (core.ephemeron_is_dead(p) !== 0) return undefined;
      return decode(context, core, core.ephemeron_data(p)) as V;
    });
  }

  /** True once a collection found one of the keys dead. */
  get dead(): boolean {
    const context = handleContext(this);
    const slot = handleSlot(this, "Ephemeron.dead");
    return context.run("Ephemeron.dead", (core) => core.ephemeron_is_dead(core.handle_get(slot) >>> 0) !== 0);
  }

  /** How many keys it was made with. */
  get keyCount(): number {
    const context = handleContext(this);
    const slot = handleSlot(this, "Ephemeron.keyCount");
    return context.run("Ephemeron.keyCount", (core) => core.ephemeron_key_count(core.handle_get(slot) >>> 0) >>> 0);
  }

  /** Key i as a new handle while the ephemeron lives (OCaml's get_key); undefined once it is dead. */
  key(i: number): Handle | undefined {
    const operation = "Ephemeron.key";
    const context = handleContext(this);
    const slot = handleSlot(this, operation);
    return context.run(operation, (core) => {
      const p = core.handle_get(slot) >>> 0;
      const count = core.ephemeron_key_count(p) >>> 0;
      if (typeof i !== "number" || !Number.isInteger(i) || i < 0 || i >= count) {
        throw new ArgumentError(`${operation}: key index must be a whole number from 0 to ${count - 1}, got ${describe(i)}`);
      }
      if (core.ephemeron_is_dead(p) !== 0) return undefined;
      return decode(context, core, core.ephemeron_key(p, i)) as Handle;
    });
  }
}

/** @internal Within a core call: true when key 0 of the ephemeron in `slot` is the object handle `keySlot` holds. */
export function ephemeronKeyIs(core: CoreExports, slot: number, keySlot: number): boolean {
  const p = core.handle_get(slot) >>> 0;
  return core.ephemeron_is_dead(p) === 0 && core.ephemeron_key(p, 0) >>> 0 === core.handle_get(keySlot) >>> 0;
}

/** rt.ephemeron: validates, puts the keys in a block, allocates the ephemeron. */
export function makeEphemeron<V>(context: HeapContext, operation: string, keys: unknown, data: unknown): Ephemeron<V> {
  // Read once (a Proxy or a getter sees one read): src/core/user.ts.
  const list: unknown[] = isHandle(keys) ? [keys] : isArray(operation, keys) ? snapshotArray(operation, "keys", keys as unknown[], EPHEMERON_MAX_KEYS) : [];
  if (list.length === 0) {
    throw new ArgumentError(`${operation}: keys must be a heap object held by a handle, or an array of 1 to ${EPHEMERON_MAX_KEYS} of them, got ${describe(keys)}`);
  }
  for (let i = 0; i < list.length; i++) {
    const key: unknown = list[i];
    if (!isHandle(key)) {
      throw new ArgumentError(`${operation}: key ${i} must be a heap object held by a handle (a Block, MVar, Custom, Weak or Ephemeron of this runtime), got ${describe(key)}`);
    }
    handleSlot(key, operation, context);
  }
  checkValue(context, data, operation);
  const block = newBlock(context, 0, list);
  try {
    const blockSlot = handleSlot(block, operation, context);
    return context.run(operation, (core) => {
      try {
        // The data's word is valid until the next allocation: ephemeron_new roots it before allocating.
        const word = encode(context, core, data, operation);
        const p = core.ephemeron_new(blockSlot, word) >>> 0;
        if (p === 0) throw new OutOfMemoryError(operation, `an ephemeron of ${list.length} keys`, context.maxHeap);
        return new Ephemeron<V>(context, core.handle_new(p) >>> 0);
      } finally {
        afterAllocation(context, core);
      }
    });
  } finally {
    block.free();
  }
}
