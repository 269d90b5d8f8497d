// The sanity checker: re-checks, outside a collection, every promise the heap
// modules make, after GHC's rts/sm/Sanity.c. Runs after every collection with
// the option `sanity`, and on demand (sanity_check); part of the release build.
// A broken rule is recorded with recordFailure (failure.ts) naming the check,
// the object, its kind and generation, the field and the target's generation;
// the host throws SanityError.
//
// Checks, in order (the first failure is reported):
//   ring         the allocator ring (pool.ts, Note [The ring rule])
//   object       every object in the nursery and every generation has a valid
//                header: not forwarded, a defined kind, reserved bits clear,
//                the generation of the chunk it is in, inside its chunk; only
//                objects of generation > 0 are REMEMBERED
//   value        no field holds a word that is no value (0, a free-slot link,
//                an unknown constant)
//   pointer      every pointer field, handle and root points at the header of
//                an object found by the walk (never into free or freed space)
//   remembered   an object of generation g > 0 pointing into a younger
//                generation is REMEMBERED (Note [The remembered-set rule])
//   remset       every entry of g's set is a REMEMBERED object of generation
//                g, at most once, and the set holds every REMEMBERED object
//   handles      the handle table's free list and live count
//   hostrefs     the host-reference list holds exactly the hostref objects
//   customs      the custom-block list holds exactly the custom objects
//                (every one alive is queued for finalisation once, heap/custom.ts)
//   counters     each generation's object and byte counters match the walk
//   ephemerons   every live ephemeron is on the list once and its keys and
//                datum are live (heap/ephemeron.ts: ephemeronFieldsCheck,
//                ephemeronListCheck)
//   mvar         every MVar's queue keeps Note [MVar queue invariant], and the
//                blocked-thread table and wake list hold live objects
//                (mvar/check.ts: mvarQueueCheck, mvarThreadsCheck)
//
// Memory: two bitmaps, one bit per OBJECT_ALIGN bytes of linear memory, taken
// from TLSF directly and freed before returning, so the checker does not
// change the pool counters it checks.

import { poolInvariantCheck } from "./pool";
import { recordFailure, hex, CHECK_FIRST_HEAP } from "./failure";
import { remsetLength, remsetAt } from "./barrier";
import { nurseryStart, nurseryTop } from "./heap/nursery";
import {
  generationCount, genFirst, genLarge, chunkNext, chunkData, chunkUsedEnd, chunkGen, chunkEnd,
  chunkIsLarge, genBytes, genObjects,
} from "./heap/generations";
import { handlesUsed, handlesCapacity, handlesLive, handlesFreeHead, handleWord, isFreeWord, freeWordNext } from "./heap/handles";
import { rootDepth, rootAt } from "./heap/roots";
import { hostrefsLive, hostrefAt } from "./heap/hostrefs";
import { customLive, customAt } from "./heap/custom";
import { weaksListed, weakAt, weakKey, weakValue, weakIsDead } from "./heap/weak";
import { finaliseTable, finaliseFirstDue } from "./heap/finalise";
import { vecLength, vecGet } from "./heap/vec";
import { mvarQueueCheck, mvarThreadsCheck } from "./mvar/check";
import { ephemeronFieldsCheck, ephemeronListCheck, ephemeronIsDead } from "./heap/ephemeron";
import {
  infoOf, lengthOf, kindOfInfo, genOfInfo, isForwarded, kindIsDefined, kindName, sizeFor, fieldOf,
  ptrFirst, ptrCount, isPointer, isInt, isSpecial, REMEMBERED, RESERVED_MASK, OBJECT_ALIGN, OBJECT_ALIGN_MASK,
  KIND_BLOCK, KIND_HOSTREF, KIND_MVAR, KIND_CUSTOM, KIND_WEAK, KIND_EPHEMERON, VALUE_NONE, MAX_GENERATIONS, GEN_BITS, TAG_SHIFT,
} from "./heap/layout";

