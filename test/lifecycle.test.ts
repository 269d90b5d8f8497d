// init / exit, reference counted: n inits need n exits, the last exit destroys
// the pool, an exit without an init is refused, and the instance can start
// again from scratch (assembly/lifecycle.ts).

import { expect, test } from "vitest";
import { instantiateCore } from "../src/core/load.js";
import { liftString } from "../src/core/trap.js";

const EXIT_UNMATCHED = -1;
const CHECK_LIFECYCLE = 2;
const UNLIMITED = 2 ** 32 - 1;
const UNMATCHED_MESSAGE = /^rt_exit: exit without a matching init: the runtime is not initialised \(call init first; every init needs exactly one exit\)$/;
const CHECK_RING = 1;
// Where a block's size word sits, counted back from its payload (assembly/pool.ts's header: next, prev, size, check).
const SIZE_BEFORE_PAYLOAD = 8;

type Core = ReturnType<typeof instantiateCore>;

/** Overwrites the size word of block `p`: pool_check then finds the bytes counter disagreeing with the ring. */
function setSizeWord(core: Core, p: number, size: number): void {
  new DataView(core.memory.buffer).setUint32(p - SIZE_BEFORE_PAYLOAD, size, true);
}

/** Has pool_check record a verdict on a new block, then mends the block; nobody reads the verdict. */
function leaveRingVerdict(core: Core): void {
  const p = core.pool_alloc(16) >>> 0;
  setSizeWord(core, p, 17);
  expect(core.pool_check()).toBe(0);
  setSizeWord(core, p, 16);
}

test("n nested inits need n exits; only the last one destroys the pool, with everything allocated at every level", () => {
  const core = instantiateCore();
  expect([core.rt_init(), core.rt_init(), core.rt_init()]).toEqual([1, 2, 3]);
  expect(core.rt_refcount()).toBe(3);
  expect(core.pool_is_active()).toBe(1);
  core.pool_alloc(100);
  expect(core.rt_exit()).toBe(2);
  core.pool_alloc(200);
  expect(core.rt_exit()).toBe(1);
  expect(core.pool_is_active()).toBe(1);
  expect([core.pool_blocks(), core.rt_cycles()]).toEqual([2, 0]);
  core.pool_alloc(300);
  expect(core.rt_exit()).toBe(0);
  expect(core.pool_is_active()).toBe(0);
  expect([core.pool_last_freed_blocks(), core.pool_last_freed_bytes()]).toEqual([3, 600]);
  expect([core.pool_blocks(), core.pool_bytes(), core.rt_cycles(), core.rt_refcount()]).toEqual([0, 0, 1, 0]);
});

test("an exit with no init is refused with a message saying what to do, and changes nothing", () => {
  const core = instantiateCore();
  expect(core.rt_exit()).toBe(EXIT_UNMATCHED);
  expect(core.failure_check()).toBe(CHECK_LIFECYCLE);
  expect(liftString(core.memory, core.failure_message())).toMatch(UNMATCHED_MESSAGE);
  expect([core.rt_refcount(), core.rt_cycles(), core.pool_is_active()]).toEqual([0, 0, 0]);
});

test("one exit too many after a complete cycle is refused, and init still works after it", () => {
  const core = instantiateCore();
  core.rt_init();
  core.rt_init();
  expect([core.rt_exit(), core.rt_exit()]).toEqual([1, 0]);
  expect(core.rt_exit()).toBe(EXIT_UNMATCHED);
  expect(liftString(core.memory, core.failure_message())).toMatch(UNMATCHED_MESSAGE);
  expect(core.rt_cycles()).toBe(1);
  expect(core.rt_init()).toBe(1);
  expect(core.pool_is_active()).toBe(1);
  // The refusal was the host's to read before this cycle; it is not this cycle's verdict.
  expect(core.failure_check()).toBe(0);
});

test("after the last exit and reset, the next init starts from scratch in the same instance", () => {
  const core = instantiateCore();
  core.rt_init();
  core.pool_set_limit(5000);
  for (let i = 0; i < 10; i++) core.pool_free(core.pool_alloc(400));
  core.pool_alloc(1000);
  core.rt_exit();
  core.rt_reset();
  expect(core.rt_init()).toBe(1);
  expect([core.pool_blocks(), core.pool_bytes(), core.pool_peak_blocks(), core.pool_peak_bytes()]).toEqual([0, 0, 0, 0]);
  expect([core.pool_total_allocs(), core.pool_total_frees(), core.pool_limit()]).toEqual([0, 0, UNLIMITED]);
  expect(core.rt_cycles()).toBe(1);
  core.pool_alloc(6000); // the old cycle's limit is gone
  expect(core.pool_check()).toBe(1);
});

test("reset while the runtime is initialised does nothing", () => {
  const core = instantiateCore();
  core.rt_init();
  core.pool_alloc(64);
  core.rt_reset();
  expect([core.pool_is_active(), core.pool_blocks(), core.pool_bytes(), core.rt_refcount()]).toEqual([1, 1, 64, 1]);
});

test("blocks allocated before init are not the runtime's: the last exit leaves them alone", () => {
  const core = instantiateCore();
  const before = core.pool_alloc(128) >>> 0;
  core.rt_init();
  core.pool_alloc(128);
  core.rt_exit();
  expect(core.pool_last_freed_blocks()).toBe(1);
  expect(core.pool_size_of(before)).toBe(128);
  core.pool_free(before);
});

test("a checker verdict left unread does not outlive its cycle: the next cycle records its own (Note [Exit clears the failure record])", () => {
  const core = instantiateCore();
  core.rt_init();
  leaveRingVerdict(core);
  expect(core.failure_check()).toBe(CHECK_RING);
  expect(core.rt_exit()).toBe(0);
  expect([core.failure_check(), core.failure_message(), core.failure_address(), core.failure_field()]).toEqual([0, 0, 0, 0]);
  core.rt_reset();
  core.rt_init();
  core.pool_alloc(16);
  const q = core.pool_alloc(32) >>> 0;
  setSizeWord(core, q, 33);
  expect(core.pool_check()).toBe(0);
  expect(liftString(core.memory, core.failure_message())).toMatch(/bytes on the ring \(49\) differ from the bytes counter \(48\)/);
  setSizeWord(core, q, 32);
  expect(core.rt_exit()).toBe(0);
  expect(core.failure_check()).toBe(0);
});

test("an unmatched exit records its own message even when an unread verdict is on record", () => {
  const core = instantiateCore();
  core.pool_create();
  leaveRingVerdict(core);
  expect(core.rt_exit()).toBe(EXIT_UNMATCHED);
  expect(core.failure_check()).toBe(CHECK_LIFECYCLE);
  expect(liftString(core.memory, core.failure_message())).toMatch(UNMATCHED_MESSAGE);
});
