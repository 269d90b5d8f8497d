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
import { ArgumentError, OutOfMemoryError, UnrepresentableValueError } from "../core/errors.js";
import { bytesView, isThenable, isUint8Array } from "../core/user.js";
import { handleSlot, isHandle, type HandleKind, type HeapContext, type MemoryViews } from "./handles.js";
import { CACHED_STRING } from "./word-cache.js";
import { SHORT_UNITS, shortString } from "./short-string.js";

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

/** Most bytes in one bytes object: maxLengthFor(KIND_BYTES) in assembly/heap/layout.ts. */
export const BYTES_MAX = 2 ** 30;
/** Most UTF-16 code units in one string object: maxLengthFor(KIND_STRING). */
export const STRING_MAX = 2 ** 29;

/**
 * Refuses, before anything is allocated, a value that cannot cross. Runs
 * none of the user's code: See Note [User code runs before the core is
 * entered] (src/core/user.ts).
 */
export function checkValue(context: HeapContext, value: unknown, operation: string): void {
  switch (typeof value) {
    case "undefined":
      throw new UnrepresentableValueError(operation, "undefined");
    case "string":
      if (value.length > STRING_MAX) throw new ArgumentError(`${operation}: a string of ${value.length} code units is longer than the heap holds in one object (${STRING_MAX}); split it`);
      return;
    case "object":
      if (value === null) return;
      if (isHandle(value)) handleSlot(value, operation, context);
      else if (isUint8Array(value)) checkBytes(bytesView(value, operation), operation);
  }
}

/** checkDeliverable's answer for a value encode must look at (a string, a float, bytes…). */
export const CROSSES_ENCODED = -1;
/** checkDeliverable's answer for a value that crosses as a host reference. */
export const CROSSES_AS_HOSTREF = -2;

/**
 * checkValue, and for a value a promise will deliver (an MVar's or a
 * channel's): no thenable, which the promise would adopt instead of
 * returning it (Note [Thenables are not delivered]). Returns how the value
 * crosses, for encodeChecked: a handle's slot (≥ 0), CROSSES_AS_HOSTREF or
 * CROSSES_ENCODED, so that a put does not tell its value's kind twice.
 */
export function checkDeliverable(context: HeapContext, value: unknown, operation: string): number {
  if (typeof value === "object" && value !== null) {
    // checkValue's object case, inline: one brand check per put, not two (issue 18's profile of an object tryPut).
    if (isHandle(value)) return handleSlot(value, operation, context);
    if (isUint8Array(value)) return checkBytes(bytesView(value, operation), operation), CROSSES_ENCODED;
  } else if (typeof value !== "function") return checkValue(context, value, operation), CROSSES_ENCODED;
  if (isThenable(operation, value)) {
    throw new ArgumentError(`${operation}: the value is a thenable (it has a then method), and the promise that delivers it (MVar.take or read, a channel's read) would adopt it instead of returning it; wrap it in an object or a block to pass it through`);
  }
  return CROSSES_AS_HOSTREF;
}

/**
 * encode of a value checkDeliverable has just checked (nothing has run
 * since), as it said the value crosses: a handle's word read from its slot, a
 * host reference (remembered or new), or whatever encode makes of it.
 */
export function encodeChecked(context: HeapContext, core: CoreExports, value: unknown, crossing: number, operation: string): number {
  if (crossing >= 0) return core.handle_get(crossing) >>> 0;
  if (crossing === CROSSES_AS_HOSTREF) return context.words.objectWord(core, context.views(core).words, value) ?? newHostRef(context, core, value, operation);
  return encode(context, core, value, operation);
}

// Note [Thenables are not delivered]
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
// A promise resolved with a thenable does not fulfil with it: it calls its
// `then` and takes whatever that passes on (or never settles, if `then`
// never calls back). A value put into an MVar comes out of a promise
// (take, read, a channel's read), so a thenable put there would never come
// back as itself: its `then` would run, and the take would hang or return
// something else, the value lost. So put, tryPut, rt.mvar(initial) and the
// channels' write refuse a thenable with ArgumentError, reading `then` once;
// it can still be stored in a block (Block.get returns it as itself), and a
// block holding it can go through an MVar. An object whose `then` getter
// answers differently later (not callable at the put, callable at the take)
// is adopted by the delivering promise as the Promise rules say: the host
// cannot read a property fewer times than the engine does.

