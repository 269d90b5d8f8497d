// The root stack: values an AssemblyScript mutator (the benchmark, test
// kernels, the allocator's own slow paths) keeps alive across an allocation.
// Any allocation may move every object, so a mutator pushes the pointers it
// still needs, allocates, and pops them back (updated).
//
//   stack ┌────────┬────────┬─────┬──────────┬──────────────┐
//         │ v 0    │ v 1    │ …   │ v depth-1│ capacity …   │   values
//         └────────┴────────┴─────┴──────────┴──────────────┘

import { metaResize } from "./meta";
import { fail } from "../failure";
import { evacuate } from "./evacuate";

@inline const ENTRY: usize = sizeof<u32>();
@inline const INITIAL_CAPACITY: u32 = 64;

let stack: usize = 0;
let depth: u32 = 0;
let capacity: u32 = 0;

export function rootPush(v: u32): void {
  if (depth == capacity) {
    capacity = capacity == 0 ? INITIAL_CAPACITY : capacity << 1;
    stack = metaResize(stack, <usize>capacity * ENTRY);
  }
  store<u32>(stack + <usize>depth * ENTRY, v);
  depth++;
}

export function rootPop(): u32 {
  if (depth == 0) fail("rootPop: the root stack is empty");
  depth--;
  return load<u32>(stack + <usize>depth * ENTRY);
}

/** The entry `i` below the top (0: the top), without popping. */
export function rootPeek(i: u32): u32 {
  if (i >= depth) fail("rootPeek: " + i.toString() + " is deeper than the root stack (" + depth.toString() + ")");
  return load<u32>(stack + <usize>(depth - 1 - i) * ENTRY);
}

export function rootReplace(i: u32, v: u32): void {
  if (i >= depth) fail("rootReplace: " + i.toString() + " is deeper than the root stack (" + depth.toString() + ")");
  store<u32>(stack + <usize>(depth - 1 - i) * ENTRY, v);
}

export function rootDepth(): u32 { return depth; }
export function rootAt(i: u32): u32 { return load<u32>(stack + <usize>i * ENTRY); }

export function rootsEvacuate(): void {
  for (let i: u32 = 0; i < depth; i++) {
    let a = stack + <usize>i * ENTRY;
    store<u32>(a, evacuate(load<u32>(a), 0));
  }
}

export function rootsReset(): void {
  stack = 0;
  depth = 0;
  capacity = 0;
}
