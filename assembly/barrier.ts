// The write barrier and the remembered sets (GHC's mut lists): which objects
// of an old generation may point into a younger one.
//
// A remembered set, per generation g > 0 (pool memory, grown by doubling):
//
//   ┌────────┬────────┬─────┬──────────┬─────────────┐
//   │ obj 0  │ obj 1  │ …   │ obj n-1  │ capacity …  │   u32 object addresses
//   └────────┴────────┴─────┴──────────┴─────────────┘
//
// Note [The remembered-set rule]
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
// Outside a collection: every object of generation g > 0 with a field pointing
// into a younger generation (the nursery counts as generation 0) has its
// REMEMBERED bit set and is on generation g's remembered set; an object is on
// a set iff its bit is set, so it is on it at most once; every entry of g's
// set is an object of generation g.
// The barrier keeps the rule between collections: a store of a pointer into a
// clean object of generation g > 0 marks it and records it, whatever the
// target's generation (as GHC's dirty_MUT_VAR: one test on the hot path).
// Minor collections use the sets of the generations they do not collect as
// roots; scavenging an object decides again whether it must stay recorded
// (scavenge.ts). Major collections start them over. sanity.ts re-checks it.

import { metaResize } from "./heap/meta";
import { faultOn, FAULT_BARRIER_SKIP_YOUNG } from "./faults";
import { inNursery } from "./heap/nursery";
import {
  infoOf, setInfo, isPointer, genOfInfo, REMEMBERED, GEN_MASK, MAX_GENERATIONS, fieldAddr,
} from "./heap/layout";

@inline const RS_PTR: usize = 0;
@inline const RS_LEN: usize = RS_PTR + sizeof<u32>();
@inline const RS_CAP: usize = RS_LEN + sizeof<u32>();
@inline const RS_RECORD: usize = RS_CAP + sizeof<u32>();
@inline const RS_ENTRY: usize = sizeof<u32>();
@inline const RS_INITIAL_CAP: u32 = 256;

const sets: usize = memory.data(<i32>(RS_RECORD * <usize>MAX_GENERATIONS), 16);

@inline function rs(g: i32): usize { return sets + <usize>g * RS_RECORD; }

export function remsetLength(g: i32): u32 { return load<u32>(rs(g), RS_LEN); }
export function remsetAt(g: i32, i: u32): usize { return <usize>load<u32>(<usize>load<u32>(rs(g), RS_PTR) + <usize>i * RS_ENTRY); }
export function remsetSetAt(g: i32, i: u32, obj: usize): void { store<u32>(<usize>load<u32>(rs(g), RS_PTR) + <usize>i * RS_ENTRY, <u32>obj); }
export function remsetTruncate(g: i32, n: u32): void { store<u32>(rs(g), n, RS_LEN); }

/** Marks `obj` (of generation g > 0) dirty and puts it on g's set. */
export function remember(obj: usize, g: i32): void {
  setInfo(obj, infoOf(obj) | REMEMBERED);
  let r = rs(g);
  let len = load<u32>(r, RS_LEN);
  let cap = load<u32>(r, RS_CAP);
  if (len == cap) {
    cap = cap == 0 ? RS_INITIAL_CAP : cap << 1;
    store<u32>(r, <u32>metaResize(<usize>load<u32>(r, RS_PTR), <usize>cap * RS_ENTRY), RS_PTR);
    store<u32>(r, cap, RS_CAP);
  }
  store<u32>(<usize>load<u32>(r, RS_PTR) + <usize>len * RS_ENTRY, <u32>obj);
  store<u32>(r, len + 1, RS_LEN);
}

/**
 * The write barrier: call with every pointer-or-immediate `value` stored into
 * a field of `obj`. See Note [The remembered-set rule].
 */
@inline export function writeBarrier(obj: usize, value: u32): void {
  let info = infoOf(obj);
  // An immediate cannot point anywhere; a generation-0 object is collected
  // with the nursery every time; a dirty object is already recorded.
  if (isPointer(value) && (info & GEN_MASK) != 0 && (info & REMEMBERED) == 0) {
    barrierRecord(obj, genOfInfo(info), value);
  }
}

function barrierRecord(obj: usize, g: i32, value: u32): void {
  // Fault injection (docs/faults.md): forget stores that create an
  // old-to-young pointer, the bug class sanity.ts exists to catch.
  if (faultOn(FAULT_BARRIER_SKIP_YOUNG) && pointsYounger(value, g)) return;
  remember(obj, g);
}

@inline function pointsYounger(value: u32, g: i32): bool {
  let target = <usize>value;
  return inNursery(target) || genOfInfo(infoOf(target)) < g;
}

/** A field store through the barrier (blocks: field i is payload word i). */
@inline export function storeField(obj: usize, i: u32, value: u32): void {
  writeBarrier(obj, value);
  store<u32>(fieldAddr(obj, i), value);
}

/** After shutdown: the pool destroy freed the arrays. */
export function remsetsReset(): void {
  memory.fill(sets, 0, RS_RECORD * <usize>MAX_GENERATIONS);
}
