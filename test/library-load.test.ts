// Libraries: loading (bytes or a compiled module), calling exports, the
// errors, and that unloading happens only at shutdown and leaves every
// library instance collectable.

import { expect, test } from "vitest";
import { ArgumentError, Library, LibraryError, Runtime, ShutdownError } from "../src/index.js";
import { observeLibraryInstances } from "../src/final/library.js";
import { collectUntil, Ledger, loadTestlib, testlibBytes } from "./support/testlib.js";

test("a library loads from bytes or a WebAssembly.Module, and its exports can be called", async () => {
  const rt = await Runtime.start();
  const ledger = new Ledger();
  const a = await loadTestlib(rt, ledger);
  const b = await rt.loadLibrary(new WebAssembly.Module(testlibBytes), { imports: ledger.imports() });
  expect(a).toBeInstanceOf(Library);
  expect(a.name).toBe("testlib");
  expect(b.name).toMatch(/^library#\d+$/);
  expect(a.exportNames).toEqual(expect.arrayContaining(["open", "close", "count", "finalise"]));
  const id = a.call("open");
  expect(id).toBe(1);
  expect(a.call("count")).toBe(1);
  expect(b.call("count")).toBe(0); // a separate instance
  expect(a.call("close", id)).toBe(1);
  expect(a.call("close", id)).toBe(0);
  expect(ledger.open.size).toBe(0);
  expect(rt.stats().finalisers.libraries).toBe(2);
  const report = await rt.shutdown();
  expect(report.librariesUnloaded).toBe(2);
  expect(a.loaded).toBe(false);
  expect(b.loaded).toBe(false);
});

test("loadLibrary says what was wrong with what it was given", async () => {
  const rt = await Runtime.start();
  await expect(rt.loadLibrary("wasm" as unknown as Uint8Array)).rejects.toThrow(ArgumentError);
  await expect(rt.loadLibrary(new Uint8Array([1, 2, 3]))).rejects.toThrow(/the bytes are not a valid wasm module/);
  await expect(rt.loadLibrary(testlibBytes)).rejects.toThrow(/could not instantiate the library: .*it imports ledger\.opened \(function\), ledger\.closed \(function\): pass them in options\.imports/);
  await expect(rt.loadLibrary(testlibBytes, { import: {} } as never)).rejects.toThrow(/unknown option 'import'; known options are imports, name/);
  await expect(rt.loadLibrary(testlibBytes, { name: "" })).rejects.toThrow(/name must be a non-empty string/);
  const lib = await loadTestlib(rt, new Ledger());
  expect(() => lib.call("nope")).toThrow(LibraryError);
  expect(() => lib.finaliser("memory")).toThrow(/testlib has no function export 'memory'; its function exports are open, close, finalise, count, opened, closed/);
  expect(() => lib.call("finalise", 12345)).toThrow(/testlib\.finalise trapped/);
  await rt.shutdown();
  await expect(rt.loadLibrary(testlibBytes)).rejects.toThrow(ShutdownError);
  expect(() => lib.call("count")).toThrow(/testlib was unloaded when its runtime shut down/);
});

test("a library finaliser runs with the block's integer payload; library finalisers refuse other payloads and other runtimes", async () => {
  const rt = await Runtime.start();
  const other = await Runtime.start();
  const ledger = new Ledger();
  const lib = await loadTestlib(rt, ledger);
  const id = lib.call("open") as number;
  rt.custom(id, lib.finaliser("finalise")).free();
  expect(ledger.open.has(id)).toBe(true);
  rt.gc();
  expect(ledger.open.has(id)).toBe(false);
  expect(lib.call("count")).toBe(0);
  expect(() => rt.custom(new Uint8Array(4), lib.finaliser("finalise"))).toThrow(/a library finaliser \(testlib\.finalise\) is called with an i32: the payload must be an integer from -2147483648 to 2147483647/);
  expect(() => rt.custom(2 ** 31, lib.finaliser("finalise"))).toThrow(ArgumentError);
  expect(() => other.custom(1, lib.finaliser("finalise"))).toThrow(/testlib was loaded by runtime #\d+, not by this one/);
  await other.shutdown();
  await rt.shutdown();
});

test("a library finaliser that traps (run twice on one id) is reported as a finaliser error", async () => {
  const errors: Error[] = [];
  const rt = await Runtime.start({ onFinaliserError: (e) => errors.push(e) });
  const ledger = new Ledger();
  const lib = await loadTestlib(rt, ledger);
  const id = lib.call("open") as number;
  rt.custom(id, lib.finaliser("finalise")).free();
  rt.custom(id, lib.finaliser("finalise")).free(); // a second block naming the same resource
  rt.gc();
  expect(errors).toHaveLength(1);
  expect(errors[0]!.message).toMatch(/finaliser testlib\.finalise threw \(after a collection\): LibraryError: Library\.call: testlib\.finalise trapped/);
  expect(ledger.doubleCloses).toBe(0);
  await rt.shutdown();
});

test("there is no way to unload a library while its runtime runs; restart unloads it", async () => {
  const rt = await Runtime.start();
  const lib = await loadTestlib(rt, new Ledger());
  // Nothing public unloads (Note [Libraries are unloaded only at shutdown]).
  expect(Object.getOwnPropertyNames(Library.prototype).filter((name) => /unload|close|drop|free/i.test(name))).toEqual([]);
  expect(lib.loaded).toBe(true);
  rt.gc({ major: true });
  expect(lib.loaded).toBe(true);
  const report = await rt.restart();
  expect(report.librariesUnloaded).toBe(1);
  expect(lib.loaded).toBe(false);
  expect(() => rt.custom(1, lib.finaliser("finalise"))).toThrow(LibraryError);
  await rt.shutdown();
});

test("after shutdown every library instance is collectable, even while the host keeps the Library handle", async () => {
  let collected = 0;
  let made = 0;
  // Kept reachable for the whole test: an unreachable registry never calls back.
  const registry = new FinalizationRegistry(() => collected++);
  const stop = observeLibraryInstances((instance) => {
    made++;
    registry.register(instance, "library");
  });
  const kept: Library[] = [];
  try {
    for (let cycle = 0; cycle < 3; cycle++) {
      const rt = await Runtime.start();
      const ledger = new Ledger();
      const lib = await loadTestlib(rt, ledger);
      kept.push(lib);
      rt.custom(lib.call("open") as number, lib.finaliser("finalise"));
      await rt.shutdown();
      expect(ledger.open.size).toBe(0);
    }
  } finally {
    stop();
  }
  expect(made).toBe(3);
  expect(await collectUntil(() => collected === made)).toBe(true);
  expect(kept.every((lib) => !lib.loaded)).toBe(true);
  expect(registry).toBeDefined();
});
