// Benchmark kernels for the GC heap, as a plugin (docs/plugins.md): mutators
// written against the public API (assembly/api.ts) and nothing else, so a
// row times the heap as a plugin author's program drives it, and the API is
// held to the speed of the core's own code. Built by scripts/build-plugins.mjs
// into build/bench/heap-kernels.wasm; loaded by bench/rows/ and two tests.
//
//   binaryTrees   the Benchmarks Game program on heap blocks {left, right}
//   nurseryAlloc  n two-field blocks, garbage at once, the heap pointer held
//                 in a local (the API's fast form: takeHp … giveHp)
//   bumpAlloc     its peer: the same header and fields bump-written into a
//                 buffer of the nursery's size
//   survival*     a mutator of which a fixed share of the allocation stays
//                 live for one nursery's worth of allocation, run one minor
//                 collection at a time so the host can read each pause
//
// binaryTrees and nurseryAlloc allocate as compiled code would: the nursery's
// Hp in a local, taken once per run (takeHp) and handed back at the end
// (giveHp) and by every refill (refillHp, which may collect). survival
// allocates through newBlock2, the simple form.
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
// knows only the roots (handles, the root stack): Note [Rooting in a mutator]
// in assembly/api.ts. So a pointer this code still needs after an allocation
// is pushed on the root stack before it and popped (updated) after; newBlock2
// does that itself for its own two arguments, and nodeSlow for a node's. In
// bottomUpTree the left subtree waits on the root stack while the right one
// is built; the long-lived tree waits there through the whole run; the
// survival window is a handle, re-read after every allocation.
//
// Note [Hp through the recursion]
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
// binaryTrees holds the nursery's Hp in a local for the whole run (Note [Hp
// in a local], assembly/heap/nursery.ts), and bottomUpTree recurses: so Hp is
// threaded through it, an argument in and the result out, as GHC passes Hp in
// a register across calls. A function returns one value, and the tree it
// built is then known without a second one: the root is allocated after both
// subtrees, so it is the last object below the returned Hp (lastNode). That
// holds across a collection too: a refill hands back the node's own address.

export * from "../../assembly/index";
import {
  Value, Handle, NULL, BLOCK2_SIZE, fromInt, takeHp, giveHp, hasRoom, refillHp, initBlock2At, field, setField,
  push, pop, newBlock, newBlock2, handleNew, handleGet, collections, lastSurvivorBytes,
} from "../../assembly/api";

// ── binary-trees ──────────────────────────────────────────────────────────────

/** Tag of a tree node (any tag works; a distinct one makes heap dumps readable). */
@inline const TREE_TAG: u32 = 2;
/** The Benchmarks Game's shallowest tree of the iteration phase. */
@inline const TREE_MIN_DEPTH: i32 = 4;
/** Deepest tree the kernel builds (the stretch tree, n + 1): see Note [Recursion over tree depth]. */
@inline const TREE_DEPTH_MAX: i32 = 20;
@inline const CHECK_SIZE: usize = sizeof<u32>();

@inline function setCheck(out: usize, line: i32, check: u32): void {
  store<u32>(out + <usize>line * CHECK_SIZE, check);
}

/** The node a tree builder made last, below its returned Hp: Note [Hp through the recursion]. */
@inline function lastNode(hp: usize): Value { return <Value>(hp - BLOCK2_SIZE); }

/** Node {left, right} at the mutator's hp; returns the new hp. */
@inline function node(hp: usize, left: Value, right: Value): usize {
  if (!hasRoom(hp, BLOCK2_SIZE)) return nodeSlow(hp, left, right);
  initBlock2At(hp, TREE_TAG, left, right);
  return hp + BLOCK2_SIZE;
}

/** The nursery is full: refill (may collect) with both subtrees on the root stack. */
function nodeSlow(hp: usize, left: Value, right: Value): usize {
  push(left);
  push(right);
  hp = refillHp(hp, BLOCK2_SIZE);
  right = pop();
  left = pop();
  if (hp == 0) abort("binaryTrees: out of heap (maxHeap) while building a tree");
  initBlock2At(hp, TREE_TAG, left, right);
  return hp + BLOCK2_SIZE;
}

/**
 * A complete tree of the given depth, built from `hp`; returns the new hp,
 * the tree is lastNode of it. See Notes [Pointers across a collection] and
 * [Hp through the recursion].
 */
function bottomUpTree(depth: i32, hp: usize): usize {
  if (depth <= 0) return node(hp, NULL, NULL);
  hp = bottomUpTree(depth - 1, hp);
  push(lastNode(hp));
  hp = bottomUpTree(depth - 1, hp);
  let right = lastNode(hp);
  return node(hp, pop(), right);
}

