// Benchmark kernels for the GC heap: mutators written in AssemblyScript that
// allocate on the heap through heap/alloc.ts exactly as a compiled language
// would, so a row times the heap and not the JS→wasm boundary. Used by
// bench/rows/heap.ts only; nothing in the runtime calls them.
//
//   binary-trees   the Benchmarks Game program on heap blocks {left, right}
//   nursery        n two-field blocks, garbage at once, the heap pointer held
//                  in a local (Note [Hp in a local], heap/nursery.ts); its
//                  peer, the same header and fields bump-written into a
//                  buffer of the nursery's size
//   survival       a mutator of which a fixed share of the allocation stays
//                  live for one nursery's worth of allocation, run one minor
//                  collection at a time so the host can read each pause
//
// binary-trees and nursery allocate as compiled code would: the nursery's Hp
// in a local, taken once per run with nurseryHp and handed back at the end
// and on every failed heap check (hpRefill, which may collect). survival
// allocates through allocBlock2, the path the host's exports take.
//
// A tree node is a block of two fields, tag TREE_TAG:
//
//   ┌──────────────┬─────────────┬──────────────┬──────────────┐
//   │ info (tag 2) │ length = 2  │ left: value  │ right: value │   16 bytes
//   └──────────────┴─────────────┴──────────────┴──────────────┘
//   A leaf has null in both fields; an inner node has two node pointers.
//
// Note [Recursion over tree depth]
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
// The runtime never recurses over data (Cheney scans, explicit work lists).
// bottomUpTree and itemCheck recurse, as the Benchmarks Game's programs do and
// as the two peers (bench/peers/binary-trees-js.ts,
// bench/asm/binary-trees-managed.ts) do, so the three run the same algorithm.
// The recursion is over the tree's depth, which the kernel bounds by
// TREE_DEPTH_MAX (20 frames), not over its size.
//
// Note [Pointers across a collection]
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
// Every allocation may collect, and a collection moves every live object and
// knows only the roots (handles, the root stack). So a pointer this code still
// needs after an allocation is pushed on the root stack before it and popped
// (updated) after; allocBlock2 does that itself for its own two arguments, and
// nodeSlow for a node's. In bottomUpTree the left subtree waits on the root
// stack while the right one is built; the long-lived tree waits there through
// the whole run; the survival window is a handle, re-read after every
// allocation.
//
// Note [Hp through the recursion]
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
// binary-trees holds the nursery's Hp in a local for the whole run (Note [Hp
// in a local], heap/nursery.ts), and bottomUpTree recurses: so Hp is threaded
// through it, an argument in and the result out, as GHC passes Hp in a
// register across calls. A function returns one value, and the tree it built
// is then known without a second one: the root is allocated after both
// subtrees, so it is the last object below the returned Hp (lastNode). That
// holds across a collection too: a refill hands back the node's own address.

import { allocBlock, allocBlock2, getField, setField, initBlock2, hpRefill, BLOCK2_BYTES } from "./heap/alloc";
import { rootPush, rootPop } from "./heap/roots";
import { handleNew, handleGet, handleIsLive } from "./heap/handles";
import { collectionCount } from "./heap/collect";
import { bytesCopied } from "./heap/evacuate";
import { nurserySize, nurseryUsed, nurseryExists, nurseryHp, nurserySetHp, hpCheck } from "./heap/nursery";
import { fail } from "./failure";
import { intValue, makeInfo, setInfo, setLength, setFieldRaw, KIND_BLOCK, VALUE_NULL } from "./heap/layout";

// ── binary-trees ──────────────────────────────────────────────────────────────

/** Tag of a tree node (any tag works; a distinct one makes heap dumps readable). */
@inline const TREE_TAG: u32 = 2;
/** The Benchmarks Game's shallowest tree of the iteration phase. */
@inline export const TREE_MIN_DEPTH: i32 = 4;
/** Deepest tree the kernel builds (the stretch tree, n + 1): see Note [Recursion over tree depth]. */
@inline export const TREE_DEPTH_MAX: i32 = 20;
@inline const CHECK_SIZE: usize = sizeof<u32>();

@inline function setCheck(out: usize, line: i32, check: u32): void {
  store<u32>(out + <usize>line * CHECK_SIZE, check);
}

/** The node a tree builder made last, below its returned Hp: Note [Hp through the recursion]. */
@inline function lastNode(hp: usize): u32 { return <u32>(hp - BLOCK2_BYTES); }

