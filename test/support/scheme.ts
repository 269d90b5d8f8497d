// The Scheme interpreter plugin (examples/scheme/, build/plugins/scheme.wasm)
// as its tests start it: sanity after every collection and a 64 KiB nursery,
// so a pointer left off the root stack shows at once.

import { readFileSync } from "node:fs";
import { Runtime } from "../../src/runtime.js";

const SCHEME_WASM = new URL("../../build/plugins/scheme.wasm", import.meta.url);

let bytes: Uint8Array | undefined;

export function startScheme(): Promise<Runtime> {
  bytes ??= readFileSync(SCHEME_WASM);
  return Runtime.start({ module: bytes, sanity: true, nursery: 64 << 10 });
}

export { runScheme } from "../../bench/scheme.js";
