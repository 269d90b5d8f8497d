// Issue 16, class 5: a finaliser that returns a promise. It is reported at
// once (finalisers are synchronous), and its rejection, when it comes, is
// reported as a FinaliserError too; no unhandled rejection ever comes from
// the library (Note [A finaliser that returns a promise], src/final/finalisers.ts).

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FinaliserError, Runtime } from "../src/index.js";
import { settle } from "./support/mvar.js";

let unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => {
  unhandled.push(reason);
};

beforeEach(() => {
  unhandled = [];
  process.on("unhandledRejection", onUnhandled);
});

afterEach(() => {
  process.off("unhandledRejection", onUnhandled);
});

describe("a finaliser that returns a rejected promise", () => {
  it.each(["custom", "finalise", "finaliseLast", "weak"] as const)("%s: the rejection is a FinaliserError, never unhandled", async (kind) => {
    const errors: FinaliserError[] = [];
    const rt = await Runtime.start({ onFinaliserError: (e) => errors.push(e) });
    const boom = new Error(`${kind} rejected`);
    const rejecting = async (): Promise<void> => {
      throw boom;
    };
    const key = rt.block(0, []);
    if (kind === "custom") rt.custom(1, rejecting).free();
    if (kind === "finalise") rt.finalise(key, rejecting);
    if (kind === "finaliseLast") rt.finaliseLast(key, rejecting);
    if (kind === "weak") rt.weak(key, null, rejecting).free();
    key.free();
    rt.gc({ major: true });
    rt.gc({ major: true });
    await settle(4);
    expect(errors).toHaveLength(2);
    expect((errors[0]!.cause as Error).message).toMatch(/returned a promise: .*synchronous/);
    expect(errors[1]!.cause).toBe(boom);
    expect(errors[1]!.message).toMatch(/returned a promise that rejected \(after a collection\)/);
    expect(rt.stats().finalisers.errors).toBe(2);
    expect(rt.state).toBe("running");
    await rt.shutdown();
    expect(unhandled).toEqual([]);
  });

  it("at shutdown too, and a thenable whose then throws is reported, not thrown", async () => {
    const errors: FinaliserError[] = [];
    const rt = await Runtime.start({ onFinaliserError: (e) => errors.push(e) });
    rt.custom(2, () => Promise.reject(new Error("at exit")));
    const key = rt.block(0, []);
    rt.finalise(key, () => ({ then: () => { throw new Error("then"); } }));
    const report = await rt.shutdown();
    await settle(4);
    expect(report.finaliserErrors).toBe(2);
    expect(errors.map((e) => e.message)).toEqual(expect.arrayContaining([
      expect.stringMatching(/returned a promise that rejected \(at shutdown\): Error: at exit/),
      expect.stringMatching(/returned a promise that rejected \(at shutdown\): Error: then/),
    ]));
    expect(errors).toHaveLength(4);
    expect(unhandled).toEqual([]);
  });

  it("with the default handler (a process warning), the process sees warnings and no unhandled rejection", async () => {
    const warnings: Error[] = [];
    const listen = (w: Error): void => {
      warnings.push(w);
    };
    process.on("warning", listen);
    try {
      const rt = await Runtime.start();
      rt.custom(3, async () => Promise.reject(new Error("quiet"))).free();
      rt.gc();
      await settle(4);
      await rt.shutdown();
      await settle(2);
    } finally {
      process.off("warning", listen);
    }
    expect(warnings.filter((w) => w instanceof FinaliserError)).toHaveLength(2);
    expect(unhandled).toEqual([]);
  });
});
