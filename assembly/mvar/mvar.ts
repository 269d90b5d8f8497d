// MVars and their queues of blocked threads, in the GC heap: the primops
// new, take, put, read and their try* forms, and cancel. After GHC's
// stg_takeMVarzh / stg_putMVarzh / stg_readMVarzh (rts/PrimOps.cmm). The
// threads they block are TSOs (tso.ts); those they wake go on the wake list
// (wake.ts); each operation ends by writing the mailbox (mailbox.ts).
//
// An MVar (kind MVAR), 3 pointer fields:
//
//   obj          +HEADER_SIZE   +4           +8
//   ▼            ▼              ▼            ▼
//   ┌────────────┬──────────────┬────────────┬────────────┐
//   │ header     │ value        │ head       │ tail       │
//   └────────────┴──────────────┴────────────┴────────────┘
//   value: the MVar's value, VALUE_NONE when empty
//   head, tail: the first and last queue entry, VALUE_NULL when none
//
// A queue entry (kind MVAR_QUEUE), 2 pointer fields, allocated in the nursery:
//
//   ┌────────────┬──────────────┬────────────┐
//   │ header     │ tso          │ link       │   tso VALUE_NULL: a cancelled
//   └────────────┴──────────────┴────────────┘   entry, skipped when popped
//
// Note [MVar queue invariant]
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~
// Outside an MVar operation, for every MVar, ignoring cancelled entries:
//   - full  ⇒ the queue holds only putters (why == WHY_PUT);
//   - empty ⇒ the queue holds only takers and readers, the readers all
//     before the takers (readers are pushed at the front, GHC's rule, so
//     the next put reaches every reader before the first taker);
//   - every TSO in the queue is blocked on exactly that MVar (blockedOn ==
//     the MVar, state == STATE_BLOCKED) and its thread slot points back at
//     its entry.
// Each operation restores it before returning, and none allocates while it
// is broken: allocation may collect and the collection may check sanity.
// The sanity checker re-checks it (mvarQueueCheck, check.ts).
//
// Note [Every queue store is barriered]
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
// Every store to value, head or tail goes through storeField, popping the
// head included. GHC 8.10.2's putMVar popped its queue head without dirtying
// the MVar: an old, clean MVar whose first entry was old and whose second was
// young came to hold the only recorded pointer to the young entry; the next
// minor collection moved that entry and left the MVar pointing at garbage.
// In this heap that shape arises when a minor collection finds three or more
// young entries of an old MVar: the MVar promotes the head and the tail into
// its own generation (eager promotion) before the blocked-thread roots age
// the middle entries into generation 0, see Note [Blocked threads are not
// roots] (tso.ts). FAULT_MVAR_POP_NO_BARRIER re-creates the bug, and
// test/ghc-18919.test.ts shows the sanity checker catching it.
//
// Note [A popped entry lets go of the queue]
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
// Popping the head clears the popped entry's link. Every entry ever queued
// on an MVar is linked to the one queued after it, so a popped entry that
// kept its link would keep the rest of that history alive through any
// reference to it. One does survive: an entry promoted while it was the
// tail is written by the next enqueue, which records it on its generation's
// remembered set, and the set is a root of every minor collection until
// that entry is scavenged again. Each minor collection would then promote
// every entry (and its TSO) queued since, and the next ones after that, a
// chain of dead threads that only a collection of the old generation ends:
// on the mvar/pipeline bench, up to 110,000 dead objects in generation 1
// within 150,000 items, and minor collections of 1–2 ms instead of 0.01 ms.
// The link is an immediate once cleared, so the store needs no record.

import { fail, hex } from "../failure";
import { coreEnter, coreLeave } from "../core-depth";
import { storeField } from "../barrier";
import { faultOn, FAULT_MVAR_POP_NO_BARRIER } from "../faults";
import { nurseryAlloc } from "../heap/nursery";
import { rootPush, rootPop } from "../heap/roots";
import { handleGet, handleIsLive, handleNew, NO_HANDLE } from "../heap/handles";
import { badValue } from "../heap/exports";
import {
  infoOf, setInfo, setLength, makeInfo, HEADER_SIZE, OBJECT_ALIGN_MASK, kindOfInfo, fieldOf, setFieldRaw, isPointer, isInt, isSpecial,
  KIND_MVAR, KIND_MVAR_QUEUE, KIND_TSO, VALUE_NONE, VALUE_NULL, WORD_SIZE,
} from "../heap/layout";
import {
  TSO_BLOCKED_ON, TSO_VALUE, TSO_WHY, TSO_STATE, TSO_ID, TSO_OBJECT_BYTES, WHY_TAKE, WHY_PUT, WHY_READ,
  STATE_BLOCKED, STATE_WOKEN, STATE_CANCELLED, tsoValue, tsoWhy, setTsoWord, threadRegister, threadRelease, threadEntry,
  wakeThread, threadsReset,
} from "./tso";
import { wakeLength, reverseWake, wakeReset } from "./wake";
import { publish, boxSetBlocked, mailboxReset } from "./mailbox";
import { chaosArmed, allocMVarObject, chaosReset } from "./chaos";

