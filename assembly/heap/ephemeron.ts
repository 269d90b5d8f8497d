// Ephemerons, with OCaml's semantics (Ephemeron.K1 / Ephemeron.Kn): an
// ephemeron names one or more keys and a datum; the datum is reachable
// through the ephemeron only while every key is reachable from elsewhere, and
// neither the ephemeron nor its datum keeps a key alive. Unlike a weak
// pointer (weak.ts), an ephemeron is an ordinary value: it lives while
// something reaches it, and has no finaliser.
//
//   ephemeron object, kind EPHEMERON, length = number of keys k ≥ 1:
//   obj          +8            +12          +16          +16 + 4k
//   ▼            ▼             ▼            ▼            ▼
//   ┌────────────┬─────────────┬────────────┬─────┬─────┐
//   │ header     │ data (value)│ flags u32  │ key₀│ …   │ key_{k-1} (values)
//   └────────────┴─────────────┴────────────┴─────┴─────┘
//   flags: EPHEMERON_DEAD once a key died; then data and keys hold "none"
//
//   ephemerons ┌──────┬──────┬─────┬───────┬───────┬─────┐  every ephemeron not yet dead
//              │ traced this collection … │ not yet …     │  (addresses, updated)
//              └──────┴──────┴─────┴───────┴───────┴─────┘
//                                ▲ traced
//
// Note [Ephemeron fields are not scanned]
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
// As a weak's (Note [Weak fields are not scanned], weak.ts), an ephemeron's
// fields are left out of the kinds table, so the Cheney scan copies an
// ephemeron without evacuating its keys or datum. The collector visits every
// ephemeron on the list after the scan, in the same fixpoint as the weak
// pointers (collect.ts): an ephemeron is traced once it is itself reached
// (copied, promoted in place, or in a generation this collection does not
// collect) and every key is alive; tracing updates the keys and evacuates
// the datum into the ephemeron's generation. The datum can make other keys
// alive (a memo table whose values mention other keys), so the scan, the
// weak trace and the ephemeron trace alternate until none finds anything
// new; nothing recurses, each round is one pass over the list. Then
// (ephemeronClear) an ephemeron that was reached but not traced has a dead
// key: it is emptied (data and keys "none", EPHEMERON_DEAD) and leaves the
// list; one that was not reached died with its datum and leaves the list.
// Since every ephemeron is visited every collection, minor or major, its
// fields need no remembered set, and the sanity checker asks for none
// (ephemeronFieldsCheck: live targets, or "none" once dead).
//
// Note [A dead ephemeron is emptied whole]
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
// OCaml clears only the dead keys and the datum; its surviving keys stay
// readable (Ephemeron.Kn.get_key). Here the first dead key empties the
// whole ephemeron: an emptied ephemeron then needs no visit and leaves the
// list at once, and what users read an ephemeron for (the datum, or a
// lookup by key in a weak table) is gone either way.

import { vecLength, vecGet, vecSet, vecPush, vecTruncate, vecReset, VEC_BYTES, VEC_ALIGN } from "./vec";
import { allocObject } from "./alloc";
import { faultOn, FAULT_EPHEMERON_STALE_DATA } from "../faults";
import { evacuate, inFromSpace } from "./evacuate";
import { rootPush, rootPop } from "./roots";
import { recordFailure, hex, CHECK_FIRST_HEAP } from "../failure";
import {
  infoOf, isForwarded, forwardee, genOfInfo, kindOfInfo, lengthOf, payloadOf, fieldOf, isPointer, isInt, isSpecial,
  KIND_EPHEMERON, KIND_BLOCK, VALUE_NONE,
} from "./layout";

@inline const EPHEMERON_DATA: usize = 0;
@inline const EPHEMERON_FLAGS: usize = EPHEMERON_DATA + sizeof<u32>();
@inline const EPHEMERON_KEYS: usize = EPHEMERON_FLAGS + sizeof<u32>();
/** Fixed payload bytes before the keys (the kinds table's row, layout.ts). */
@inline export const EPHEMERON_FIXED: u32 = <u32>EPHEMERON_KEYS;

/** Flag: a key died; data and keys hold "none". Note [A dead ephemeron is emptied whole]. */
@inline export const EPHEMERON_DEAD: u32 = 1 << 0;

/** The sanity check of ephemerons (the host names it `ephemerons`). */
@inline export const CHECK_HEAP_EPHEMERONS: u32 = CHECK_FIRST_HEAP + 12;

