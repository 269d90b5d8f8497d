// Stack overflows (issue 15, docs/stack-overflow.md): a plugin's recursion is
// named by its recurring frames, and the runtime survives when the overflow
// struck outside the core; a finaliser's recursion is a FinaliserError
// caused by a StackOverflowError; an overflow inside a collection discards
// only that runtime.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CoreTrapError, FinaliserError, Runtime, StackOverflowError, type Block } from "../src/index.js";
import { CoreFault } from "../src/core/exports.js";
import { withCore } from "../src/runtime.js";

const plugin = readFileSync(new URL("../build/plugins/recursion.wasm", import.meta.url));
const fn = (name: string): string => `test/plugins/recursion/${name}`;

function overflowOf(body: () => unknown): StackOverflowError {
  try {
    body();
  } catch (thrown) {
    if (thrown instanceof StackOverflowError) return thrown;
    throw thrown;
  }
  throw new Error("expected a stack overflow");
}

/** The runtime still works: a call that allocates through collections answers right, sanity holds, and no core operation is left open. */
function stillWorks(rt: Runtime): void {
  expect(rt.call("sumList", 20_000)).toBe((20_000 * 19_999) / 2);
  rt.checkSanity();
  expect(withCore(rt, "test", (core) => core.core_depth())).toBe(0);
}

describe("a stack overflow in a plugin", () => {
  it("names mutual recursions of periods 1 to 5 exactly, entered from their export, and the runtime survives", async () => {
    const rt = await Runtime.start({ module: plugin, sanity: true, nursery: 64 << 10 });
    for (let period = 1; period <= 5; period++) {
      const error = overflowOf(() => rt.call("cycle", period, 1e8));
      const letters = "abcde".slice(0, period).split("");
      expect(error.pattern).toEqual(letters.map((l) => fn(`p${period}${l}`)));
      expect(error.period).toBe(period);
      expect(error.repeats).toBeGreaterThan(1000);
      expect(error.below.at(-1)).toBe(fn("cycle"));
      expect(error.runtimeIntact).toBe(true);
      expect(error.code).toBe("ERR_STACK_OVERFLOW");
      expect(error.message).toContain(`${letters.map((l) => `p${period}${l}`).join(" → ")}; entered from cycle`);
      expect(error.message).toContain("the runtime is intact");
      expect(rt.state).toBe("running");
    }
    stillWorks(rt);
    await rt.shutdown();
  });

  it("names an eval → apply → evalArgs cycle 10⁶ deep, restores the root stack, and the same runtime runs another call with sanity on", async () => {
    const rt = await Runtime.start({ module: plugin, sanity: true, nursery: 64 << 10 });
    const kept = rt.adopt(rt.call("keep", 100) as number) as Block;
    const before = withCore(rt, "test", (core) => [core.root_depth(), core.rt_shadow_stack()]);
    const error = overflowOf(() => rt.call("run", 1_000_000));
    expect(error.pattern).toEqual([fn("evalExpr"), fn("apply"), fn("evalArgs")]);
    expect(error.below.at(-1)).toBe(fn("run"));
    expect(error.message).toMatch(/^Runtime\.call\(run\): stack overflow: recurring call pattern of 3 frames × [\d,]+: evalExpr → apply → evalArgs; entered from run; the runtime is intact/);
    expect(withCore(rt, "test", (core) => [core.root_depth(), core.rt_shadow_stack()])).toEqual(before);
    expect(rt.state).toBe("running");
    stillWorks(rt);
    expect(rt.call("sumHandle", rt.slotOf(kept))).toBe((100 * 99) / 2);
    expect(rt.call("run", 1000)).toBe(1000);
    await rt.shutdown();
  });

  it("hands a held Hp back (Note [Hp in a local]) and keeps the runtime when nothing points at what was allocated under it", async () => {
    const rt = await Runtime.start({ module: plugin, sanity: true, nursery: 64 << 10 });
    const error = overflowOf(() => rt.call("holdHp", 1e8));
    expect(error.pattern).toEqual([fn("deepWithHp")]);
    expect(error.runtimeIntact).toBe(true);
    stillWorks(rt);
    expect(rt.call("holdHp", 100)).toBe(100);
    const report = await rt.shutdown();
    expect(report.leakedBlocks).toBe(0);
  });
});