/** Node {left, right} at the mutator's hp; returns the new hp. */
@inline function node(hp: usize, left: u32, right: u32): usize {
  if (!hpCheck(hp, BLOCK2_BYTES)) return nodeSlow(hp, left, right);
  initBlock2(hp, TREE_TAG, left, right);
  return hp + BLOCK2_BYTES;
}

/** The nursery is full: refill (may collect) with both subtrees on the root stack. */
function nodeSlow(hp: usize, left: u32, right: u32): usize {
  rootPush(left);
  rootPush(right);
  hp = hpRefill(hp, BLOCK2_BYTES);
  right = rootPop();
  left = rootPop();
  if (hp == 0) fail("bench_binary_trees: out of heap (maxHeap) while building a tree");
  initBlock2(hp, TREE_TAG, left, right);
  return hp + BLOCK2_BYTES;
}

/**
 * A complete tree of the given depth, built from `hp`; returns the new hp,
 * the tree is lastNode of it. See Notes [Pointers across a collection] and
 * [Hp through the recursion].
 */
function bottomUpTree(depth: i32, hp: usize): usize {
  if (depth <= 0) return node(hp, VALUE_NULL, VALUE_NULL);
  hp = bottomUpTree(depth - 1, hp);
  rootPush(lastNode(hp));
  hp = bottomUpTree(depth - 1, hp);
  let right = lastNode(hp);
  return node(hp, rootPop(), right);
}

/** Nodes in the tree; allocates nothing, so no pointer needs a root. */
function itemCheck(tree: u32): u32 {
  let left = getField(tree, 0);
  if (left == VALUE_NULL) return 1;
  return 1 + itemCheck(left) + itemCheck(getField(tree, 1));
}

/** Checks the program writes for maximum depth n: stretch, one per iteration depth, long-lived. */
export function binaryTreesLines(n: i32): i32 {
  let maxDepth = max(TREE_MIN_DEPTH + 2, n);
  return 2 + (maxDepth - TREE_MIN_DEPTH) / 2 + 1;
}

/**
 * The Benchmarks Game's binary-trees for maximum depth n: a stretch tree of
 * depth n + 1, then a long-lived tree of depth n kept alive while, for each
 * depth d = 4, 6, …, n, 2^(n - d + 4) short-lived trees are built and checked;
 * then the long-lived tree is checked. Writes each line's check (node count)
 * to `out` as u32, in that order (binaryTreesLines(n) of them), and returns
 * their sum.
 */
export function benchBinaryTrees(n: i32, out: usize): f64 {
  let maxDepth = max(TREE_MIN_DEPTH + 2, n);
  if (n < 0 || maxDepth + 1 > TREE_DEPTH_MAX) {
    fail("bench_binary_trees: depth " + n.toString() + " is outside 0.." + (TREE_DEPTH_MAX - 1).toString());
  }
  let line = 0;
  let total: f64 = 0;
  // Held to the end: the checks only read fields, and `out` is not nursery.
  let hp = nurseryHp();

  hp = bottomUpTree(maxDepth + 1, hp);
  let stretch = itemCheck(lastNode(hp));
  setCheck(out, line++, stretch);
  total += <f64>stretch;

  hp = bottomUpTree(maxDepth, hp);
  rootPush(lastNode(hp)); // the long-lived tree, live to the end
  for (let d = TREE_MIN_DEPTH; d <= maxDepth; d += 2) {
    let iterations = 1 << (maxDepth - d + TREE_MIN_DEPTH);
    let check: u32 = 0;
    for (let i = 0; i < iterations; i++) {
      hp = bottomUpTree(d, hp);
      check += itemCheck(lastNode(hp));
    }
    setCheck(out, line++, check);
    total += <f64>check;
  }
  nurserySetHp(hp);
  let longLived = itemCheck(rootPop());
  setCheck(out, line, longLived);
  total += <f64>longLived;
  return total;
}

// ── nursery allocation rate ───────────────────────────────────────────────────

/** Tag of the garbage blocks; the same in the heap's and the raw loop's headers. */
@inline const GARBAGE_TAG: u32 = 3;

/**
 * n blocks {i, null} allocated with the nursery's Hp in a local (Note [Hp in
 * a local]), each garbage as soon as the next is made; the nursery fills and
 * is collected (cheaply: nothing survives) as often as n requires. Returns
 * the xor of the addresses.
 */
