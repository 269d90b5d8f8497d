// The sanity checker's side of the MVar family (sanity.ts calls it): Note
// [MVar queue invariant] (mvar.ts) for each MVar, and the thread table
// (tso.ts) and the wake list (wake.ts) as a whole. A broken rule is recorded
// as CHECK_HEAP_MVAR, naming mvarInvariantCheck, the object and the field.

import { recordFailure, hex, CHECK_FIRST_HEAP } from "../failure";
import { infoOf, kindOfInfo, genOfInfo, isPointer, isInt, isSpecial, KIND_MVAR_QUEUE, KIND_TSO, VALUE_NULL } from "../heap/layout";
import { MVAR_VALUE, MVAR_HEAD, MVAR_TAIL, ENTRY_TSO, mvHead, mvTail, entryTso, entryLink, isEmptyMVar } from "./mvar";
import {
  WHY_PUT, WHY_READ, WHY_TAKE, STATE_BLOCKED, tsoBlockedOn, tsoState, tsoId, tsoWhy, threadEntry, threadsUsed, threadsBlocked,
  threadSlotWord, isFreeSlotWord,
} from "./tso";
import { wakeLength, wakeAt, WAKE_VALUE } from "./wake";

/** Verdict code of the MVar checks (failure.ts: heap checks from 16 up). */
@inline export const CHECK_HEAP_MVAR: u32 = CHECK_FIRST_HEAP + 8;

function mvarFailure(rule: string, obj: usize, field: i32): bool {
  recordFailure(CHECK_HEAP_MVAR, "mvarInvariantCheck: " + rule, obj, obj == 0 ? 0 : kindOfInfo(infoOf(obj)), obj == 0 ? -1 : genOfInfo(infoOf(obj)), field, -1);
  return false;
}

/**
 * Note [MVar queue invariant] for one MVar, whose fields the sanity walk has
 * already found to be values pointing at live objects. Walks the queue once,
 * stopping on a cycle.
 */
export function mvarQueueCheck(mv: usize): bool {
  let full = !isEmptyMVar(mv);
  let head = mvHead(mv);
  let tail = mvTail(mv);
  if ((head == VALUE_NULL) != (tail == VALUE_NULL)) return mvarFailure("head and tail disagree about an empty queue (" + hex(head) + ", " + hex(tail) + ")", mv, <i32>MVAR_HEAD);
  let seenTaker = false;
  let last: u32 = VALUE_NULL;
  // Brent's cycle detection: `mark` jumps to the walker at powers of two.
  let mark: u32 = VALUE_NULL;
  let power: u32 = 1;
  let run: u32 = 0;
  for (let e = head; e != VALUE_NULL; e = entryLink(<usize>e)) {
    if (!isPointer(e) || kindOfInfo(infoOf(<usize>e)) != KIND_MVAR_QUEUE) return mvarFailure("the queue leads to " + hex(e) + ", which is no queue entry", mv, <i32>MVAR_HEAD);
    if (e == mark) return mvarFailure("the queue is a cycle through " + hex(e), mv, <i32>MVAR_HEAD);
    if (++run == power) {
      mark = e;
      power <<= 1;
      run = 0;
    }
    last = e;
    let t = entryTso(<usize>e);
    if (t == VALUE_NULL) continue; // cancelled
    if (!isPointer(t) || kindOfInfo(infoOf(<usize>t)) != KIND_TSO) return mvarFailure("queue entry " + hex(e) + " holds " + hex(t) + ", which is no TSO", <usize>e, <i32>ENTRY_TSO);
    let tso = <usize>t;
    if (tsoBlockedOn(tso) != <u32>mv) return mvarFailure("TSO " + hex(tso) + " in the queue is blocked on " + hex(tsoBlockedOn(tso)) + ", not on this MVar", mv, <i32>MVAR_HEAD);
    if (tsoState(tso) != STATE_BLOCKED) return mvarFailure("TSO " + hex(tso) + " in the queue is in state " + tsoState(tso).toString() + ", not blocked", mv, <i32>MVAR_HEAD);
    if (threadEntry(tsoId(tso)) != <usize>e) return mvarFailure("TSO " + hex(tso) + "'s thread slot " + tsoId(tso).toString() + " does not point back at its entry " + hex(e), mv, <i32>MVAR_HEAD);
    let why = tsoWhy(tso);
    if (full && why != WHY_PUT) return mvarFailure("a full MVar has a " + (why == WHY_READ ? "reader" : "taker") + " waiting (TSO " + hex(tso) + ")", mv, <i32>MVAR_VALUE);
    if (!full && why == WHY_PUT) return mvarFailure("an empty MVar has a putter waiting (TSO " + hex(tso) + ")", mv, <i32>MVAR_VALUE);
    if (why == WHY_TAKE) seenTaker = true;
    else if (why == WHY_READ && seenTaker) return mvarFailure("a reader waits behind a taker (TSO " + hex(tso) + "): readers are pushed at the front", mv, <i32>MVAR_HEAD);
  }
  if (last != tail) return mvarFailure("the tail is " + hex(tail) + " but the queue ends at " + hex(last), mv, <i32>MVAR_TAIL);
  return true;
}

/**
 * The thread table and the wake list: every blocked thread's slot holds a
 * live queue entry whose TSO is blocked and names that slot; every wake value
 * is a value, and a pointer one points at a live object.
 */
export function mvarThreadsCheck(isObject: (p: usize) => bool): bool {
  let live: u32 = 0;
  for (let i: u32 = 0, used = threadsUsed(); i < used; i++) {
    let w = threadSlotWord(i);
    if (isFreeSlotWord(w)) continue;
    live++;
    let e = <usize>w;
    if (!isObject(e) || kindOfInfo(infoOf(e)) != KIND_MVAR_QUEUE) return mvarFailure("thread slot " + i.toString() + " holds " + hex(e) + ", which is no live queue entry", 0, <i32>i);
    let t = entryTso(e);
    if (!isPointer(t) || kindOfInfo(infoOf(<usize>t)) != KIND_TSO) return mvarFailure("thread slot " + i.toString() + "'s entry holds " + hex(t) + ", which is no TSO", e, <i32>ENTRY_TSO);
    if (tsoId(<usize>t) != i || tsoState(<usize>t) != STATE_BLOCKED) return mvarFailure("thread slot " + i.toString() + "'s TSO names slot " + tsoId(<usize>t).toString() + " in state " + tsoState(<usize>t).toString(), <usize>t, -1);
  }
  let count = threadsBlocked();
  if (live != count) return mvarFailure(live.toString() + " thread slots are live but the count says " + count.toString(), 0, -1);
  for (let i: u32 = 0, n = wakeLength(); i < n; i++) {
    let v = load<u32>(wakeAt(i), WAKE_VALUE);
    if (v == 0 || !(isPointer(v) || isInt(v) || isSpecial(v))) return mvarFailure("wake entry " + i.toString() + " holds " + hex(v) + ", which is no value", 0, <i32>i);
    if (isPointer(v) && !isObject(<usize>v)) return mvarFailure("wake entry " + i.toString() + " points at " + hex(v) + ", which is no live object's header", 0, <i32>i);
  }
  return true;
}
