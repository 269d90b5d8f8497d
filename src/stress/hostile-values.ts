// A catalogue of hostile inputs, shared by the `hostile` stress workload
// (src/stress/workloads/hostile.ts) and the model-based fuzzer
// (test/hostile-fuzz.test.ts): values a user could hand the runtime, each
// with what the runtime must do with it, and finaliser callbacks that
// misbehave in every way the error contract names (docs/errors.md).
//
// Each entry makes a fresh value when asked (a detached buffer or a revoked
// Proxy cannot be shared between uses) and says what must happen:
//   same      stored and read back as itself (===, or Object.is for numbers)
//   equal     read back equal (bytes: a plain Uint8Array with the same bytes)
//   handle    a handle of this runtime: read back as a handle of its kind
//   refused   refused with the named error class, nothing stored
// `deliverable` is false for a value that MVar put / a channel's write must
// refuse because a promise would adopt it (Note [Thenables are not
// delivered], src/heap/values.ts).

import type { Runtime } from "../runtime.js";
import type { Handle } from "../heap/handles.js";

/** What the runtime must do with a value. */
export type Expectation = "same" | "equal" | "handle" | { readonly refused: string };

/** What a value needs to be made: its runtime, another one, a handle already stale. */
export interface HostileEnv {
  readonly rt: Runtime;
  /** A second runtime, for foreign handles; absent, values that need one are not made. */
  readonly other: Runtime | undefined;
  /** A live block of `rt`, for handles that must cross. */
  readonly live: Handle;
}

export interface HostileValue {
  readonly name: string;
  /** True when make() needs env.other. */
  readonly foreign?: boolean;
  make(env: HostileEnv): unknown;
  readonly expect: Expectation;
  /** False: put / tryPut / rt.mvar / a channel's write refuse it with ArgumentError. */
  readonly deliverable: boolean;
}

/** ArrayBuffer with ES2024's maxByteLength option (Node 20 has it; the lib types here do not). */
const ResizableArrayBuffer = ArrayBuffer as unknown as new (length: number, options: { maxByteLength: number }) => ArrayBuffer;

/** A Uint8Array whose buffer was transferred away. */
function detachedBytes(): Uint8Array {
  const bytes = new Uint8Array([1, 2, 3]);
  structuredClone(bytes.buffer, { transfer: [bytes.buffer] });
  return bytes;
}

/** A typed-array subclass whose `length` getter lies (2³² − 4) or throws. */
class LyingBytes extends Uint8Array {
  override get length(): number {
    return 2 ** 32 - 4;
  }
}
class ThrowingBytes extends Uint8Array {
  override get length(): number {
    throw new Error("hostile length getter");
  }
}

/** A Proxy each of whose traps throws. */
function throwingProxy(): object {
  return new Proxy({}, new Proxy({}, { get: () => () => { throw new Error("hostile trap"); } }));
}

function revokedProxy(): object {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
}

/** An object whose getter `x` throws from its second read on (the runtime never reads it). */
function nthReadGetter(): object {
  let reads = 0;
  return Object.defineProperty({}, "x", { enumerable: true, get: () => { if (++reads > 1) throw new Error("second read"); return reads; } });
}

const ok = (name: string, make: (env: HostileEnv) => unknown, expect: Expectation = "same"): HostileValue => ({ name, make, expect, deliverable: true });
const refused = (name: string, make: (env: HostileEnv) => unknown, error: string): HostileValue => ({ name, make, expect: { refused: error }, deliverable: true });
const undeliverable = (name: string, make: (env: HostileEnv) => unknown): HostileValue => ({ name, make, expect: "same", deliverable: false });

