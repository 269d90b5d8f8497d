// JS values ↔ heap values (assembly/heap/layout.ts), exactly:
//   integers in [-2^30, 2^30 - 1] except -0   → immediate ints
//   every other number (NaN, ±0 -0, ±Infinity, fractions, 2^53, …) → boxed float64
//   true / false / null                       → special immediates
//   strings                                   → UTF-16 code units (lone surrogates too)
//   Uint8Array (and subclasses, e.g. Buffer)  → bytes (copied in; a plain Uint8Array copy out)
//   Block, MVar, Custom or Weak of the cycle  → the object itself
//   anything else but undefined               → a host reference, released when its object dies
//   undefined                                 → refused (UnrepresentableValueError)

import type { CoreExports } from "../core/exports.js";
import { OutOfMemoryError, UnrepresentableValueError } from "../core/errors.js";
import { Handle, handleSlot, type HeapContext } from "./handles.js";

const INT_TAG = 1;
const INT_SHIFT = 1;
export const INT_MAX = 2 ** 30 - 1;
export const INT_MIN = -(2 ** 30);
const SPECIAL_TAG = 2;
const SPECIAL_SHIFT = 3;
const VALUE_NULL = (0 << SPECIAL_SHIFT) | SPECIAL_TAG;
const VALUE_FALSE = (1 << SPECIAL_SHIFT) | SPECIAL_TAG;
const VALUE_TRUE = (2 << SPECIAL_SHIFT) | SPECIAL_TAG;
const POINTER_MASK = 3;

/** Object kinds (KIND_* in assembly/heap/layout.ts). */
export const Kind = { block: 0, bytes: 1, string: 2, float: 3, hostref: 4, mvar: 5, mvarQueue: 6, tso: 7, custom: 8, weak: 9, ephemeron: 10 } as const;
const kindNames = ["block", "bytes", "string", "float", "hostref", "mvar", "mvar queue entry", "tso", "custom", "weak", "ephemeron"];

export function kindName(kind: number): string {
  return kindNames[kind] ?? `kind#${kind}`;
}

/** Code units per String.fromCharCode call: well below engines' argument limits. */
const DECODE_CHUNK = 8192;

/** Refuses, before anything is allocated, a value that cannot cross. */
export function checkValue(context: HeapContext, value: unknown, operation: string): void {
  if (value === undefined) throw new UnrepresentableValueError(operation, "undefined");
  if (value instanceof Handle) handleSlot(value, operation, context);
}

function isImmediateInt(n: number): boolean {
  return Number.isInteger(n) && n >= INT_MIN && n <= INT_MAX && !Object.is(n, -0);
}

/** intWord's answer for a value that is not an immediate int (no word is negative). */
export const NOT_INT_WORD = -1;

/**
 * The MVar hot path's encode: the word of `value` when it is an immediate int
 * (as encode gives it), else NOT_INT_WORD, and then the caller asks encode.
 * Small enough to be inlined wherever it is called. `(n << 1) >> 1 === n`
 * holds exactly for the integers of [INT_MIN, INT_MAX] (and -0, refused
 * separately, since -0 is boxed).
 */
export function intWord(value: unknown): number {
  if (typeof value !== "number" || ((value << INT_SHIFT) >> INT_SHIFT) !== value || (value === 0 && 1 / value < 0)) return NOT_INT_WORD;
  return ((value << INT_SHIFT) | INT_TAG) >>> 0;
}

/** True when `word` is an immediate int; intOfWord gives its value (decode's fast case, for hot paths). */
export function isIntWord(word: number): boolean {
  return (word & INT_TAG) !== 0;
}

export function intOfWord(word: number): number {
  return (word | 0) >> INT_SHIFT;
}

/**
 * The heap word for `value`, allocating its object if it needs one. The word
 * is valid only until the next allocation: store it at once.
 */
