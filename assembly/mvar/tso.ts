// Thread state objects: a thread blocked on an MVar, in the GC heap, and the
// table that names each blocked thread's queue entry by the thread's id.
// After GHC's rts/Threads.c and the thread bookkeeping of rts/sm/MarkWeak.c.
//
// A thread state object (kind TSO): 2 pointer fields, then 3 raw words:
//
//   ┌────────────┬──────────────┬────────────┬──────────┬──────────┬──────────┐
//   │ header     │ blockedOn    │ value      │ why u32  │ state u32│ id u32   │
//   └────────────┴──────────────┴────────────┴──────────┴──────────┴──────────┘
//   blockedOn: the MVar it waits on (VALUE_NULL once it is no longer blocked)
//   value: what a blocked putter carries (VALUE_NONE for takers and readers)
//   why: WHY_TAKE, WHY_PUT or WHY_READ;  state: STATE_*;  id: its thread slot
//
// Note [Blocked threads are not roots]
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
// A thread blocked on an MVar is reachable only through the MVar's queue.
// The thread table below names every blocked thread's queue entry, so the
// host can cancel it (an AbortSignal) without holding a root. Collections
// treat the table as follows:
//   - a minor collection evacuates it as roots, after the remembered sets:
//     a minor collection cannot tell a thread that is garbage from one whose
//     MVar lives in an older generation it does not trace, so it keeps them
//     all, as it keeps every old object;
//   - a major collection does not: after the scan reaches its fixpoint, an
//     entry that was not reached belongs to a thread that nothing can ever
//     wake. It is woken as STATE_DEADLOCKED (GHC's resurrectThreads) through
//     the wake list, and the host rejects its promise with
//     BlockedIndefinitelyError. Every such thread is found in one pass after
//     the fixpoint, and none is copied back: the value a putter carried is
//     dropped with it, so a thread reachable only from another deadlocked
//     thread is found in the same pass, and no second scan is needed.

import { storeField } from "../barrier";
import { VEC_BYTES, VEC_ALIGN, vecLength, vecAt, vecPush, vecReset } from "../heap/vec";
import { evacuate } from "../heap/evacuate";
import {
  infoOf, HEADER_SIZE, OBJECT_ALIGN_MASK, isForwarded, forwardee, payloadOf, fieldOf, VALUE_NONE, VALUE_NULL, WORD_SIZE,
} from "../heap/layout";
import { pushWake } from "./wake";

// ── layout ───────────────────────────────────────────────────────────────────

/** TSO pointer fields, then raw words. */
@inline export const TSO_BLOCKED_ON: u32 = 0;
@inline export const TSO_VALUE: u32 = TSO_BLOCKED_ON + 1;
@inline export const TSO_POINTERS: u32 = TSO_VALUE + 1;
@inline export const TSO_WHY: u32 = TSO_POINTERS;
@inline export const TSO_STATE: u32 = TSO_WHY + 1;
@inline export const TSO_ID: u32 = TSO_STATE + 1;
@inline export const TSO_WORDS: u32 = TSO_ID + 1;

/** Fixed payload bytes of a TSO, for the kinds table (heap/layout.ts). */
@inline export const TSO_BYTES: u32 = TSO_WORDS * <u32>WORD_SIZE;
/** The whole object, header included: sizeFor(KIND_TSO, 0). */
@inline export const TSO_OBJECT_BYTES: usize = (HEADER_SIZE + <usize>TSO_BYTES + OBJECT_ALIGN_MASK) & ~OBJECT_ALIGN_MASK;

/** Why a thread blocked. */
@inline export const WHY_TAKE: u32 = 1;
@inline export const WHY_PUT: u32 = WHY_TAKE + 1;
@inline export const WHY_READ: u32 = WHY_PUT + 1;

/** Where a thread is in its life. */
@inline export const STATE_BLOCKED: u32 = 1;
/** Woken by an operation: a taker or reader got its value, a putter deposited. */
@inline export const STATE_WOKEN: u32 = STATE_BLOCKED + 1;
/** Cancelled by the host (an AbortSignal) before any hand-off. */
@inline export const STATE_CANCELLED: u32 = STATE_WOKEN + 1;
/** Found unreachable by a major collection. See Note [Blocked threads are not roots]. */
@inline export const STATE_DEADLOCKED: u32 = STATE_CANCELLED + 1;

// ── field access ─────────────────────────────────────────────────────────────

@inline export function tsoBlockedOn(t: usize): u32 { return fieldOf(t, TSO_BLOCKED_ON); }
@inline export function tsoValue(t: usize): u32 { return fieldOf(t, TSO_VALUE); }
@inline function tsoWord(t: usize, w: u32): u32 { return load<u32>(payloadOf(t) + <usize>w * WORD_SIZE); }
@inline export function setTsoWord(t: usize, w: u32, x: u32): void { store<u32>(payloadOf(t) + <usize>w * WORD_SIZE, x); }
@inline export function tsoWhy(t: usize): u32 { return tsoWord(t, TSO_WHY); }
@inline export function tsoState(t: usize): u32 { return tsoWord(t, TSO_STATE); }
@inline export function tsoId(t: usize): u32 { return tsoWord(t, TSO_ID); }

