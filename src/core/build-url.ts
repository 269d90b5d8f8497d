// Where the core's builds are: URLs relative to this module, written as
// `new URL("literal", import.meta.url)` so that the pattern bundlers know
// (Vite, Rollup, webpack 5, Parcel) finds the wasm, copies it into the output
// and rewrites the URL, and so that a page importing the library straight
// from the package (no bundler) fetches it from beside the library.
//
// The literal is relative to src/core/ when the tests run the TypeScript and
// to dist/src/core/ in the package; `npm run tsbuild` copies the builds to
// dist/build/ so that "../../build/" names the builds from both
// (scripts/copy-builds.mjs).

import type { CoreBuild } from "./exports.js";

/** The URL of a build of the core. One literal per build: a bundler only
 *  follows a `new URL` whose first argument is a string literal. */
export function coreUrl(build: CoreBuild): URL {
  switch (build) {
    case "release":
      return new URL("../../build/unloadable.wasm", import.meta.url);
    case "debug":
      return new URL("../../build/unloadable.debug.wasm", import.meta.url);
  }
}