/** Every hostile value, by name. */
export const hostileValues: readonly HostileValue[] = [
  ok("-0", () => -0),
  ok("NaN", () => Number.NaN),
  ok("Infinity", () => Number.NEGATIVE_INFINITY),
  ok("2^53 + 1 (rounds to 2^53)", () => 2 ** 53 + 1),
  ok("2^30 (first boxed int)", () => 2 ** 30),
  ok("-(2^30) - 1", () => -(2 ** 30) - 1),
  ok("a fraction", () => 0.1),
  ok("a small int", () => 7),
  ok("a lone high surrogate", () => "\uD800"),
  ok("a lone low surrogate in text", () => "a\uDC00b"),
  ok("the empty string", () => ""),
  ok("null", () => null),
  ok("true", () => true),
  ok("a bigint", () => 10n ** 30n),
  ok("a symbol", () => Symbol("hostile")),
  ok("a plain object", () => ({ a: 1 })),
  ok("an object whose getter throws on its second read", () => nthReadGetter()),
  ok("a function", () => () => 1),
  ok("a Uint8Array", () => new Uint8Array([1, 2, 3]), "equal"),
  ok("a Buffer", () => Buffer.from("hostile"), "equal"),
  ok("a Uint8Array on a SharedArrayBuffer", () => new Uint8Array(new SharedArrayBuffer(4)).fill(9), "equal"),
  ok("a Uint8Array on a resizable buffer", () => new Uint8Array(new ResizableArrayBuffer(4, { maxByteLength: 16 })).fill(5), "equal"),
  ok("a Uint8Array whose length getter lies", () => new LyingBytes([4, 5]), "equal"),
  ok("a Uint8Array whose length getter throws", () => new ThrowingBytes([6]), "equal"),
  ok("a live handle of this runtime", (env) => env.live, "handle"),
  refused("undefined", () => undefined, "UnrepresentableValueError"),
  refused("a Uint8Array on a detached buffer", detachedBytes, "ArgumentError"),
  refused("a freed handle", (env) => {
    const b = env.rt.block(0, []);
    b.free();
    return b;
  }, "StaleHandleError"),
  { ...refused("a handle of another runtime", (env) => env.other!.block(0, []), "ForeignHandleError"), foreign: true },
  undeliverable("a Proxy whose traps throw", throwingProxy),
  undeliverable("a revoked Proxy", revokedProxy),
  undeliverable("a thenable", () => ({ then: () => {} })),
  undeliverable("a promise", () => Promise.resolve(1)),
  undeliverable("an object whose then getter throws", () => Object.defineProperty({}, "then", { get: () => { throw new Error("then"); } })),
];

/** Arguments that are not values: sizes, indices, options. */
export const hostileNumbers: readonly unknown[] = [-1, 0.5, Number.NaN, Infinity, 2 ** 32, 2 ** 53 + 1, "1", null, undefined, {}, 10n];

/** Options objects that are refused: misspelt keys, throwing proxies, revoked proxies, getters that throw. */
export const hostileOptions: readonly (() => unknown)[] = [
  () => ({ singal: new AbortController().signal }),
  () => ({ major: "yes" }),
  throwingProxy,
  revokedProxy,
  () => Object.defineProperty({}, "signal", { enumerable: true, get: () => { throw new Error("options getter"); } }),
  () => 5,
  () => null,
  () => [],
];

/** How a hostile finaliser misbehaves when it runs. */
export type CallbackKind = "returns" | "throws" | "throws a non-Error" | "rejects" | "thenable whose then throws" | "calls back in" | "collects" | "shuts down";

/**
 * Each kind: whether its run is a FinaliserError (from a custom finaliser /
 * from the others), and whether a rejection, reported later as a second
 * FinaliserError, follows (Note [A finaliser that returns a promise]).
 */
export const callbackKinds: readonly { readonly kind: CallbackKind; readonly failsCustom: boolean; readonly failsFunction: boolean; readonly rejects: boolean }[] = [
  { kind: "returns", failsCustom: false, failsFunction: false, rejects: false },
  { kind: "throws", failsCustom: true, failsFunction: true, rejects: false },
  { kind: "throws a non-Error", failsCustom: true, failsFunction: true, rejects: false },
  { kind: "rejects", failsCustom: true, failsFunction: true, rejects: true },
  { kind: "thenable whose then throws", failsCustom: true, failsFunction: true, rejects: true },
  // From a custom finaliser every call is a FinaliserCallError, which the callback lets escape.
  { kind: "calls back in", failsCustom: true, failsFunction: false, rejects: false },
  { kind: "collects", failsCustom: true, failsFunction: false, rejects: false },
  // shutdown() from any finaliser rejects with FinaliserCallError; the callback returns that promise.
  { kind: "shuts down", failsCustom: true, failsFunction: true, rejects: true },
];

/**
 * A finaliser that misbehaves as `kind` says, counting its runs in `runs`
 * under `id` (every finaliser runs exactly once by the exit).
 */
export function hostileCallback(rt: Runtime, kind: CallbackKind, id: number, runs: Map<number, number>): () => unknown {
  return () => {
    runs.set(id, (runs.get(id) ?? 0) + 1);
    switch (kind) {
      case "returns":
        return undefined;
      case "throws":
        throw new Error(`hostile finaliser ${id}`);
      case "throws a non-Error":
        throw throwingProxy();
      case "rejects":
        return Promise.reject(new Error(`hostile rejection ${id}`));
      case "thenable whose then throws":
        return { then: () => { throw new Error("hostile then"); } };
      case "calls back in": {
        const b = rt.block(0, [id, "called back"]);
        const mv = rt.mvar<number>();
        mv.tryPut(id);
        mv.tryTake();
        mv.free();
        b.free();
        return undefined;
      }
      case "collects":
        rt.gc({ major: true });
        return undefined;
      case "shuts down":
        return rt.shutdown();
    }
  };
}
