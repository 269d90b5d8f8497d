// The test library (testlib/resources.ts, built to build/testlib-resources.wasm)
// and a host-side ledger of the resources it holds, which outlives the
// library instance so a test can count what is still open after shutdown.

import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Library, LibraryImports, Runtime } from "../../src/index.js";

const wasmPath = fileURLToPath(new URL("../../build/testlib-resources.wasm", import.meta.url));

/** The library's bytes (built by `npm run build`). */
export const testlibBytes: Uint8Array = readFileSync(wasmPath);

/** Counts the resources every library instance given its imports opened and closed. */
export class Ledger {
  open = new Set<number>();
  opened = 0;
  closed = 0;
  /** Ids closed while not open: a finaliser run twice would land here. */
  doubleCloses = 0;

  imports(): LibraryImports {
    return {
      ledger: {
        opened: (id: number) => {
          this.open.add(id);
          this.opened++;
        },
        closed: (id: number) => {
          if (!this.open.delete(id)) this.doubleCloses++;
          this.closed++;
        },
      },
    };
  }
}

/** Loads the test library into `rt`, reporting to `ledger`. */
export function loadTestlib(rt: Runtime, ledger: Ledger): Promise<Library> {
  return rt.loadLibrary(testlibBytes, { imports: ledger.imports(), name: "testlib" });
}

/** Forces V8 collections until `done()` or the attempts run out. */
export async function collectUntil(done: () => boolean, attempts = 50): Promise<boolean> {
  for (let i = 0; i < attempts && !done(); i++) {
    globalThis.gc!();
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return done();
}