// ── layout ───────────────────────────────────────────────────────────────────

/** MVar pointer fields (payload words). */
@inline export const MVAR_VALUE: u32 = 0;
@inline export const MVAR_HEAD: u32 = MVAR_VALUE + 1;
@inline export const MVAR_TAIL: u32 = MVAR_HEAD + 1;
@inline export const MVAR_FIELDS: u32 = MVAR_TAIL + 1;

/** Queue entry pointer fields. */
@inline export const ENTRY_TSO: u32 = 0;
@inline export const ENTRY_LINK: u32 = ENTRY_TSO + 1;
@inline export const ENTRY_FIELDS: u32 = ENTRY_LINK + 1;

/** Fixed payload bytes of each kind, for the kinds table (heap/layout.ts). */
@inline export const MVAR_BYTES: u32 = MVAR_FIELDS * <u32>WORD_SIZE;
@inline export const ENTRY_BYTES: u32 = ENTRY_FIELDS * <u32>WORD_SIZE;
/** A whole entry, header included: sizeFor(KIND_MVAR_QUEUE, 0). */
@inline const ENTRY_OBJECT_BYTES: usize = (HEADER_SIZE + <usize>ENTRY_BYTES + OBJECT_ALIGN_MASK) & ~OBJECT_ALIGN_MASK;

/** Results of mvar_put / mvar_take / mvar_read beyond a value. */
@inline export const PUT_DONE: u32 = 1;
@inline export const PUT_BLOCKED: u32 = 2;
/** An allocation failed under maxHeap: nothing was changed. */
@inline export const OP_OUT_OF_HEAP: u32 = 0;
/** mvar_take / mvar_read: the thread blocked (its id: mvarBlockedThread). */
@inline export const TAKE_BLOCKED: u32 = VALUE_NONE;

// ── field access ─────────────────────────────────────────────────────────────

@inline function mvValue(mv: usize): u32 { return fieldOf(mv, MVAR_VALUE); }
@inline export function mvHead(mv: usize): u32 { return fieldOf(mv, MVAR_HEAD); }
@inline export function mvTail(mv: usize): u32 { return fieldOf(mv, MVAR_TAIL); }
@inline function setValue(mv: usize, v: u32): void { storeField(mv, MVAR_VALUE, v); }
@inline function setHead(mv: usize, e: u32): void { storeField(mv, MVAR_HEAD, e); }
@inline function setTail(mv: usize, e: u32): void { storeField(mv, MVAR_TAIL, e); }

@inline export function entryTso(e: usize): u32 { return fieldOf(e, ENTRY_TSO); }
@inline export function entryLink(e: usize): u32 { return fieldOf(e, ENTRY_LINK); }

@inline export function isEmptyMVar(mv: usize): bool { return mvValue(mv) == VALUE_NONE; }

// ── the queue ────────────────────────────────────────────────────────────────

/** Appends entry `e` (a taker or putter) at the tail. */
@inline function enqueue(mv: usize, e: u32): void {
  let tail = mvTail(mv);
  if (tail == VALUE_NULL) setHead(mv, e);
  else storeField(<usize>tail, ENTRY_LINK, e);
  setTail(mv, e);
}

/** Pushes entry `e` (a reader) at the head. See Note [MVar queue invariant]. */
@inline function pushFront(mv: usize, e: u32): void {
  let head = mvHead(mv);
  storeField(<usize>e, ENTRY_LINK, head);
  setHead(mv, e);
  if (head == VALUE_NULL) setTail(mv, e);
}

/**
 * Pops the first live entry (cancelled ones are dropped on the way); 0 when
 * the queue is empty. `forPut`: the caller is a put, the path where
 * FAULT_MVAR_POP_NO_BARRIER forgets the barrier (Note [Every queue store is
 * barriered]).
 */
