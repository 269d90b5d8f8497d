// Builds every plugin the project ships or tests: each is one AssemblyScript
// entry file that re-exports the core's ABI (docs/plugins.md), compiled as a
// user would compile theirs. `npm run asbuild:plugins`; run by `npm run build`.
import asc from "assemblyscript/asc";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";

/**
 * Every plugin's asc options, the core's release options with the runtime a
 * plugin needs (incremental, exported, for its own AssemblyScript objects and
 * the loader's helpers) and debug names. Named explicitly: left to itself asc
 * reads ./asconfig.json, the core's, and would write the plugin's text over
 * build/unloadable.wat.
 */
const CONFIG = "scripts/plugins.asconfig.json";

/** [entry, output, extra asc flags]: one line a plugin. */
export const plugins = [
  ["test/plugins/hello.ts", "build/plugins/hello.wasm", []],
  ["test/plugins/api-ops.ts", "build/plugins/api-ops.wasm", []],
  ["test/plugins/ephemerons.ts", "build/plugins/ephemerons.wasm", []],
  ["test/plugins/wrong-abi.ts", "build/plugins/wrong-abi.wasm", []],
  // Not optimised: Binaryen (even at -O1) inlines a short mutual recursion into one function, and the test names each function of its cycle.
  ["test/plugins/recursion.ts", "build/plugins/recursion.wasm", ["--optimizeLevel", "0"]],
  // Not a plugin: a bare module, for the harness's test of modules without the core.
  ["test/plugins/bare.ts", "build/plugins/bare.wasm", []],
  ["bench/plugins/heap-kernels.ts", "build/bench/heap-kernels.wasm", []],
  ["bench/plugins/lru-kernels.ts", "build/bench/lru-kernels.wasm", []],
  ["bench/plugins/pool-kernels.ts", "build/bench/pool-kernels.wasm", []],
  // The core's own runtime: under incremental, asc's shadow stack spills the
  // operation names the inlined MVar checks carry (strings, for their failure
  // messages) on every pair, ~4 % of a 7 ns take+put (docs/bench.md).
  ["bench/plugins/mvar-kernels.ts", "build/bench/mvar-kernels.wasm", ["--runtime", "minimal"]],
  ["examples/scheme/scheme.ts", "build/plugins/scheme.wasm", []],
];

const only = process.argv.slice(2);
for (const [entry, outFile, flags] of plugins) {
  if (only.length > 0 && !only.some((name) => entry.includes(name))) continue;
  mkdirSync(dirname(outFile), { recursive: true });
  const { error, stderr } = await asc.main([entry, "--config", CONFIG, "--outFile", outFile, ...flags]);
  if (error) {
    process.stderr.write(stderr.toString());
    console.error(`build-plugins: ${entry} failed: ${error.message}`);
    process.exit(1);
  }
  console.log(`build-plugins: ${entry} → ${outFile}`);
}
