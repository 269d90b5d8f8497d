// Helpers for the heap tests: where a block lives, read through the core.

import type { Block } from "../src/index.js";
import { handleSlot } from "../src/heap/handles.js";
import { withCore, type Runtime } from "../src/runtime.js";

/** The block's address now (it changes when the collector moves it). */
export function addressOf(rt: Runtime, block: Block): number {
  const slot = handleSlot(block, "test");
  return withCore(rt, "test", (core) => core.handle_get(slot) >>> 0);
}

/** -1 while the block is in the nursery, else its generation. */
export function generationOf(rt: Runtime, block: Block): number {
  const slot = handleSlot(block, "test");
  return withCore(rt, "test", (core) => core.heap_generation_of(core.handle_get(slot)));
}

/** Objects per generation, from stats(). */
export function objectsPerGeneration(rt: Runtime): number[] {
  return rt.stats().heap.generations.map((g) => g.objects);
}

/** Remembered-set sizes per generation, from stats(). */
export function rememberedSets(rt: Runtime): number[] {
  return rt.stats().heap.generations.map((g) => g.rememberedSet);
}

/** A list of n cells {i, next}, head last allocated; one handle on its head. */
export function cellList(rt: Runtime, n: number): Block {
  return rt.scope(() => {
    let head: Block | null = null;
    for (let i = 0; i < n; i++) head = rt.block(0, [i, head]);
    return head!;
  });
}

/** The values of a cellList, walked from its head (the head's handle is kept). */
export function cellValues(head: Block): number[] {
  const out: number[] = [];
  let cell: Block | null = head;
  while (cell !== null) {
    out.push(cell.get(0) as number);
    const next = cell.get(1) as Block | null;
    if (cell !== head) cell.free();
    cell = next;
  }
  return out;
}