// ── the thread table ─────────────────────────────────────────────────────────
// Slot i holds the queue entry of blocked thread i, or a free-list link
// ((next free + 1) << 1 | 1, an odd word no entry address has).
//
//   table ┌──────────┬──────────┬─────┬──────────────┬──────────────┐
//         │ entry 0  │ free → 5 │ …   │ entry used-1 │ capacity …   │
//         └──────────┴──────────┴─────┴──────────────┴──────────────┘
//   A vector (heap/vec.ts): used is its length; a freed slot is reused
//   before the vector grows.

@inline const FREE_BIT: u32 = 1;

const table: usize = memory.data(VEC_BYTES, VEC_ALIGN);
/** Index + 1 of the first free slot; 0: none. */
let freeHead: u32 = 0;
let blockedCount: u32 = 0;

@inline function slotAddr(i: u32): usize { return vecAt(table, i); }
@inline export function isFreeSlotWord(w: u32): bool { return (w & FREE_BIT) != 0; }

/** A slot's word: a queue entry's address, or a free-list link (isFreeSlotWord). */
@inline export function threadSlotWord(i: u32): u32 { return load<u32>(slotAddr(i)); }

/** Gives queue entry `entry` a slot; its index is the thread's id. */
@inline export function threadRegister(entry: usize): u32 {
  blockedCount++;
  if (freeHead == 0) {
    let i = vecLength(table);
    vecPush(table, <u32>entry);
    return i;
  }
  let i = freeHead - 1;
  freeHead = load<u32>(slotAddr(i)) >> 1;
  store<u32>(slotAddr(i), <u32>entry);
  return i;
}

export function threadRelease(i: u32): void {
  store<u32>(slotAddr(i), (freeHead << 1) | FREE_BIT);
  freeHead = i + 1;
  blockedCount--;
}

/** The queue entry of blocked thread `id`, or 0 when it is not blocked. */
export function threadEntry(id: u32): usize {
  if (id >= vecLength(table)) return 0;
  let w = load<u32>(slotAddr(id));
  return isFreeSlotWord(w) ? 0 : <usize>w;
}

export function threadsBlocked(): u32 { return blockedCount; }
export function threadsUsed(): u32 { return vecLength(table); }

/**
 * Thread `tso` (popped from its queue) is no longer blocked: free its slot,
 * record `state` and hand `value` to the host. Its fields are cleared so the
 * dead TSO keeps nothing alive.
 */
@inline export function wakeThread(tso: usize, state: u32, value: u32): void {
  let id = tsoId(tso);
  threadRelease(id);
  setTsoWord(tso, TSO_STATE, state);
  storeField(tso, TSO_BLOCKED_ON, VALUE_NULL);
  storeField(tso, TSO_VALUE, VALUE_NONE);
  pushWake(id, state, value);
}

// ── the collector's side ─────────────────────────────────────────────────────

/**
 * Roots, after the remembered sets and the wake list (wakeRootsEvacuate): in
 * a minor collection the blocked threads' entries. See Note [Blocked threads
 * are not roots].
 */
export function threadsRootsEvacuate(major: bool): void {
  if (major) return;
  for (let i: u32 = 0, used = vecLength(table); i < used; i++) {
    let a = slotAddr(i);
    let w = load<u32>(a);
    if (!isFreeSlotWord(w)) store<u32>(a, evacuate(w, 0));
  }
}

/**
 * After the scan's fixpoint, before from-space is freed, in a major
 * collection: follow the entries that moved, and wake, as deadlocked, every thread whose
 * entry was not reached (GHC's resurrectThreads). Its TSO and entry are left
 * to die: the wake triple is all the host needs, and the value a putter
 * carried is dropped (the put failed), so nothing it reaches is kept and no
 * further scan is needed. Returns the threads woken.
 */
export function threadsAfterScan(major: bool): u32 {
  // A minor collection evacuated every slot as a root: all are up to date.
  if (!major) return 0;
  let deadlocked: u32 = 0;
  for (let i: u32 = 0, used = vecLength(table); i < used; i++) {
    let a = slotAddr(i);
    let w = load<u32>(a);
    if (isFreeSlotWord(w)) continue;
    // A major collection collects everything: each entry is in from-space,
    // and either was reached (forwarded) or never will be.
    let info = infoOf(<usize>w);
    if (isForwarded(info)) {
      store<u32>(a, <u32>forwardee(info));
    } else {
      threadRelease(i);
      pushWake(i, STATE_DEADLOCKED, VALUE_NONE);
      deadlocked++;
    }
  }
  return deadlocked;
}

/** After shutdown: the pool destroy freed the table. */
export function threadsReset(): void {
  vecReset(table);
  freeHead = 0;
  blockedCount = 0;
}
