// The root stack: values an AssemblyScript mutator (the benchmark, test
// kernels, the allocator's own slow paths) keeps alive across an allocation.
// Any allocation may move every object, so a mutator pushes the pointers it
// still needs, allocates, and pops them back (updated).
//
//   stack ┌────────┬────────┬─────┬──────────┬──────────────┐
//         │ v 0    │ v 1    │ …   │ v depth-1│ capacity …   │   values
//         └────────┴────────┴─────┴──────────┴──────────────┘

import { VEC_BYTES, VEC_ALIGN, vecLength, vecAt, vecGet, vecSet, vecPush, vecTruncate, vecReset } from "./vec";
import { fail } from "../failure";
import { evacuate } from "./evacuate";

const stack: usize = memory.data(VEC_BYTES, VEC_ALIGN);

export function rootPush(v: u32): void {
  vecPush(stack, v);
}

export function rootPop(): u32 {
  let depth = vecLength(stack);
  if (depth == 0) fail("rootPop: the root stack is empty");
  vecTruncate(stack, depth - 1);
  return vecGet(stack, depth - 1);
}

/** The entry `i` below the top (0: the top), without popping. */
export function rootPeek(i: u32): u32 {
  let depth = vecLength(stack);
  if (i >= depth) fail("rootPeek: " + i.toString() + " is deeper than the root stack (" + depth.toString() + ")");
  return vecGet(stack, depth - 1 - i);
}

export function rootReplace(i: u32, v: u32): void {
  let depth = vecLength(stack);
  if (i >= depth) fail("rootReplace: " + i.toString() + " is deeper than the root stack (" + depth.toString() + ")");
  vecSet(stack, depth - 1 - i, v);
}

export function rootDepth(): u32 { return vecLength(stack); }

/** Drops the entries above `depth` (a mutator's mark, or where a call into the runtime began). */
export function rootTruncate(depth: u32): void {
  if (depth > vecLength(stack)) fail("rootTruncate: " + depth.toString() + " is above the root stack's depth (" + vecLength(stack).toString() + ")");
  vecTruncate(stack, depth);
}
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