describe("the core's depth counter (Note [Overflow inside or outside the core])", () => {
  it("is 0 between calls after every counted operation: allocation and collections, the barrier, handles, MVars, registrations, sanity", async () => {
    const rt = await Runtime.start({ sanity: true, nursery: 64 << 10 });
    const depth = (): number => withCore(rt, "test", (core) => core.core_depth());
    const old = rt.block(0, [1, null]);
    rt.gc({ major: true });
    old.set(1, rt.block(0, [2])); // an old-to-young store: the barrier records it
    for (let i = 0; i < 5_000; i++) rt.block(0, [i]).free();
    const mv = rt.mvar<number>();
    const taken = mv.take();
    await mv.put(7);
    expect(await taken).toBe(7);
    rt.custom(1, () => {}).free();
    rt.finalise(old, () => {});
    rt.weak(old).free();
    rt.gc({ major: true });
    rt.checkSanity();
    expect(depth()).toBe(0);
    await rt.shutdown();
  });
});

describe("a stack overflow in a finaliser", () => {
  it("is a FinaliserError caused by a StackOverflowError naming the JS cycle; the other finalisers still run", async () => {
    const errors: FinaliserError[] = [];
    const rt = await Runtime.start({ onFinaliserError: (e) => errors.push(e) });
    const ran: string[] = [];
    function descend(n: number): number { return ascend(n + 1) + 1; }
    function ascend(n: number): number { return descend(n + 1) + 1; }
    for (const name of ["first", "recursing", "last"]) {
      const b = rt.block(0, [name]);
      rt.finalise(b, function finaliserBody() {
        ran.push(name);
        if (name === "recursing") descend(0);
      });
      b.free();
    }
    rt.gc({ major: true });
    expect(ran.sort()).toEqual(["first", "last", "recursing"]);
    expect(errors).toHaveLength(1);
    const cause = errors[0]!.cause;
    expect(cause).toBeInstanceOf(StackOverflowError);
    const overflow = cause as StackOverflowError;
    expect([...overflow.pattern].sort()).toEqual(["ascend", "descend"]);
    expect(overflow.below.at(-1)).toBe("finaliserBody");
    expect(overflow.runtimeIntact).toBe(true);
    expect(errors[0]!.message).toMatch(/finaliser finaliserBody threw .*StackOverflowError: finaliser finaliserBody: stack overflow: recurring call pattern of 2 frames/);
    expect(rt.state).toBe("running");
    rt.checkSanity();
    await rt.shutdown();
  });
});

describe("a stack overflow inside a core operation", () => {
  it("discards only that runtime: a collection whose sanity walk recurses (FAULT_SANITY_RECURSE) is a CoreTrapError caused by a StackOverflowError naming the core's frames", async () => {
    const other = await Runtime.start({ module: plugin, sanity: true });
    const rt = await Runtime.start({ module: plugin, sanity: true });
    const list = rt.adopt(rt.call("keep", 1_000_000) as number) as Block;
    const mv = rt.mvar<number>();
    const waiting = mv.take();
    withCore(rt, "test", (core) => core.fault_set(core.fault_get() | CoreFault.sanityRecurse));
    let trap: unknown;
    try {
      rt.call("collectNow");
    } catch (thrown) {
      trap = thrown;
    }
    expect(trap).toBeInstanceOf(CoreTrapError);
    const overflow = (trap as CoreTrapError).cause as StackOverflowError;
    expect(overflow).toBeInstanceOf(StackOverflowError);
    expect(overflow.pattern).toEqual([expect.stringMatching(/checkListRecursively$/)]);
    expect(overflow.runtimeIntact).toBe(false);
    expect((trap as CoreTrapError).message).toMatch(/stack overflow: recurring call pattern of 1 frame × [\d,]+: checkListRecursively; entered from checkHandleListsRecursively; it struck inside a core operation/);
    expect(rt.state).toBe("dead");
    await expect(waiting).rejects.toBeInstanceOf(CoreTrapError);
    expect(() => list.get(0)).toThrow();
    stillWorks(other);
    await other.shutdown();
  });
});
