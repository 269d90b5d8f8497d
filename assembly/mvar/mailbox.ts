// The mailbox: what each MVar operation leaves for the host in static memory,
// the poll bits first (pollBits, which heap_poll returns too).
//
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
//   host sets to 0 once it has drained the list (Note [The wake list],
//   wake.ts). Only the poll word is written on every operation: the others
//   change rarely, and each store is a cost on the hot path (Note [The hot
//   path is inline], mvar.ts).

import { failureCheck, CHECK_NONE } from "../failure";
import { hostrefsDeadLength } from "../heap/hostrefs";
import { customDeadCount } from "../heap/custom";
import { finaliseHasDue } from "../heap/finalise";
import { collectionCount } from "../heap/collect";
import { chaosPending } from "./chaos";

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

/** The thread the operation blocked (block, mvar.ts). */
@inline export function boxSetBlocked(id: u32): void { store<u32>(mailbox, id, BOX_BLOCKED); }
/** Where the wake list is, written when it moves (wake.ts). */
@inline export function boxSetWake(wake: usize): void { store<u32>(mailbox, <u32>wake, BOX_WAKE); }
// The wake list's length lives in the mailbox, so the host can clear the
// list when it has drained it without another call.
@inline export function boxWakeLength(): u32 { return load<u32>(mailbox, BOX_WAKE_LENGTH); }
@inline export function boxSetWakeLength(n: u32): void { store<u32>(mailbox, n, BOX_WAKE_LENGTH); }

/**
 * What the host must look at after a core call (heap_poll): dead host
 * references, a checker verdict, woken threads, chaos to re-arm, dead custom
 * blocks to finalise, finalise/finaliseLast/weak functions due.
 */
export function pollBits(): u32 {
  return (hostrefsDeadLength() != 0 ? POLL_DEAD_HOSTREFS : 0) | (failureCheck() != CHECK_NONE ? POLL_FAILURE : 0)
    | (boxWakeLength() != 0 ? POLL_WOKEN : 0) | (chaosPending() ? POLL_CHAOS : 0)
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
// handled it; a new cycle starts unknown (mailboxReset).

/** A bit no poll has: heapBits must be computed at the next operation. */
@inline const HEAP_BITS_UNKNOWN: u32 = 1 << 31;
/** pollBits() without POLL_WOKEN and POLL_FAILURE, as last computed; HEAP_BITS_UNKNOWN: compute. */
let heapBits: u32 = HEAP_BITS_UNKNOWN;
/** collectionCount() when heapBits was computed. */
let heapBitsAt: u32 = 0;

/** Writes the poll word, ending each operation the host calls. */
@inline export function publish(): void {
  if (heapBits == 0 && collectionCount() == heapBitsAt) {
    store<u32>(mailbox, (boxWakeLength() != 0 ? POLL_WOKEN : 0) | (failureCheck() != CHECK_NONE ? POLL_FAILURE : 0), BOX_POLL);
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

/** After shutdown: no thread blocked, the poll bits unknown (the wake words: wakeReset). */
export function mailboxReset(): void {
  boxSetBlocked(0);
  heapBits = HEAP_BITS_UNKNOWN;
}
