// MVars and their queues of blocked threads, in the GC heap. After GHC's
// stg_takeMVarzh / stg_putMVarzh / stg_readMVarzh (rts/PrimOps.cmm) and the
// thread bookkeeping of rts/Threads.c and rts/sm/MarkWeak.c.
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
// A thread state object (kind TSO): 2 pointer fields, then 3 raw words:
//
//   ┌────────────┬──────────────┬────────────┬──────────┬──────────┬──────────┐
//   │ header     │ blockedOn    │ value      │ why u32  │ state u32│ id u32   │
//   └────────────┴──────────────┴────────────┴──────────┴──────────┴──────────┘
//   blockedOn: the MVar it waits on (VALUE_NULL once it is no longer blocked)
//   value: what a blocked putter carries (VALUE_NONE for takers and readers)
//   why: WHY_TAKE, WHY_PUT or WHY_READ;  state: STATE_*;  id: its thread slot
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
// sanity.ts re-checks it (mvarInvariantCheck).
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
// roots]. FAULT_MVAR_POP_NO_BARRIER re-creates the bug, and
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
//
// Note [The wake list]
// ~~~~~~~~~~~~~~~~~~~~
// A woken thread is not resumed by the core: its (id, state, value) triple is
// appended to the wake list, which the host drains after each core call (it
// finds the list in the operation's mailbox), hands to its scheduler
// (src/threads/scheduler.ts), and empties by setting the length, which lives in the
// mailbox, back to 0. The values are roots until the host has read them. A
// put that wakes 10⁶ readers appends 10⁶ triples from one loop; nothing here
// recurses.

import { fail, hex, recordFailure, failureCheck, CHECK_FIRST_HEAP, CHECK_NONE } from "./failure";
import { hostrefsDeadLength } from "./heap/hostrefs";
import { customDeadCount } from "./heap/custom";
import { finaliseHasDue } from "./heap/finalise";
import { storeField } from "./barrier";
import { faultOn, FAULT_MVAR_POP_NO_BARRIER } from "./faults";
import { allocObject } from "./heap/alloc";
import { nurseryAlloc } from "./heap/nursery";
import { collect, collectionCount } from "./heap/collect";
import { rootPush, rootPop } from "./heap/roots";
import { handleGet, handleIsLive, handleNew, NO_HANDLE } from "./heap/handles";
import { metaResize } from "./heap/meta";
import { VEC_BYTES, VEC_ALIGN, vecLength, vecAt, vecPush, vecReset } from "./heap/vec";
import { evacuate } from "./heap/evacuate";
import {
  infoOf, setInfo, setLength, makeInfo, HEADER_SIZE, OBJECT_ALIGN_MASK, kindOfInfo, genOfInfo, isForwarded, forwardee, payloadOf, fieldOf, setFieldRaw, isPointer, isInt, isSpecial,
  KIND_MVAR, KIND_MVAR_QUEUE, KIND_TSO, VALUE_NONE, VALUE_NULL, WORD_SIZE,
} from "./heap/layout";

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

/** TSO pointer fields, then raw words. */
@inline export const TSO_BLOCKED_ON: u32 = 0;
@inline export const TSO_VALUE: u32 = TSO_BLOCKED_ON + 1;
@inline export const TSO_POINTERS: u32 = TSO_VALUE + 1;
@inline export const TSO_WHY: u32 = TSO_POINTERS;
@inline export const TSO_STATE: u32 = TSO_WHY + 1;
@inline export const TSO_ID: u32 = TSO_STATE + 1;
@inline export const TSO_WORDS: u32 = TSO_ID + 1;

/** Fixed payload bytes of each kind, for the kinds table (heap/layout.ts). */
@inline export const MVAR_BYTES: u32 = MVAR_FIELDS * <u32>WORD_SIZE;
@inline export const ENTRY_BYTES: u32 = ENTRY_FIELDS * <u32>WORD_SIZE;
@inline export const TSO_BYTES: u32 = TSO_WORDS * <u32>WORD_SIZE;
/** Whole objects, header included: sizeFor(KIND_TSO, 0) and sizeFor(KIND_MVAR_QUEUE, 0). */
@inline const TSO_OBJECT_BYTES: usize = (HEADER_SIZE + <usize>TSO_BYTES + OBJECT_ALIGN_MASK) & ~OBJECT_ALIGN_MASK;
@inline const ENTRY_OBJECT_BYTES: usize = (HEADER_SIZE + <usize>ENTRY_BYTES + OBJECT_ALIGN_MASK) & ~OBJECT_ALIGN_MASK;