export function encode(context: HeapContext, core: CoreExports, value: unknown, operation: string): number {
  switch (typeof value) {
    case "number":
      if (isImmediateInt(value)) return ((value << INT_SHIFT) | INT_TAG) >>> 0;
      return allocated(context, core.heap_float_new(value), operation, "a float");
    case "boolean":
      return value ? VALUE_TRUE : VALUE_FALSE;
    case "string":
      return encodeString(context, core, value, operation);
    case "undefined":
      throw new UnrepresentableValueError(operation, "undefined");
  }
  if (value === null) return VALUE_NULL;
  if (value instanceof Uint8Array) return encodeBytes(context, core, value, operation);
  if (value instanceof Handle) return core.handle_get(handleSlot(value, operation, context)) >>> 0;
  const index = context.hostRefs.add(value);
  const p = core.heap_hostref_new(index);
  if (p === 0) context.hostRefs.release(index);
  return allocated(context, p, operation, "a host reference");
}

function allocated(context: HeapContext, p: number, operation: string, what: string): number {
  if (p === 0) throw new OutOfMemoryError(operation, what, context.maxHeap);
  return p >>> 0;
}

function encodeString(context: HeapContext, core: CoreExports, s: string, operation: string): number {
  const p = allocated(context, core.heap_string_new(s.length), operation, `a string of ${s.length} code units`);
  const units = new Uint16Array(core.memory.buffer, core.heap_payload(p) >>> 0, s.length);
  for (let i = 0; i < s.length; i++) units[i] = s.charCodeAt(i);
  return p;
}

function encodeBytes(context: HeapContext, core: CoreExports, bytes: Uint8Array, operation: string): number {
  const p = allocated(context, core.heap_bytes_new(bytes.length), operation, `${bytes.length} bytes`);
  new Uint8Array(core.memory.buffer, core.heap_payload(p) >>> 0, bytes.length).set(bytes);
  return p;
}

/** The JS value of a heap word. A block comes back as a new handle. */
export function decode(context: HeapContext, core: CoreExports, word: number): unknown {
  word >>>= 0;
  if ((word & INT_TAG) !== 0) return (word | 0) >> INT_SHIFT;
  if (word === VALUE_NULL) return null;
  if (word === VALUE_TRUE) return true;
  if (word === VALUE_FALSE) return false;
  if ((word & POINTER_MASK) !== 0 || word === 0) throw new Error(`decode: 0x${word.toString(16)} is not a value the host can see`);
  const kind = core.heap_kind(word);
  switch (kind) {
    case Kind.block:
      return context.wrap("block", core.handle_new(word) >>> 0);
    case Kind.float:
      return core.heap_float_value(word);
    case Kind.string:
      return decodeString(core, word);
    case Kind.bytes:
      return new Uint8Array(core.memory.buffer, core.heap_payload(word) >>> 0, core.heap_length(word) >>> 0).slice();
    case Kind.mvar:
      return context.wrap("mvar", core.handle_new(word) >>> 0);
    case Kind.hostref:
      return context.hostRefs.get(core.heap_hostref_index(word) >>> 0);
    case Kind.custom:
      return context.wrap("custom", core.handle_new(word) >>> 0);
    case Kind.weak:
      return context.wrap("weak", core.handle_new(word) >>> 0);
    case Kind.ephemeron:
      return context.wrap("ephemeron", core.handle_new(word) >>> 0);
  }
  throw new Error(`decode: object 0x${word.toString(16)} has kind ${kindName(kind)}, which has no JS value`);
}

function decodeString(core: CoreExports, p: number): string {
  const length = core.heap_length(p) >>> 0;
  const units = new Uint16Array(core.memory.buffer, core.heap_payload(p) >>> 0, length);
  let s = "";
  for (let i = 0; i < length; i += DECODE_CHUNK) {
    s += String.fromCharCode.apply(null, units.subarray(i, i + DECODE_CHUNK) as unknown as number[]);
  }
  return s;
}
