// The wake list: the threads that operations and collections have woken, as
// (id, state, value) triples the host drains after each core call.
//
// Note [The wake list]
// ~~~~~~~~~~~~~~~~~~~~
// A woken thread is not resumed by the core: its (id, state, value) triple is
// appended to the wake list, which the host drains after each core call (it
// finds the list in the operation's mailbox), hands to its scheduler
// (src/scheduler.ts), and empties by setting the length, which lives in the
// mailbox, back to 0. The values are roots until the host has read them. A
// put that wakes 10⁶ readers appends 10⁶ triples from one loop; nothing here
// recurses.
//
// Triples (id, state, value), appended in the order threads are woken. Not
// a vector (heap/vec.ts): its length counts triples and lives in the mailbox
// (mailbox.ts), where the host clears it.
//
//   wake ┌──────┬───────┬───────┬──────┬───────┬───────┬─────┐
//        │ id 0 │ state │ value │ id 1 │ state │ value │ …   │
//        └──────┴───────┴───────┴──────┴───────┴───────┴─────┘

import { metaResize } from "../heap/meta";
import { evacuate } from "../heap/evacuate";
import { boxSetWake, boxWakeLength, boxSetWakeLength } from "./mailbox";

@inline const WAKE_ID: usize = 0;
@inline const WAKE_STATE: usize = WAKE_ID + sizeof<u32>();
@inline export const WAKE_VALUE: usize = WAKE_STATE + sizeof<u32>();
@inline export const WAKE_ENTRY: usize = WAKE_VALUE + sizeof<u32>();
@inline const WAKE_INITIAL: u32 = 64;

let wake: usize = 0;
let wakeCapacity: u32 = 0;

@inline export function wakeLength(): u32 { return boxWakeLength(); }
@inline function setWakeLength(n: u32): void { boxSetWakeLength(n); }

@inline export function wakeAt(i: u32): usize { return wake + <usize>i * WAKE_ENTRY; }

@inline export function pushWake(id: u32, state: u32, value: u32): void {
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
  boxSetWake(wake);
}

/** Reverses the triples [from, to): readers popped LIFO are delivered FIFO. */
export function reverseWake(from: u32, to: u32): void {
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

/** Roots of every collection, before the blocked threads: the values not yet read. */
export function wakeRootsEvacuate(): void {
  for (let i: u32 = 0, n = wakeLength(); i < n; i++) {
    let a = wakeAt(i) + WAKE_VALUE;
    store<u32>(a, evacuate(load<u32>(a), 0));
  }
}

/** After shutdown: the pool destroy freed the list. */
export function wakeReset(): void {
  wake = 0;
  boxSetWake(0);
  setWakeLength(0);
  wakeCapacity = 0;
}
