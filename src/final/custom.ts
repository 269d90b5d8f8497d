// Custom blocks on the host: `rt.custom(payload, finaliser)` makes a heap
// object holding an opaque payload (an integer, or bytes) and the index of
// its finaliser in the cycle's table (src/final/finalisers.ts); the finaliser is a
// host function or a library export (src/final/library.ts), run exactly once, when
// a collection finds the block dead or at shutdown. See docs/finalisers.md
// and assembly/heap/custom.ts.

import type { CoreExports } from "../core/exports.js";
import { ArgumentError, LibraryError, OutOfMemoryError } from "../core/errors.js";
import { Handle, handleContext, handleSlot, type HeapContext } from "../heap/handles.js";
import { afterAllocation } from "../heap/poll.js";
import { CUSTOM_BYTES, finalisersOf, type CustomEntry } from "./finalisers.js";
import { LibraryFinaliser, runLibraryFinaliser } from "./library.js";
import { describe } from "../core/options.js";
import { bytesView, isUint8Array } from "../core/user.js";
import { functionName } from "./finalise.js";

/** What a custom block can be finalised by. */
export type CustomFinaliser = ((payload: number | Uint8Array) => void) | LibraryFinaliser;

/** Library exports take an i32: the payload must fit one. */
const I32_MIN = -(2 ** 31);
const I32_MAX = 2 ** 31 - 1;
/** Most payload bytes (the object's length is a u32 and must fit the heap's 32-bit sizes). */
export const CUSTOM_BYTES_MAX = 2 ** 30;

/** A custom block held by JS: a GC root until freed, like every handle. */
export class Custom extends Handle {
  /** The payload: the integer given, or a copy of the bytes. */
  get payload(): number | Uint8Array {
    const context = handleContext(this);
    const slot = handleSlot(this, "Custom.payload");
    return context.run("Custom.payload", (core) => readPayload(core, core.handle_get(slot) >>> 0));
  }
}

/** The payload of the custom object at `p`. */
export function readPayload(core: CoreExports, p: number): number | Uint8Array {
  if ((core.custom_flags(p) & CUSTOM_BYTES) === 0) return core.custom_number(p);
  return new Uint8Array(core.memory.buffer, core.custom_bytes(p) >>> 0, core.heap_length(p) >>> 0).slice();
}

/** rt.custom: validates, registers the finaliser, allocates the block. */
export function makeCustom(context: HeapContext, payload: unknown, finaliser: unknown): Custom {
  const operation = "Runtime.custom";
  const entry = resolveFinaliser(context, finaliser, payload, operation);
  // A plain view, its length read by the intrinsics: Note [User code runs before the core is entered] (src/core/user.ts).
  const bytes = isUint8Array(payload) ? bytesView(payload, operation) : undefined;
  if (bytes === undefined && (typeof payload !== "number" || !Number.isSafeInteger(payload))) {
    throw new ArgumentError(`${operation}: the payload must be an integer (a safe integer) or a Uint8Array, got ${describe(payload)}`);
  }
  if (bytes !== undefined && bytes.length > CUSTOM_BYTES_MAX) {
    throw new ArgumentError(`${operation}: at most ${CUSTOM_BYTES_MAX} payload bytes, got ${bytes.length}`);
  }
  return context.run(operation, (core) => {
    const finalisers = finalisersOf(context);
    const index = finalisers.register(entry);
    const p = core.custom_new(index, bytes === undefined ? 0 : CUSTOM_BYTES, bytes === undefined ? (payload as number) : 0, bytes?.length ?? 0) >>> 0;
    if (p === 0) {
      finalisers.unregister(index);
      afterAllocation(context, core);
      throw new OutOfMemoryError(operation, bytes === undefined ? "a custom block" : `a custom block of ${bytes.length} bytes`, context.maxHeap);
    }
    if (bytes !== undefined) new Uint8Array(core.memory.buffer, core.custom_bytes(p) >>> 0, bytes.length).set(bytes);
    const custom = new Custom(context, core.handle_new(p) >>> 0);
    finalisers.created();
    afterAllocation(context, core);
    return custom;
  });
}

/**
 * The table entry of each host function used as a finaliser, made once: a
 * program passing one function to 10⁶ blocks makes one entry, not 10⁶
 * closures. Weak, and holding nothing but the function.
 */
const hostEntries = new WeakMap<object, CustomEntry>();

function resolveFinaliser(context: HeapContext, finaliser: unknown, payload: unknown, operation: string): CustomEntry {
  if (typeof finaliser === "function") {
    let entry = hostEntries.get(finaliser);
    if (entry === undefined) {
      entry = hostEntry(finaliser as (payload: number | Uint8Array) => unknown);
      hostEntries.set(finaliser, entry);
    }
    return entry;
  }
  if (LibraryFinaliser.isOne(finaliser)) return libraryEntry(context, finaliser, payload, operation);
  throw new ArgumentError(`${operation}: the finaliser must be a function or an export of a loaded library (lib.finaliser('name')), got ${describe(finaliser)}`);
}

function hostEntry(fn: (payload: number | Uint8Array) => unknown): CustomEntry {
  const name = functionName(fn, "(anonymous host function)");
  // What it returns is the queue's business: a promise is reported (Note [A finaliser that returns a promise], finalisers.ts).
  return { name, run: (p) => fn(p) };
}

function libraryEntry(context: HeapContext, finaliser: LibraryFinaliser, payload: unknown, operation: string): CustomEntry {
  const library = finaliser.library;
  if (library.runtimeId !== context.owner.id) {
    throw new LibraryError(`${operation}: ${library.name} was loaded by runtime #${library.runtimeId}, not by this one (#${context.owner.id}); load the library in the runtime whose blocks it finalises`);
  }
  if (!library.loaded) throw new LibraryError(`${operation}: ${library.name} was unloaded (its runtime restarted); load it again`);
  if (typeof payload !== "number" || !Number.isInteger(payload) || payload < I32_MIN || payload > I32_MAX) {
    throw new ArgumentError(`${operation}: a library finaliser (${finaliser}) is called with an i32: the payload must be an integer from ${I32_MIN} to ${I32_MAX}, got ${describe(payload)}`);
  }
  const exportName = finaliser.exportName;
  return { name: String(finaliser), run: (p) => runLibraryFinaliser(library, exportName, p as number) };
}
