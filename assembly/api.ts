// The mutator API: what a program written in AssemblyScript uses to live on
// the heap. A plugin imports it (`unloadable/assembly/api` from an installed
// package) and re-exports the core's ABI in one line (`export * from
// "unloadable/assembly"`), so the module it builds carries its own copy of the
// runtime, as an OCaml program carries libasmrun. Every function here is the
// core's own code (heap/, barrier.ts, mvar/), re-exported or wrapped in one
// @inline line: nothing is copied, and the host's guarantees (the barrier,
// the sanity checker, the pool, the shutdown order) hold for plugins
// unchanged. docs/plugins.md is the plugin author's guide.
//
// Values are 32-bit words (Value): an immediate int, null, true, false, or a
// pointer to a heap object (heap/layout.ts). Build and test them with the
// helpers below, never with magic numbers.
//
// Note [Rooting in a mutator]
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~
// Any allocation may collect, and a collection moves every live object and
// knows only its roots: the host's handles and the root stack. A pointer the
// mutator holds in a local is not a root: after an allocation it may point at
// the object's old copy. So a mutator pushes every pointer it still needs
// before an allocation and pops it (updated) after; `newBlock2` does this for its
// two fields itself. A function that pushes saves `rootMark()` on entry and
// ends with `rootRestore(mark)`, so an early return cannot leave entries
// behind. A pointer that must outlive the call goes into a handle
// (`handleNew`), which is also how an object reaches the host. See
// docs/plugins.md, "Rooting".

import {
  allocBlock as coreAllocBlock, allocBlock2, allocFloat as coreAllocFloat, allocBytes as coreAllocBytes,
  allocString as coreAllocString, initBlock2, hpRefill, BLOCK2_BYTES,
} from "./heap/alloc";
import { nurseryHp, nurserySetHp, hpCheck } from "./heap/nursery";
import { rootPush, rootPop, rootPeek, rootReplace, rootDepth, rootTruncate } from "./heap/roots";
import { handleNew as coreHandleNew, handleFree as coreHandleFree, handleIsLive, handleGet as coreHandleGet } from "./heap/handles";
import { storeField } from "./barrier";
import { collect, policyLevel, collectionCount } from "./heap/collect";
import { bytesCopied } from "./heap/evacuate";
import { poolAlloc, poolFree } from "./pool";
import { generationCount } from "./heap/generations";
import {
  VALUE_NULL, VALUE_TRUE, VALUE_FALSE, INT_MIN, INT_MAX, isPointer, isInt, intValue, intOf, infoOf,
  kindOfInfo, tagOfInfo, lengthOf, fieldOf, setFieldRaw, floatOf, payloadOf, sizeFor, makeInfo, setInfo, setLength,
  KIND_BLOCK, KIND_BYTES, KIND_STRING, KIND_FLOAT, KIND_MVAR, KIND_EPHEMERON, TAG_MAX,
} from "./heap/layout";
import { mvarNew as coreMVarNew, mvarTryTake as coreTryTake, mvarTryPut as coreTryPut, mvarTryRead as coreTryRead, mvarIsEmpty as coreIsEmpty } from "./mvar/mvar";
import { NO_HANDLE } from "./heap/handles";
import { VALUE_NONE } from "./heap/layout";
import { fail } from "./failure";
import { allocCustom, customNumber } from "./heap/custom";
import { finaliseRegister } from "./heap/finalise";
import { allocWeak, weakValue, weakIsDead, WEAK_NO_FINALISER } from "./heap/weak";
import { allocEphemeron, ephemeronKeysValid, ephemeronData as coreEphemeronData, ephemeronIsDead } from "./heap/ephemeron";
import { mutatorFunctionIndex, noteMutatorCustom, noteMutatorFunction } from "./heap/mutator-finalisers";

/** A heap value: an immediate int, null, true, false, or a pointer to an object. */
export type Value = u32;
/** A handle: a slot of the handle table, a root until freed; the host's way to hold an object. */
export type Handle = u32;