@inline export const CHECK_HEAP_OBJECT: u32 = CHECK_FIRST_HEAP;
@inline export const CHECK_HEAP_VALUE: u32 = CHECK_FIRST_HEAP + 1;
@inline export const CHECK_HEAP_POINTER: u32 = CHECK_FIRST_HEAP + 2;
@inline export const CHECK_HEAP_REMEMBERED: u32 = CHECK_FIRST_HEAP + 3;
@inline export const CHECK_HEAP_REMSET: u32 = CHECK_FIRST_HEAP + 4;
@inline export const CHECK_HEAP_HANDLES: u32 = CHECK_FIRST_HEAP + 5;
@inline export const CHECK_HEAP_HOSTREFS: u32 = CHECK_FIRST_HEAP + 6;
@inline export const CHECK_HEAP_COUNTERS: u32 = CHECK_FIRST_HEAP + 7;
/** After CHECK_HEAP_MVAR (mvar/check.ts, + 8). */
@inline export const CHECK_HEAP_CUSTOMS: u32 = CHECK_FIRST_HEAP + 9;
@inline export const CHECK_HEAP_WEAKS: u32 = CHECK_FIRST_HEAP + 10;
@inline export const CHECK_HEAP_FINALISERS: u32 = CHECK_FIRST_HEAP + 11;

/** Generation reported for "not a heap object" targets and roots. */
@inline const NO_GEN: i32 = -1;
@inline const PASS_MARK: i32 = 0;
@inline const PASS_FIELDS: i32 = 1;
/** After every field is known to point at a live object: structures that are walked (MVar queues). */
@inline const PASS_STRUCTURES: i32 = 2;

let objects: usize = 0;    // bitmap: an object header starts here
let remembered: usize = 0; // bitmap: seen on a remembered set
let bitmapBytes: usize = 0;
let memoryEnd: usize = 0;
let ok = true;
let hostrefObjects: u32 = 0;
let customObjects: u32 = 0;
let liveWeakObjects: u32 = 0;
let liveEphemeronObjects: u32 = 0;

@inline const COUNTER_TABLE_BYTES: usize = sizeof<u32>() << GEN_BITS;
const genObjectCount: usize = memory.data(<i32>COUNTER_TABLE_BYTES, 16);
const genByteCount: usize = memory.data(<i32>COUNTER_TABLE_BYTES, 16);
const genRememberedCount: usize = memory.data(<i32>COUNTER_TABLE_BYTES, 16);

@inline function bitIndex(p: usize): usize { return p / OBJECT_ALIGN; }
@inline function testBit(map: usize, p: usize): bool {
  let i = bitIndex(p);
  return ((load<u8>(map + (i >> 3)) >> <u8>(i & 7)) & 1) != 0;
}
@inline function setBit(map: usize, p: usize): void {
  let i = bitIndex(p);
  let a = map + (i >> 3);
  store<u8>(a, load<u8>(a) | <u8>(1 << <u8>(i & 7)));
}
@inline function counterAt(table: usize, g: i32): usize { return table + <usize>g * sizeof<u32>(); }
@inline function bump(table: usize, g: i32, by: u32): void {
  let a = counterAt(table, g);
  store<u32>(a, load<u32>(a) + by);
}

/** A heap object address found by the walk. */
@inline function isObject(p: usize): bool {
  return p < memoryEnd && (p & OBJECT_ALIGN_MASK) == 0 && testBit(objects, p);
}

/** isObject as a function value, for the modules' own checks. */
function isObjectAt(p: usize): bool { return isObject(p); }

function checkThreads(): bool {
  if (!mvarThreadsCheck(isObjectAt)) ok = false;
  return ok;
}

function report(check: u32, rule: string, obj: usize, field: i32, target: i32): bool {
  let kind: u32 = 0;
  let gen = NO_GEN;
  let what = "at " + hex(obj);
  if (obj != 0 && obj < memoryEnd) {
    let info = infoOf(obj);
    if (!isForwarded(info)) {
      kind = kindOfInfo(info);
      gen = genOfInfo(info);
      what = kindName(kind) + " " + hex(obj) + " of generation " + gen.toString();
    }
  }
  let where = field >= 0 ? ", field " + field.toString() : "";
  let into = target != NO_GEN ? " (target in generation " + target.toString() + ")" : "";
  recordFailure(check, "sanityCheck: " + rule + ": " + what + where + into, obj, kind, gen, field, target);
  ok = false;
  return false;
}

