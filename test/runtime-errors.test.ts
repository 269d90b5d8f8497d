// How a Runtime fails: ShutdownError after shutdown, CoreTrapError when the
// core traps (the runtime is then dead for good, others go on), SanityError,
// LeakError, LifecycleError, and ArgumentError for bad options.

import { describe, expect, test, vi } from "vitest";
import { CoreFault, type CoreExports } from "../src/core/exports.js";
import { ArgumentError, CoreTrapError, LeakError, LifecycleError, Runtime, SanityError, ShutdownError, UnloadableError } from "../src/index.js";
import { coreOf, withCore } from "../src/runtime.js";

/** A block's size field, counted back from its payload (assembly/pool.ts header). */
const SIZE_BEFORE_PAYLOAD = 8;

/** Every way to reach a runtime's core, each called as a user (or the harness) would. */
const calls: [string, (rt: Runtime) => unknown][] = [
  ["Runtime.stats", (rt) => rt.stats()],
  ["Runtime.checkSanity", (rt) => rt.checkSanity()],
  ["Runtime.restart", (rt) => rt.restart()],
  ["coreOf", (rt) => coreOf(rt)],
  ["withCore", (rt) => withCore(rt, "withCore", () => 0)],
];

async function settle(call: () => unknown): Promise<unknown> {
  try {
    await call();
  } catch (error) {
    return error;
  }
  return undefined;
}

/** Frees one block twice: the core refuses, by trapping. */
function doubleFree(core: CoreExports): void {
  const p = core.pool_alloc(32);
  core.pool_alloc(32);
  core.pool_free(p);
  core.pool_free(p);
}

describe("after shutdown", () => {
  test.each(calls)("%s throws ShutdownError", async (operation, call) => {
    const rt = await Runtime.start();
    await rt.shutdown();
    const error = await settle(() => call(rt));
    expect(error).toBeInstanceOf(ShutdownError);
    expect(error).toBeInstanceOf(UnloadableError);
    expect(error).toMatchObject({ code: "ERR_SHUTDOWN", message: `${operation}: this runtime has been shut down; start a new one with Runtime.start()` });
  });
});

describe("a trap inside the core", () => {
  test("becomes CoreTrapError carrying the core's message, and the runtime is dead", async () => {
    const rt = await Runtime.start();
    const error = await settle(() => withCore(rt, "double free", doubleFree));
    expect(error).toBeInstanceOf(CoreTrapError);
    const trap = error as CoreTrapError;
    expect(trap.code).toBe("ERR_CORE_TRAP");
    expect(trap.trap).toMatch(/^pool_free: 0x[0-9a-f]+ was already freed \(double free\)$/);
    expect(trap.message).toBe(`double free: the core trapped: ${trap.trap}. This runtime is discarded; start a new one with Runtime.start()`);
    expect(rt.state).toBe("dead");
  });

  test("an engine trap (out-of-bounds access) is a CoreTrapError too, with the engine's error as its cause", async () => {
    const rt = await Runtime.start();
    const error = await settle(() =>
      withCore(rt, "strdup past the end", (core) => {
        // A string with no terminator before the end of memory: strdup reads past it.
        const end = core.memory.buffer.byteLength;
        new Uint8Array(core.memory.buffer).fill(0x41, end - 64);
        core.pool_strdup(end - 64);
      }),
    );
    expect(error).toBeInstanceOf(CoreTrapError);
    expect((error as CoreTrapError).cause).toBeInstanceOf(WebAssembly.RuntimeError);
    expect((error as CoreTrapError).trap).toMatch(/out of bounds/);
    expect(rt.state).toBe("dead");
  });

  test.each(calls)("leaves a dead runtime on which %s throws CoreTrapError naming the earlier trap", async (operation, call) => {
    const rt = await Runtime.start();
    const first = (await settle(() => withCore(rt, "double free", doubleFree))) as CoreTrapError;
    const error = await settle(() => call(rt));
    expect(error).toBeInstanceOf(CoreTrapError);
    expect((error as CoreTrapError).message).toContain(`${operation}: the core trapped: ${first.trap} (earlier; the runtime was discarded then)`);
  });

  test("the dead instance is never run again: later bodies are not called, and shutdown reports the trap", async () => {
    const rt = await Runtime.start();
    await settle(() => withCore(rt, "double free", doubleFree));
    const body = vi.fn(() => 0);
    await settle(() => withCore(rt, "later", body));
    expect(body).not.toHaveBeenCalled();
    const report = await rt.shutdown();
    expect(report).toMatchObject({ blocksFreed: 0, leakedBlocks: 0, trap: expect.stringMatching(/double free/) });
    expect(rt.state).toBe("dead");
    expect(await rt.shutdown()).toBe(report);
  });

  test("other runtimes go on unaffected, before and after", async () => {
    const before = await Runtime.start();
    withCore(before, "work", (core) => core.pool_alloc(100));
    const doomed = await Runtime.start();
    const doomedMemory = coreOf(doomed).memory;
    await settle(() => withCore(doomed, "double free", doubleFree));
    const after = await Runtime.start();
    expect(coreOf(after).memory).not.toBe(doomedMemory);
    withCore(after, "work", (core) => core.pool_alloc(7));
    expect(before.stats().pool).toMatchObject({ blocks: 1, bytes: 100 });
    expect((await before.restart()).blocksFreed).toBe(1);
    expect(after.stats().pool).toMatchObject({ blocks: 1, bytes: 7 });
    expect(await before.shutdown()).toMatchObject({ leakedBlocks: 0, cycle: 2 });
    expect(await after.shutdown()).toMatchObject({ blocksFreed: 1, bytesFreed: 7, leakedBlocks: 0 });
  });
});

