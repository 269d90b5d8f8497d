// One cycle's worth of pool traffic, the same every time it is run: the
// workload the restart tests repeat to show memory does not grow.

import type { CoreExports } from "../../src/core/exports.js";
import { Random } from "../../src/threads/random.js";

/** A deterministic generator of floats in [0, 1), so every cycle allocates alike. */
export function prng(seed: number): () => number {
  const random = new Random(seed >>> 0);
  return () => random.nextFloat();
}

export interface WorkloadFigures {
  /** Blocks the workload leaves outstanding for exit to free. */
  readonly blocks: number;
  /** Their payload bytes. */
  readonly bytes: number;
}

/**
 * Allocates, grows (moving blocks), aligns and frees about half of what it
 * made, leaving the rest for the pool's destroy. Returns what it left.
 */
export function runWorkload(core: CoreExports, seed = 1): WorkloadFigures {
  const random = prng(seed);
  const live: { p: number; size: number }[] = [];
  for (let i = 0; i < 150; i++) {
    const size = Math.floor(random() * 2000);
    live.push({ p: core.pool_alloc(size) >>> 0, size });
  }
  for (let i = 0; i < 20; i++) {
    const size = Math.floor(random() * 3000);
    live.push({ p: core.pool_alloc_aligned(size, 16 << Math.floor(random() * 8)) >>> 0, size });
  }
  const large = 200_000;
  live.push({ p: core.pool_calloc(large, 1) >>> 0, size: large });
  for (let i = 0; i < 30; i++) {
    const b = live[Math.floor(random() * 150)]!;
    b.size += 1 + Math.floor(random() * 5000);
    b.p = core.pool_resize(b.p, b.size) >>> 0;
  }
  for (let i = live.length - 1; i >= 0; i--) {
    if (random() < 0.5) {
      core.pool_free(live[i]!.p);
      live.splice(i, 1);
    }
  }
  return { blocks: live.length, bytes: live.reduce((sum, b) => sum + b.size, 0) };
}
