// Scavenging: the Cheney scan. Evacuated objects are scanned in the order
// they were copied, each generation's to-space from its own scan pointer, so
// the work list is to-space itself and nothing recurses over data: a list of
// 10^7 cells costs no more stack than a list of one. After GHC's Scav.c.
//
// invariant: in generation g, objects before (scanChunk, scanPtr) and large
// chunks from the list head to largeMark have been scavenged; those after
// have been copied but may still point into from-space.
//
// Note [Counting in the scan]
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~
// A generation's object and byte counters (stats, the collection policy, the
// sanity checker's counters check) are not bumped by each copy: a copy is
// the collector's hottest path, and a read-modify-write of a counter in
// memory per object cost ~10 % of a minor collection. Every small object in
// a generation was put there by a collection, and every collection scans
// exactly what it put there, so the scan counts objects in a local and adds
// them once (genCountObjects); bytes are what the chunks hold, summed when a
// chunk is closed and read off the open one (genBytes). Large objects are
// counted when allocated (generations.ts).

import { evacuate, evacuateFast, evacuateOut, noteCopied } from "./evacuate";
import { inPromoted, PROMOTED_GEN, promotedStubSize, promotedStart, promotedEnd, promotedBytes } from "./promote";
import { remember, remsetLength, remsetAt, remsetSetAt, remsetTruncate, remsetNoteScanned } from "../barrier";
import {
  generationCount, genFirst, genLarge, genScanChunk, genScanPtr, genSetScan, genLargeMark,
  genSetLargeMark, genCountObjects, chunkNext, chunkData, chunkUsedEnd,
} from "./generations";
import {
  infoOf, setInfo, kindOfInfo, genOfInfo, lengthOf, payloadOf, ptrFirst, ptrCount, objectSize,
  isPointer, sizeFor, isForwarded, forwardee, KIND_BLOCK, REMEMBERED, WORD_SIZE, GEN_SHIFT,
} from "./layout";

/**
 * Evacuates every pointer field of `obj`, an object of generation `gen`
 * (targets reached first from it are promoted to at least `gen`, see
 * Note [Aging and eager promotion]). Returns true when a field still points
 * into a younger generation, so `obj` must stay remembered
 * (Note [The remembered-set rule]).
 */
export function scavengeObject(obj: usize, gen: i32): bool {
  let info = infoOf(obj);
  let kind = kindOfInfo(info);
  let first: u32 = 0;
  let n = lengthOf(obj);
  if (kind != KIND_BLOCK) {
    first = ptrFirst(kind);
    n = ptrCount(kind, n);
  }
  let a = payloadOf(obj) + (<usize>first) * WORD_SIZE;
  return scavengeFields(a, a + (<usize>n) * WORD_SIZE, gen);
}

/** scavengeObject's loop over the pointer fields in [a, end); inlined into the scan for blocks. */
@inline function scavengeFields(a: usize, end: usize, gen: i32): bool {
  if (gen == 0) {
    for (; a < end; a += WORD_SIZE) {
      let v = load<u32>(a);
      if (isPointer(v)) store<u32>(a, evacuateFast(v, 0));
    }
    return false;
  }
  let young = false;
  for (; a < end; a += WORD_SIZE) {
    let v = load<u32>(a);
    if (isPointer(v)) {
      let nv = evacuateFast(v, gen);
      store<u32>(a, nv);
      if (genOfInfo(infoOf(<usize>nv)) < gen && !promotedAtLeast(<usize>nv, gen)) young = true;
    }
  }
  return young;
}

/**
 * Roots from the generations not collected (level < g): each remembered
 * object is scavenged and stays on the set only if it still points younger.
 * The set is compacted in place; nothing is added to it meanwhile, since
 * evacuation only copies.
 */
export function scavengeRememberedSets(level: i32): void {
  let count = generationCount();
  for (let g = level + 1; g < count; g++) {
    let n = remsetLength(g);
    remsetNoteScanned(n);
    let w: u32 = 0;
    for (let i: u32 = 0; i < n; i++) {
      let obj = remsetAt(g, i);
      setInfo(obj, infoOf(obj) & ~REMEMBERED);
      if (scavengeObject(obj, g)) {
        setInfo(obj, infoOf(obj) | REMEMBERED);
        remsetSetAt(g, w++, obj);
      }
    }
    remsetTruncate(g, w);
  }
}

/**
 * True when `obj` was promoted in place by this collection into a generation
 * at least `gen`: its header may still say generation 0 until the scan
 * relabels it (Note [Promoting the nursery in place], promote.ts).
 */