/** Runs every check; true, or false with the first failure recorded. */
export function sanityCheck(): bool {
  ok = true;
  if (!poolInvariantCheck()) return false;
  memoryEnd = <usize>memory.size() << 16;
  bitmapBytes = (bitIndex(memoryEnd) + 7) >> 3;
  objects = heap.alloc(bitmapBytes);
  remembered = heap.alloc(bitmapBytes);
  memory.fill(objects, 0, bitmapBytes);
  memory.fill(remembered, 0, bitmapBytes);
  memory.fill(genObjectCount, 0, COUNTER_TABLE_BYTES);
  memory.fill(genByteCount, 0, COUNTER_TABLE_BYTES);
  memory.fill(genRememberedCount, 0, COUNTER_TABLE_BYTES);
  hostrefObjects = 0;
  customObjects = 0;
  liveWeakObjects = 0;
  liveEphemeronObjects = 0;

  walkHeap(PASS_MARK) && walkHeap(PASS_FIELDS) && walkHeap(PASS_STRUCTURES) && checkRemsets() && checkHandles() && checkRoots() && checkHostrefs() && checkCustoms() && checkWeaks() && checkEphemerons() && checkFinalisers() && checkCounters() && checkThreads();

  heap.free(objects);
  heap.free(remembered);
  objects = 0;
  remembered = 0;
  return ok;
}

/** Visits every object of the nursery and of every generation's chunks. */
function walkHeap(pass: i32): bool {
  if (!walkRange(pass, nurseryStart(), nurseryTop(), 0, true)) return false;
  let count = generationCount();
  for (let g = 0; g < count; g++) {
    for (let c = genFirst(g); c != 0; c = chunkNext(c)) {
      if (pass == PASS_MARK && (chunkGen(c) != g || chunkIsLarge(c))) return report(CHECK_HEAP_OBJECT, "a small chunk on generation " + g.toString() + "'s list says generation " + chunkGen(c).toString(), c, -1, NO_GEN);
      if (!walkRange(pass, chunkData(c), chunkUsedEnd(g, c), g, false)) return false;
    }
    for (let c = genLarge(g); c != 0; c = chunkNext(c)) {
      if (pass == PASS_MARK && (chunkGen(c) != g || !chunkIsLarge(c))) return report(CHECK_HEAP_OBJECT, "a large chunk on generation " + g.toString() + "'s list says generation " + chunkGen(c).toString(), c, -1, NO_GEN);
      if (!walkRange(pass, chunkData(c), chunkEnd(c), g, false)) return false;
    }
  }
  return true;
}

function walkRange(pass: i32, p: usize, end: usize, gen: i32, nursery: bool): bool {
  while (p < end) {
    let info = infoOf(p);
    if (pass == PASS_MARK) {
      if (isForwarded(info)) return report(CHECK_HEAP_OBJECT, "a forwarded object outside a collection (its copy is " + hex(info & ~1) + ")", p, -1, NO_GEN);
      let kind = kindOfInfo(info);
      if (!kindIsDefined(kind)) return report(CHECK_HEAP_OBJECT, "header names no defined kind (" + kind.toString() + ")", p, -1, NO_GEN);
      if ((info & RESERVED_MASK) != 0) return report(CHECK_HEAP_OBJECT, "reserved header bits are set (" + hex(info) + ")", p, -1, NO_GEN);
      if (genOfInfo(info) != gen) return report(CHECK_HEAP_OBJECT, "header says generation " + genOfInfo(info).toString() + " but the object lies in " + (nursery ? "the nursery" : "generation " + gen.toString()), p, -1, gen);
      if ((info & REMEMBERED) != 0 && gen == 0) return report(CHECK_HEAP_OBJECT, "a generation-0 object is marked REMEMBERED", p, -1, NO_GEN);
      if (kind != KIND_BLOCK && (info >> TAG_SHIFT) != 0) return report(CHECK_HEAP_OBJECT, "only blocks carry a tag", p, -1, NO_GEN);
    }
    let size = sizeFor(kindOfInfo(info), lengthOf(p));
    if (p + size > end || p + size <= p) return report(CHECK_HEAP_OBJECT, "object runs past the end of its " + (nursery ? "nursery" : "chunk") + " (" + size.toString() + " bytes)", p, -1, NO_GEN);
    if (pass == PASS_MARK) {
      setBit(objects, p);
      if (!nursery) {
        bump(genObjectCount, gen, 1);
        bump(genByteCount, gen, <u32>size);
      }
      if ((info & REMEMBERED) != 0) bump(genRememberedCount, gen, 1);
      if (kindOfInfo(info) == KIND_HOSTREF) hostrefObjects++;
      if (kindOfInfo(info) == KIND_CUSTOM) customObjects++;
      if (kindOfInfo(info) == KIND_WEAK && !weakIsDead(p)) liveWeakObjects++;
      if (kindOfInfo(info) == KIND_EPHEMERON && !ephemeronIsDead(p)) liveEphemeronObjects++;
    } else if (pass == PASS_FIELDS) {
      if (!checkFields(p, info, gen)) return false;
      if (kindOfInfo(info) == KIND_WEAK && !checkWeakFields(p)) return false;
      if (kindOfInfo(info) == KIND_EPHEMERON && !ephemeronFieldsCheck(p, isObjectAt)) {
        ok = false;
        return false;
      }
    } else if (kindOfInfo(info) == KIND_MVAR && !mvarQueueCheck(p)) {
      ok = false;
      return false;
    }
    p += size;
  }
  return true;
}