// ── values ──────────────────────────────────────────────────────────────────

/** The null value. */
@inline export const NULL: Value = VALUE_NULL;
/** The booleans. */
@inline export const TRUE: Value = VALUE_TRUE;
@inline export const FALSE: Value = VALUE_FALSE;
/** The immediate ints' range: [INT_MIN, INT_MAX] (31 bits). */
@inline export const MIN_INT: i32 = INT_MIN;
@inline export const MAX_INT: i32 = INT_MAX;
/** Largest block tag. */
@inline export const MAX_TAG: u32 = TAG_MAX;

/** The value of int `n`, which must lie in [MIN_INT, MAX_INT] (unchecked: see fromIntChecked). */
@inline export function fromInt(n: i32): Value { return intValue(n); }
/** The value of int `n`, or a trap naming it when it does not fit in 31 bits. */
export function fromIntChecked(n: i32): Value {
  if (n < INT_MIN || n > INT_MAX) fail("fromIntChecked: " + n.toString() + " does not fit an immediate int [" + INT_MIN.toString() + ", " + INT_MAX.toString() + "]");
  return intValue(n);
}
/** The int an immediate-int value holds (unchecked: test with isIntValue first). */
@inline export function toInt(v: Value): i32 { return intOf(v); }
@inline export function isIntValue(v: Value): bool { return isInt(v); }
@inline export function fromBool(b: bool): Value { return b ? VALUE_TRUE : VALUE_FALSE; }
@inline export function isNull(v: Value): bool { return v == VALUE_NULL; }
@inline export function isTrue(v: Value): bool { return v == VALUE_TRUE; }
@inline export function isFalse(v: Value): bool { return v == VALUE_FALSE; }
/** True for a pointer to a heap object (every other value is immediate). */
@inline export function isObject(v: Value): bool { return isPointer(v) && v != 0; }

/** Object kinds, for kindOf. */
@inline export const BLOCK: u32 = KIND_BLOCK;
@inline export const BYTES: u32 = KIND_BYTES;
@inline export const STRING: u32 = KIND_STRING;
@inline export const FLOAT: u32 = KIND_FLOAT;
@inline export const MVAR: u32 = KIND_MVAR;
@inline export const EPHEMERON: u32 = KIND_EPHEMERON;

/** The kind of object `obj` (BLOCK, STRING, …). */
@inline export function kindOf(obj: Value): u32 { return kindOfInfo(infoOf(<usize>obj)); }
/** A block's tag. */
@inline export function tagOf(obj: Value): u32 { return tagOfInfo(infoOf(<usize>obj)); }
/** A block's fields, a string's code units, or a byte array's bytes. */
@inline export function lengthOfObject(obj: Value): u32 { return lengthOf(<usize>obj); }
/** True when `v` is a block with tag `tag`. */
@inline export function isBlock(v: Value, tag: u32): bool {
  return isObject(v) && kindOfInfo(infoOf(<usize>v)) == KIND_BLOCK && tagOfInfo(infoOf(<usize>v)) == tag;
}

// ── allocation: the simple forms ────────────────────────────────────────────
// Each may collect (Note [Rooting in a mutator]). Out of heap (maxHeap) is a
// trap naming the allocation, which discards the runtime; the try* forms
// return 0 instead and leave the runtime usable.

/** A block of `n` fields, all null; 0 when out of heap. */
@inline export function tryNewBlock(tag: u32, n: u32): Value { return <Value>coreAllocBlock(tag, n); }

/** A block of `n` fields, all null. */
export function newBlock(tag: u32, n: u32): Value {
  let p = coreAllocBlock(tag, n);
  if (p == 0) outOfHeap("newBlock", n);
  return <Value>p;
}

/** A block {a, b}: a and b are kept alive (and updated) across the collection it may make. */
export function newBlock2(tag: u32, a: Value, b: Value): Value {
  let p = allocBlock2(tag, a, b);
  if (p == 0) outOfHeap("newBlock2", 2);
  return <Value>p;
}

