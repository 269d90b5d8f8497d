// Reading what a user hands the runtime: arrays, typed arrays, options
// objects, any of which may be a Proxy, a subclass with throwing getters or
// a view of a detached buffer. Each is read here, once, before the core is
// entered, and what the user's code throws while it is read becomes an
// ArgumentError (the user's exception as its `cause`).
//
// Note [User code runs before the core is entered]
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
// A runtime is discarded only when the core traps (Note [Only a trap
// discards a runtime], src/runtime.ts). So the host never runs a user's code
// inside a core call's guard: a getter, a Proxy trap or a `length` override
// that throws there would look like a core failure, and one that answers
// differently the second time (a fields array that grows between the check
// and the copy) would hand the core a size it was never checked against.
// Every user value is therefore read once, up front, into something the user
// cannot change any more (a plain array, a fresh Uint8Array view, a plain
// options record), and that snapshot is what is checked and encoded.
// Brand checks that run no user code (`#slot in value`, ArrayBuffer.isView,
// the typed-array intrinsics) decide what a value is; `instanceof`, which
// calls a Proxy's getPrototypeOf trap, is not used on user values.

import { ArgumentError } from "./errors.js";

/** %TypedArray%.prototype, whose getters read the real fields whatever a subclass overrides. */
const typedArrayPrototype = Object.getPrototypeOf(Uint8Array.prototype) as object;
const intrinsic = (name: string | symbol): ((this: unknown) => unknown) => Object.getOwnPropertyDescriptor(typedArrayPrototype, name)!.get!;
const typedArrayName = intrinsic(Symbol.toStringTag);
const typedArrayLength = intrinsic("length") as (this: Uint8Array) => number;
const typedArrayOffset = intrinsic("byteOffset") as (this: Uint8Array) => number;
const typedArrayBuffer = intrinsic("buffer") as (this: Uint8Array) => ArrayBufferLike;

/** Runs `read` (user code); what it throws becomes an ArgumentError saying what was being read. */
export function readUser<T>(operation: string, what: string, read: () => T): T {
  try {
    return read();
  } catch (thrown) {
    throw userReadError(operation, what, thrown);
  }
}

function userReadError(operation: string, what: string, thrown: unknown): ArgumentError {
  return new ArgumentError(`${operation}: reading ${what} threw ${describeThrown(thrown)}; pass a value whose properties can be read (a plain array, object or Uint8Array)`, { cause: thrown });
}

/**
 * `value instanceof type`, false where the check itself throws (a Proxy
 * whose getPrototypeOf trap throws, a revoked Proxy): for what a user's code
 * threw, which may be anything.
 */
export function isInstance(value: unknown, type: abstract new (...args: never[]) => unknown): boolean {
  if ((typeof value !== "object" || value === null) && typeof value !== "function") return false;
  try {
    return value instanceof type;
  } catch {
    return false;
  }
}

/** `thrown` in a message, without running any more of the user's code than String() of a primitive. */
function describeThrown(thrown: unknown): string {
  if (isInstance(thrown, Error)) {
    try {
      return `${(thrown as Error).name}: ${(thrown as Error).message}`;
    } catch {
      return "an Error";
    }
  }
  return typeof thrown === "object" || typeof thrown === "function" ? `a non-Error ${typeof thrown}` : String(thrown);
}

/**
 * True when `value` is a Uint8Array (or a subclass such as Buffer), decided
 * by the engine's own slot: no getter, trap or prototype of the user's runs.
 */
export function isUint8Array(value: unknown): value is Uint8Array {
  return ArrayBuffer.isView(value) && typedArrayName.call(value) === "Uint8Array";
}

/**
 * A plain Uint8Array over the same bytes as `bytes`, its length and offset
 * read by the intrinsics (a subclass's `length` getter is not called).
 * A view of a detached (transferred) buffer is refused: its bytes are gone.
 */
