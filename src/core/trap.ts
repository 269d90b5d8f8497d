// How the core fails as the host sees it: its `abort` import unwinds as a
// CoreAbort, and whatever a core call threw becomes a CoreTrapError. Also the
// reader for the core's own strings (trap and checker messages).

import { CoreTrapError } from "./errors.js";
import type { WasmMemory } from "./wasm-types.js";

/** Reads an AssemblyScript string (UTF-16, byte length in the word before it). */
export function liftString(memory: WasmMemory, ptr: number): string {
  ptr >>>= 0;
  if (ptr === 0) return "";
  const buffer = memory.buffer;
  if (ptr < 4 || ptr > buffer.byteLength) return `<string at 0x${ptr.toString(16)} outside memory>`;
  const byteLength = new Uint32Array(buffer, ptr - 4, 1)[0]!;
  const length = Math.min(byteLength, buffer.byteLength - ptr) >>> 1;
  return String.fromCharCode(...new Uint16Array(buffer, ptr, Math.min(length, 4096)));
}

/**
 * Thrown from inside the `abort` import: unwinds the wasm stack back to the
 * host, where the runtime turns it into a CoreTrapError and discards itself.
 */
export class CoreAbort extends Error {
  constructor(readonly trap: string) {
    super(trap);
  }
}

/**
 * The imports every instance of the core needs (a plugin's too): `env.abort`
 * (a trap: throws CoreAbort, naming the message and the place) and `env.now`
 * (the collector's clock, for pause times). The abort reads the message from
 * the instance's memory, known only once it exists: `attach` gives it.
 */
export function coreImports(): { imports: { env: { abort: (message: number, file: number, line: number, column: number) => never; now: () => number } }; attach: (memory: WasmMemory) => void } {
  let memory: WasmMemory | undefined;
  const imports = {
    env: {
      abort(message: number, file: number, line: number, column: number): never {
        const text = memory === undefined ? "abort before start" : liftString(memory, message);
        const where = memory === undefined || file === 0 ? "" : ` (${liftString(memory, file)}:${line >>> 0}:${column >>> 0})`;
        throw new CoreAbort(text + where);
      },
      // The collector's clock, for pause times (assembly/heap/collect.ts).
      now: (): number => performance.now(),
    },
  };
  return { imports, attach: (m) => { memory = m; } };
}

/** Turns whatever a core call threw into the error the host reports. */
export function trapFrom(operation: string, thrown: unknown): CoreTrapError {
  if (thrown instanceof CoreAbort) return new CoreTrapError(operation, thrown.trap);
  if (thrown instanceof WebAssembly.RuntimeError) return new CoreTrapError(operation, thrown.message, { cause: thrown });
  if (thrown instanceof RangeError) return new CoreTrapError(operation, `${thrown.message} (wasm stack exhausted?)`, { cause: thrown });
  return new CoreTrapError(operation, String(thrown), { cause: thrown });
}