/** A boxed float64. */
export function newFloat(x: f64): Value {
  let p = coreAllocFloat(x);
  if (p == 0) outOfHeap("newFloat", 1);
  return <Value>p;
}

/** `n` zeroed bytes; fill them through bytesData. */
export function newBytes(n: u32): Value {
  let p = coreAllocBytes(n);
  if (p == 0) outOfHeap("newBytes", n);
  return <Value>p;
}

/** A heap string with the code units of the AssemblyScript string `s`. */
export function newString(s: string): Value {
  let n = <u32>s.length;
  let p = coreAllocString(n);
  if (p == 0) outOfHeap("newString", n);
  memory.copy(payloadOf(p), changetype<usize>(s), <usize>n << 1);
  return <Value>p;
}

/**
 * `n` zeroed UTF-16 code units; fill them through stringData before the
 * string is stored anywhere or returned: a heap string is immutable once
 * shared, since the host reuses the JS string it read from one until the
 * next collection (Note [One word per value until a collection], src/heap/word-cache.ts).
 */
export function newStringOfLength(n: u32): Value {
  let p = coreAllocString(n);
  if (p == 0) outOfHeap("newStringOfLength", n);
  return <Value>p;
}

function outOfHeap(what: string, n: u32): void {
  fail("unloadable/assembly/api " + what + "(" + n.toString() + "): out of heap (the runtime's maxHeap); use the try* form to handle it");
}

// ── allocation: the fast form, Hp in a local ────────────────────────────────
// As the core's own kernels allocate (Note [Hp in a local], heap/nursery.ts):
//
//   let hp = takeHp();
//   if (!hpCheck(hp, BLOCK2_BYTES)) hp = refillHp(hp, BLOCK2_BYTES);  // may collect: root first
//   initBlock2(hp, tag, a, b); let p = hp; hp += BLOCK2_BYTES;
//   giveHp(hp);                                // before any other heap call
//
// refillHp returns 0 when out of heap (Hp is then handed back already).

/** Bytes of a block of `n` fields, header included: what hp moves by. */
@inline export function blockBytes(n: u32): usize { return sizeFor(KIND_BLOCK, n); }
/** Bytes of a two-field block. */
@inline export const BLOCK2_SIZE: usize = BLOCK2_BYTES;
/** Takes the nursery's bump pointer into the caller's local. */
@inline export function takeHp(): usize { return nurseryHp(); }
/** Hands the bump pointer back. */
@inline export function giveHp(hp: usize): void { nurserySetHp(hp); }
/** True when `bytes` fit at hp. */
@inline export function hasRoom(hp: usize, bytes: usize): bool { return hpCheck(hp, bytes); }
/** No room: hands Hp back, makes room (may collect), takes Hp again; 0 when out of heap. */
@inline export function refillHp(hp: usize, bytes: usize): usize { return hpRefill(hp, bytes); }
/** Writes a block {a, b} at hp (room checked). */
@inline export function initBlock2At(hp: usize, tag: u32, a: Value, b: Value): void { initBlock2(hp, tag, a, b); }
/** Writes the header of a block of `n` fields at hp (room checked); initialise every field next with initField. */
@inline export function initBlockAt(hp: usize, tag: u32, n: u32): void {
  setInfo(hp, makeInfo(KIND_BLOCK, 0, tag));
  setLength(hp, n);
}

// ── fields ──────────────────────────────────────────────────────────────────

/** Field i of a block (unchecked). */
@inline export function field(obj: Value, i: u32): Value { return fieldOf(<usize>obj, i); }
/** Stores `v` into field i through the write barrier: every store into an object that may be old. */
@inline export function setField(obj: Value, i: u32, v: Value): void { storeField(<usize>obj, i, v); }
/**
 * Stores `v` into field i without the barrier: only into an object allocated
 * since the last allocation that could collect (it is young, so no
 * old-to-young pointer can arise). The sanity checker catches a misuse.
 */