/** Why a thread blocked. */
@inline export const WHY_TAKE: u32 = 1;
@inline export const WHY_PUT: u32 = 2;
@inline export const WHY_READ: u32 = 3;

/** Where a thread is in its life. */
@inline export const STATE_BLOCKED: u32 = 1;
/** Woken by an operation: a taker or reader got its value, a putter deposited. */
@inline export const STATE_WOKEN: u32 = 2;
/** Cancelled by the host (an AbortSignal) before any hand-off. */
@inline export const STATE_CANCELLED: u32 = 3;
/** Found unreachable by a major collection. See Note [Blocked threads are not roots]. */
@inline export const STATE_DEADLOCKED: u32 = 4;

/** Results of mvar_put / mvar_take / mvar_read beyond a value. */
@inline export const PUT_DONE: u32 = 1;
@inline export const PUT_BLOCKED: u32 = 2;
/** An allocation failed under maxHeap: nothing was changed. */
@inline export const OP_OUT_OF_HEAP: u32 = 0;
/** mvar_take / mvar_read: the thread blocked (its id: mvarBlockedThread). */
@inline export const TAKE_BLOCKED: u32 = VALUE_NONE;

// ── field access ─────────────────────────────────────────────────────────────

@inline function mvValue(mv: usize): u32 { return fieldOf(mv, MVAR_VALUE); }
@inline function mvHead(mv: usize): u32 { return fieldOf(mv, MVAR_HEAD); }
@inline function mvTail(mv: usize): u32 { return fieldOf(mv, MVAR_TAIL); }
@inline function setValue(mv: usize, v: u32): void { storeField(mv, MVAR_VALUE, v); }
@inline function setHead(mv: usize, e: u32): void { storeField(mv, MVAR_HEAD, e); }
@inline function setTail(mv: usize, e: u32): void { storeField(mv, MVAR_TAIL, e); }

@inline function entryTso(e: usize): u32 { return fieldOf(e, ENTRY_TSO); }
@inline function entryLink(e: usize): u32 { return fieldOf(e, ENTRY_LINK); }

@inline function tsoBlockedOn(t: usize): u32 { return fieldOf(t, TSO_BLOCKED_ON); }
@inline function tsoValue(t: usize): u32 { return fieldOf(t, TSO_VALUE); }
@inline function tsoWord(t: usize, w: u32): u32 { return load<u32>(payloadOf(t) + <usize>w * WORD_SIZE); }
@inline function setTsoWord(t: usize, w: u32, x: u32): void { store<u32>(payloadOf(t) + <usize>w * WORD_SIZE, x); }
@inline export function tsoWhy(t: usize): u32 { return tsoWord(t, TSO_WHY); }
@inline export function tsoState(t: usize): u32 { return tsoWord(t, TSO_STATE); }
@inline export function tsoId(t: usize): u32 { return tsoWord(t, TSO_ID); }

@inline export function isEmptyMVar(mv: usize): bool { return mvValue(mv) == VALUE_NONE; }

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
@inline function isFreeSlotWord(w: u32): bool { return (w & FREE_BIT) != 0; }