/** The value rule, the pointer rule and the remembered-set rule for one object. */
function checkFields(obj: usize, info: u32, gen: i32): bool {
  let kind = kindOfInfo(info);
  let len = lengthOf(obj);
  let first = ptrFirst(kind);
  let n = ptrCount(kind, len);
  for (let i: u32 = 0; i < n; i++) {
    let field = <i32>(first + i);
    let v = fieldOf(obj, first + i);
    if (!isValue(v)) return report(CHECK_HEAP_VALUE, "a field holds " + hex(v) + ", which is no value", obj, field, NO_GEN);
    if (!isPointer(v)) continue;
    let target = <usize>v;
    if (!isObject(target)) return report(CHECK_HEAP_POINTER, "a field points at " + hex(target) + ", which is no live object's header", obj, field, NO_GEN);
    let targetInfo = infoOf(target);
    let targetGen = genOfInfo(targetInfo);
    // The nursery is generation 0's allocation area: younger than any g > 0.
    if (targetGen < gen && (info & REMEMBERED) == 0) {
      let into = inNurseryRange(target) ? "the nursery" : "generation " + targetGen.toString();
      return report(CHECK_HEAP_REMEMBERED, "points into " + into + " (" + kindName(kindOfInfo(targetInfo)) + " " + hex(target) + ") but is not dirty and not on its remembered set", obj, field, targetGen);
    }
  }
  return true;
}

@inline function inNurseryRange(p: usize): bool { return p >= nurseryStart() && p < nurseryTop(); }

@inline function isValue(v: u32): bool { return v != 0 && (isInt(v) || isPointer(v) || isSpecial(v)); }

function checkRemsets(): bool {
  let count = generationCount();
  for (let g = 0; g < MAX_GENERATIONS; g++) {
    let n = remsetLength(g);
    if ((g == 0 || g >= count) && n != 0) return report(CHECK_HEAP_REMSET, "generation " + g.toString() + " cannot have a remembered set but its set holds " + n.toString() + " entries", 0, -1, NO_GEN);
    for (let i: u32 = 0; i < n; i++) {
      let obj = remsetAt(g, i);
      if (!isObject(obj)) return report(CHECK_HEAP_REMSET, "entry " + i.toString() + " of generation " + g.toString() + "'s remembered set is no live object", obj, -1, NO_GEN);
      let info = infoOf(obj);
      if (genOfInfo(info) != g) return report(CHECK_HEAP_REMSET, "entry " + i.toString() + " of generation " + g.toString() + "'s remembered set belongs to another generation", obj, -1, NO_GEN);
      if ((info & REMEMBERED) == 0) return report(CHECK_HEAP_REMSET, "entry " + i.toString() + " of generation " + g.toString() + "'s remembered set is not marked REMEMBERED", obj, -1, NO_GEN);
      if (testBit(remembered, obj)) return report(CHECK_HEAP_REMSET, "object is on generation " + g.toString() + "'s remembered set twice", obj, -1, NO_GEN);
      setBit(remembered, obj);
    }
    if (g < MAX_GENERATIONS && n != load<u32>(counterAt(genRememberedCount, g))) {
      return report(CHECK_HEAP_REMSET, "generation " + g.toString() + " has " + load<u32>(counterAt(genRememberedCount, g)).toString() + " REMEMBERED objects but " + n.toString() + " remembered-set entries", 0, -1, NO_GEN);
    }
  }
  return true;
}

