// Finalisers of heap values, with OCaml's semantics (Gc.finalise and
// Gc.finalise_last, runtime/finalise.c), and the queues through which the
// collector hands the host every finaliser it found due: these, and weak
// pointers' (weak.ts). The functions are the host's; the core keeps their
// indices.
//
//   first, last ┌───────┬───────┬───────┬───────┬─────┐   registrations in order:
//               │ obj 0 │ idx 0 │ obj 1 │ idx 1 │ …   │   (object, function index)
//               └───────┴───────┴───────┴───────┴─────┘
//   firstDue    ┌───────┬───────┬─────┐   (index, value): f(value) to run; values are roots
//   weakDue     ┌───────┬─────┐           index: a weak's finaliser to run
//   lastDue     ┌───────┬─────┐           index: g() to run
//
// Note [Finalisation in a collection]
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
// After the scan has found everything reachable from the roots, and the weak
// pointers whose keys are alive have been traced (weak.ts), a collection:
//   1. finaliseFirst: each `finalise` value found dead is resurrected
//      (evacuated: its function receives it, and may keep it) and queued
//      with its function; its registration is dropped, so it runs once. The
//      scan and the weak trace then run again over what it resurrected.
//   2. weakClear: the weaks whose keys are still dead are cleared.
//   3. finaliseLast: each `finaliseLast` value still dead (it was not
//      resurrected, and weak pointers to it are cleared) is queued.
// So a value with both kinds is not finaliseLast'ed in the collection that
// runs its `finalise` function (it is alive again): only once it dies for
// good. "Dead" is "in from-space and not copied": a value in a generation
// the collection does not collect is alive, so a finaliseLast never fires
// early for a value promoted out of the nursery (OCaml PR 12001: the young
// table must be updated when a minor collection promotes).
//
// Note [Finaliser order]
// ~~~~~~~~~~~~~~~~~~~~~~
// Each sweep queues the values dying in one collection in reverse order of
// registration (it walks the table backwards), after the ones of earlier
// collections. The host drains firstDue, then weakDue, then lastDue, then the
// dead custom blocks (custom.ts), so every `finalise` function runs before
// any `finaliseLast` function of the same drain. At shutdown one wave
// (finaliseAllRegistered) queues every registration, alive or not, the same
// way; what the wave's functions register is not run.

import { vecLength, vecGet, vecSet, vecPush, vecTruncate, vecReset, VEC_BYTES, VEC_ALIGN } from "./vec";
import { coreEnter, coreLeave } from "../core-depth";
import { evacuate, inFromSpace } from "./evacuate";
import { faultOn, FAULT_FINALISE_STALE_ENTRY } from "../faults";
import { weakClear, weakKillAll } from "./weak";
import { infoOf, isForwarded, forwardee } from "./layout";

const first = memory.data(VEC_BYTES, VEC_ALIGN);
const last = memory.data(VEC_BYTES, VEC_ALIGN);
const firstDue = memory.data(VEC_BYTES, VEC_ALIGN);
const weakDue = memory.data(VEC_BYTES, VEC_ALIGN);
const lastDue = memory.data(VEC_BYTES, VEC_ALIGN);

/** Registrations since init, and functions queued since init. */
let registered: u32 = 0;
let queued: u32 = 0;

/** Registers function `index` for `obj`: Gc.finalise, or Gc.finalise_last when `isLast`. */
export function finaliseRegister(obj: usize, index: u32, isLast: bool): void {
  let table = isLast ? last : first;
  coreEnter(); // Note [Overflow inside or outside the core] (core-depth.ts): two words a registration
  vecPush(table, <u32>obj);
  vecPush(table, index);
  registered++;
  coreLeave();
}

@inline function isDead(obj: usize, info: u32): bool {
  return !isForwarded(info) && inFromSpace(obj, info);
}

/**
 * Keeps the registrations whose object is alive (at its new address) and
 * drops those marked 0 by a sweep.
 */
function compact(table: usize): void {
  let n = vecLength(table);
  let w: u32 = 0;
  for (let i: u32 = 0; i < n; i += 2) {
    let obj = <usize>vecGet(table, i);
    if (obj == 0) continue;
    let info = infoOf(obj);
    let moved = isForwarded(info) && !faultOn(FAULT_FINALISE_STALE_ENTRY);
    vecSet(table, w, moved ? <u32>forwardee(info) : <u32>obj);
    vecSet(table, w + 1, vecGet(table, i + 1));
    w += 2;
  }
  vecTruncate(table, w);
}