@inline function popLive(mv: usize, forPut: bool): usize {
  let head = mvHead(mv);
  while (head != VALUE_NULL) {
    let e = <usize>head;
    let next = entryLink(e);
    if (forPut && faultOn(FAULT_MVAR_POP_NO_BARRIER)) setFieldRaw(mv, MVAR_HEAD, next);
    else setHead(mv, next);
    if (next == VALUE_NULL) setTail(mv, VALUE_NULL);
    // Note [A popped entry lets go of the queue].
    else storeField(e, ENTRY_LINK, VALUE_NULL);
    if (entryTso(e) != VALUE_NULL) return e;
    head = next;
  }
  return 0;
}

// ── operations ───────────────────────────────────────────────────────────────
// The host names an MVar by its handle slot; each operation reads the MVar
// from the handle again after anything that allocates.

// Note [The hot path is inline]
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
// A take or put that neither blocks nor wakes does a few loads and stores;
// at that size each wasm call (prologue, stack check, arguments) costs as
// much as the work. So the operations, the handle check, the value check
// and the empty-queue cases are inline into each export, and what is rare
// stays out of line: the message of a bad handle or value (string
// building), a queue to pop, a thread to block. A free handle slot holds a
// word that is no pointer, so one test rejects a free slot and an object of
// another kind alike; only then is the cause told apart, for the message.

/** The MVar in handle `slot`, or a trap naming `fn` and what is wrong with the handle. */
@inline function liveMVar(fn: string, slot: u32): usize {
  let v = handleIsLive(slot) ? handleGet(slot) : VALUE_NONE;
  if (!isPointer(v) || kindOfInfo(infoOf(<usize>v)) != KIND_MVAR) badHandle(fn, slot);
  return <usize>v;
}

/** liveMVar's cold path: the trap, saying which rule the handle broke. */
function badHandle(fn: string, slot: u32): void {
  if (!handleIsLive(slot)) fail(fn + ": " + slot.toString() + " is not a live handle");
  fail(fn + ": handle " + slot.toString() + " does not hold an MVar (" + hex(handleGet(slot)) + ")");
}

/** A new MVar holding `value` (VALUE_NONE: empty), in a new handle; NO_HANDLE when out of heap. */
export function mvarNew(value: u32): u32 {
  rootPush(value);
  let mv = allocMVarObject(KIND_MVAR);
  value = rootPop();
  if (mv == 0) return NO_HANDLE;
  setFieldRaw(mv, MVAR_VALUE, value);
  setFieldRaw(mv, MVAR_HEAD, VALUE_NULL);
  setFieldRaw(mv, MVAR_TAIL, VALUE_NULL);
  return handleNew(<u32>mv);
}

/**
 * Blocks the calling thread on the MVar in `slot`: a TSO and a queue entry,
 * the entry queued (at the front for readers), the thread registered.
 * Returns the entry, or 0 when out of heap (nothing changed).
 */
function block(slot: u32, why: u32, carried: u32): usize {
  // Fast path: the TSO and its entry in one bump of the nursery, nothing to
  // keep alive across a collection. With chaos armed every allocation must
  // count down, so that case takes the general path.
  let p = !chaosArmed() ? nurseryAlloc(TSO_OBJECT_BYTES + ENTRY_OBJECT_BYTES) : 0;
  let tso: usize;
  let e: usize;
  if (p != 0) {
    tso = p;
    e = p + TSO_OBJECT_BYTES;
    setInfo(tso, makeInfo(KIND_TSO, 0, 0));
    setLength(tso, 0);
    setFieldRaw(tso, TSO_VALUE, carried);
    setTsoWord(tso, TSO_WHY, why);
    setTsoWord(tso, TSO_STATE, STATE_BLOCKED);
    setInfo(e, makeInfo(KIND_MVAR_QUEUE, 0, 0));
    setLength(e, 0);
  } else {
    e = allocThread(why, carried);
    if (e == 0) return 0;
    tso = <usize>entryTso(e);
  }
  return enlist(slot, why, tso, e);
}

/**
 * block's general path: a TSO carrying `carried` and its queue entry, each
 * allocated on its own (either may collect). Returns the entry, its tso
 * field set, or 0 when out of heap.
 */
