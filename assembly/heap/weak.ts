// Weak pointers, with GHC's semantics (rts/sm/MarkWeak.c): a weak object
// names a key, a value and a finaliser; the value is reachable only through
// a live key, and the key is not kept alive by the weak object, by its value
// or by anything reachable only from them. When a collection finds the key
// dead, the weak is cleared (deref gives "none") and its finaliser index is
// queued for the host (finalise.ts), exactly once.
//
//   weak object, kind WEAK, length 0:
//   obj          +8            +12           +16              +20
//   ▼            ▼             ▼             ▼                ▼
//   ┌────────────┬─────────────┬─────────────┬────────────────┬─────────────┐
//   │ header     │ key (value) │ value       │ finaliser + 1  │ flags u32   │
//   └────────────┴─────────────┴─────────────┴────────────────┴─────────────┘
//   finaliser + 1: the host's index plus one, 0 for none;  flags: WEAK_DEAD
//
//   weaks ┌───────┬───────┬─────┬────────┬────────┬─────┐  every weak not yet dead
//         │ traced this collection …     │ not yet …    │  (addresses, updated)
//         └───────┴───────┴─────┴────────┴────────┴─────┘
//                                 ▲ traced
//
// Note [Weak fields are not scanned]
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
// The kinds table gives a weak object no pointer fields, so the Cheney scan
// copies one (when something reaches it) without evacuating its key or
// value. The collector visits every weak on the list itself, every
// collection, minor or major, after the scan (weakTrace): a weak whose key is
// alive — copied, or in a generation this collection does not collect — is
// traced: it is evacuated itself if nothing else reached it (a weak lives as
// long as its key, as in GHC, so its finaliser can still run), its key is
// updated and its value evacuated as if the weak were scavenged. That can
// make other keys alive (a value that is another weak's key: a weak chain),
// so the scan and the trace alternate until a trace finds nothing new. The
// weaks left untraced have dead keys: weakClear clears them and queues their
// finalisers. Since every weak is visited every collection, a weak never
// needs a remembered set for its fields, and the sanity checker does not ask
// for one (sanity.ts checks weak fields apart: live targets, or none).
//
// Note [A dead weak's finaliser]
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
// A weak leaves the list the moment it is cleared, by a collection or by
// weakFinalize (the host's `w.finalize()`), and is marked WEAK_DEAD: its
// finaliser is queued or returned once only. A dead weak object may live on
// (a handle holds it); it then holds "none" in both fields.

import { vecLength, vecGet, vecSet, vecPush, vecTruncate, vecReset, VEC_BYTES, VEC_ALIGN } from "./vec";
import { coreEnter, coreLeave } from "../core-depth";
import { allocObject } from "./alloc";
import { faultOn, FAULT_WEAK_STALE_VALUE } from "../faults";
import { evacuate, inFromSpace } from "./evacuate";
import { rootPush, rootPop } from "./roots";
import { infoOf, isForwarded, forwardee, genOfInfo, payloadOf, KIND_WEAK, VALUE_NONE } from "./layout";

@inline const WEAK_KEY: usize = 0;
@inline const WEAK_VALUE: usize = WEAK_KEY + sizeof<u32>();
@inline const WEAK_FINALISER: usize = WEAK_VALUE + sizeof<u32>();
@inline const WEAK_FLAGS: usize = WEAK_FINALISER + sizeof<u32>();

/** Flag: cleared, by a collection or by weakFinalize. Note [A dead weak's finaliser]. */
@inline export const WEAK_DEAD: u32 = 1 << 0;
/** "No finaliser" in the finaliser + 1 field. */
@inline export const WEAK_NO_FINALISER: u32 = 0;

const weaks = memory.data(VEC_BYTES, VEC_ALIGN);
/** Entries [0, traced) of `weaks` have been traced by this collection. */
let traced: u32 = 0;
let cleared: u32 = 0;

@inline export function weakKey(w: usize): u32 { return load<u32>(payloadOf(w), WEAK_KEY); }
@inline export function weakValue(w: usize): u32 { return load<u32>(payloadOf(w), WEAK_VALUE); }
/** The finaliser's host index plus one; WEAK_NO_FINALISER for none. */
@inline export function weakFinaliser(w: usize): u32 { return load<u32>(payloadOf(w), WEAK_FINALISER); }
@inline export function weakFlags(w: usize): u32 { return load<u32>(payloadOf(w), WEAK_FLAGS); }
@inline export function weakIsDead(w: usize): bool { return (weakFlags(w) & WEAK_DEAD) != 0; }

/**
 * A new weak pointer from `key` (an object) to `value` (any value), with
 * finaliser index `finaliser` + 1 (WEAK_NO_FINALISER: none); 0 when out of
 * heap. Key and value wait on the root stack while the weak is allocated,
 * since that may collect and move them.
 */