function checkHandles(): bool {
  let used = handlesUsed();
  if (used > handlesCapacity()) return report(CHECK_HEAP_HANDLES, "more slots used (" + used.toString() + ") than the table holds", 0, -1, NO_GEN);
  let live: u32 = 0;
  for (let i: u32 = 0; i < used; i++) {
    let w = handleWord(i);
    if (isFreeWord(w)) continue;
    live++;
    if (!isValue(w)) return report(CHECK_HEAP_HANDLES, "handle " + i.toString() + " holds " + hex(w) + ", which is no value", 0, <i32>i, NO_GEN);
    if (isPointer(w) && !isObject(<usize>w)) return report(CHECK_HEAP_POINTER, "handle " + i.toString() + " points at " + hex(w) + ", which is no live object's header", 0, <i32>i, NO_GEN);
  }
  if (live != handlesLive()) return report(CHECK_HEAP_HANDLES, live.toString() + " live slots but the live counter says " + handlesLive().toString(), 0, -1, NO_GEN);
  let free: u32 = 0;
  let next = handlesFreeHead();
  while (next != 0) {
    let i = next - 1;
    if (i >= used) return report(CHECK_HEAP_HANDLES, "the free list leads to slot " + i.toString() + ", beyond the " + used.toString() + " used", 0, <i32>i, NO_GEN);
    let w = handleWord(i);
    if (!isFreeWord(w)) return report(CHECK_HEAP_HANDLES, "the free list leads to live slot " + i.toString(), 0, <i32>i, NO_GEN);
    if (++free > used - live) return report(CHECK_HEAP_HANDLES, "the free list is longer than the free slots (a cycle?)", 0, <i32>i, NO_GEN);
    next = freeWordNext(w);
  }
  if (free != used - live) return report(CHECK_HEAP_HANDLES, "the free list holds " + free.toString() + " slots but " + (used - live).toString() + " are free", 0, -1, NO_GEN);
  return true;
}

function checkRoots(): bool {
  let depth = rootDepth();
  for (let i: u32 = 0; i < depth; i++) {
    let v = rootAt(i);
    if (!isValue(v)) return report(CHECK_HEAP_VALUE, "root-stack entry " + i.toString() + " holds " + hex(v) + ", which is no value", 0, <i32>i, NO_GEN);
    if (isPointer(v) && !isObject(<usize>v)) return report(CHECK_HEAP_POINTER, "root-stack entry " + i.toString() + " points at " + hex(v) + ", which is no live object's header", 0, <i32>i, NO_GEN);
  }
  return true;
}

function checkHostrefs(): bool {
  return checkRegistry(CHECK_HEAP_HOSTREFS, "host-reference list", "a hostref", KIND_HOSTREF, hostrefsLive(), hostrefAt, hostrefObjects);
}

/** A custom object off the list would never be finalised; one listed twice, twice. */
function checkCustoms(): bool {
  return checkRegistry(CHECK_HEAP_CUSTOMS, "custom-block list", "a custom block", KIND_CUSTOM, customLive(), customAt, customObjects);
}

/** A registry (heap/registry.ts) holds exactly the heap's objects of its kind. */
function checkRegistry(check: u32, list: string, what: string, kind: u32, n: u32, at: (i: u32) => usize, inHeap: u32): bool {
  for (let i: u32 = 0; i < n; i++) {
    let obj = at(i);
    if (!isObject(obj)) return report(check, "entry " + i.toString() + " of the " + list + " is no live object", obj, -1, NO_GEN);
    if (kindOfInfo(infoOf(obj)) != kind) return report(check, "entry " + i.toString() + " of the " + list + " is not " + what, obj, -1, NO_GEN);
  }
  if (n != inHeap) return report(check, "the " + list + " holds " + n.toString() + " objects but the heap " + inHeap.toString(), 0, -1, NO_GEN);
  return true;
}