function allocThread(why: u32, carried: u32): usize {
  rootPush(carried);
  let tso = allocMVarObject(KIND_TSO);
  if (tso == 0) {
    rootPop();
    return 0;
  }
  setFieldRaw(tso, TSO_BLOCKED_ON, VALUE_NULL);
  setFieldRaw(tso, TSO_VALUE, rootPop());
  setTsoWord(tso, TSO_WHY, why);
  setTsoWord(tso, TSO_STATE, STATE_BLOCKED);
  setTsoWord(tso, TSO_ID, 0);
  rootPush(<u32>tso);
  let e = allocMVarObject(KIND_MVAR_QUEUE);
  tso = <usize>rootPop();
  if (e == 0) return 0;
  setFieldRaw(e, ENTRY_TSO, <u32>tso);
  return e;
}

/** Links a fresh TSO and entry (headers and the TSO's why, state, value set) into the MVar's queue. */
@inline function enlist(slot: u32, why: u32, tso: usize, e: usize): usize {
  let mv = handleGet(slot);
  // Both are fresh (generation 0): no barrier to pass yet.
  setFieldRaw(tso, TSO_BLOCKED_ON, mv);
  setFieldRaw(e, ENTRY_TSO, <u32>tso);
  setFieldRaw(e, ENTRY_LINK, VALUE_NULL);
  let id = threadRegister(e);
  setTsoWord(tso, TSO_ID, id);
  if (why == WHY_READ) pushFront(<usize>mv, <u32>e);
  else enqueue(<usize>mv, <u32>e);
  boxSetBlocked(id);
  return e;
}

/**
 * takeMVar: the value, leaving the MVar empty or refilled by the first
 * blocked putter (which is woken); or TAKE_BLOCKED, the thread queued; or
 * OP_OUT_OF_HEAP.
 */
@inline function take(slot: u32): u32 {
  let mv = liveMVar("mvar_take", slot);
  let v = mvValue(mv);
  if (v == VALUE_NONE) return block(slot, WHY_TAKE, VALUE_NONE) == 0 ? OP_OUT_OF_HEAP : TAKE_BLOCKED;
  takeFull(mv);
  return v;
}

/**
 * The full MVar was just taken: the first blocked putter's value moves in,
 * else it empties (inline when no one waits: Note [The hot path is inline]).
 */
@inline function takeFull(mv: usize): void {
  if (mvHead(mv) == VALUE_NULL) setValue(mv, VALUE_NONE);
  else takeFullQueued(mv);
}

function takeFullQueued(mv: usize): void {
  let e = popLive(mv, false);
  if (e == 0) {
    setValue(mv, VALUE_NONE);
    return;
  }
  let tso = <usize>entryTso(e);
  if (tsoWhy(tso) != WHY_PUT) fail("mvar_take: a full MVar " + hex(mv) + " had a non-putter queued (Note [MVar queue invariant])");
  setValue(mv, tsoValue(tso));
  wakeThread(tso, STATE_WOKEN, VALUE_NONE);
}

/** tryTakeMVar: the value, or VALUE_NONE when empty. Never blocks. */
@inline function tryTake(slot: u32): u32 {
  let mv = liveMVar("mvar_try_take", slot);
  let v = mvValue(mv);
  if (v != VALUE_NONE) takeFull(mv);
  return v;
}

/** readMVar: the value, atomically, leaving the MVar full; or TAKE_BLOCKED; or OP_OUT_OF_HEAP. */
@inline function read(slot: u32): u32 {
  let mv = liveMVar("mvar_read", slot);
  let v = mvValue(mv);
  if (v == VALUE_NONE) return block(slot, WHY_READ, VALUE_NONE) == 0 ? OP_OUT_OF_HEAP : TAKE_BLOCKED;
  return v;
}

/** tryReadMVar: the value, or VALUE_NONE when empty. Never empties. */
export function mvarTryRead(slot: u32): u32 {
  return mvValue(liveMVar("mvar_try_read", slot));
}

/**
 * putMVar of `v` (valid now: nothing allocated since it was made): PUT_DONE,
 * or PUT_BLOCKED (the MVar was full; the thread queued with its value), or
 * OP_OUT_OF_HEAP.
 */
@inline function put(slot: u32, v: u32): u32 {
  checkValue("mvar_put", v);
  let mv = liveMVar("mvar_put", slot);
  if (mvValue(mv) != VALUE_NONE) return block(slot, WHY_PUT, v) == 0 ? OP_OUT_OF_HEAP : PUT_BLOCKED;
  putEmpty(mv, v);
  return PUT_DONE;
}

