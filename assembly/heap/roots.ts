// The root stack: values an AssemblyScript mutator (the benchmark, test
// kernels, the allocator's own slow paths) keeps alive across an allocation.
// Any allocation may move every object, so a mutator pushes the pointers it
// still needs, allocates, and pops them back (updated).
//
//   stack ┌────────┬────────┬─────┬──────────┬──────────────┐
//         │ v 0    │ v 1    │ …   │ v depth-1│ capacity …   │   values
//         └────────┴────────┴─────┴──────────┴──────────────┘

import { VEC_BYTES, VEC_ALIGN, vecLength, vecCapacity, vecReserve, vecAt, vecGet, vecSet, vecTruncate, vecReset } from "./vec";
import { fail } from "../failure";
import { evacuate } from "./evacuate";

const stack: usize = memory.data(VEC_BYTES, VEC_ALIGN);

// Note [The root stack is inline]
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
// A mutator pushes, peeks and pops around every allocation and every call
// that may allocate (an interpreter does it several times a step), so these
// are @inline: a load of the depth, a compare, a load or store. Only the
// rare paths are calls: growing the vector, and failing on a depth the
// caller got wrong (rootsMisused, which names the function).

@inline export function rootPush(v: u32): void {
  let depth = vecLength(stack);
  if (depth == vecCapacity(stack)) vecReserve(stack, 1);
  vecSet(stack, depth, v);
  vecTruncate(stack, depth + 1);
}

@inline export function rootPop(): u32 {
  let depth = vecLength(stack);
  if (depth == 0) rootsMisused("rootPop", 0, 0);
  vecTruncate(stack, depth - 1);
  return vecGet(stack, depth - 1);
}

/** The entry `i` below the top (0: the top), without popping. */
@inline export function rootPeek(i: u32): u32 {
  let depth = vecLength(stack);
  if (i >= depth) rootsMisused("rootPeek", i, depth);
  return vecGet(stack, depth - 1 - i);
}

@inline export function rootReplace(i: u32, v: u32): void {
  let depth = vecLength(stack);
  if (i >= depth) rootsMisused("rootReplace", i, depth);
  vecSet(stack, depth - 1 - i, v);
}

/** Drops the entries above `depth` (at most the depth now). */
@inline export function rootTruncate(depth: u32): void {
  if (depth > vecLength(stack)) rootsMisused("rootTruncate", depth, vecLength(stack));
  vecTruncate(stack, depth);
}

function rootsMisused(fn: string, i: u32, depth: u32): void {
  if (fn == "rootPop") fail("rootPop: the root stack is empty");
  if (fn == "rootTruncate") fail("rootRestore: mark " + i.toString() + " is above the root stack's depth " + depth.toString() + " (restored twice, or a mark from another call?)");
  fail(fn + ": " + i.toString() + " is deeper than the root stack (" + depth.toString() + ")");
}

@inline export function rootDepth(): u32 { return vecLength(stack); }
export function rootAt(i: u32): u32 { return vecGet(stack, i); }

export function rootsEvacuate(): void {
  for (let i: u32 = 0, n = vecLength(stack); i < n; i++) {
    let a = vecAt(stack, i);
    store<u32>(a, evacuate(load<u32>(a), 0));
  }
}

export function rootsReset(): void {
  vecReset(stack);
}