describe("a broken ring", () => {
  test("checkSanity throws SanityError naming the check and the block, and the runtime lives on", async () => {
    const rt = await Runtime.start();
    const p = withCore(rt, "work", (core) => core.pool_alloc(16) >>> 0);
    const core = coreOf(rt);
    const sizeField = p - SIZE_BEFORE_PAYLOAD;
    new DataView(core.memory.buffer).setUint32(sizeField, 99, true);
    const error = await settle(() => rt.checkSanity());
    expect(error).toBeInstanceOf(SanityError);
    expect(error).toMatchObject({ code: "ERR_SANITY", check: "ring", message: expect.stringMatching(/^sanity check 'ring' failed: poolInvariantCheck: bytes on the ring \(99\) differ from the bytes counter \(16\)/) });
    expect(rt.state).toBe("running");
    new DataView(core.memory.buffer).setUint32(sizeField, 16, true);
    rt.checkSanity();
    expect((await rt.shutdown()).bytesFreed).toBe(16);
  });
});

describe("a block that escaped the ring (the pool-leak fault)", () => {
  test("restart throws LeakError with the figures, after restarting", async () => {
    const rt = await Runtime.start();
    coreOf(rt).fault_set(CoreFault.poolLeak);
    // The fault strikes at init, so the cycle it leaks in ends at the next restart.
    expect(await rt.restart()).toMatchObject({ leakedBlocks: 0 });
    coreOf(rt).fault_set(0);
    const error = await settle(() => rt.restart());
    expect(error).toBeInstanceOf(LeakError);
    const leak = error as LeakError;
    expect(leak.code).toBe("ERR_LEAK");
    expect(leak.report).toMatchObject({ leakedBlocks: 1, leakedBytes: 64 << 10, cycle: 2 });
    expect(leak.message).toBe(`shutdown: 1 block(s) / ${64 << 10} byte(s) were still outstanding after the pool was destroyed: they escaped the allocator ring`);
    expect(rt.state).toBe("running");
    expect(rt.stats().pool).toMatchObject({ blocks: 0, bytes: 0 });
    expect(await rt.shutdown()).toMatchObject({ leakedBlocks: 0 });
  });

  test("shutdown rejects with LeakError every time, and the runtime is gone all the same", async () => {
    const rt = await Runtime.start();
    coreOf(rt).fault_set(CoreFault.poolLeak);
    await rt.restart();
    const error = await settle(() => rt.shutdown());
    expect(error).toBeInstanceOf(LeakError);
    expect(await settle(() => rt.shutdown())).toBe(error);
    expect(rt.state).toBe("shutdown");
    expect(() => rt.stats()).toThrow(ShutdownError);
  });
});

