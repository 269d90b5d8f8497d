// Libraries: wasm modules a runtime instantiates on its own behalf, whose
// exports can be custom-block finalisers (src/final/custom.ts). After the shared
// libraries OCaml's runtime loads for a bytecode program, and the compromise
// its "unloadable runtime" discussion (PR #71) settled on.
//
// Note [Libraries are unloaded only at shutdown]
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
// A finaliser must never outlive its code: a custom block whose finaliser is
// a library export may die at any collection, or live until shutdown. So
// there is no way to unload a library while its runtime runs; the runtime
// unloads every library it loaded at shutdown (or restart), after heap
// finalisation (Note [Shutdown order], assembly/lifecycle.ts). Unloading
// drops the runtime's only references to the instance and its exports, so
// the instance and its memory become collectable even while the host still
// holds the Library handle; the handle then refuses every use with a
// LibraryError. Calling a library's exports directly is the host's business:
// `call` returns what the export returns, and the library can import
// whatever the host gives it.

import { ArgumentError, causeText, LibraryError } from "../core/errors.js";
import { describe } from "../core/options.js";
import { bytesView, isUint8Array, snapshotOptions } from "../core/user.js";
import type { WasmImportValue, WasmInstance, WasmModule } from "../core/wasm-types.js";

/** What `rt.loadLibrary` accepts: the module's bytes, or a compiled module. */
export type LibrarySource = Uint8Array | ArrayBuffer | WasmModule;

/** Import object for the library: module name → field → value. */
export type LibraryImports = Readonly<Record<string, Readonly<Record<string, WasmImportValue>>>>;

export interface LoadLibraryOptions {
  /** The library's imports (default: none). */
  imports?: LibraryImports;
  /** A name for messages and reports (default `library#<id>`). */
  name?: string;
}

let nextLibraryId = 1;
let unloadOf: (library: Library) => void;
let finaliserOf: (library: Library, name: string, payload: number) => void;

/** @internal Called with each new library instance (the stress harness counts their collection). */
export type LibraryInstanceObserver = (instance: WasmInstance, library: Library) => void;
const observers = new Set<LibraryInstanceObserver>();

/**
 * @internal Calls `observer` with every library instance made from now on,
 * until the returned function is called. The observer must not keep the
 * instance (register it with a FinalizationRegistry instead).
 */
export function observeLibraryInstances(observer: LibraryInstanceObserver): () => void {
  observers.add(observer);
  return () => observers.delete(observer);
}

/** A custom-block finaliser that is an export of a loaded library: `lib.finaliser(name)`. */
export class LibraryFinaliser {
  readonly library: Library;
  readonly exportName: string;
  /** The brand isLibraryFinaliser checks: no Proxy trap of a user's object runs. */
  readonly #brand = true;

  /** @internal True when `value` is a LibraryFinaliser. */
  static isOne(value: unknown): value is LibraryFinaliser {
    return typeof value === "object" && value !== null && #brand in value;
  }

  /** @internal */
  constructor(library: Library, exportName: string) {
    this.library = library;
    this.exportName = exportName;
  }

  /** `name.export`, for messages. */
  toString(): string {
    return `${this.library.name}.${this.exportName}`;
  }
}

/**
 * A wasm module instantiated by a runtime (`await rt.loadLibrary(bytes)`).
 * It stays loaded until its runtime shuts down or restarts. See Note
 * [Libraries are unloaded only at shutdown].
 */
export class Library {
  readonly id: number;
  readonly name: string;
  /** The runtime that loaded it. */
  readonly runtimeId: number;
  #exports: WebAssembly.Exports | undefined;
  #exportNames: readonly string[];

  /** @internal Use rt.loadLibrary. */
  constructor(instance: WasmInstance, name: string | undefined, runtimeId: number) {
    this.id = nextLibraryId++;
    this.name = name ?? `library#${this.id}`;
    this.runtimeId = runtimeId;
    this.#exports = instance.exports;
    this.#exportNames = Object.keys(instance.exports);
    for (const observer of observers) observer(instance, this);
  }

  static {
    unloadOf = (library) => {
      library.#exports = undefined;
    };
    finaliserOf = (library, name, payload) => library.#runFinaliser(name, payload);
  }

  /** False once its runtime has unloaded it (shutdown, restart). */
  get loaded(): boolean {
    return this.#exports !== undefined;
  }

  /** The names of its exports. */
  get exportNames(): readonly string[] {
    return this.#exportNames;
  }

  /** Calls export `name` with `args`; returns what it returns. A trap becomes a LibraryError. */
  call(name: string, ...args: unknown[]): unknown {
    const fn = this.#function(name, "Library.call");
    try {
      return fn(...args);
    } catch (thrown) {
      if (thrown instanceof WebAssembly.RuntimeError) throw new LibraryError(`Library.call: ${this.name}.${name} trapped: ${thrown.message}`, { cause: thrown });
      throw thrown;
    }
  }

  /**
   * Export `name` as a custom-block finaliser: `rt.custom(id, lib.finaliser('close'))`.
   * It is called with the block's integer payload, exactly once.
   */
  finaliser(name: string): LibraryFinaliser {
    this.#function(name, "Library.finaliser");
    return new LibraryFinaliser(this, name);
  }