@inline function promotedAtLeast(obj: usize, gen: i32): bool {
  return inPromoted(obj) && PROMOTED_GEN >= gen;
}

/** Scans every generation's to-space until no generation has unscanned objects. */
export function scavengeToSpace(): void {
  let count = generationCount();
  let progress = true;
  while (progress) {
    progress = false;
    for (let g = 0; g < count; g++) {
      if (scanSmall(g)) progress = true;
      if (scanLarge(g)) progress = true;
    }
  }
}

function scanSmall(g: i32): bool {
  let c = genScanChunk(g);
  let p = genScanPtr(g);
  let scanned = false;
  let bytes: usize = 0;
  let objects: u32 = 0;
  for (;;) {
    if (c == 0) {
      c = genFirst(g);
      if (c == 0) break;
      p = chunkData(c);
    }
    if (p == promotedStart()) {
      // The nursery promoted in place: Note [Promoting the nursery in place].
      objects += scanPromoted(p, promotedEnd(), g);
      bytes += promotedBytes();
      p = promotedEnd();
    }
    // The chunk can fill up (and end move) while we scan it: re-read end.
    while (p < chunkUsedEnd(g, c)) {
      // Blocks, nearly every object, decoded once and scavenged inline.
      let info = infoOf(p);
      objects++;
      let size: usize;
      let young: bool;
      if (kindOfInfo(info) == KIND_BLOCK) {
        let n = lengthOf(p);
        size = sizeFor(KIND_BLOCK, n);
        let a = payloadOf(p);
        young = scavengeFields(a, a + (<usize>n) * WORD_SIZE, g);
      } else {
        size = objectSize(p);
        young = scavengeObject(p, g);
      }
      if (young) remember(p, g);
      p += size;
      bytes += size;
      scanned = true;
    }
    let next = chunkNext(c);
    if (next == 0) break;
    c = next;
    p = chunkData(c);
  }
  genSetScan(g, c, p);
  noteCopied(bytes);
  genCountObjects(g, objects);
  return scanned || objects > 0;
}

/** Large chunks are pushed at the list head; those before largeMark are new. */
function scanLarge(g: i32): bool {
  let scanned = false;
  let head = genLarge(g);
  let mark = genLargeMark(g);
  while (head != mark) {
    genSetLargeMark(g, head);
    for (let c = head; c != mark; c = chunkNext(c)) {
      let obj = chunkData(c);
      if (scavengeObject(obj, g)) remember(obj, g);
      scanned = true;
    }
    mark = head;
    head = genLarge(g);
  }
  return scanned;
}

/**
 * Steps 2–3 of Note [Promoting the nursery in place] (promote.ts): scans the
 * nursery promoted in place, [p, top), relabelling each object as generation
 * g. A field into the promoted nursery costs a compare and a look at its
 * target's header (a stub is forwarded; the target is usually the object
 * allocated just before, so the look is cheap: ~5 ns an object in all, where
 * a bitmap of stubs cost ~7); only fields out of it are evacuated. Returns
 * the objects it visited, stubs included (they become fillers).
 */
function scanPromoted(p: usize, top: usize, g: i32): u32 {
  let objects: u32 = 0;
  let genBits = <u32>g << GEN_SHIFT;
  let base = promotedStart();
  let span = promotedBytes();
  while (p < top) {
    let info = infoOf(p);
    objects++;
    if (isForwarded(info)) {
      p += promotedStubSize(p, info);
      continue;
    }
    info |= genBits;
    setInfo(p, info);
    let size: usize;
    let young = false;
    if (kindOfInfo(info) == KIND_BLOCK) {
      let n = lengthOf(p);
      size = sizeFor(KIND_BLOCK, n);
      let a = payloadOf(p);
      let end = a + (<usize>n) * WORD_SIZE;
      for (; a < end; a += WORD_SIZE) {
        let v = load<u32>(a);
        if (!isPointer(v)) continue;
        let off = <usize>v - base;
        if (off < span) {
          let tinfo = infoOf(<usize>v);
          if (!isForwarded(tinfo)) continue;
          // A stub's copy may have aged in generation 0.
          let to = forwardee(tinfo);
          store<u32>(a, <u32>to);
          if (genOfInfo(infoOf(to)) < g) young = true;
          continue;
        }
        let nv = evacuateOut(v, g);
        store<u32>(a, nv);
        if (genOfInfo(infoOf(<usize>nv)) < g) young = true;
      }
    } else {
      size = objectSize(p);
      young = scavengeObject(p, g);
    }
    if (young) remember(p, g);
    p += size;
  }
  return objects;
}
