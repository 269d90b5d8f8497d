// Builds every plugin the project ships or tests: each is one AssemblyScript
// entry file that re-exports the core's ABI (docs/plugins.md), compiled as a
// user would compile theirs. `npm run asbuild:plugins`; run by `npm run build`.
import asc from "assemblyscript/asc";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";

/** [entry, output, extra asc flags]: one line a plugin. */
export const plugins = [
  ["test/plugins/hello.ts", "build/plugins/hello.wasm", []],
  ["test/plugins/api-ops.ts", "build/plugins/api-ops.wasm", []],
  ["test/plugins/wrong-abi.ts", "build/plugins/wrong-abi.wasm", []],
  // Not a plugin: a bare module, for the harness's test of modules without the core.
  ["test/plugins/bare.ts", "build/plugins/bare.wasm", []],
];

const only = process.argv.slice(2);
for (const [entry, outFile, flags] of plugins) {
  if (only.length > 0 && !only.some((name) => entry.includes(name))) continue;
  mkdirSync(dirname(outFile), { recursive: true });
  const { error, stderr } = await asc.main([entry, "--outFile", outFile, "--optimizeLevel", "3", "--runtime", "incremental", "--exportRuntime", "--debug", ...flags]);
  if (error) {
    process.stderr.write(stderr.toString());
    console.error(`build-plugins: ${entry} failed: ${error.message}`);
    process.exit(1);
  }
  console.log(`build-plugins: ${entry} → ${outFile}`);
}
