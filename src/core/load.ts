// Loading the core: the module is compiled once per process and each runtime
// gets a fresh instance of it. See docs/decisions.md, "Host bindings", for why
// this is hand-written rather than @assemblyscript/loader or asc's bindings.

import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { CoreBuild, CoreExports } from "./exports.js";
import { coreImports } from "./trap.js";

const wasmFile: Record<CoreBuild, string> = {
  release: "unloadable.wasm",
  debug: "unloadable.debug.wasm",
};

const compiled = new Map<CoreBuild, WebAssembly.Module>();

/** The package root: the nearest ancestor of this file holding build/. Works
 *  from src/ (tests run the TypeScript) and from dist/src/ alike. */
function findBuildDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, "build");
    if (existsSync(join(candidate, wasmFile.release))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) {
      throw new Error("unloadable: build/unloadable.wasm not found; run `npm install` (or `npm run asbuild`) in the package to build the core");
    }
    dir = parent;
  }
}

/** @internal A file of the package's build/ (the test library, for the stress harness). */
export function buildFile(file: string): string {
  return join(findBuildDir(), file);
}

/** The compiled core, compiled on first use and then shared by every runtime. */
export function coreModule(build: CoreBuild = "release"): WebAssembly.Module {
  let module = compiled.get(build);
  if (module === undefined) {
    module = new WebAssembly.Module(readFileSync(join(findBuildDir(), wasmFile[build])));
    compiled.set(build, module);
  }
  return module;
}

/** A fresh instance of the core. */
export function instantiateCore(build: CoreBuild = "release"): CoreExports {
  const { imports, attach } = coreImports();
  const instance = new WebAssembly.Instance(coreModule(build), imports);
  const exports = instance.exports as unknown as CoreExports;
  attach(exports.memory);
  return exports;
}