  /** Runs a finaliser export; LibraryError if the library is gone. */
  #runFinaliser(name: string, payload: number): void {
    if (this.#exports === undefined) {
      throw new LibraryError(`${this.name}.${name}: the library was unloaded before this finaliser ran; a finaliser must never outlive its code (Note [Shutdown order])`);
    }
    this.call(name, payload);
  }

  #function(name: string, operation: string): (...args: unknown[]) => unknown {
    if (typeof name !== "string") throw new ArgumentError(`${operation}: the export name must be a string, got ${describe(name)}`);
    const exports = this.#exports;
    if (exports === undefined) throw new LibraryError(`${operation}: ${this.name} was unloaded when its runtime shut down (or restarted); load it again in a running runtime`);
    const value = exports[name];
    if (typeof value !== "function") {
      const functions = this.#exportNames.filter((n) => typeof exports[n] === "function");
      throw new LibraryError(`${operation}: ${this.name} has no function export '${name}'; its function exports are ${functions.join(", ") || "(none)"}`);
    }
    return value as (...args: unknown[]) => unknown;
  }
}

/** @internal Drops the library's instance: only its runtime does this, at shutdown. */
export function unloadLibrary(library: Library): void {
  unloadOf(library);
}

/** @internal Runs export `name` of `library` as a custom-block finaliser. */
export function runLibraryFinaliser(library: Library, name: string, payload: number): void {
  finaliserOf(library, name, payload);
}

// Note [Synchronous instantiation]
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
// A library is compiled and instantiated with the synchronous constructors,
// as the core is (src/core/load.ts), although loadLibrary returns a promise (so
// that a later version may compile large modules off the main thread). Seen
// on Node 20.20 / V8 11.3: a stress run awaiting `WebAssembly.instantiate`
// for thousands of short-lived library instances stalled for minutes, the
// event loop empty and the main thread in NodePlatform::DrainTasks waiting
// for a background task that never finished; with the synchronous
// constructors it does not. Test libraries are a few hundred bytes, so
// compiling on the main thread costs microseconds.

/**
 * Compiles (unless given a module) and instantiates a library. Validation
 * says what was wrong; a module that fails to compile or link is a
 * LibraryError with the engine's message.
 */
export async function instantiateLibrary(source: unknown, options: unknown, runtimeId: number): Promise<Library> {
  const operation = "Runtime.loadLibrary";
  // Brand checks, not instanceof: Note [User code runs before the core is entered] (src/core/user.ts).
  const module0 = isModule(source) ? source : undefined;
  const bytes = module0 !== undefined ? undefined : isUint8Array(source) ? bytesView(source, operation) : isArrayBuffer(source) ? source : undefined;
  if (module0 === undefined && bytes === undefined) {
    throw new ArgumentError(`${operation}: the library must be wasm bytes (Uint8Array or ArrayBuffer) or a WebAssembly.Module, got ${describe(source)}`);
  }
  const { imports, name } = resolveLibraryOptions(options, operation);
  // Synchronous compilation and instantiation, on purpose: See Note [Synchronous instantiation].
  let module: WebAssembly.Module;
  try {
    module = module0 ?? new WebAssembly.Module(bytes as BufferSource);
  } catch (thrown) {
    throw new LibraryError(`${operation}: the bytes are not a valid wasm module: ${causeText(thrown)}`, { cause: thrown });
  }
  let instance: WebAssembly.Instance;
  try {
    instance = new WebAssembly.Instance(module, imports as WebAssembly.Imports);
  } catch (thrown) {
    // The imports resolved and the module's start function ran and trapped: not a matter of imports.
    if (thrown instanceof WebAssembly.RuntimeError) {
      throw new LibraryError(`${operation}: ${name ?? "the library"} trapped in its start function while being instantiated: ${thrown.message}; the module itself failed, fix or rebuild it`, { cause: thrown });
    }
    const needs = WebAssembly.Module.imports(module).map((i) => `${i.module}.${i.name} (${i.kind})`).join(", ");
    throw new LibraryError(`${operation}: could not instantiate ${name ?? "the library"}: ${causeText(thrown)}; it imports ${needs || "nothing"}: pass them in options.imports`, { cause: thrown });
  }
  return new Library(instance, name, runtimeId);
}

const knownLibraryOptions = new Set(["imports", "name"]);

const arrayBufferByteLength = Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, "byteLength")!.get!;

/** True for a WebAssembly.Module, by the engine's own check (no Proxy trap runs). */
function isModule(value: unknown): value is WebAssembly.Module {
  if (typeof value !== "object" || value === null) return false;
  try {
    WebAssembly.Module.exports(value as WebAssembly.Module);
    return true;
  } catch {
    return false;
  }
}

/** True for an ArrayBuffer (not a SharedArrayBuffer), by the intrinsic getter's brand check. */
function isArrayBuffer(value: unknown): value is ArrayBuffer {
  if (typeof value !== "object" || value === null) return false;
  try {
    arrayBufferByteLength.call(value);
    return true;
  } catch {
    return false;
  }
}

function resolveLibraryOptions(options: unknown, operation: string): { imports: LibraryImports; name: string | undefined } {
  const given = snapshotOptions(operation, options, knownLibraryOptions, "{ imports, name }");
  const imports = given.imports ?? {};
  if (imports === null || typeof imports !== "object" || Array.isArray(imports)) {
    throw new ArgumentError(`${operation}: imports must be an object of modules ({ module: { name: value } }), got ${describe(imports)}`);
  }
  const name = given.name;
  if (name !== undefined && (typeof name !== "string" || name.length === 0)) {
    throw new ArgumentError(`${operation}: name must be a non-empty string, got ${describe(name)}`);
  }
  return { imports: imports as LibraryImports, name };
}
