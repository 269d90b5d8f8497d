// Copies the core's builds (build/*.wasm) to dist/build/, beside dist/src/,
// so that src/core/build-url.ts's `new URL("../../build/…", import.meta.url)`
// finds them from the compiled library as it does from the TypeScript
// (src/core/ → build/, dist/src/core/ → dist/build/). The package ships
// dist/build/. Run by `npm run tsbuild`, after tsc.
import { copyFileSync, mkdirSync, readdirSync } from "node:fs";

const from = new URL("../build/", import.meta.url);
const to = new URL("../dist/build/", import.meta.url);
mkdirSync(to, { recursive: true });
const builds = readdirSync(from).filter((file) => file.endsWith(".wasm"));
if (!builds.includes("unloadable.wasm")) {
  console.error("copy-builds: build/unloadable.wasm is missing; run `npm run asbuild` first");
  process.exit(1);
}
for (const file of builds) copyFileSync(new URL(file, from), new URL(file, to));