@inline export function initField(obj: Value, i: u32, v: Value): void { setFieldRaw(<usize>obj, i, v); }
/** Field i, checked: a trap naming the call when obj is no block or i is out of range. */
export function fieldChecked(obj: Value, i: u32): Value {
  checkBlock("fieldChecked", obj, i);
  return fieldOf(<usize>obj, i);
}
/** setField, checked as fieldChecked. */
export function setFieldChecked(obj: Value, i: u32, v: Value): void {
  checkBlock("setFieldChecked", obj, i);
  storeField(<usize>obj, i, v);
}

function checkBlock(fn: string, obj: Value, i: u32): void {
  if (!isObject(obj) || kindOfInfo(infoOf(<usize>obj)) != KIND_BLOCK) fail(fn + ": 0x" + obj.toString(16) + " is not a block");
  if (i >= lengthOf(<usize>obj)) fail(fn + ": field " + i.toString() + " is out of range for a block of " + lengthOf(<usize>obj).toString());
}

/** A boxed float's number. */
@inline export function floatValue(obj: Value): f64 { return floatOf(<usize>obj); }
/** Where a byte array's bytes are (valid until the next allocation). */
@inline export function bytesData(obj: Value): usize { return payloadOf(<usize>obj); }
/** Where a heap string's UTF-16 code units are (valid until the next allocation); write only a new string's (newStringOfLength). */
@inline export function stringData(obj: Value): usize { return payloadOf(<usize>obj); }
/** A heap string's code unit i (unchecked). */
@inline export function charCodeAt(obj: Value, i: u32): u32 { return load<u16>(payloadOf(<usize>obj) + (<usize>i << 1)); }
/** An AssemblyScript string with a heap string's code units. */
export function toAsString(obj: Value): string {
  return String.UTF16.decodeUnsafe(payloadOf(<usize>obj), <usize>lengthOf(<usize>obj) << 1);
}

// ── the root stack (Note [Rooting in a mutator]) ────────────────────────────

/** Keeps `v` alive (and updated) across the allocations until its pop. */
@inline export function push(v: Value): void { rootPush(v); }
/** The top entry, removed: the pushed value, moved if it was. */
@inline export function pop(): Value { return rootPop(); }
/** Entry i below the top (0: the top), not removed. */
@inline export function peek(i: u32): Value { return rootPeek(i); }
/** Replaces entry i below the top. */
@inline export function poke(i: u32, v: Value): void { rootReplace(i, v); }
/** The root stack's depth now: give it to rootRestore when the function returns. */
@inline export function rootMark(): u32 { return rootDepth(); }
/** Drops every entry pushed since `mark`. */
@inline export function rootRestore(mark: u32): void { rootTruncate(mark); }

// ── handles: objects shared with the host ───────────────────────────────────

/** A new handle on `v`: a root until handleFree; the host adopts it with rt.adopt(slot). */
@inline export function handleNew(v: Value): Handle { return coreHandleNew(v); }
/** The value in handle `h` (moved objects included), or a trap when h is not a live handle. */
export function handleGet(h: Handle): Value {
  if (!handleIsLive(h)) fail("handleGet: " + h.toString() + " is not a live handle (freed, or never made?)");
  return coreHandleGet(h);
}
/** Lets handle `h` go. Never free a handle the host holds (it frees its own). */
export function handleFree(h: Handle): void {
  if (!handleIsLive(h)) fail("handleFree: " + h.toString() + " is not a live handle (freed twice?)");
  coreHandleFree(h);
}

// ── collections ─────────────────────────────────────────────────────────────

/** A minor collection now (the policy's choice of generations), or a major one. */
export function gc(major: bool): void { collect(major ? generationCount() - 1 : policyLevel()); }
/** Collections so far in this cycle. */
@inline export function collections(): u32 { return collectionCount(); }

