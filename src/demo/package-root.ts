// The installed package's own directory, for the Node-only commands that
// serve or read its files (the demo server, `--version`). Found by walking
// up from this module to the package.json named "unloadable": the module is
// src/demo/ in a clone and dist/src/demo/ in the package.

import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export interface PackageInfo {
  readonly root: string;
  readonly version: string;
}

let found: PackageInfo | undefined;

export function packageInfo(): PackageInfo {
  if (found !== undefined) return found;
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; ) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest)) {
      const parsed = JSON.parse(readFileSync(manifest, "utf8")) as { name?: string; version?: string };
      if (parsed.name === "unloadable") return (found = { root: dir, version: parsed.version ?? "0.0.0" });
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error("unloadable: cannot find the package's own package.json above " + fileURLToPath(import.meta.url));
    dir = parent;
  }
}