export function allocWeak(key: u32, value: u32, finaliser: u32): usize {
  rootPush(key);
  rootPush(value);
  let w = allocObject(KIND_WEAK, 0, 0);
  value = rootPop();
  key = rootPop();
  if (w == 0) return 0;
  let p = payloadOf(w);
  store<u32>(p, key, WEAK_KEY);
  store<u32>(p, value, WEAK_VALUE);
  store<u32>(p, finaliser, WEAK_FINALISER);
  store<u32>(p, 0, WEAK_FLAGS);
  coreEnter(); // Note [Overflow inside or outside the core]: made, then listed
  vecPush(weaks, <u32>w);
  coreLeave();
  return w;
}

/** Marks `w` dead and empties it; its finaliser + 1, or WEAK_NO_FINALISER. */
function kill(w: usize): u32 {
  let p = payloadOf(w);
  let finaliser = load<u32>(p, WEAK_FINALISER);
  store<u32>(p, VALUE_NONE, WEAK_KEY);
  store<u32>(p, VALUE_NONE, WEAK_VALUE);
  store<u32>(p, WEAK_NO_FINALISER, WEAK_FINALISER);
  store<u32>(p, load<u32>(p, WEAK_FLAGS) | WEAK_DEAD, WEAK_FLAGS);
  cleared++;
  return finaliser;
}

/**
 * The host's `w.finalize()`: clears `w` now; returns its finaliser + 1 for
 * the host to run, or WEAK_NO_FINALISER (none, or already dead). The list
 * entry goes at the next collection (weakTrace drops dead weaks).
 */
export function weakFinalize(w: usize): u32 {
  if (weakIsDead(w)) return WEAK_NO_FINALISER;
  return kill(w);
}

/** Start of a collection: nothing traced yet. */
export function weakBegin(): void { traced = 0; }

@inline function isAlive(v: u32): bool {
  let obj = <usize>v;
  let info = infoOf(obj);
  return isForwarded(info) || !inFromSpace(obj, info);
}

/**
 * Traces every weak whose key is alive and is not traced yet (Note [Weak
 * fields are not scanned]); true when it traced one, so the caller scans
 * again.
 */
export function weakTrace(): bool {
  let progress = false;
  let n = vecLength(weaks);
  let i = traced;
  while (i < n) {
    let w = <usize>vecGet(weaks, i);
    let info = infoOf(w);
    let current = isForwarded(info) ? forwardee(info) : w;
    if (weakIsDead(current)) {
      // Finalized by the host since the last collection: leaves the list.
      vecSet(weaks, i, vecGet(weaks, --n));
      vecTruncate(weaks, n);
      continue;
    }
    let key = weakKey(current);
    if (!isAlive(key)) {
      i++;
      continue;
    }
    if (current == w && inFromSpace(w, info)) current = <usize>evacuate(<u32>w, 0);
    let gen = genOfInfo(infoOf(current));
    let p = payloadOf(current);
    store<u32>(p, evacuate(key, gen), WEAK_KEY);
    let value = load<u32>(p, WEAK_VALUE);
    let moved = evacuate(value, gen);
    if (!faultOn(FAULT_WEAK_STALE_VALUE)) store<u32>(p, moved, WEAK_VALUE);
    // Entries in [traced, i) were visited and are not traced: swap one of them here.
    vecSet(weaks, i, vecGet(weaks, traced));
    vecSet(weaks, traced++, <u32>current);
    i++;
    progress = true;
  }
  return progress;
}

/**
 * After the last trace: every untraced weak has a dead key. Clears those
 * that live on, pushes every finaliser's index on the vector `queue`, and drops them all from
 * the list. Returns how many.
 */
export function weakClear(queue: usize): u32 {
  let n = vecLength(weaks);
  for (let i = traced; i < n; i++) {
    let w = <usize>vecGet(weaks, i);
    let info = infoOf(w);
    let finaliser: u32;
    if (isForwarded(info)) {
      finaliser = kill(forwardee(info));
    } else if (inFromSpace(w, info)) {
      // The weak dies with its key; its from-space copy is intact until the collection ends.
      finaliser = weakFinaliser(w);
      cleared++;
    } else {
      finaliser = kill(w);
    }
    if (finaliser != WEAK_NO_FINALISER) vecPush(queue, finaliser - 1);
  }
  vecTruncate(weaks, traced);
  return n - traced;
}

/** Shutdown: every weak still on the list is killed; its finaliser queued. Returns how many. */
export function weakKillAll(queue: usize): u32 {
  let n = vecLength(weaks);
  for (let i: u32 = 0; i < n; i++) {
    let w = <usize>vecGet(weaks, i);
    if (weakIsDead(w)) continue;
    let finaliser = kill(w);
    if (finaliser != WEAK_NO_FINALISER) vecPush(queue, finaliser - 1);
  }
  vecTruncate(weaks, 0);
  return n;
}

/** Weaks on the list (not yet cleared; may include ones finalized since the last collection). */
export function weaksListed(): u32 { return vecLength(weaks); }
export function weakAt(i: u32): usize { return <usize>vecGet(weaks, i); }
/** Weaks cleared since init (by collections, finalize and shutdown). */
export function weaksCleared(): u32 { return cleared; }
export function weakReset(): void {
  vecReset(weaks);
  traced = 0;
  cleared = 0;
}
