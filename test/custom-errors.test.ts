// Custom finalisers that misbehave: calling back into the runtime is refused
// with a clear error, a throw is reported (never swallowed) and the other
// finalisers still run; and rt.custom refuses what it cannot take.

import { expect, test } from "vitest";
import { ArgumentError, FinaliserCallError, FinaliserError, Runtime, ShutdownError } from "../src/index.js";

test("a custom finaliser that calls into the runtime gets FinaliserCallError, reported as a FinaliserError", async () => {
  const errors: FinaliserError[] = [];
  const rt = await Runtime.start({ onFinaliserError: (e) => errors.push(e) });
  const attempts: string[] = [];
  const tryAll = () => {
    for (const [name, call] of [
      ["block", () => rt.block(0, [])],
      ["custom", () => rt.custom(1, () => {})],
      ["gc", () => rt.gc()],
      ["stats", () => rt.stats()],
    ] as const) {
      try {
        call();
        attempts.push(`${name}: allowed`);
      } catch (thrown) {
        attempts.push(`${name}: ${(thrown as Error).constructor.name}`);
      }
    }
    throw new Error("done trying");
  };
  rt.custom(1, tryAll).free();
  rt.gc();
  expect(attempts).toEqual(["block: FinaliserCallError", "custom: FinaliserCallError", "gc: FinaliserCallError", "stats: FinaliserCallError"]);
  expect(errors).toHaveLength(1);
  expect(errors[0]!.phase).toBe("collection");
  expect(errors[0]!.finaliser).toBe("tryAll");
  expect((errors[0]!.cause as Error).message).toBe("done trying");
  // Once the finaliser returned, the runtime answers again.
  expect(rt.stats().finalisers.errors).toBe(1);
  await rt.shutdown();
});

test("shutdown from inside a custom finaliser is refused, and the runtime still shuts down afterwards", async () => {
  const errors: FinaliserError[] = [];
  const rt = await Runtime.start({ onFinaliserError: (e) => errors.push(e) });
  let refused: Promise<unknown> | undefined;
  rt.custom(1, () => {
    refused = rt.shutdown();
    refused.catch(() => {});
  }).free();
  rt.gc();
  await expect(refused).rejects.toThrow(FinaliserCallError);
  expect(rt.state).toBe("running");
  const report = await rt.shutdown();
  expect(rt.state).toBe("shutdown");
  expect(report.leakedBlocks).toBe(0);
  expect(errors).toEqual([]);
});

test("the error names what was refused and why", async () => {
  const errors: FinaliserError[] = [];
  const rt = await Runtime.start({ onFinaliserError: (e) => errors.push(e) });
  rt.custom(1, function callsBack() {
    rt.gc();
  }).free();
  rt.gc();
  const cause = errors[0]!.cause;
  expect(cause).toBeInstanceOf(FinaliserCallError);
  expect((cause as FinaliserCallError).code).toBe("ERR_IN_FINALISER");
  expect((cause as Error).message).toMatch(/^Runtime.gc: called from inside a custom-block finaliser; a custom finaliser cannot allocate on the heap or call back into the runtime/);
  await rt.shutdown();
});

test("a finaliser that throws is reported and the others still run, after collections and at shutdown", async () => {
  const errors: FinaliserError[] = [];
  const rt = await Runtime.start({ onFinaliserError: (e) => errors.push(e) });
  const ran: number[] = [];
  const bad = (p: number | Uint8Array) => {
    ran.push(p as number);
    throw new RangeError(`bad ${p}`);
  };
  const good = (p: number | Uint8Array) => ran.push(p as number);
  rt.scope(() => {
    for (let i = 0; i < 10; i++) rt.custom(i, i % 2 === 0 ? bad : good);
  });
  rt.gc();
  expect(ran.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  expect(errors.map((e) => e.phase)).toEqual(["collection", "collection", "collection", "collection", "collection"]);
  rt.custom(100, bad);
  rt.custom(101, good);
  const report = await rt.shutdown();
  expect(ran).toContain(100);
  expect(ran).toContain(101);
  expect(report.finaliserErrors).toBe(6);
  expect(report.finaliserFailures).toHaveLength(6);
  expect(report.finaliserFailures.at(-1)).toEqual({ phase: "shutdown", finaliser: "bad", message: "RangeError: bad 100" });
  expect(report.leakedBlocks).toBe(0);
  expect(report.customBlocksUnfinalised).toBe(0);
  expect(JSON.parse(JSON.stringify(report))).toEqual(report);
});

test("without onFinaliserError the error becomes a process warning", async () => {
  const warnings: Error[] = [];
  const listen = (w: Error) => warnings.push(w);
  process.on("warning", listen);
  try {
    const rt = await Runtime.start();
    rt.custom(5, function failing() {
      throw new Error("boom");
    }).free();
    rt.gc();
    await new Promise((resolve) => setImmediate(resolve));
    await rt.shutdown();
  } finally {
    process.off("warning", listen);
  }
  expect(warnings).toHaveLength(1);
  expect(warnings[0]).toBeInstanceOf(FinaliserError);
  expect(warnings[0]!.message).toMatch(/finaliser failing threw \(after a collection\): Error: boom/);
});

test("a finaliser that returns a promise is reported: custom finalisers are synchronous", async () => {
  const errors: FinaliserError[] = [];
  const rt = await Runtime.start({ onFinaliserError: (e) => errors.push(e) });
  rt.custom(1, async function later() {}).free();
  rt.gc();
  expect(errors).toHaveLength(1);
  expect((errors[0]!.cause as Error).message).toMatch(/returned a promise: custom finalisers are synchronous/);
  await rt.shutdown();
});

test("rt.custom refuses payloads and finalisers it cannot take, naming them", async () => {
  const rt = await Runtime.start();
  const fin = () => {};
  expect(() => rt.custom(1.5, fin)).toThrow(ArgumentError);
  expect(() => rt.custom(2 ** 53, fin)).toThrow(/the payload must be an integer \(a safe integer\) or a Uint8Array, got 9007199254740992/);
  expect(() => rt.custom("x" as unknown as number, fin)).toThrow(/got "x"/);
  expect(() => rt.custom(1, 42 as unknown as () => void)).toThrow(/the finaliser must be a function or an export of a loaded library/);
  expect(rt.stats().finalisers.customCreated).toBe(0);
  await rt.shutdown();
  expect(() => rt.custom(1, fin)).toThrow(ShutdownError);
});

test("onFinaliserError must be a function", async () => {
  await expect(Runtime.start({ onFinaliserError: 3 as unknown as () => void })).rejects.toThrow(/onFinaliserError must be a function/);
});