/** Nodes in the tree; allocates nothing, so no pointer needs a root. */
function itemCheck(tree: Value): u32 {
  let left = field(tree, 0);
  if (left == NULL) return 1;
  return 1 + itemCheck(left) + itemCheck(field(tree, 1));
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
export function binaryTrees(n: i32, out: usize): f64 {
  let maxDepth = max(TREE_MIN_DEPTH + 2, n);
  if (n < 0 || maxDepth + 1 > TREE_DEPTH_MAX) {
    abort("binaryTrees: depth " + n.toString() + " is outside 0.." + (TREE_DEPTH_MAX - 1).toString());
  }
  let line = 0;
  let total: f64 = 0;
  // Held to the end: the checks only read fields, and `out` is not nursery.
  let hp = takeHp();

  hp = bottomUpTree(maxDepth + 1, hp);
  let stretch = itemCheck(lastNode(hp));
  setCheck(out, line++, stretch);
  total += <f64>stretch;

  hp = bottomUpTree(maxDepth, hp);
  push(lastNode(hp)); // the long-lived tree, live to the end
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
  giveHp(hp);
  let longLived = itemCheck(pop());
  setCheck(out, line, longLived);
  total += <f64>longLived;
  return total;
}

// ── nursery allocation rate ───────────────────────────────────────────────────

/** Tag of the garbage blocks; the same in the heap's and the raw loop's headers. */
@inline const GARBAGE_TAG: u32 = 3;

/**
 * n blocks {i, null} allocated with the nursery's Hp in a local, each garbage
 * as soon as the next is made; the nursery fills and is collected (cheaply:
 * nothing survives) as often as n requires. Returns the xor of the addresses.
 */
export function nurseryAlloc(n: u32): u32 {
  let seen: u32 = 0;
  let hp = takeHp();
  for (let i: u32 = 0; i < n; i++) {
    if (!hasRoom(hp, BLOCK2_SIZE)) {
      // The fields are immediates: no pointer to keep across the collection.
      hp = refillHp(hp, BLOCK2_SIZE);
      if (hp == 0) abort("nurseryAlloc: out of heap (maxHeap)");
    }
    let p = hp;
    hp += BLOCK2_SIZE;
    initBlock2At(p, GARBAGE_TAG, fromInt(<i32>i), NULL);
    seen ^= <u32>p;
  }
  giveHp(hp);
  return seen;
}

/**
 * The peer of nurseryAlloc: the same n headers and fields written by a bare
 * bump pointer into [buffer, buffer + bytes), which starts over when full (a
 * free "collection"). The floor any nursery allocator can reach.
 */
export function bumpAlloc(buffer: usize, bytes: usize, n: u32): u32 {
  if (bytes < BLOCK2_SIZE) abort("bumpAlloc: a buffer of " + bytes.toString() + " bytes holds no block");
  let hp = buffer;
  let limit = buffer + bytes;
  let seen: u32 = 0;
  for (let i: u32 = 0; i < n; i++) {
    let next = hp + BLOCK2_SIZE;
    if (next > limit) {
      hp = buffer;
      next = hp + BLOCK2_SIZE;
    }
    let p = hp;
    hp = next;
    initBlock2At(p, GARBAGE_TAG, fromInt(<i32>i), NULL);
    seen ^= <u32>p;
  }
  return seen;
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
export function survivalSetup(slots: u32, every: u32): Handle {
  if (slots == 0 || every == 0) abort("survivalSetup: slots and every must be ≥ 1, got " + slots.toString() + " and " + every.toString());
  let window = newBlock(WINDOW_TAG, slots);
  windowCursor = 0;
  windowSlots = slots;
  keepEvery = every;
  allocated = 0;
  return handleNew(window);
}

/**
 * Runs the survival mutator until the next collection has happened (the
 * allocation that found the nursery full), and returns the blocks it made.
 * The host then reads that collection's pause (gc_pause_last). See Note
 * [Pointers across a collection]: the window is re-read from its handle.
 */
export function survivalUntilCollection(window: Handle): u32 {
  if (windowSlots == 0) abort("survivalUntilCollection: call survivalSetup first");
  let before = collections();
  let made: u32 = 0;
  while (collections() == before) {
    let p = newBlock2(SURVIVOR_TAG, fromInt(<i32>made), NULL);
    made++;
    allocated++;
    if (allocated % keepEvery == 0) {
      setField(handleGet(window), windowCursor, p);
      windowCursor = windowCursor + 1 == windowSlots ? 0 : windowCursor + 1;
    }
  }
  return made;
}

/** Bytes the last collection kept: its survivors (the survival workload checks its share). */
export function lastCopied(): u32 { return <u32>lastSurvivorBytes(); }