// ── MVars: the same MVars the host blocks on ────────────────────────────────
// An MVar crosses as a handle (the host's mv is rt.adopt(h); the host gives
// one with rt.slotOf(mv)). Only the non-blocking operations exist here: a
// blocked thread is a host promise. A tryPut that fills an MVar with waiting
// takers hands the value to the first of them; the host settles its promise
// when the call into the plugin returns.

/** A new MVar holding `v`, or empty when v is EMPTY, in a new handle; NO_HANDLE when out of heap. */
@inline export function mvarNew(v: Value): Handle { return coreMVarNew(v); }
/** The marker of an empty MVar, for mvarNew and the answer of tryTake/tryRead. */
@inline export const EMPTY: Value = VALUE_NONE;
/** The handle mvarNew returns when out of heap. */
@inline export const NO_MVAR: Handle = NO_HANDLE;
/** Takes the value, or EMPTY when the MVar is empty. Never blocks. */
@inline export function mvarTryTake(h: Handle): Value { return coreTryTake(h); }
/** Puts `v` (false when the MVar is full); wakes the first waiting taker, every waiting reader. */
@inline export function mvarTryPut(h: Handle, v: Value): bool { return coreTryPut(h, v); }
/** The value, leaving the MVar full; EMPTY when it is empty. */
@inline export function mvarTryRead(h: Handle): Value { return coreTryRead(h); }
@inline export function mvarIsEmpty(h: Handle): bool { return coreIsEmpty(h); }

// ── custom blocks, finalise, finaliseLast, weak pointers ────────────────────
// Finalisers here are the plugin's own top-level functions, passed as values
// (heap/mutator-finalisers.ts). The host runs them after the collection that
// found their object dead, or at shutdown, in the order and with the
// exactly-once promise of docs/finalisers.md; a trap inside one is a trap of
// the runtime. A finaliser may allocate and call the API, but must not keep
// a pointer from before its call (any collection may have run since).

/** A custom block holding `payload`, whose `finaliser` runs once with it; 0 when out of heap. */
export function tryCustomNew(payload: f64, finaliser: (payload: f64) => void): Value {
  let index = mutatorFunctionIndex(changetype<usize>(finaliser), "customNew");
  let p = allocCustom(index, 0, payload, 0);
  if (p != 0) noteMutatorCustom();
  return <Value>p;
}

/** A custom block holding `payload`, whose `finaliser` runs once with it. */
export function customNew(payload: f64, finaliser: (payload: f64) => void): Value {
  let p = tryCustomNew(payload, finaliser);
  if (p == 0) outOfHeap("customNew", 1);
  return p;
}

/** A custom block's payload. */
@inline export function customPayload(obj: Value): f64 { return customNumber(<usize>obj); }

/**
 * OCaml's Gc.finalise: `fn` runs once, after `obj` is first found
 * unreachable, with a handle on it valid for the call (handleGet reads it;
 * storing it somewhere reachable resurrects it; the host frees the handle).
 */
export function finalise(obj: Value, fn: (value: Handle) => void): void {
  checkObject("finalise", obj);
  finaliseRegister(<usize>obj, mutatorFunctionIndex(changetype<usize>(fn), "finalise"), false);
  noteMutatorFunction();
}

/** OCaml's Gc.finalise_last: `fn` runs once, after `obj` is unreachable for good. */
export function finaliseLast(obj: Value, fn: () => void): void {
  checkObject("finaliseLast", obj);
  finaliseRegister(<usize>obj, mutatorFunctionIndex(changetype<usize>(fn), "finaliseLast"), true);
  noteMutatorFunction();
}

/**
 * GHC's mkWeak: a weak pointer from `key` (an object) to `value`, with an
 * optional `finalizer` run once when the key dies; 0 when out of heap. key
 * and value are kept alive across the allocation. A weak pointer is an
 * object like any other: keep it rooted to keep it.
 */
export function tryWeakNew(key: Value, value: Value, finalizer: (() => void) | null): Value {
  checkObject("weakNew", key);
  let index = finalizer === null ? WEAK_NO_FINALISER : mutatorFunctionIndex(changetype<usize>(finalizer), "weakNew") + 1;
  let w = allocWeak(key, value, index);
  if (w != 0 && finalizer !== null) noteMutatorFunction();
  return <Value>w;
}