/**
 * A weak's own fields, which the kinds table leaves out (Note [Weak fields
 * are not scanned], weak.ts): values pointing at live objects, never at a
 * from-space copy; "none" in both once it is dead. No remembered-set rule:
 * the collector visits every weak.
 */
function checkWeakFields(w: usize): bool {
  let key = weakKey(w);
  let value = weakValue(w);
  if (weakIsDead(w)) {
    if (key != VALUE_NONE || value != VALUE_NONE) return report(CHECK_HEAP_WEAKS, "a dead weak still holds its key or value", w, key != VALUE_NONE ? 0 : 1, NO_GEN);
    return true;
  }
  if (!isPointer(key) || !isObject(<usize>key)) return report(CHECK_HEAP_WEAKS, "the key is " + hex(key) + ", which is no live object's header", w, 0, NO_GEN);
  if (!isValue(value)) return report(CHECK_HEAP_WEAKS, "the value holds " + hex(value) + ", which is no value", w, 1, NO_GEN);
  if (isPointer(value) && !isObject(<usize>value)) return report(CHECK_HEAP_WEAKS, "the value points at " + hex(value) + ", which is no live object's header", w, 1, NO_GEN);
  return true;
}

/** A weak off the list would never be cleared nor finalised. */
function checkWeaks(): bool {
  let n = weaksListed();
  let live: u32 = 0;
  for (let i: u32 = 0; i < n; i++) {
    let w = weakAt(i);
    if (!isObject(w)) return report(CHECK_HEAP_WEAKS, "entry " + i.toString() + " of the weak-pointer list is no live object", w, -1, NO_GEN);
    if (kindOfInfo(infoOf(w)) != KIND_WEAK) return report(CHECK_HEAP_WEAKS, "entry " + i.toString() + " of the weak-pointer list is not a weak pointer", w, -1, NO_GEN);
    // A weak finalized by the host since the last collection leaves the list at the next one.
    if (!weakIsDead(w)) live++;
  }
  if (live != liveWeakObjects) return report(CHECK_HEAP_WEAKS, "the weak-pointer list holds " + live.toString() + " live weaks but the heap " + liveWeakObjects.toString(), 0, -1, NO_GEN);
  return true;
}

/** The ephemeron list holds exactly the heap's live ephemerons (heap/ephemeron.ts). */
function checkEphemerons(): bool {
  if (!ephemeronListCheck(isObjectAt, liveEphemeronObjects)) ok = false;
  return ok;
}

/** Every registration names a live object; every value waiting for its function too. */
function checkFinalisers(): bool {
  for (let t = 0; t < 2; t++) {
    let table = finaliseTable(t == 1);
    let n = vecLength(table);
    for (let i: u32 = 0; i < n; i += 2) {
      let obj = <usize>vecGet(table, i);
      if (!isObject(obj)) return report(CHECK_HEAP_FINALISERS, "registration " + (i >> 1).toString() + " of the " + (t == 1 ? "finaliseLast" : "finalise") + " table names " + hex(obj) + ", which is no live object's header", 0, <i32>(i >> 1), NO_GEN);
    }
  }
  let due = finaliseFirstDue();
  let n = vecLength(due);
  for (let i: u32 = 1; i < n; i += 2) {
    let v = vecGet(due, i);
    if (!isPointer(v) || !isObject(<usize>v)) return report(CHECK_HEAP_FINALISERS, "the value of due finaliser " + (i >> 1).toString() + " is " + hex(v) + ", which is no live object's header", 0, <i32>(i >> 1), NO_GEN);
  }
  return true;
}

function checkCounters(): bool {
  let count = generationCount();
  for (let g = 0; g < count; g++) {
    let objs = load<u32>(counterAt(genObjectCount, g));
    let bytes = load<u32>(counterAt(genByteCount, g));
    if (objs != genObjects(g) || bytes != genBytes(g)) {
      return report(CHECK_HEAP_COUNTERS, "generation " + g.toString() + " holds " + objs.toString() + " objects / " + bytes.toString() + " bytes but counts " + genObjects(g).toString() + " / " + genBytes(g).toString(), 0, -1, g);
    }
  }
  return true;
}
