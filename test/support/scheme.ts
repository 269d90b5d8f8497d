// The Scheme interpreter plugin (examples/scheme/, build/plugins/scheme.wasm)
// as its tests start it: sanity after every collection and a 64 KiB nursery,
// so a pointer left off the root stack shows at once.

import { Runtime } from "../../src/runtime.js";
import { schemePlugin } from "../../bench/scheme.js";

export function startScheme(): Promise<Runtime> {
  return Runtime.start({ module: schemePlugin(), sanity: true, nursery: 64 << 10 });
}

export { runScheme } from "../../bench/scheme.js";