/** tryPutMVar: false when full (it never overtakes blocked putters). */
@inline function tryPut(slot: u32, v: u32): bool {
  checkValue("mvar_try_put", v);
  let mv = liveMVar("mvar_try_put", slot);
  if (mvValue(mv) != VALUE_NONE) return false;
  putEmpty(mv, v);
  return true;
}

/**
 * A put into the empty MVar: every reader at the front of the queue gets `v`,
 * then the first taker gets it (the take is performed on its behalf and the
 * MVar stays empty); with no taker the MVar fills.
 */
@inline function putEmpty(mv: usize, v: u32): void {
  if (mvHead(mv) == VALUE_NULL) setValue(mv, v);
  else putEmptyQueued(mv, v);
}

function putEmptyQueued(mv: usize, v: u32): void {
  let readersFrom = wakeLength();
  let readers: u32 = 0;
  for (;;) {
    let e = popLive(mv, true);
    if (e == 0) {
      setValue(mv, v);
      break;
    }
    let tso = <usize>entryTso(e);
    let why = tsoWhy(tso);
    if (why == WHY_PUT) fail("mvar_put: an empty MVar " + hex(mv) + " had a putter queued (Note [MVar queue invariant])");
    wakeThread(tso, STATE_WOKEN, v);
    if (why == WHY_TAKE) break;
    readers++;
  }
  // Readers were pushed at the front, so they came out newest first.
  reverseWake(readersFrom, readersFrom + readers);
}

/** The operations as the host calls them: each publishes the mailbox. */
/** Each is counted: Note [Overflow inside or outside the core] (core-depth.ts). */
@inline export function mvarTake(slot: u32): u32 { coreEnter(); let r = take(slot); publish(); coreLeave(); return r; }
@inline export function mvarRead(slot: u32): u32 { coreEnter(); let r = read(slot); publish(); coreLeave(); return r; }
@inline export function mvarPut(slot: u32, v: u32): u32 { coreEnter(); let r = put(slot, v); publish(); coreLeave(); return r; }
@inline export function mvarTryTake(slot: u32): u32 { coreEnter(); let r = tryTake(slot); publish(); coreLeave(); return r; }
@inline export function mvarTryPut(slot: u32, v: u32): bool { coreEnter(); let r = tryPut(slot, v); publish(); coreLeave(); return r; }

/**
 * Tests of the checker only: stores `v` as the MVar's value, through the
 * barrier but past every rule, so a queue of takers can sit under a full
 * MVar (test/mvar-sanity.test.ts shows mvarQueueCheck reporting it).
 */
export function testForceValue(slot: u32, v: u32): void {
  setValue(liveMVar("test_mvar_force_value", slot), v);
}

/** Tests: the k-th entry of the queue of the MVar in `slot`, cancelled ones included; 0 past the end. */
export function mvarQueueEntry(slot: u32, k: u32): usize {
  let e = mvHead(liveMVar("mvar_queue_entry", slot));
  for (let i: u32 = 0; i < k && e != VALUE_NULL; i++) e = entryLink(<usize>e);
  return e == VALUE_NULL ? 0 : <usize>e;
}

export function mvarIsEmpty(slot: u32): bool {
  return isEmptyMVar(liveMVar("mvar_is_empty", slot));
}

/**
 * Cancels blocked thread `id` (its AbortSignal fired): its entry stays in the
 * queue as a tombstone, skipped when popped, and nothing is taken or
 * deposited. False when the thread is no longer blocked (the hand-off has
 * happened: the abort is a no-op).
 */
export function mvarCancel(id: u32): bool {
  let e = threadEntry(id);
  if (e == 0) return false;
  let tso = <usize>entryTso(e);
  threadRelease(id);
  setTsoWord(tso, TSO_STATE, STATE_CANCELLED);
  storeField(tso, TSO_BLOCKED_ON, VALUE_NULL);
  storeField(tso, TSO_VALUE, VALUE_NONE);
  storeField(e, ENTRY_TSO, VALUE_NULL);
  return true;
}

/** A value the host may store: VALUE_NONE means "empty" and never crosses. */
@inline function checkValue(fn: string, v: u32): void {
  if (v == 0 || v == VALUE_NONE || !(isPointer(v) || isInt(v) || isSpecial(v))) badValue(fn, v);
}


/**
 * After shutdown: every module of the MVar family forgets its memory (the
 * pool destroy freed the thread table and the wake list) and its counters.
 */
export function mvarReset(): void {
  threadsReset();
  mailboxReset();
  wakeReset();
  chaosReset();
}
