// Node's way to get a build's bytes: read the file: URL from disk. Node's
// fetch does not read file: URLs (Node 20–24), so a module located with
// import.meta.url is read with node:fs, found through process.getBuiltinModule
// (src/core/environment.ts) rather than imported, which keeps `node:` out of
// the library's import graph (docs/decisions.md, "One library for Node and
// browsers").

import { nodeBuiltin, nodeVersion } from "./environment.js";

interface NodeFs {
  readFileSync(path: URL): Uint8Array<ArrayBuffer>;
  promises: { readFile(path: URL): Promise<Uint8Array<ArrayBuffer>> };
}

function fs(url: URL): NodeFs {
  const found = nodeBuiltin<NodeFs>("node:fs");
  if (found !== undefined) return found;
  const version = nodeVersion();
  throw new Error(
    version === undefined
      ? `unloadable: cannot read ${url.href}: file: URLs are read with Node's fs, and this is not Node; serve the package over http(s) instead`
      : `unloadable: cannot read ${url.href}: Node ${version} has no process.getBuiltinModule; unloadable needs Node >= 20.16`,
  );
}

/** The module in a file: URL, read and compiled now. */
export function compileFileSync(url: URL): WebAssembly.Module {
  return new WebAssembly.Module(fs(url).readFileSync(url));
}

/** The module in a file: URL, read and compiled asynchronously. */
export async function compileFile(url: URL): Promise<WebAssembly.Module> {
  return WebAssembly.compile(await fs(url).promises.readFile(url));
}