/** tryWeakNew, or a trap when out of heap. */
export function weakNew(key: Value, value: Value, finalizer: (() => void) | null): Value {
  let w = tryWeakNew(key, value, finalizer);
  if (w == 0) outOfHeap("weakNew", 1);
  return w;
}

/** The weak pointer's value while its key lives; EMPTY once the key is dead. */
export function weakDeref(w: Value): Value {
  return weakIsDead(<usize>w) ? VALUE_NONE : weakValue(<usize>w);
}

// ── ephemerons ──────────────────────────────────────────────────────────────
// OCaml's Ephemeron.K1 / Kn (heap/ephemeron.ts, the same objects rt.ephemeron
// makes): the datum is reachable through the ephemeron only while every key
// is reachable from elsewhere; the ephemeron keeps no key alive. Unlike a
// weak pointer it has no finaliser: it is an ordinary value, alive while
// something reaches it. Its keys are given as a block whose fields are the
// keys (at least one, each an object), as rt.ephemeron takes an array; the
// block is not kept. The first key found dead empties the whole ephemeron
// (Note [A dead ephemeron is emptied whole]), at the collection that finds
// it, minor or major.

/** An ephemeron from the fields of block `keys` (objects, one or more) to `data`; 0 when out of heap. keys and data are kept alive across the allocation. */
export function tryEphemeronNew(keys: Value, data: Value): Value {
  if (!isObject(keys) || !ephemeronKeysValid(<usize>keys)) fail("ephemeronNew: 0x" + keys.toString(16) + " is not a block of one or more objects (the ephemeron's keys)");
  return <Value>allocEphemeron(<usize>keys, data);
}

/** tryEphemeronNew, or a trap when out of heap. */
export function ephemeronNew(keys: Value, data: Value): Value {
  let e = tryEphemeronNew(keys, data);
  if (e == 0) outOfHeap("ephemeronNew", 1);
  return e;
}

/** The ephemeron's datum while all its keys live; EMPTY once one has died. */
export function ephemeronData(e: Value): Value {
  checkEphemeron("ephemeronData", e);
  return coreEphemeronData(<usize>e);
}

/** False once a collection has found one of the ephemeron's keys dead (it is then empty for good). */
export function ephemeronIsAlive(e: Value): bool {
  checkEphemeron("ephemeronIsAlive", e);
  return !ephemeronIsDead(<usize>e);
}

function checkEphemeron(fn: string, e: Value): void {
  if (!isObject(e) || kindOfInfo(infoOf(<usize>e)) != KIND_EPHEMERON) fail(fn + ": 0x" + e.toString(16) + " is not an ephemeron");
}

function checkObject(fn: string, v: Value): void {
  if (!isObject(v)) fail(fn + ": 0x" + v.toString(16) + " is not a heap object (only objects can be finalised or weakly keyed)");
}

// ── collection statistics ───────────────────────────────────────────────────

/** Bytes the last collection kept (copied, or promoted in place): its survivors, to size a workload by. */
@inline export function lastSurvivorBytes(): usize { return bytesCopied(); }

// ── raw memory: the pool, outside the heap ──────────────────────────────────
// For what a program keeps outside the heap (a symbol table, a buffer for the
// host): blocks of the core's allocator ring, as C stubs take OCaml's
// caml_stat_alloc. Never moved, never traced, never a Value; freed by rawFree
// or, at the latest, by the runtime's shutdown, so a plugin that forgets one
// still gives its memory back.

/** `bytes` uninitialised bytes, 16-byte aligned; a trap naming pool_alloc when the pool's limit refuses them. */
@inline export function rawAlloc(bytes: usize): usize { return poolAlloc(bytes); }
/** Frees a rawAlloc block; 0 is ignored. */
@inline export function rawFree(p: usize): void { poolFree(p); }
