// The test library: a small wasm module that manages resources (open, close,
// count), loaded by runtimes with `rt.loadLibrary` so that its `finalise`
// export can serve as a custom-block finaliser (docs/finalisers.md). Tests and
// the stress harness's `finalise` workload use it to prove that every
// resource a finaliser in a library owns is closed before that library is
// unloaded.
//
//   slots  ┌────────┬────────┬─────┬─────────────┐   one i32 per resource id - 1:
//          │ state  │ state  │ …   │ state       │   OPEN, or the next free slot + 1
//          └────────┴────────┴─────┴─────────────┘   (a free list threaded through them)
//
// The host is told of every open and close through two imports
// (`ledger.opened(id)`, `ledger.closed(id)`), so a host can count the
// resources a library still holds after the library itself is gone. Closing
// an id that is not open (a finaliser run twice, or never opened) traps: the
// runtime reports it as a finaliser error.

@external("ledger", "opened")
declare function ledgerOpened(id: i32): void;
@external("ledger", "closed")
declare function ledgerClosed(id: i32): void;

/** Resources one instance can hold at once. */
@inline const CAPACITY: i32 = 1 << 16;
@inline const SLOT_SIZE: usize = sizeof<i32>();
/** A slot's state when its resource is open; free slots hold (next free + 1) ≥ 1. */
@inline const OPEN: i32 = -1;
/** The end of the free list (no next free slot), stored + 1. */
@inline const NO_NEXT: i32 = 0;

const slots: usize = memory.data(<i32>(<usize>CAPACITY * SLOT_SIZE), 16);
/** Slots handed out so far; slots at or above it were never used (free). */
let highWater: i32 = 0;
/** First free slot + 1 on the free list (NO_NEXT: none; use highWater). */
let freeHead: i32 = NO_NEXT;
let live: i32 = 0;
let opens: i32 = 0;
let closes: i32 = 0;

@inline function slotAddr(i: i32): usize { return slots + <usize>i * SLOT_SIZE; }
@inline function stateOf(i: i32): i32 { return load<i32>(slotAddr(i)); }
@inline function setState(i: i32, s: i32): void { store<i32>(slotAddr(i), s); }

/** Opens a resource; its id (≥ 1). Traps when all CAPACITY are open. */
export function open(): i32 {
  let i: i32;
  if (freeHead != NO_NEXT) {
    i = freeHead - 1;
    freeHead = stateOf(i);
  } else {
    if (highWater == CAPACITY) unreachable(); // every slot open: the host leaked resources
    i = highWater++;
  }
  setState(i, OPEN);
  live++;
  opens++;
  ledgerOpened(i + 1);
  return i + 1;
}

/** Closes resource `id`; 1 if it was open, 0 if not (never opened, or closed already). */
export function close(id: i32): i32 {
  let i = id - 1;
  if (i < 0 || i >= highWater || stateOf(i) != OPEN) return 0;
  setState(i, freeHead);
  freeHead = i + 1;
  live--;
  closes++;
  ledgerClosed(id);
  return 1;
}

/** The custom-block finaliser: closes `id`, which must be open (a second run traps). */
export function finalise(id: i32): void {
  if (close(id) == 0) unreachable();
}

/** Resources open now. */
export function count(): i32 { return live; }
/** Resources opened and closed since the instance was made. */
export function opened(): i32 { return opens; }
export function closed(): i32 { return closes; }
