// Pool churn: seeded random alloc / calloc / alloc_aligned / resize / free on
// the allocator ring, 1 B to 1 MiB, mostly small, with many blocks still
// outstanding at exit for the pool's destroy walk to reclaim.
//
// Note [Pattern verification]
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~
// Every block carries a pattern derived from a per-block tag and the byte
// offset, so any byte can be checked without keeping a copy. A small block is
// patterned and checked in full; a large one at its first and last
// EDGE_BYTES bytes and at PROBES offsets spread evenly in between. Allocator
// bugs that overlap two blocks, misplace a header or lose data on a move show
// up at block edges first, and the cost stays O(1) per block instead of
// touching every page of a 1 MiB block (first touch of a page costs ~2 µs).
// A block is checked before it is freed, after it is resized (the common
// prefix must survive the move), and all live blocks are checked once more at
// the end of the cycle, after every later allocation had its chance to
// overwrite them. calloc'd blocks are checked for zeros before patterning.

import type { CoreExports } from "../../core/exports.js";
import type { Random } from "../../threads/random.js";
import { withCore } from "../../runtime.js";
import type { Workload, WorkloadContext, WorkloadOutcome } from "../workload.js";

/** Operations per cycle. */
const OPERATIONS = 160;
/** Largest block: 1 MiB. */
const LOG2_MAX_SIZE = 20;
/**
 * Skew of the size distribution: the size's log2 is LOG2_MAX_SIZE × u^SIZE_SKEW
 * for u uniform in [0, 1), so about 80% of blocks are under 1 KiB, 7% over
 * 64 KiB and 1.7% over 512 KiB.
 */
const SIZE_SKEW = 3;
/** Blocks up to this size are patterned and checked in full. */
const FULL_CHECK_BYTES = 64;
/** Bytes checked at each end of a larger block. */
const EDGE_BYTES = 16;
/** Offsets checked in the interior of a larger block. */
const PROBES = 8;
/** Alignments alloc_aligned is asked for: 16 B to 4 KiB. */
const ALIGNMENTS = [16, 32, 64, 256, 1024, 4096] as const;
/** calloc splits a size into n × elementSize with one of these element sizes. */
const ELEMENT_SIZES = [1, 2, 4, 8, 16, 24] as const;
/** Odd multiplier spreading the offset over the pattern byte (Knuth's). */
const PATTERN_MULTIPLIER = 0x9e3779b1;

/** The operations, as indexes into OPERATION_WEIGHTS. */
const Operation = { Alloc: 0, Calloc: 1, AllocAligned: 2, Resize: 3, Free: 4 } as const;
/** Relative weights of the operations, indexed by `Operation`. */
const OPERATION_WEIGHTS = [30, 10, 5, 20, 35];

/** A block the workload holds: where it is, how big, and its pattern's tag. */
interface Block {
  ptr: number;
  size: number;
  tag: number;
  /** Aligned blocks cannot be resized (the core refuses); they are freed instead. */
  aligned: boolean;
}

/** The pattern byte at `offset` of a block tagged `tag`. */
function patternByte(tag: number, offset: number): number {
  return ((tag + Math.imul(offset, PATTERN_MULTIPLIER)) >>> 24) & 0xff;
}

/** A block size from 1 B to 1 MiB, mostly small. */
function blockSize(random: Random): number {
  const log2 = LOG2_MAX_SIZE * random.nextFloat() ** SIZE_SKEW;
  return Math.max(1, Math.min(1 << LOG2_MAX_SIZE, Math.floor(2 ** log2)));
}

/**
 * The offsets of a block that carry its pattern; See Note [Pattern
 * verification]. Calls `visit` on each, stopping early when it returns false.
 */
function forEachPatternOffset(size: number, visit: (offset: number) => boolean): boolean {
  if (size <= FULL_CHECK_BYTES) {
    for (let o = 0; o < size; o++) if (!visit(o)) return false;
    return true;
  }
  for (let o = 0; o < EDGE_BYTES; o++) if (!visit(o)) return false;
  const interior = size - 2 * EDGE_BYTES;
  for (let i = 0; i < PROBES; i++) {
    if (!visit(EDGE_BYTES + Math.floor((interior * i) / PROBES))) return false;
  }
  for (let o = size - EDGE_BYTES; o < size; o++) if (!visit(o)) return false;
  return true;
}

/** One cycle's state: the live blocks and a view of memory that follows growth. */
class Churn {
  readonly #core: CoreExports;
  readonly #random: Random;
  #bytes: Uint8Array;
  readonly live: Block[] = [];
  /** What the pool held before the workload began (the heap's nursery, for one): not ours to count. */
  readonly #baseBlocks: number;
  readonly #baseBytes: number;
  operations = 0;
  verifications = 0;
  violation: string | undefined;

  constructor(core: CoreExports, random: Random) {
    this.#core = core;
    this.#random = random;
    this.#bytes = new Uint8Array(core.memory.buffer);
    this.#baseBlocks = core.pool_blocks();
    this.#baseBytes = core.pool_bytes();
  }

  /** The memory as bytes; growth detaches the old buffer, so re-check each time. */
  #view(): Uint8Array {
    const buffer = this.#core.memory.buffer;
    if (this.#bytes.buffer !== buffer) this.#bytes = new Uint8Array(buffer);
    return this.#bytes;
  }

