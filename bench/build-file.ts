// Where the benchmark's wasm files are: build/ of the package, found from the
// running file upward (bench/… when run from source by the tests, dist/bench/…
// when run by `npm run bench`). Benchmark modules live under build/bench/, so
// the package's published build/*.wasm leaves them out.

import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** build/<file> of the package: the nearest ancestor of this file that holds it. */
export function buildFile(file: string, buildCommand: string): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, "build", file);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`bench: build/${file} not found; run \`${buildCommand}\` (npm run build does)`);
    dir = parent;
  }
}
