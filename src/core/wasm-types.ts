// The WebAssembly types the package's declarations mention, taken from the
// environment when it has them and neutral otherwise. TypeScript declares
// the `WebAssembly` namespace only in the DOM and WebWorker libs (and
// @types/node 20 does not add it), so a Node project compiling with
// `lib: ["ES2022"]`, `@types/node` and `skipLibCheck: false` failed on our
// .d.ts with "Cannot find namespace 'WebAssembly'" (issue 17). These aliases
// are the real WebAssembly.Module / Instance / Memory wherever the consumer's
// libs declare them, and structural stand-ins where they do not. Inside the
// package (compiled with the DOM lib) they are exactly WebAssembly's types.

/** The global WebAssembly object's type, or undefined where no lib declares it. */
type WasmApi = typeof globalThis extends { readonly WebAssembly: infer W } ? W : undefined;

/** WebAssembly.Module. */
export type WasmModule = WasmApi extends { readonly Module: { readonly prototype: infer M } } ? M : object;

/** WebAssembly.Instance. */
export type WasmInstance = WasmApi extends { readonly Instance: { readonly prototype: infer I } } ? I : { readonly exports: Readonly<Record<string, unknown>> };

/** WebAssembly.Memory. */
export type WasmMemory = WasmApi extends { readonly Memory: { readonly prototype: infer M } } ? M : { readonly buffer: ArrayBuffer; grow(delta: number): number };

/** A value a wasm module may import: a function, number, bigint, or a
 *  WebAssembly.Global, Memory or Table. Left open here (the engine checks
 *  every import when it instantiates, and a mismatch is a LibraryError), so
 *  the type needs no lib's WebAssembly.ImportValue. */
export type WasmImportValue = unknown;