export function benchNurseryAlloc(n: u32): u32 {
  let seen: u32 = 0;
  let hp = nurseryHp();
  for (let i: u32 = 0; i < n; i++) {
    if (!hpCheck(hp, BLOCK2_BYTES)) {
      // The fields are immediates: no pointer to keep across the collection.
      hp = hpRefill(hp, BLOCK2_BYTES);
      if (hp == 0) fail("bench_nursery_alloc: out of heap (maxHeap)");
    }
    let p = hp;
    hp += BLOCK2_BYTES;
    initBlock2(p, GARBAGE_TAG, intValue(<i32>i), VALUE_NULL);
    seen ^= <u32>p;
  }
  nurserySetHp(hp);
  return seen;
}

/**
 * The peer of benchNurseryAlloc: the same n headers and fields written by a
 * bare bump pointer into [buffer, buffer + bytes), which starts over when full
 * (a free "collection"). The floor any nursery allocator can reach.
 */
export function benchBumpAlloc(buffer: usize, bytes: usize, n: u32): u32 {
  if (bytes < BLOCK2_BYTES) fail("bench_bump_alloc: a buffer of " + bytes.toString() + " bytes holds no block");
  let info = makeInfo(KIND_BLOCK, 0, GARBAGE_TAG);
  let hp = buffer;
  let limit = buffer + bytes;
  let seen: u32 = 0;
  for (let i: u32 = 0; i < n; i++) {
    let next = hp + BLOCK2_BYTES;
    if (next > limit) {
      hp = buffer;
      next = hp + BLOCK2_BYTES;
    }
    let p = hp;
    hp = next;
    setInfo(p, info);
    setLength(p, 2);
    setFieldRaw(p, 0, intValue(<i32>i));
    setFieldRaw(p, 1, VALUE_NULL);
    seen ^= <u32>p;
  }
  return seen;
}

/** Blocks that fit in the free part of the nursery now (0 before it exists). */
export function benchNurseryRoom(): u32 {
  if (!nurseryExists()) return 0;
  return <u32>((nurserySize() - nurseryUsed()) / BLOCK2_BYTES);
}

// ── survival: one minor collection at a time ──────────────────────────────────

/** Tags of the survival workload's window and its objects. */
@inline const WINDOW_TAG: u32 = 4;
@inline const SURVIVOR_TAG: u32 = 5;

/** Next window slot to overwrite, and how often an object is kept. */
let windowCursor: u32 = 0;
let windowSlots: u32 = 0;
let keepEvery: u32 = 0;
let allocated: u32 = 0;

/**
 * Sets up the survival workload: every `every`-th two-field block is stored
 * into a window of `slots` fields, overwriting the oldest, so it stays live
 * until `slots × every` more blocks have been made. Returns the window's
 * handle (the host frees it).
 */
export function benchSurvivalSetup(slots: u32, every: u32): u32 {
  if (slots == 0 || every == 0) fail("bench_survival_setup: slots and every must be ≥ 1, got " + slots.toString() + " and " + every.toString());
  let window = allocBlock(WINDOW_TAG, slots);
  if (window == 0) fail("bench_survival_setup: out of heap (maxHeap)");
  windowCursor = 0;
  windowSlots = slots;
  keepEvery = every;
  allocated = 0;
  return handleNew(<u32>window);
}

/**
 * Runs the survival mutator until the next collection has happened (the
 * allocation that found the nursery full), and returns the blocks it made.
 * The host then reads that collection's pause (gc_pause_last). See Note
 * [Pointers across a collection]: the window is re-read from its handle.
 */
export function benchSurvivalUntilCollection(window: u32): u32 {
  if (windowSlots == 0) fail("bench_survival_until_collection: call bench_survival_setup first");
  if (!handleIsLive(window)) fail("bench_survival_until_collection: " + window.toString() + " is not a live handle; pass bench_survival_setup's");
  let before = collectionCount();
  let made: u32 = 0;
  while (collectionCount() == before) {
    let p = allocBlock2(SURVIVOR_TAG, intValue(<i32>made), VALUE_NULL);
    if (p == 0) fail("bench_survival_until_collection: out of heap (maxHeap)");
    made++;
    allocated++;
    if (allocated % keepEvery == 0) {
      setField(<usize>handleGet(window), windowCursor, <u32>p);
      windowCursor = windowCursor + 1 == windowSlots ? 0 : windowCursor + 1;
    }
  }
  return made;
}

/** Bytes the last collection copied: its survivors (the survival workload checks its share). */
export function benchLastCopied(): u32 { return <u32>bytesCopied(); }