const ephemerons = memory.data(VEC_BYTES, VEC_ALIGN);
/** Entries [0, traced) of `ephemerons` have been traced by this collection. */
let traced: u32 = 0;
let cleared: u32 = 0;
/** Ephemerons the last collection emptied (for stats()). */
let clearedLast: u32 = 0;

@inline export function ephemeronData(e: usize): u32 { return load<u32>(payloadOf(e), EPHEMERON_DATA); }
@inline export function ephemeronFlags(e: usize): u32 { return load<u32>(payloadOf(e), EPHEMERON_FLAGS); }
@inline export function ephemeronIsDead(e: usize): bool { return (ephemeronFlags(e) & EPHEMERON_DEAD) != 0; }
@inline export function ephemeronKeyCount(e: usize): u32 { return lengthOf(e); }
@inline function keyAddr(e: usize, i: u32): usize { return payloadOf(e) + EPHEMERON_KEYS + (<usize>i << 2); }
@inline export function ephemeronKey(e: usize, i: u32): u32 { return load<u32>(keyAddr(e, i)); }

/**
 * A new ephemeron whose keys are the fields of block `keys` (every one an
 * object) and whose datum is `data`; 0 when out of heap. The block and the
 * datum wait on the root stack while the ephemeron is allocated, since that
 * may collect and move them.
 */
export function allocEphemeron(keys: usize, data: u32): usize {
  let k = lengthOf(keys);
  rootPush(<u32>keys);
  rootPush(data);
  let e = allocObject(KIND_EPHEMERON, 0, k);
  data = rootPop();
  keys = <usize>rootPop();
  if (e == 0) return 0;
  let p = payloadOf(e);
  store<u32>(p, data, EPHEMERON_DATA);
  store<u32>(p, 0, EPHEMERON_FLAGS);
  for (let i: u32 = 0; i < k; i++) store<u32>(keyAddr(e, i), fieldOf(keys, i));
  vecPush(ephemerons, <u32>e);
  return e;
}

/** True when every field of block `keys` is an object, and there is at least one. */
export function ephemeronKeysValid(keys: usize): bool {
  if (kindOfInfo(infoOf(keys)) != KIND_BLOCK) return false;
  let k = lengthOf(keys);
  if (k == 0) return false;
  for (let i: u32 = 0; i < k; i++) if (!isPointer(fieldOf(keys, i))) return false;
  return true;
}

/** Empties `e` and marks it dead. */
function kill(e: usize): void {
  let p = payloadOf(e);
  store<u32>(p, VALUE_NONE, EPHEMERON_DATA);
  store<u32>(p, load<u32>(p, EPHEMERON_FLAGS) | EPHEMERON_DEAD, EPHEMERON_FLAGS);
  let k = lengthOf(e);
  for (let i: u32 = 0; i < k; i++) store<u32>(keyAddr(e, i), VALUE_NONE);
  cleared++;
}

/** Start of a collection: nothing traced yet. */
export function ephemeronBegin(): void { traced = 0; }

@inline function isAlive(v: u32): bool {
  let obj = <usize>v;
  let info = infoOf(obj);
  return isForwarded(info) || !inFromSpace(obj, info);
}

/** `e` (a list entry) where it lives now, or 0 when nothing has reached it (yet). */
@inline function reached(e: usize): usize {
  let info = infoOf(e);
  if (isForwarded(info)) return forwardee(info);
  return inFromSpace(e, info) ? 0 : e;
}

/**
 * Traces every ephemeron that is reached and whose keys are all alive, and
 * is not traced yet (Note [Ephemeron fields are not scanned]); true when it
 * traced one, so the caller scans again.
 */
export function ephemeronTrace(): bool {
  let progress = false;
  let n = vecLength(ephemerons);
  for (let i = traced; i < n; i++) {
    let current = reached(<usize>vecGet(ephemerons, i));
    if (current == 0) continue;
    let k = lengthOf(current);
    let alive = true;
    for (let j: u32 = 0; j < k && alive; j++) alive = isAlive(ephemeronKey(current, j));
    if (!alive) continue;
    let gen = genOfInfo(infoOf(current));
    for (let j: u32 = 0; j < k; j++) store<u32>(keyAddr(current, j), evacuate(ephemeronKey(current, j), gen));
    let p = payloadOf(current);
    let moved = evacuate(load<u32>(p, EPHEMERON_DATA), gen);
    if (!faultOn(FAULT_EPHEMERON_STALE_DATA)) store<u32>(p, moved, EPHEMERON_DATA);
    // Entries in [traced, i) were visited and are not traced: swap one of them here.
    vecSet(ephemerons, i, vecGet(ephemerons, traced));
    vecSet(ephemerons, traced++, <u32>current);
    progress = true;
  }
  return progress;
}

