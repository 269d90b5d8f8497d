// rt.finalise and rt.finaliseLast: OCaml's Gc.finalise and Gc.finalise_last
// on heap objects held by handles. The core keeps the registrations and finds
// them due (assembly/heap/finalise.ts, Note [Finalisation in a collection]);
// the host keeps the functions and runs them from the finaliser queue
// (src/final/finalisers.ts). See docs/finalisers.md.

import { ArgumentError } from "../core/errors.js";
import { handleSlot, isHandle, type HeapContext } from "../heap/handles.js";
import { finalisersOf, type FunctionEntry, type FunctionKind } from "./finalisers.js";
import { describe } from "../core/options.js";

/**
 * The table entry of each function, per kind, made once: a program passing
 * one function to 10⁶ values makes one entry, not 10⁶. Weak, holding nothing
 * but the function.
 */
const entries: Record<FunctionKind, WeakMap<object, FunctionEntry>> = { finalise: new WeakMap(), finaliseLast: new WeakMap(), weak: new WeakMap() };

/** Checks a finaliser function and wraps it for the table. */
export function functionEntry(kind: FunctionKind, fn: unknown, operation: string): FunctionEntry {
  if (typeof fn !== "function") throw new ArgumentError(`${operation}: the finaliser must be a function, got ${describe(fn)}`);
  let entry = entries[kind].get(fn);
  if (entry === undefined) {
    entry = makeEntry(kind, fn as (value?: unknown) => unknown);
    entries[kind].set(fn, entry);
  }
  return entry;
}

function makeEntry(kind: FunctionKind, fn: (value?: unknown) => unknown): FunctionEntry {
  const name = functionName(fn, `(anonymous ${kind} function)`);
  // What it returns is the queue's business: a promise is reported (Note [A finaliser that returns a promise], finalisers.ts).
  return { kind, name, run: kind === "finalise" ? (value) => fn(value) : () => fn() };
}

/**
 * A function's name for messages, read once when it is registered; a name
 * that cannot be read (a Proxy's throwing trap) is not the caller's error
 * worth refusing the registration for.
 */
export function functionName(fn: object, anonymous: string): string {
  let name: unknown;
  try {
    name = (fn as { readonly name?: unknown }).name;
  } catch {
    return "(a function whose name cannot be read)";
  }
  return typeof name === "string" && name !== "" ? name : anonymous;
}

/** rt.finalise (isLast false) and rt.finaliseLast (isLast true). */
export function registerFinaliser(context: HeapContext, value: unknown, fn: unknown, isLast: boolean): void {
  const operation = isLast ? "Runtime.finaliseLast" : "Runtime.finalise";
  if (!isHandle(value)) {
    throw new ArgumentError(`${operation}: the value must be a heap object held by a handle (a Block, MVar, Custom or Weak of this runtime), got ${describe(value)}; numbers, strings and other immediates cannot be finalised`);
  }
  const slot = handleSlot(value, operation, context);
  const entry = functionEntry(isLast ? "finaliseLast" : "finalise", fn, operation);
  context.run(operation, (core) => {
    const finalisers = finalisersOf(context);
    const index = finalisers.registerFunction(entry);
    try {
      core.finalise_register(slot, index, isLast ? 1 : 0);
    } catch (thrown) {
      finalisers.unregisterFunction(index);
      throw thrown;
    }
  });
}
