// Weak pointers, GHC's System.Mem.Weak on the GC heap: `rt.weak(key, value,
// finalizer)`. The value (by default the key) is reachable only through a
// live key; deref() gives it while the key lives and undefined after; the
// finalizer runs once, when a collection finds the key dead, at shutdown,
// or at `w.finalize()`. The core's side: assembly/heap/weak.ts.

import { ArgumentError, OutOfMemoryError } from "../core/errors.js";
import { Handle, handleContext, handleSlot, isHandle, type HeapContext } from "../heap/handles.js";
import { afterAllocation } from "../heap/poll.js";
import { checkValue, decode, encode } from "../heap/values.js";
import { finalisersOf } from "./finalisers.js";
import { functionEntry } from "./finalise.js";
import { describe } from "../core/options.js";

/** WEAK_NO_FINALISER in the core: the finaliser field holds index + 1. */
const NO_FINALISER = 0;

/** A weak pointer. A handle like any other: free it when done (the finalizer still runs when the key dies). */
export class Weak<V = unknown> extends Handle {
  /** The value while the key is alive; undefined once it died (or after finalize()). */
  deref(): V | undefined {
    const context = handleContext(this);
    const slot = handleSlot(this, "Weak.deref");
    return context.run("Weak.deref", (core) => {
      const p = core.handle_get(slot) >>> 0;
      if (core.weak_is_dead(p) !== 0) return undefined;
      return decode(context, core, core.weak_value(p)) as V;
    });
  }

  /** True once the key died, or finalize() ran. */
  get dead(): boolean {
    const context = handleContext(this);
    const slot = handleSlot(this, "Weak.dead");
    return context.run("Weak.dead", (core) => core.weak_is_dead(core.handle_get(slot) >>> 0) !== 0);
  }

  /**
   * Clears the weak pointer now and runs its finalizer (from the finaliser
   * queue: at once, or, when called from a finaliser, right after the ones
   * before it). At most once: later calls, and the key's death, do nothing.
   */
  finalize(): void {
    const context = handleContext(this);
    const slot = handleSlot(this, "Weak.finalize");
    const finaliser = context.run("Weak.finalize", (core) => core.weak_finalize(core.handle_get(slot) >>> 0) >>> 0);
    if (finaliser === NO_FINALISER) return;
    const finalisers = finalisersOf(context);
    // A plugin's own finalizer runs in its instance, so under the trap guard.
    if (finalisers.isMutatorFunction(finaliser - 1)) context.run("Weak.finalize", (core) => finalisers.runWeakNow(finaliser - 1, core));
    else finalisers.runWeakNow(finaliser - 1);
  }
}

/** rt.weak: validates, registers the finalizer, allocates the weak object. */
export function makeWeak<V>(context: HeapContext, key: unknown, extra: number, givenValue: unknown, finalizer: unknown): Weak<V> {
  const operation = "Runtime.weak";
  if (!isHandle(key)) {
    throw new ArgumentError(`${operation}: the key must be a heap object held by a handle (a Block, MVar, Custom or Weak of this runtime), got ${describe(key)}`);
  }
  if (extra > 2) throw new ArgumentError(`${operation}: expected (key, value?, finalizer?), got ${extra + 1} arguments`);
  const keySlot = handleSlot(key, operation, context);
  const value = givenValue !== undefined ? givenValue : key;
  checkValue(context, value, operation);
  const entry = finalizer === undefined ? undefined : functionEntry("weak", finalizer, operation);
  return context.run(operation, (core) => {
    const finalisers = finalisersOf(context);
    const index = entry === undefined ? undefined : finalisers.registerFunction(entry);
    try {
      // The value's word is valid until the next allocation: weak_new roots it before allocating.
      const word = encode(context, core, value, operation);
      const p = core.weak_new(keySlot, word, index === undefined ? NO_FINALISER : index + 1) >>> 0;
      if (p === 0) throw new OutOfMemoryError(operation, "a weak pointer", context.maxHeap);
      return new Weak<V>(context, core.handle_new(p) >>> 0);
    } catch (thrown) {
      if (index !== undefined) finalisers.unregisterFunction(index);
      throw thrown;
    } finally {
      afterAllocation(context, core);
    }
  });
}