export function bytesView(bytes: Uint8Array, operation: string): Uint8Array {
  const length = typedArrayLength.call(bytes);
  const buffer = typedArrayBuffer.call(bytes);
  const offset = typedArrayOffset.call(bytes);
  try {
    return new Uint8Array(buffer, offset, length);
  } catch (thrown) {
    // The intrinsics answer 0 for a detached buffer; a view on it cannot be made.
    throw new ArgumentError(`${operation}: the Uint8Array's buffer is detached (transferred or freed), so its bytes are gone; pass a Uint8Array whose buffer is still attached`, { cause: thrown });
  }
}

/**
 * The elements of an array, read once each (length first), as a plain
 * array: a Proxy or a getter cannot change what is checked afterwards.
 */
export function snapshotArray(operation: string, what: string, array: readonly unknown[], max: number): unknown[] {
  const length = readUser(operation, `the length of ${what}`, () => array.length);
  if (typeof length !== "number" || !Number.isSafeInteger(length) || length < 0) {
    throw new ArgumentError(`${operation}: ${what} has no usable length (${describe(length)})`);
  }
  if (length > max) throw new ArgumentError(`${operation}: at most ${max} ${what}, got ${length}`);
  const copy = new Array<unknown>(length);
  for (let i = 0; i < length; i++) copy[i] = readUser(operation, `element ${i} of ${what}`, () => array[i]);
  return copy;
}

/** True for an array (a Proxy of one too); a revoked Proxy is refused, not thrown at the caller raw. */
export function isArray(operation: string, value: unknown): boolean {
  return readUser(operation, "the value (a revoked Proxy?)", () => Array.isArray(value));
}

/**
 * The options a call was given, read once: every own enumerable key must be
 * in `known` (a misspelt key is refused, not ignored), and each known key is
 * read exactly once. `undefined` gives an empty record.
 */
export function snapshotOptions(operation: string, options: unknown, known: ReadonlySet<string>, example: string, noun = "option"): Record<string, unknown> {
  if (options === undefined) return {};
  if (options === null || typeof options !== "object" || isArray(operation, options)) {
    throw new ArgumentError(`${operation}: ${noun === "option" ? "options" : `${noun}s`} must be an object${example === "" ? "" : ` like ${example}`}, got ${describe(options)}`);
  }
  const keys = readUser(operation, `the keys of the ${noun}s`, () => Object.keys(options));
  for (const key of keys) {
    if (!known.has(key)) throw new ArgumentError(`${operation}: unknown ${noun} '${key}'; known ${noun}s are ${[...known].join(", ")}`);
  }
  const record: Record<string, unknown> = {};
  for (const key of known) {
    const value = readUser(operation, `${noun} '${key}'`, () => (options as Record<string, unknown>)[key]);
    if (value !== undefined) record[key] = value;
  }
  return record;
}

/**
 * A short, safe rendering of a value for a message: a type and, for
 * primitives, the value; it runs none of the user's code (a revoked Proxy
 * is "an object").
 */
export function describe(value: unknown): string {
  if (typeof value === "string") return value.length > 64 ? `${JSON.stringify(value.slice(0, 64))}… (${value.length} code units)` : JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean" || value === null || value === undefined) return Object.is(value, -0) ? "-0" : String(value);
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "symbol") return "a symbol";
  let array = false;
  try {
    array = Array.isArray(value);
  } catch {
    // A revoked Proxy: an object like any other here.
  }
  if (array) return "an array";
  const type = typeof value;
  return type === "object" ? "an object" : `a ${type}`;
}

/**
 * Reads `then` once: true when `value` is a thenable (an object or function
 * with a callable `then`). A promise resolved with a thenable adopts it, so
 * a value delivered by a promise (MVar.take) must not be one. Reading `then`
 * is user code: what it throws is an ArgumentError.
 */
export function isThenable(operation: string, value: unknown): boolean {
  if ((typeof value !== "object" || value === null) && typeof value !== "function") return false;
  // readUser's work without its closure: this runs on every put of an object (issue 18's tryPut profile).
  let then: unknown;
  try {
    then = (value as { then?: unknown }).then;
  } catch (thrown) {
    throw userReadError(operation, "the value's 'then' property (to tell whether it is a thenable)", thrown);
  }
  return typeof then === "function";
}
