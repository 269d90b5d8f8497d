// Plugins: a user's AssemblyScript program built into one wasm module with
// its own copy of the core (it re-exports the core's ABI in one line; see
// docs/plugins.md). The host runs a plugin exactly as it runs the default
// core: this file checks that a module is one (the ABI version and every
// export the host calls), compiles each module once, and instantiates it
// through @assemblyscript/loader, whose helpers lift and lower the plugin's
// own AssemblyScript strings and arrays (docs/decisions.md, "Plugin
// bindings").
//
// Note [A plugin is checked before it runs]
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
// The host trusts the core's exports to mean what src/core/exports.ts says.
// A module that is not built on the core, or on another version of it, would
// break that trust at the first call, far from the cause, possibly after
// corrupting memory. So before anything is instantiated the module's export
// list is compared with the ABI: `abi_version` must exist and answer
// ABI_VERSION, and every export the default core has must be there with the
// same kind. A module that fails gets a PluginError naming what is missing,
// and never an instance.

import { PluginError } from "./errors.js";
import type { CoreExports } from "./exports.js";
import { coreModule, loadCore } from "./load.js";
import { coreImports } from "./trap.js";
import type { WasmImportValue, WasmModule } from "./wasm-types.js";

/** The ABI this host speaks (ABI_VERSION in assembly/abi.ts). */
export const ABI_VERSION = 1;

/** What Runtime.start accepts as a plugin: its bytes, or a compiled module. */
export type PluginSource = Uint8Array | ArrayBuffer | WasmModule;

/** The plugin's own imports, beside the core's `env.abort` and `env.now`. */
export type PluginImports = Readonly<Record<string, Readonly<Record<string, WasmImportValue>>>>;

// Note [The loader is imported when a plugin starts]
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
// @assemblyscript/loader is a package, and a page that imports the library
// without a bundler cannot resolve a bare specifier (without an import map).
// The default core needs no loader, so the library's static import graph
// holds none (test/library-imports.test.ts): the loader is imported
// dynamically the first time a plugin is compiled (pluginModule, async),
// before instantiatePlugin, which is synchronous, needs it. Bundlers follow
// the dynamic import as usual.
type AsLoader = typeof import("@assemblyscript/loader");
let asLoader: AsLoader | undefined;

/** Names of the core's exports, from the default core itself. */
let abiNames: ReadonlyMap<string, string> | undefined;

function coreAbi(): ReadonlyMap<string, string> {
  abiNames ??= new Map(WebAssembly.Module.exports(coreModule("release")).map((e) => [e.name, e.kind]));
  return abiNames;
}

/** True when `name` is an export of the core's ABI (not the plugin's own). */
export function isAbiExport(name: string): boolean {
  return coreAbi().has(name);
}

/** Modules already compiled and checked, by the source the user passed. */
const checked = new WeakMap<object, WebAssembly.Module>();

/** The plugin's module, compiled once per source object and checked (Note [A plugin is checked before it runs]). */
export async function pluginModule(source: PluginSource): Promise<WasmModule> {
  const known = checked.get(source);
  if (known !== undefined) return known;
  // The ABI check reads the default core's exports (coreAbi): compiled here, asynchronously, where it must be fetched.
  await loadCore("release");
  asLoader ??= await import("@assemblyscript/loader");
  let module: WebAssembly.Module;
  if (source instanceof WebAssembly.Module) {
    module = source;
  } else {
    try {
      module = await WebAssembly.compile(source as BufferSource);
    } catch (thrown) {
      throw new PluginError(`Runtime.start: the module's bytes do not compile as WebAssembly: ${(thrown as Error).message}`, { cause: thrown });
    }
  }
  checkAbi(module);
  checked.set(source, module);
  return module;
}

/** Throws PluginError unless `module` is built on this version of the core. */
export function checkAbi(module: WasmModule): void {
  const exports = new Map(WebAssembly.Module.exports(module).map((e) => [e.name, e.kind]));
  if (!exports.has("abi_version")) {
    throw new PluginError("Runtime.start: the module is not built on the unloadable core (it has no abi_version export). A plugin re-exports the core's ABI in one line: export * from \"unloadable/assembly\"; see docs/plugins.md");
  }
  const missing = [...coreAbi()].filter(([name, kind]) => exports.get(name) !== kind).map(([name]) => name);
  if (missing.length > 0) {
    const listed = missing.slice(0, 8).join(", ") + (missing.length > 8 ? `, … (${missing.length} in all)` : "");
    throw new PluginError(`Runtime.start: the module is built on another version of the unloadable core, or re-exports only part of it: missing or different exports ${listed}. Rebuild it against this package's assembly/ (export * from "unloadable/assembly")`);
  }
}

