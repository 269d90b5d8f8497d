// Scavenging: the Cheney scan. Evacuated objects are scanned in the order
// they were copied, each generation's to-space from its own scan pointer, so
// the work list is to-space itself and nothing recurses over data: a list of
// 10^7 cells costs no more stack than a list of one. After GHC's Scav.c.
//
// invariant: in generation g, objects before (scanChunk, scanPtr) and large
// chunks from the list head to largeMark have been scavenged; those after
// have been copied but may still point into from-space.

import { evacuate, evacuateFast } from "./evacuate";
import { remember, remsetLength, remsetAt, remsetSetAt, remsetTruncate } from "../barrier";
import {
  generationCount, genFirst, genLarge, genScanChunk, genScanPtr, genSetScan, genLargeMark,
  genSetLargeMark, chunkNext, chunkData, chunkUsedEnd,
} from "./generations";
import {
  infoOf, setInfo, kindOfInfo, genOfInfo, lengthOf, payloadOf, ptrFirst, ptrCount, objectSize,
  isPointer, sizeFor, KIND_BLOCK, REMEMBERED, WORD_SIZE,
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
      if (genOfInfo(infoOf(<usize>nv)) < gen) young = true;
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
  for (;;) {
    if (c == 0) {
      c = genFirst(g);
      if (c == 0) break;
      p = chunkData(c);
    }
    // The chunk can fill up (and end move) while we scan it: re-read end.
    while (p < chunkUsedEnd(g, c)) {
      // Blocks, nearly every object, decoded once and scavenged inline.
      let info = infoOf(p);
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
      scanned = true;
    }
    let next = chunkNext(c);
    if (next == 0) break;
    c = next;
    p = chunkData(c);
  }
  genSetScan(g, c, p);
  return scanned;
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