  #fail(message: string): void {
    this.violation ??= message;
  }

  #write(block: Block): void {
    const bytes = this.#view();
    forEachPatternOffset(block.size, (o) => {
      bytes[block.ptr + o] = patternByte(block.tag, o);
      return true;
    });
  }

  /** Checks the pattern of `block` at offsets below `upTo`; `what` names the moment. */
  #check(block: Block, upTo: number, what: string): boolean {
    const bytes = this.#view();
    this.verifications++;
    return forEachPatternOffset(block.size, (o) => {
      if (o >= upTo) return true;
      const want = patternByte(block.tag, o);
      const got = bytes[block.ptr + o]!;
      if (got === want) return true;
      this.#fail(`pool-churn: block 0x${block.ptr.toString(16)} (${block.size} B) ${what}: byte ${o} is 0x${got.toString(16)}, expected 0x${want.toString(16)} (overwritten or lost)`);
      return false;
    });
  }

  #checkZero(ptr: number, size: number): boolean {
    const bytes = this.#view();
    this.verifications++;
    return forEachPatternOffset(size, (o) => {
      if (bytes[ptr + o] === 0) return true;
      this.#fail(`pool-churn: pool_calloc returned 0x${ptr.toString(16)} (${size} B) with byte ${o} = 0x${bytes[ptr + o]!.toString(16)}, not zeroed`);
      return false;
    });
  }

  #adopt(ptr: number, size: number, aligned: boolean): void {
    const block: Block = { ptr, size, tag: this.#random.nextU32(), aligned };
    this.#write(block);
    this.live.push(block);
  }

  /** Removes the i-th live block from the list in O(1), order not kept. */
  #take(i: number): Block {
    const block = this.live[i]!;
    const last = this.live.pop()!;
    if (i < this.live.length) this.live[i] = last;
    return block;
  }

  step(): void {
    const random = this.#random;
    const core = this.#core;
    let op = random.pickWeighted(OPERATION_WEIGHTS);
    if (this.live.length === 0 && (op === Operation.Resize || op === Operation.Free)) op = Operation.Alloc;
    this.operations++;
    switch (op) {
      case Operation.Alloc: {
        const size = blockSize(random);
        this.#adopt(core.pool_alloc(size) >>> 0, size, false);
        return;
      }
      case Operation.Calloc: {
        const elementSize = random.pick(ELEMENT_SIZES);
        const n = Math.max(1, Math.floor(blockSize(random) / elementSize));
        const size = n * elementSize;
        const ptr = core.pool_calloc(n, elementSize) >>> 0;
        this.#checkZero(ptr, size);
        this.#adopt(ptr, size, false);
        return;
      }
      case Operation.AllocAligned: {
        const align = random.pick(ALIGNMENTS);
        const size = blockSize(random);
        const ptr = core.pool_alloc_aligned(size, align) >>> 0;
        this.verifications++;
        if (ptr % align !== 0) this.#fail(`pool-churn: pool_alloc_aligned(${size}, ${align}) returned 0x${ptr.toString(16)}, not a multiple of ${align}`);
        this.#adopt(ptr, size, true);
        return;
      }
      case Operation.Resize: {
        const i = random.nextInt(this.live.length);
        const block = this.live[i]!;
        if (block.aligned) {
          this.#free(i);
          return;
        }
        const size = blockSize(random);
        const kept = Math.min(block.size, size);
        block.ptr = core.pool_resize(block.ptr, size) >>> 0;
        // The common prefix must have moved with the block.
        this.#check(block, kept, `after pool_resize to ${size} B`);
        block.size = size;
        this.#write(block);
        return;
      }
      case Operation.Free:
        this.#free(random.nextInt(this.live.length));
        return;
    }
  }

  #free(i: number): void {
    const block = this.#take(i);
    this.#check(block, block.size, "before pool_free");
    this.#core.pool_free(block.ptr);
  }

  /** The end-of-cycle sweep: every live block intact, and the ring's counters agree with ours. */
  finish(): void {
    let bytes = 0;
    for (const block of this.live) {
      this.#check(block, block.size, "at the end of the cycle");
      this.verifications++;
      const recorded = this.#core.pool_size_of(block.ptr) >>> 0;
      if (recorded !== block.size) this.#fail(`pool-churn: pool_size_of(0x${block.ptr.toString(16)}) is ${recorded}, but the block was given ${block.size} B`);
      bytes += block.size;
    }
    this.verifications++;
    const blocks = this.#core.pool_blocks() - this.#baseBlocks;
    const counted = this.#core.pool_bytes() - this.#baseBytes;
    if (blocks !== this.live.length || counted !== bytes) {
      this.#fail(`pool-churn: the pool counts ${blocks} blocks / ${counted} B more than before the workload, but the workload holds ${this.live.length} blocks / ${bytes} B`);
    }
  }
}

/** The pool churn workload. See the file comment and Note [Pattern verification]. */
export const poolChurn: Workload = {
  name: "pool-churn",
  summary: "random alloc/calloc/alloc_aligned/resize/free of 1 B to 1 MiB (mostly small), pattern-checked, many blocks left for exit",
  run({ runtime, random }: WorkloadContext): WorkloadOutcome {
    // Under the trap guard: a core trap marks the runtime dead and reaches the harness as CoreTrapError.
    const churn = withCore(runtime, "stress pool-churn", (core) => {
      const c = new Churn(core, random);
      for (let i = 0; i < OPERATIONS && c.violation === undefined; i++) c.step();
      if (c.violation === undefined) c.finish();
      return c;
    });
    let bytesLeft = 0;
    for (const block of churn.live) bytesLeft += block.size;
    return {
      operations: churn.operations,
      verifications: churn.verifications,
      ...(churn.violation === undefined ? {} : { violation: churn.violation }),
      blocksLeft: churn.live.length,
      bytesLeft,
    };
  },
};