/**
 * @assemblyscript/loader's helpers on a plugin's exports (its ASUtil), as
 * the package declares them: the loader's own declarations name the
 * `WebAssembly` namespace, which a project without the DOM lib does not have
 * (docs/decisions.md, "WebAssembly types in the declarations"), so they stay
 * out of ours. Pointers are numbers; ids are the plugin's class ids.
 */
export interface PluginLoader {
  __newString(text: string): number;
  __getString(pointer: number): string;
  __newArrayBuffer(buffer: ArrayBuffer): number;
  __getArrayBuffer(pointer: number): ArrayBuffer;
  __newArray(id: number, values: ArrayLike<number>): number;
  __getArray(pointer: number): number[];
  __pin(pointer: number): number;
  __unpin(pointer: number): void;
  __collect(): void;
}

/** A running plugin instance: the core's exports plus the plugin's own. */
export interface PluginInstance {
  readonly core: CoreExports;
  /** The loader's view of the exports: string and array helpers (with `--exportRuntime`). */
  readonly util: PluginLoader & Record<string, unknown>;
  /** The plugin's own function exports, by name. */
  readonly functions: ReadonlyMap<string, (...args: unknown[]) => unknown>;
}

/** A fresh instance of a checked plugin module, with its own imports beside the core's. */
export function instantiatePlugin(module: WasmModule, imports: PluginImports | undefined): PluginInstance {
  const { imports: core, attach } = coreImports();
  const merged: Record<string, Record<string, unknown>> = {};
  for (const [name, values] of Object.entries(imports ?? {})) merged[name] = { ...values };
  // The core's own imports win: the plugin must not replace the trap or the clock.
  merged.env = { ...merged.env, ...core.env };
  // pluginModule imported the loader (Note [The loader is imported when a plugin starts]).
  const { instantiateSync } = asLoader!;
  const { instance, exports } = instantiateSync<Record<string, unknown>>(module, merged as Parameters<AsLoader["instantiateSync"]>[1]);
  const raw = instance.exports as unknown as CoreExports;
  attach(raw.memory);
  const abiVersion = raw.abi_version() >>> 0;
  if (abiVersion !== ABI_VERSION) {
    throw new PluginError(`Runtime.start: the module is built on ABI version ${abiVersion} of the unloadable core; this host speaks version ${ABI_VERSION}. Rebuild the plugin against this package`);
  }
  const functions = new Map<string, (...args: unknown[]) => unknown>();
  for (const [name, value] of Object.entries(instance.exports)) {
    if (typeof value === "function" && !isAbiExport(name) && !name.startsWith("__")) functions.set(name, value as (...args: unknown[]) => unknown);
  }
  return { core: raw, util: exports as unknown as PluginLoader & Record<string, unknown>, functions };
}

/** What rt.plugin shows of a running plugin. */
export interface PluginView {
  /** The plugin's own function exports (the core's ABI left out), for rt.call. */
  readonly exportNames: readonly string[];
  /**
   * @assemblyscript/loader's helpers on the plugin's exports: `__getString`,
   * `__newString`, `__getArray`, `__pin`, … (they need a plugin built with
   * `--exportRuntime`). Pin what you lower until the call that uses it returns.
   */
  readonly loader: PluginLoader;
}

/** The plugin export rt.call(name) runs, or a PluginError saying what there is. */
export function pluginFunction(plugin: PluginInstance | undefined, name: unknown): (...args: unknown[]) => unknown {
  if (plugin === undefined) throw new PluginError("Runtime.call: this runtime runs the default core, which has no exports of its own; start it with { module } to run a plugin");
  if (typeof name !== "string") throw new PluginError(`Runtime.call: the export name must be a string, got ${typeof name}`);
  const fn = plugin.functions.get(name);
  if (fn !== undefined) return fn;
  if (isAbiExport(name)) throw new PluginError(`Runtime.call: ${name} is an export of the core's ABI, which the runtime calls itself; use the Runtime API`);
  throw new PluginError(`Runtime.call: the plugin has no function export '${name}'; its exports are ${[...plugin.functions.keys()].join(", ") || "(none)"}`);
}
