// The heap's host-facing operations, checked: each validates what the host
// passes (a handle that is live, a field that exists) and fails loudly naming
// itself, so a host bug traps instead of corrupting the heap. index.ts
// re-exports them under the wasm names; AssemblyScript mutators use alloc.ts.

import { fail, hex } from "../failure";
import { storeField } from "../barrier";
import { allocBlock, allocFloat, allocBytes, allocString, allocBlock2 } from "./alloc";
import { allocHostref } from "./hostrefs";
import { handleNew, handleIsLive, handleGet, NO_HANDLE } from "./handles";
import { rootPush, rootPop, rootPeek, rootReplace } from "./roots";
import { inNursery } from "./nursery";
import {
  infoOf, kindOfInfo, lengthOf, fieldOf, genOfInfo, isPointer, isInt, isSpecial, intValue, intOf,
  maxLengthFor, KIND_BLOCK, TAG_MAX, VALUE_NONE, VALUE_NULL, tagOfInfo,
} from "./layout";

// The checks of Block.get/set's core calls are inline and their messages
// out of line, as the MVar operations' are (Note [The hot path is inline],
// mvar/mvar.ts): a CPU profile of host/get-set's int set (issue 18) had
// the calls to liveBlock and checkedField at a fifth of the time.

/** The block in handle `slot`, or a trap naming `fn` and what is wrong with the handle. */
@inline function liveBlock(fn: string, slot: u32): usize {
  // A free slot holds no pointer, so one test rejects it and an object of another kind alike.
  let v = handleIsLive(slot) ? handleGet(slot) : VALUE_NONE;
  if (!isPointer(v) || kindOfInfo(infoOf(<usize>v)) != KIND_BLOCK) badBlockHandle(fn, slot);
  return <usize>v;
}

/** liveBlock's cold path: the trap, saying which rule the handle broke. */
function badBlockHandle(fn: string, slot: u32): void {
  if (!handleIsLive(slot)) fail(fn + ": " + slot.toString() + " is not a live handle");
  fail(fn + ": handle " + slot.toString() + " does not hold a block (" + hex(handleGet(slot)) + ")");
}

@inline function checkedField(fn: string, obj: usize, i: u32): void {
  if (i >= lengthOf(obj)) badField(fn, obj, i);
}

/** checkedField's cold path. */
function badField(fn: string, obj: usize, i: u32): void {
  fail(fn + ": field " + i.toString() + " is out of range for a block of " + lengthOf(obj).toString());
}

/** The trap of a value check (heap_set's, the MVar puts'): `v` is no value. */
export function badValue(fn: string, v: u32): void {
  fail(fn + ": " + hex(v) + " is not a value");
}

/** A new block of n null fields, in a new handle; NO_HANDLE when out of heap. */
export function blockNew(tag: u32, n: u32): u32 {
  if (tag > TAG_MAX) fail("heap_block_new: tag " + tag.toString() + " exceeds " + TAG_MAX.toString());
  if (n > maxLengthFor(KIND_BLOCK)) fail("heap_block_new: " + n.toString() + " fields is more than a block can hold");
  let p = allocBlock(tag, n);
  return p == 0 ? NO_HANDLE : handleNew(<u32>p);
}

export function blockGet(slot: u32, i: u32): u32 {
  let obj = liveBlock("heap_get", slot);
  checkedField("heap_get", obj, i);
  return fieldOf(obj, i);
}

/** Stores `v` (a value valid now: nothing allocates between its making and this call). */
export function blockSet(slot: u32, i: u32, v: u32): void {
  let obj = liveBlock("heap_set", slot);
  checkedField("heap_set", obj, i);
  if (v == 0 || !(isPointer(v) || isInt(v) || isSpecial(v))) badValue("heap_set", v);
  storeField(obj, i, v);
}

/**
 * Block.set of a string that must be copied: a new string of n code units
 * (content unset) stored in field i; its address, which the host fills before
 * any other core call (a string holds no pointers, so no collection can read
 * it unset), or 0 when out of heap. One call instead of heap_string_new then
 * heap_set. The field is checked first, so a bad index allocates nothing.
 */
export function blockSetNewString(slot: u32, i: u32, n: u32): u32 {
  checkedField("heap_set_new_string", liveBlock("heap_set_new_string", slot), i);
  let p = allocString(n);
  // The allocation may have collected, and the block moved: ask the handle again.
  if (p != 0) storeField(liveBlock("heap_set_new_string", slot), i, <u32>p);
  return <u32>p;
}

export function blockLength(slot: u32): u32 { return lengthOf(liveBlock("heap_block_length", slot)); }
export function blockTag(slot: u32): u32 { return tagOfInfo(infoOf(liveBlock("heap_block_tag", slot))); }

export function floatNew(x: f64): u32 { return <u32>allocFloat(x); }
export function bytesNew(n: u32): u32 { return <u32>allocBytes(n); }
export function stringNew(n: u32): u32 { return <u32>allocString(n); }
export function hostrefNew(index: u32): u32 { return <u32>allocHostref(index); }

/** Generation of an object; -1 for the nursery (generation 0's allocation area). */
export function generationOf(obj: usize): i32 {
  return inNursery(obj) ? -1 : genOfInfo(infoOf(obj));
}

// ── test kernels (test/heap-*.test.ts): long structures without 10^7 host calls ──

/** Builds the list 0, 1, …, n-1 of two-field cells (tag 1) inside the core; its handle. */
export function testBuildList(n: u32): u32 {
  rootPush(VALUE_NULL);
  for (let i = <i32>n - 1; i >= 0; i--) {
    let cell = allocBlock2(1, intValue(i), rootPeek(0));
    if (cell == 0) {
      rootPop();
      return NO_HANDLE;
    }
    rootReplace(0, <u32>cell);
  }
  return handleNew(rootPop());
}

/** Walks a list built by testBuildList: its length if cell k holds k throughout, else -1 - k. */
export function testCheckList(slot: u32): f64 {
  let v = handleGet(slot);
  let k: i32 = 0;
  while (v != VALUE_NULL) {
    if (!isPointer(v) || kindOfInfo(infoOf(<usize>v)) != KIND_BLOCK || lengthOf(<usize>v) != 2) return <f64>(-1 - k);
    let head = fieldOf(<usize>v, 0);
    if (!isInt(head) || intOf(head) != k) return <f64>(-1 - k);
    v = fieldOf(<usize>v, 1);
    k++;
  }
  return <f64>k;
}
