// Loading the core: a build is compiled once per process (per page) and each
// runtime gets a fresh instance of it. See docs/decisions.md, "Host bindings",
// for why this is hand-written rather than @assemblyscript/loader or asc's
// bindings, and "One library for Node and browsers" for how a build is found.
//
// Where a build comes from is its URL (src/core/build-url.ts): a file: URL is
// read from disk (Node, src/core/read-file.ts); anything else is fetched and
// compiled as it streams (a browser, src/core/fetch-wasm.ts). Choosing by the
// URL rather than by sniffing the environment keeps each path honest: a
// bundled page gets an http URL even when a test runs it under Node.

import { coreUrl } from "./build-url.js";
import { CoreLoadError } from "./errors.js";
import type { CoreBuild, CoreExports } from "./exports.js";
import { compileFetched } from "./fetch-wasm.js";
import { compileFile, compileFileSync } from "./read-file.js";
import { coreImports } from "./trap.js";

/** Compiled builds, shared by every runtime of the process. */
const compiled = new Map<CoreBuild, WebAssembly.Module>();
/** Compilations under way, so concurrent starts compile once. */
const compiling = new Map<CoreBuild, Promise<WebAssembly.Module>>();

function loadError(operation: string, url: URL, thrown: unknown): CoreLoadError {
  const reason = thrown instanceof Error ? thrown.message : String(thrown);
  return new CoreLoadError(operation, url.href, reason, { cause: thrown });
}

/**
 * The compiled core for `build`, from the package's build/ directory:
 * compiled on first use (asynchronously: WebAssembly.compile or
 * compileStreaming, off the main thread where the engine can) and then
 * shared. A failure is not cached, so a later call tries again.
 */
export function loadCore(build: CoreBuild = "release", operation = "Runtime.start"): Promise<WebAssembly.Module> {
  const done = compiled.get(build);
  if (done !== undefined) return Promise.resolve(done);
  let pending = compiling.get(build);
  if (pending === undefined) {
    const url = coreUrl(build);
    pending = (url.protocol === "file:" ? compileFile(url) : compileFetched(url)).then(
      (module) => {
        compiled.set(build, module);
        compiling.delete(build);
        return module;
      },
      (thrown: unknown) => {
        compiling.delete(build);
        throw loadError(operation, url, thrown);
      },
    );
    compiling.set(build, pending);
  }
  return pending;
}

/**
 * @internal The compiled core, now: the cached module, or, for a build on
 * disk (Node), compiled synchronously from the file. For the tests and the
 * benchmark's peer rows, which instantiate the raw core without a Runtime;
 * the library itself goes through loadCore. Where the build must be fetched
 * (a browser), call `await loadCore(build)` first.
 */
export function coreModule(build: CoreBuild = "release"): WebAssembly.Module {
  const done = compiled.get(build);
  if (done !== undefined) return done;
  const url = coreUrl(build);
  if (url.protocol !== "file:") {
    throw new CoreLoadError("coreModule", url.href, "it must be fetched: await loadCore() before instantiating synchronously");
  }
  let module: WebAssembly.Module;
  try {
    module = compileFileSync(url);
  } catch (thrown) {
    throw loadError("coreModule", url, thrown);
  }
  compiled.set(build, module);
  return module;
}

/** A fresh instance of a compiled core. */
export function instantiateModule(module: WebAssembly.Module): CoreExports {
  const { imports, attach } = coreImports();
  const instance = new WebAssembly.Instance(module, imports);
  const exports = instance.exports as unknown as CoreExports;
  attach(exports.memory);
  return exports;
}

/** @internal A fresh instance of the core, compiled now if need be (see coreModule). */
export function instantiateCore(build: CoreBuild = "release"): CoreExports {
  return instantiateModule(coreModule(build));
}