@inline function threadRegister(entry: usize): u32 {
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

function threadRelease(i: u32): void {
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

// ── the mailbox ──────────────────────────────────────────────────────────────
// Each operation that may block, wake or allocate ends by writing what the
// host needs next into a small block of static memory, which the host reads
// through a typed array: one JS→wasm call per operation instead of five.
//
//   mailbox ┌──────────┬──────────────┬─────────────┬─────────────┐
//           │ poll u32 │ blocked u32  │ wake ptr    │ wake length │
//           └──────────┴──────────────┴─────────────┴─────────────┘
//   poll: POLL_* bits, as heap_poll, written by every operation; blocked:
//   the id of the thread the operation blocked, written when one blocks (the
//   host reads it only then); wake ptr: the wake list, written when the list
//   moves; wake length: its length itself (the core keeps it here), which the
//   host sets to 0 once it has drained the list (Note [The wake list]). Only
//   the poll word is written on every operation: the others change rarely,
//   and each store is a cost on the hot path (Note [The hot path is inline]).

/** Bits of pollBits(): what the host must look at after a core call. */
@inline export const POLL_DEAD_HOSTREFS: u32 = 1 << 0;
@inline export const POLL_FAILURE: u32 = 1 << 1;
@inline export const POLL_WOKEN: u32 = 1 << 2;
@inline export const POLL_CHAOS: u32 = 1 << 3;
@inline export const POLL_DEAD_CUSTOMS: u32 = 1 << 4;
@inline export const POLL_FINALISERS: u32 = 1 << 5;

@inline const BOX_POLL: usize = 0;
@inline const BOX_BLOCKED: usize = BOX_POLL + sizeof<u32>();
@inline const BOX_WAKE: usize = BOX_BLOCKED + sizeof<u32>();
@inline const BOX_WAKE_LENGTH: usize = BOX_WAKE + sizeof<u32>();
@inline const MAILBOX_BYTES: usize = BOX_WAKE_LENGTH + sizeof<u32>();

const mailbox: usize = memory.data(<i32>MAILBOX_BYTES, 16);

export function mailboxAddress(): usize { return mailbox; }

/**
 * What the host must look at after a core call (heap_poll): dead host
 * references, a checker verdict, woken threads, chaos to re-arm, dead custom
 * blocks to finalise, finalise/finaliseLast/weak functions due.
 */
export function pollBits(): u32 {
  return (hostrefsDeadLength() != 0 ? POLL_DEAD_HOSTREFS : 0) | (failureCheck() != CHECK_NONE ? POLL_FAILURE : 0)
    | (wakeLength() != 0 ? POLL_WOKEN : 0) | (chaosFired ? POLL_CHAOS : 0)
    | (customDeadCount() != 0 ? POLL_DEAD_CUSTOMS : 0) | (finaliseHasDue() ? POLL_FINALISERS : 0);
}

// Note [Poll bits between collections]
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
// Of the poll bits, only POLL_WOKEN (and POLL_FAILURE, which a pool or
// lifecycle check may record at any time) can change outside a collection:
// dead host references, dead custom blocks, due finalisers and a fired chaos
// countdown all come from a collection (chaos fires just before one). So
// once pollBits has been computed with all of those clear, an operation
// after which the collection count has not moved publishes only the two
// bits that can have changed. While any of them is set, each operation
// computes every bit again, exactly as heap_poll would, until the host has
// handled it; a new cycle starts unknown (mvarReset).

/** A bit no poll has: heapBits must be computed at the next operation. */
@inline const HEAP_BITS_UNKNOWN: u32 = 1 << 31;
/** pollBits() without POLL_WOKEN and POLL_FAILURE, as last computed; HEAP_BITS_UNKNOWN: compute. */
let heapBits: u32 = HEAP_BITS_UNKNOWN;
/** collectionCount() when heapBits was computed. */
let heapBitsAt: u32 = 0;

@inline function publish(): void {
  if (heapBits == 0 && collectionCount() == heapBitsAt) {
    store<u32>(mailbox, (wakeLength() != 0 ? POLL_WOKEN : 0) | (failureCheck() != CHECK_NONE ? POLL_FAILURE : 0), BOX_POLL);
  } else {
    publishAll();
  }
}

/** publish's general path: every bit, and what the next operation may skip. */
function publishAll(): void {
  let bits = pollBits();
  heapBits = bits & ~(POLL_WOKEN | POLL_FAILURE);
  heapBitsAt = collectionCount();
  store<u32>(mailbox, bits, BOX_POLL);
}

// ── the wake list ────────────────────────────────────────────────────────────
// Triples (id, state, value), appended in the order threads are woken. Not
// a vector (heap/vec.ts): its length counts triples and lives in the mailbox,
// where the host clears it (Note [The wake list]).
//
//   wake ┌──────┬───────┬───────┬──────┬───────┬───────┬─────┐
//        │ id 0 │ state │ value │ id 1 │ state │ value │ …   │
//        └──────┴───────┴───────┴──────┴───────┴───────┴─────┘

@inline const WAKE_ID: usize = 0;
@inline const WAKE_STATE: usize = WAKE_ID + sizeof<u32>();
@inline const WAKE_VALUE: usize = WAKE_STATE + sizeof<u32>();
@inline export const WAKE_ENTRY: usize = WAKE_VALUE + sizeof<u32>();
@inline const WAKE_INITIAL: u32 = 64;

let wake: usize = 0;
let wakeCapacity: u32 = 0;

// The wake list's length lives in the mailbox, so the host can clear the
// list when it has drained it without another call.
@inline function wakeLength(): u32 { return load<u32>(mailbox, BOX_WAKE_LENGTH); }
@inline function setWakeLength(n: u32): void { store<u32>(mailbox, n, BOX_WAKE_LENGTH); }

@inline function wakeAt(i: u32): usize { return wake + <usize>i * WAKE_ENTRY; }

@inline function pushWake(id: u32, state: u32, value: u32): void {
  let length = wakeLength();
  if (length == wakeCapacity) wakeGrow();
  setWakeLength(length + 1);
  let a = wakeAt(length);
  store<u32>(a, id, WAKE_ID);
  store<u32>(a, state, WAKE_STATE);
  store<u32>(a, value, WAKE_VALUE);
}

/** pushWake's cold path: the list is full. */
function wakeGrow(): void {
  wakeCapacity = wakeCapacity == 0 ? WAKE_INITIAL : wakeCapacity << 1;
  wake = metaResize(wake, <usize>wakeCapacity * WAKE_ENTRY);
  store<u32>(mailbox, <u32>wake, BOX_WAKE);
}

/** Reverses the triples [from, to): readers popped LIFO are delivered FIFO. */
function reverseWake(from: u32, to: u32): void {
  while (to > from + 1) {
    to--;
    let a = wakeAt(from);
    let b = wakeAt(to);
    let id = load<u32>(a, WAKE_ID);
    let state = load<u32>(a, WAKE_STATE);
    let value = load<u32>(a, WAKE_VALUE);
    store<u32>(a, load<u32>(b, WAKE_ID), WAKE_ID);
    store<u32>(a, load<u32>(b, WAKE_STATE), WAKE_STATE);
    store<u32>(a, load<u32>(b, WAKE_VALUE), WAKE_VALUE);
    store<u32>(b, id, WAKE_ID);
    store<u32>(b, state, WAKE_STATE);
    store<u32>(b, value, WAKE_VALUE);
    from++;
  }
}

export function wakeListLength(): u32 { return wakeLength(); }
export function wakeListAddress(): usize { return wake; }

/**
 * Thread `tso` (popped from its queue) is no longer blocked: free its slot,
 * record `state` and hand `value` to the host. Its fields are cleared so the
 * dead TSO keeps nothing alive.
 */
@inline function wakeThread(tso: usize, state: u32, value: u32): void {
  let id = tsoId(tso);
  threadRelease(id);
  setTsoWord(tso, TSO_STATE, state);
  storeField(tso, TSO_BLOCKED_ON, VALUE_NULL);
  storeField(tso, TSO_VALUE, VALUE_NONE);
  pushWake(id, state, value);
}

// ── chaos: forced minor collections ──────────────────────────────────────────
// With option `seed`, the host sets a countdown of MVar allocations; when it
// reaches zero the allocation is preceded by a minor collection and the host
// draws the next countdown (src/threads/random.ts, the one generator of a run).

let chaosCountdown: u32 = 0;
let chaosFired: bool = false;

export function chaosSet(countdown: u32): void {
  chaosCountdown = countdown;
  chaosFired = false;
}
/** True when the countdown fired and the host has not re-armed it yet. */
export function chaosPending(): bool { return chaosFired; }

/** Allocates a fresh MVar-family object; every object on the root stack may move. */
function allocMVarObject(kind: u32): usize {
  if (chaosCountdown != 0 && --chaosCountdown == 0) {
    chaosFired = true;
    collect(0);
  }
  return allocObject(kind, 0, 0);
}

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
  let p = chaosCountdown == 0 ? nurseryAlloc(TSO_OBJECT_BYTES + ENTRY_OBJECT_BYTES) : 0;
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
  store<u32>(mailbox, id, BOX_BLOCKED);
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
@inline export function mvarTake(slot: u32): u32 { let r = take(slot); publish(); return r; }
@inline export function mvarRead(slot: u32): u32 { let r = read(slot); publish(); return r; }
@inline export function mvarPut(slot: u32, v: u32): u32 { let r = put(slot, v); publish(); return r; }
@inline export function mvarTryTake(slot: u32): u32 { let r = tryTake(slot); publish(); return r; }
@inline export function mvarTryPut(slot: u32, v: u32): bool { let r = tryPut(slot, v); publish(); return r; }

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

/** checkValue's cold path. */
function badValue(fn: string, v: u32): void {
  fail(fn + ": " + hex(v) + " is not a value");
}

// ── the collector's side ─────────────────────────────────────────────────────

/**
 * Roots, after the remembered sets: the wake list's values always, and in a
 * minor collection the blocked threads' entries too. See Note [Blocked
 * threads are not roots].
 */
export function mvarRootsEvacuate(major: bool): void {
  for (let i: u32 = 0, n = wakeLength(); i < n; i++) {
    let a = wakeAt(i) + WAKE_VALUE;
    store<u32>(a, evacuate(load<u32>(a), 0));
  }
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
export function mvarThreadsAfterScan(major: bool): u32 {
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

// ── the sanity checker's side (sanity.ts) ────────────────────────────────────

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
  for (let i: u32 = 0, used = vecLength(table); i < used; i++) {
    let w = load<u32>(slotAddr(i));
    if (isFreeSlotWord(w)) continue;
    live++;
    let e = <usize>w;
    if (!isObject(e) || kindOfInfo(infoOf(e)) != KIND_MVAR_QUEUE) return mvarFailure("thread slot " + i.toString() + " holds " + hex(e) + ", which is no live queue entry", 0, <i32>i);
    let t = entryTso(e);
    if (!isPointer(t) || kindOfInfo(infoOf(<usize>t)) != KIND_TSO) return mvarFailure("thread slot " + i.toString() + "'s entry holds " + hex(t) + ", which is no TSO", e, <i32>ENTRY_TSO);
    if (tsoId(<usize>t) != i || tsoState(<usize>t) != STATE_BLOCKED) return mvarFailure("thread slot " + i.toString() + "'s TSO names slot " + tsoId(<usize>t).toString() + " in state " + tsoState(<usize>t).toString(), <usize>t, -1);
  }
  if (live != blockedCount) return mvarFailure(live.toString() + " thread slots are live but the count says " + blockedCount.toString(), 0, -1);
  for (let i: u32 = 0, n = wakeLength(); i < n; i++) {
    let v = load<u32>(wakeAt(i), WAKE_VALUE);
    if (v == 0 || !(isPointer(v) || isInt(v) || isSpecial(v))) return mvarFailure("wake entry " + i.toString() + " holds " + hex(v) + ", which is no value", 0, <i32>i);
    if (isPointer(v) && !isObject(<usize>v)) return mvarFailure("wake entry " + i.toString() + " points at " + hex(v) + ", which is no live object's header", 0, <i32>i);
  }
  return true;
}

/** After shutdown: the pool destroy freed the table and the wake list. */
export function mvarReset(): void {
  vecReset(table);
  freeHead = 0;
  blockedCount = 0;
  store<u32>(mailbox, 0, BOX_BLOCKED);
  heapBits = HEAP_BITS_UNKNOWN;
  wake = 0;
  store<u32>(mailbox, 0, BOX_WAKE);
  setWakeLength(0);
  wakeCapacity = 0;
  chaosCountdown = 0;
  chaosFired = false;
}