describe("unbalanced exits", () => {
  test("shutdown after an exit the runtime did not make rejects with LifecycleError and the core's message", async () => {
    const rt = await Runtime.start();
    expect(coreOf(rt).rt_exit()).toBe(0);
    const error = await settle(() => rt.shutdown());
    expect(error).toBeInstanceOf(LifecycleError);
    expect(error).toMatchObject({ code: "ERR_LIFECYCLE", message: expect.stringMatching(/^rt_exit: exit without a matching init/) });
  });

  test("the LifecycleError names the unmatched exit even when an earlier check failure is on record", async () => {
    const rt = await Runtime.start();
    const p = withCore(rt, "work", (core) => core.pool_alloc(16) >>> 0);
    const view = new DataView(coreOf(rt).memory.buffer);
    view.setUint32(p - SIZE_BEFORE_PAYLOAD, 99, true);
    expect(await settle(() => rt.checkSanity())).toBeInstanceOf(SanityError);
    view.setUint32(p - SIZE_BEFORE_PAYLOAD, 16, true);
    coreOf(rt).rt_exit();
    const error = await settle(() => rt.shutdown());
    expect(error).toBeInstanceOf(LifecycleError);
    expect((error as LifecycleError).message).toMatch(/^rt_exit: exit without a matching init/);
  });
});

describe("Runtime.start validates its options", () => {
  test.each<[string, unknown, RegExp]>([
    ["null", null, /^Runtime\.start: options must be an object, got null$/],
    ["a number", 5, /^Runtime\.start: options must be an object, got 5$/],
    ["a string", "fast", /^Runtime\.start: options must be an object, got "fast"$/],
    ["a boolean", true, /^Runtime\.start: options must be an object, got true$/],
    ["an array", [], /^Runtime\.start: options must be an object, got an array$/],
    ["a function", () => 0, /^Runtime\.start: options must be an object, got a function$/],
    ["an unknown option", { heapSize: 1 }, /^Runtime\.start: unknown option 'heapSize'; known options are maxHeap, build, nursery, generations, sanity, faults, seed, onFinaliserError, module, imports$/],
    ["a null maxHeap", { maxHeap: null }, /^Runtime\.start: option 'maxHeap' is null; leave it out \(or pass undefined\) for the default$/],
    ["a null nursery", { nursery: null }, /option 'nursery' is null/],
    ["a negative maxHeap", { maxHeap: -1 }, /^Runtime\.start: maxHeap must be a whole number of bytes from 0 to 4294967295, got -1$/],
    ["a fractional maxHeap", { maxHeap: 1.5 }, /got 1\.5$/],
    ["a NaN maxHeap", { maxHeap: Number.NaN }, /got NaN$/],
    ["an infinite maxHeap", { maxHeap: Number.POSITIVE_INFINITY }, /got Infinity$/],
    ["a maxHeap of 4 GiB", { maxHeap: 2 ** 32 }, /got 4294967296$/],
    ["a string maxHeap", { maxHeap: "1024" }, /^Runtime\.start: maxHeap must be .* got "1024"$/],
    ["a bigint maxHeap", { maxHeap: 1024n }, /got 1024n$/],
    ["an unknown build", { build: "fast" }, /^Runtime\.start: build must be 'release' or 'debug', got "fast"$/],
    ["a numeric build", { build: 1 }, /^Runtime\.start: build must be 'release' or 'debug', got 1$/],
  ])("%s is refused with ArgumentError", async (_, options, message) => {
    const error = await settle(() => Runtime.start(options as never));
    expect(error).toBeInstanceOf(ArgumentError);
    expect((error as ArgumentError).code).toBe("ERR_ARGUMENT");
    expect((error as ArgumentError).message).toMatch(message);
  });

  test.each<[string, unknown]>([
    ["no options", undefined],
    ["an empty object", {}],
    ["an explicit undefined maxHeap", { maxHeap: undefined }],
    ["a maxHeap of 0", { maxHeap: 0 }],
    ["the largest maxHeap", { maxHeap: 2 ** 32 - 1 }],
    ["the debug build", { build: "debug" }],
  ])("%s is accepted", async (_, options) => {
    const rt = await Runtime.start(options as never);
    expect(rt.state).toBe("running");
    await rt.shutdown();
  });
});
