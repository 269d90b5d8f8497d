// The package's error classes: one base class, a stable `code` per failure,
// and a `name` that says which class it is (src/core/errors.ts).

import { expect, test } from "vitest";
import { ArgumentError, ChannelClosedError, CoreLoadError, CoreTrapError, LeakError, LifecycleError, SanityError, ShutdownError, UnloadableError } from "../src/index.js";

const report = { blocksFreed: 0, bytesFreed: 0, leakedBlocks: 1, leakedBytes: 8, peakBytes: 8, memoryPages: 1, cycle: 1 };
const samples: [UnloadableError, string, string][] = [
  [new ArgumentError("bad"), "ArgumentError", "ERR_ARGUMENT"],
  [new ShutdownError("stats"), "ShutdownError", "ERR_SHUTDOWN"],
  [new CoreTrapError("op", "unreachable"), "CoreTrapError", "ERR_CORE_TRAP"],
  [new LifecycleError("unbalanced"), "LifecycleError", "ERR_LIFECYCLE"],
  [new SanityError("ring", "broken", 16, 0), "SanityError", "ERR_SANITY"],
  [new LeakError(report), "LeakError", "ERR_LEAK"],
  [new CoreLoadError("Runtime.start", "https://example.test/unloadable.wasm", "HTTP 404"), "CoreLoadError", "ERR_CORE_LOAD"],
  [new ChannelClosedError("Chan.write"), "ChannelClosedError", "ERR_CHANNEL_CLOSED"],
];

test.each(samples)("%s is an UnloadableError named %s with code %s", (error, name, code) => {
  expect(error).toBeInstanceOf(UnloadableError);
  expect(error).toBeInstanceOf(Error);
  expect(error.name).toBe(name);
  expect(error.code).toBe(code);
  expect(String(error)).toMatch(new RegExp(`^${name}: `));
});

test("every error class has its own code", () => {
  const codes = samples.map(([, , code]) => code);
  expect(new Set(codes).size).toBe(codes.length);
});

test("CoreTrapError keeps the trap's own text and the engine error as its cause", () => {
  const cause = new WebAssembly.RuntimeError("unreachable");
  const error = new CoreTrapError("stats", "unreachable", { cause });
  expect(error.trap).toBe("unreachable");
  expect(error.cause).toBe(cause);
  expect(error.message).toBe("stats: the core trapped: unreachable. This runtime is discarded; start a new one with Runtime.start()");
});

test("LeakError carries the report it was raised for", () => {
  expect(new LeakError(report).report).toBe(report);
});
