// Writing and checking byte patterns in pool blocks, from the host side.
// A view over memory.buffer goes stale when the core grows its memory, so each
// helper makes a fresh one per call.

import type { CoreExports } from "../../src/core/exports.js";

/** The byte a block filled with `seed` holds at offset `i`. */
export function patternByte(seed: number, i: number): number {
  return (seed * 131 + i * 7 + (i >>> 8)) & 0xff;
}

/** Fills `size` bytes at `payload` with the pattern of `seed`. */
export function fillPattern(core: CoreExports, payload: number, size: number, seed: number): void {
  const bytes = new Uint8Array(core.memory.buffer, payload >>> 0, size);
  for (let i = 0; i < size; i++) bytes[i] = patternByte(seed, i);
}

/**
 * Offset of the first of the first `size` bytes at `payload` that differs from
 * the pattern of `seed`, or -1 when all of them match.
 */
export function patternMismatch(core: CoreExports, payload: number, size: number, seed: number): number {
  const bytes = new Uint8Array(core.memory.buffer, payload >>> 0, size);
  for (let i = 0; i < size; i++) if (bytes[i] !== patternByte(seed, i)) return i;
  return -1;
}

/** Copies `bytes` to `at` in the core's memory. */
export function writeBytes(core: CoreExports, at: number, bytes: Uint8Array): void {
  new Uint8Array(core.memory.buffer, at >>> 0, bytes.length).set(bytes);
}

/** A copy of `length` bytes at `at` in the core's memory. */
export function readBytes(core: CoreExports, at: number, length: number): Uint8Array {
  return new Uint8Array(core.memory.buffer, at >>> 0, length).slice();
}