/**
 * Step 1 of Note [Finalisation in a collection]: resurrects and queues the
 * dead `finalise` values, newest registration first. True when it
 * resurrected one, so the caller must scan again.
 */
export function finaliseFirst(): bool {
  let n = vecLength(first);
  let start = vecLength(firstDue);
  // Find every dead one before resurrecting any: a value registered twice
  // would look alive (copied) to the second look after the first evacuated it.
  for (let i = n; i >= 2; i -= 2) {
    let obj = <usize>vecGet(first, i - 2);
    if (!isDead(obj, infoOf(obj))) continue;
    vecPush(firstDue, vecGet(first, i - 1));
    vecPush(firstDue, <u32>obj);
    vecSet(first, i - 2, 0);
    queued++;
  }
  compact(first);
  let end = vecLength(firstDue);
  for (let i = start + 1; i < end; i += 2) vecSet(firstDue, i, evacuate(vecGet(firstDue, i), 0));
  return end != start;
}

/** Steps 2 and 3 of Note [Finalisation in a collection]. */
export function finaliseLastAndWeaks(): void {
  let before = vecLength(weakDue);
  weakClear(weakDue);
  queued += vecLength(weakDue) - before;
  let n = vecLength(last);
  for (let i = n; i >= 2; i -= 2) {
    let obj = <usize>vecGet(last, i - 2);
    if (!isDead(obj, infoOf(obj))) continue;
    vecPush(lastDue, vecGet(last, i - 1));
    vecSet(last, i - 2, 0);
    queued++;
  }
  compact(last);
}

/** Values waiting in firstDue are roots until the host drains them. */
export function finaliseDueEvacuate(): void {
  let n = vecLength(firstDue);
  for (let i: u32 = 1; i < n; i += 2) vecSet(firstDue, i, evacuate(vecGet(firstDue, i), 0));
}

/**
 * Shutdown step (1): every registration, alive or not, and every weak's
 * finaliser is queued (Note [Finaliser order]); the tables are left empty.
 * Returns how many functions were queued.
 */
export function finaliseAllRegistered(): u32 {
  let before = dueCount();
  for (let i = vecLength(first); i >= 2; i -= 2) {
    vecPush(firstDue, vecGet(first, i - 1));
    vecPush(firstDue, vecGet(first, i - 2));
  }
  vecTruncate(first, 0);
  weakKillAll(weakDue);
  for (let i = vecLength(last); i >= 2; i -= 2) vecPush(lastDue, vecGet(last, i - 1));
  vecTruncate(last, 0);
  let n = dueCount() - before;
  queued += n;
  return n;
}

@inline function dueCount(): u32 {
  return (vecLength(firstDue) >> 1) + vecLength(weakDue) + vecLength(lastDue);
}

/** True when the host has functions to run (a poll bit). */
export function finaliseHasDue(): bool { return dueCount() != 0; }
/** Registrations waiting: `finalise` ones and `finaliseLast` ones. */
export function finaliseRegisteredFirst(): u32 { return vecLength(first) >> 1; }
export function finaliseRegisteredLast(): u32 { return vecLength(last) >> 1; }
export function finaliseRegisteredTotal(): u32 { return registered; }
export function finaliseQueuedTotal(): u32 { return queued; }
/** The registration tables, for the sanity checker: pairs (object, index). */
export function finaliseTable(isLast: bool): usize { return isLast ? last : first; }
/** The due queues, for the host: descriptors (vec.ts) it reads and then clears. */
export function finaliseFirstDue(): usize { return firstDue; }
export function finaliseWeakDue(): usize { return weakDue; }
export function finaliseLastDue(): usize { return lastDue; }

/** The host copied every due entry: the queues are empty again. */
export function finaliseDueClear(): void {
  vecTruncate(firstDue, 0);
  vecTruncate(weakDue, 0);
  vecTruncate(lastDue, 0);
}

export function finaliseReset(): void {
  vecReset(first);
  vecReset(last);
  vecReset(firstDue);
  vecReset(weakDue);
  vecReset(lastDue);
  registered = 0;
  queued = 0;
}