/**
 * After the last trace, while from-space is intact: an untraced ephemeron
 * that was reached has a dead key and is emptied; one not reached died.
 * Both leave the list. Returns how many were emptied.
 */
export function ephemeronClear(): u32 {
  let n = vecLength(ephemerons);
  let emptied: u32 = 0;
  for (let i = traced; i < n; i++) {
    let current = reached(<usize>vecGet(ephemerons, i));
    if (current == 0) continue;
    kill(current);
    emptied++;
  }
  vecTruncate(ephemerons, traced);
  clearedLast = emptied;
  return emptied;
}

/** Ephemerons on the list: every one not dead that some collection has not yet found unreachable. */
export function ephemeronsListed(): u32 { return vecLength(ephemerons); }
export function ephemeronAt(i: u32): usize { return <usize>vecGet(ephemerons, i); }
/** Ephemerons emptied since init because a key died. */
export function ephemeronsCleared(): u32 { return cleared; }
/** Ephemerons the last collection emptied because a key died. */
export function ephemeronsClearedLast(): u32 { return clearedLast; }
export function ephemeronReset(): void {
  vecReset(ephemerons);
  traced = 0;
  cleared = 0;
  clearedLast = 0;
}

// ── sanity (sanity.ts calls these) ───────────────────────────────────────────

function report(rule: string, e: usize, field: i32): bool {
  let info = e == 0 ? 0 : infoOf(e);
  recordFailure(CHECK_HEAP_EPHEMERONS, "ephemeronInvariantCheck: " + rule + (e == 0 ? "" : ": ephemeron " + hex(e) + " of generation " + genOfInfo(info).toString()),
    e, e == 0 ? 0 : kindOfInfo(info), e == 0 ? -1 : genOfInfo(info), field, -1);
  return false;
}

@inline function isValueWord(v: u32): bool { return v != 0 && (isInt(v) || isPointer(v) || isSpecial(v)); }

/**
 * One ephemeron's own fields (Note [Ephemeron fields are not scanned]):
 * while it lives, at least one key, every key a live object, the datum a
 * value and, if a pointer, a live object, never a from-space copy; "none"
 * everywhere once dead. Field numbers: 0 the datum, 1 + i key i.
 */
export function ephemeronFieldsCheck(e: usize, isObject: (p: usize) => bool): bool {
  let k = lengthOf(e);
  let data = ephemeronData(e);
  if (ephemeronIsDead(e)) {
    if (data != VALUE_NONE) return report("a dead ephemeron still holds its datum", e, 0);
    for (let i: u32 = 0; i < k; i++) if (ephemeronKey(e, i) != VALUE_NONE) return report("a dead ephemeron still holds a key", e, <i32>(1 + i));
    return true;
  }
  if (k == 0) return report("a live ephemeron has no key", e, -1);
  for (let i: u32 = 0; i < k; i++) {
    let key = ephemeronKey(e, i);
    if (!isPointer(key) || !isObject(<usize>key)) return report("key " + i.toString() + " is " + hex(key) + ", which is no live object's header", e, <i32>(1 + i));
  }
  if (!isValueWord(data)) return report("the datum holds " + hex(data) + ", which is no value", e, 0);
  if (isPointer(data) && !isObject(<usize>data)) return report("the datum points at " + hex(data) + ", which is no live object's header", e, 0);
  return true;
}

/**
 * The list holds exactly the live (not dead) ephemerons of the heap, each
 * once: one off the list would keep its datum forever or never be cleared.
 * `inHeap`: live ephemerons the heap walk counted.
 */
export function ephemeronListCheck(isObject: (p: usize) => bool, inHeap: u32): bool {
  let n = vecLength(ephemerons);
  for (let i: u32 = 0; i < n; i++) {
    let e = <usize>vecGet(ephemerons, i);
    if (!isObject(e)) return report("entry " + i.toString() + " of the ephemeron list (" + hex(e) + ") is no live object", 0, <i32>i);
    if (kindOfInfo(infoOf(e)) != KIND_EPHEMERON) return report("entry " + i.toString() + " of the ephemeron list is not an ephemeron", e, <i32>i);
    if (ephemeronIsDead(e)) return report("entry " + i.toString() + " of the ephemeron list is dead", e, <i32>i);
  }
  if (n != inHeap) return report("the ephemeron list holds " + n.toString() + " entries but the heap " + inHeap.toString() + " live ephemerons", 0, -1);
  return true;
}