function checkBytes(view: Uint8Array, operation: string): void {
  if (view.length > BYTES_MAX) throw new ArgumentError(`${operation}: a Uint8Array of ${view.length} bytes is longer than the heap holds in one object (${BYTES_MAX}); split it`);
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
 * The word a string or host-reference value crossed as since the last
 * collection (Note [One word per value until a collection], word-cache.ts),
 * else NOT_INT_WORD. Storing it allocates nothing, so no collection can
 * follow: Block.set skips the poll, as for an int.
 */
export function cachedWord(context: HeapContext, core: CoreExports, value: unknown): number {
  const type = typeof value;
  if (type === "string") {
    if ((value as string).length > CACHED_STRING) return NOT_INT_WORD;
    return context.words.stringWord(core, context.views(core).words, value as string) ?? NOT_INT_WORD;
  }
  if (type === "number" || type === "boolean" || type === "undefined" || value === null) return NOT_INT_WORD;
  return context.words.objectWord(core, context.views(core).words, value) ?? NOT_INT_WORD;
}

/**
 * The heap word for `value`, allocating its object if it needs one. The word
 * is valid only until the next allocation: store it at once.
 */
export function encode(context: HeapContext, core: CoreExports, value: unknown, operation: string, cacheMissed = false): number {
  // cacheMissed: the caller has just asked cachedWord for this value (an
  // object: strings it sends to setNewString) and allocated nothing since, so
  // the word cache cannot hold it, and a second scan of the ring would only cost.
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
  // Note [One word per value until a collection] (word-cache.ts). Only host
  // references are cached, so a hit needs neither brand check below.
  if (!cacheMissed) {
    const cached = context.words.objectWord(core, context.views(core).words, value);
    if (cached !== undefined) return cached;
  }
  if (isHandle(value)) return core.handle_get(handleSlot(value, operation, context)) >>> 0;
  if (isUint8Array(value)) return encodeBytes(context, core, bytesView(value, operation), operation);
  return newHostRef(context, core, value, operation);
}

function newHostRef(context: HeapContext, core: CoreExports, value: unknown, operation: string): number {
  const index = context.hostRefs.add(value);
  const p = core.heap_hostref_new(index);
  if (p === 0) context.hostRefs.release(index);
  const word = allocated(context, p, operation, "a host reference");
  context.words.rememberObject(value, word);
  return word;
}

function allocated(context: HeapContext, p: number, operation: string, what: string): number {
  if (p === 0) throw new OutOfMemoryError(operation, what, context.maxHeap);
  return p >>> 0;
}

// Note [Strings without a call per field]
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
// A string crossing used to cost four core calls and a fresh typed array
// each way (heap_kind, heap_length, heap_payload, a Uint16Array over the
// payload; String.fromCharCode.apply on that typed array, which V8 takes on
// its slow path for array-likes): a CPU profile of Block.get of a
// 16-character string (issue 18) had 43 % of the time in decodeString. Now
// the host reads the object's header itself, through views of the whole
// memory kept per cycle (HeapContext.views), at the offsets
// assembly/heap/layout.ts draws: info word at obj (kind in bits 2–5), length
// at obj + LENGTH_OFFSET, payload at obj + HEADER_SIZE. A short string is
// gathered into a plain array for fromCharCode (its fast path); a long one
// goes in chunks as before. values-roundtrip tests hold the two sides of
// the layout together.

/** assembly/heap/layout.ts: LENGTH_OFFSET, HEADER_SIZE, and the kind's bits in the info word. */
const LENGTH_OFFSET = 4;
const HEADER_SIZE = 8;
const KIND_SHIFT = 2;
const KIND_MASK = 0xf;
/** Strings up to this many code units are decoded through a plain array (fromCharCode's fast path). */
const SHORT_STRING = 64;

function encodeString(context: HeapContext, core: CoreExports, s: string, operation: string): number {
  if (s.length > STRING_MAX) throw new ArgumentError(`${operation}: a string of ${s.length} code units is longer than the heap holds in one object (${STRING_MAX}); split it`);
  // A string a Block.set's cachedWord missed goes through setNewString (block.ts), never here.
  if (s.length <= CACHED_STRING) {
    // Note [One word per value until a collection] (word-cache.ts).
    const cached = context.words.stringWord(core, context.views(core).words, s);
    if (cached !== undefined) return cached;
  }
  const p = allocated(context, core.heap_string_new(s.length), operation, `a string of ${s.length} code units`);
  fillString(context, core, p, s);
  return p;
}

/** Copies `s` into the new heap string at `p` and remembers it (the word cache has just missed it). */
export function fillString(context: HeapContext, core: CoreExports, p: number, s: string): void {
  const units = context.views(core).units;
  const at = (p + HEADER_SIZE) >>> 1;
  const n = s.length;
  for (let i = 0; i < n; i++) units[at + i] = s.charCodeAt(i);
  if (n <= CACHED_STRING) context.words.rememberString(s, p);
}

/** `bytes`: a plain view (bytesView), whose length no user code can change. */
function encodeBytes(context: HeapContext, core: CoreExports, bytes: Uint8Array, operation: string): number {
  checkBytes(bytes, operation);
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
  const views = context.views(core);
  const kind = (views.words[word >>> 2]! >>> KIND_SHIFT) & KIND_MASK;
  switch (kind) {
    case Kind.block:
      return context.wrap("block", core.handle_new(word) >>> 0);
    case Kind.float:
      return core.heap_float_value(word);
    case Kind.string:
      return decodeString(context, core, views, word);
    case Kind.bytes:
      return new Uint8Array(core.memory.buffer, core.heap_payload(word) >>> 0, core.heap_length(word) >>> 0).slice();
    case Kind.mvar:
      return context.wrap("mvar", core.handle_new(word) >>> 0);
    case Kind.hostref:
      // Its index is the payload's first word (assembly/heap/hostrefs.ts), read like a string's header: no call.
      return context.hostRefs.get(views.words[(word + HEADER_SIZE) >>> 2]!);
    case Kind.custom:
      return context.wrap("custom", core.handle_new(word) >>> 0);
    case Kind.weak:
      return context.wrap("weak", core.handle_new(word) >>> 0);
    case Kind.ephemeron:
      return context.wrap("ephemeron", core.handle_new(word) >>> 0);
  }
  throw new Error(`decode: object 0x${word.toString(16)} has kind ${kindName(kind)}, which has no JS value`);
}

/** `views`: the cycle's views, asked by decode (nothing has allocated since). */
function decodeString(context: HeapContext, core: CoreExports, views: MemoryViews, p: number): string {
  const { units, words } = views;
  const length = words[(p + LENGTH_OFFSET) >>> 2]!;
  const at = (p + HEADER_SIZE) >>> 1;
  if (length <= SHORT_STRING) {
    // The string put as this heap string, if it crossed since the last collection; a
    // string read is not remembered itself (Note [One word per value until a collection]).
    const cached = length <= CACHED_STRING ? context.words.decodedString(core, words, p) : undefined;
    if (cached !== undefined) return cached;
    if (length <= SHORT_UNITS) return shortString(units, at, length);
    const codes = new Array<number>(length);
    for (let i = 0; i < length; i++) codes[i] = units[at + i]!;
    return String.fromCharCode.apply(null, codes);
  }
  let s = "";
  for (let i = 0; i < length; i += DECODE_CHUNK) {
    s += String.fromCharCode.apply(null, units.subarray(at + i, at + Math.min(length, i + DECODE_CHUNK)) as unknown as number[]);
  }
  return s;
}

/**
 * rt.adopt: the JS value of the handle a plugin made in `slot`. A Block,
 * MVar, Custom or Weak keeps the slot (the host frees it); any other value
 * is decoded and the slot freed at once.
 */
export function adopt(context: HeapContext, core: CoreExports, slot: unknown, operation: string): unknown {
  if (typeof slot !== "number" || !Number.isInteger(slot) || slot < 0 || slot > 0xffff_fffe || !core.handle_is_live(slot)) {
    throw new ArgumentError(`${operation}: ${typeof slot === "number" ? slot : typeof slot} is not a live handle slot; adopt the slot a plugin's handleNew returned, once`);
  }
  const word = core.handle_get(slot) >>> 0;
  if ((word & POINTER_MASK) === 0 && word !== 0) {
    const kind = handleKinds[core.heap_kind(word)];
    if (kind !== undefined) return context.wrap(kind, slot);
  }
  const value = decode(context, core, word);
  core.handle_free(slot);
  return value;
}

/** The handle class of each kind that has one (HandleMakers). */
const handleKinds: Readonly<Record<number, HandleKind>> = { [Kind.block]: "block", [Kind.mvar]: "mvar", [Kind.custom]: "custom", [Kind.weak]: "weak" };
