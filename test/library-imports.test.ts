// One library for Node and browsers (issue 17): nothing reachable from
// src/index.ts imports a Node built-in or names Node's globals, so a page can
// import the package as it is and a bundler for the browser finds nothing to
// shim. The CLI and the stress harness (src/cli.ts, src/stress/) are
// Node-only and outside the library's graph. Node's process is read only
// through src/core/environment.ts, which finds it on globalThis.

import { readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const srcDir = join(dirname(fileURLToPath(import.meta.url)), "../src");

/** Every module specifier a file imports, re-exports or imports dynamically (type-only imports too). */
function specifiers(file: string): string[] {
  const info = ts.preProcessFile(readFileSync(file, "utf8"), true, true);
  return info.importedFiles.map((f) => f.fileName);
}

/** Specifiers a file imports dynamically, `import("…")`: loaded only when that code runs. */
function dynamicSpecifiers(file: string): Set<string> {
  return new Set([...readFileSync(file, "utf8").matchAll(/\bimport\(\s*"([^"]+)"\s*\)/g)].map((m) => m[1]!));
}

/** The files reachable from `entry` through relative imports, with what each imports statically from outside. */
function libraryGraph(entry: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (graph.has(file)) continue;
    const outside: string[] = [];
    const dynamic = dynamicSpecifiers(file);
    for (const spec of specifiers(file)) {
      if (spec.startsWith(".")) queue.push(join(dirname(file), spec.replace(/\.js$/, ".ts")));
      else if (!dynamic.has(spec)) outside.push(spec);
    }
    graph.set(file, outside);
  }
  return graph;
}

const nodeBuiltins = new Set(builtinModules);
/** Why an import is not browser-safe, or undefined. */
export function nodeImport(spec: string): string | undefined {
  if (spec.startsWith("node:")) return `imports ${spec}`;
  if (nodeBuiltins.has(spec.split("/")[0]!)) return `imports Node's built-in ${spec}`;
  return undefined;
}

/** Node globals named outside src/core/environment.ts (a bare `process.`, `Buffer.` or `setImmediate(`, not a property access). */
export function nodeGlobals(text: string): string[] {
  // Comments and the text of string literals are not code (a message may name process.getBuiltinModule).
  const code = text
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .replace(/"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`/g, '""')
    .replace(/\/\/.*$/gm, "");
  return [...code.matchAll(/(?<![.\w$])(process|Buffer|__dirname|__filename|require|setImmediate|clearImmediate)\s*[.(]/g)].map((m) => m[1]!);
}

describe("the library's import graph (from src/index.ts)", () => {
  const graph = libraryGraph(join(srcDir, "index.ts"));
  const files = [...graph.keys()].map((f) => relative(srcDir, f)).sort();

  it("holds the library and not the Node-only harness", () => {
    expect(files).toContain("runtime.ts");
    expect(files).toContain("core/load.ts");
    expect(files.filter((f) => f.startsWith("stress/") || f === "cli.ts")).toEqual([]);
  });

  // A page imports the library without a bundler: a bare specifier would need an import map.
  // A package may be imported dynamically, when a feature that needs it runs (a plugin: Note [The loader is imported when a plugin starts]).
  it("imports no Node built-in and no package statically", () => {
    const found = [...graph].flatMap(([file, outside]) => outside.map((spec) => `${relative(srcDir, file)}: ${nodeImport(spec) ?? `imports the package ${spec}`}`));
    expect(found).toEqual([]);
  });

  it("names Node's globals only in src/core/environment.ts", () => {
    const found = [...graph.keys()]
      .filter((file) => relative(srcDir, file) !== "core/environment.ts")
      .flatMap((file) => nodeGlobals(readFileSync(file, "utf8")).map((name) => `${relative(srcDir, file)}: ${name}`));
    expect(found).toEqual([]);
  });

  it("imports packages dynamically only when they are the package's dependencies, and never a Node built-in", () => {
    const manifest = JSON.parse(readFileSync(join(srcDir, "../package.json"), "utf8")) as { dependencies: Record<string, string> };
    const found = [...graph.keys()].flatMap((file) =>
      [...dynamicSpecifiers(file)].filter((spec) => !spec.startsWith(".") && (nodeImport(spec) !== undefined || !(spec in manifest.dependencies))).map((spec) => `${relative(srcDir, file)}: import("${spec}")`),
    );
    expect(found).toEqual([]);
  });

  it("the checks catch a node: import, a bare built-in and a global process", () => {
    expect(nodeImport("node:fs")).toMatch(/node:fs/);
    expect(nodeImport("fs/promises")).toMatch(/built-in/);
    expect(nodeImport("./load.js")).toBeUndefined();
    expect(nodeGlobals("const x = process.env.X; // process.y")).toEqual(["process"]);
    expect(nodeGlobals("host.process?.env; globalThis.process; const m = `no process.getBuiltinModule`;")).toEqual([]);
    expect(nodeGlobals("setImmediate(check); host.setImmediate(f)")).toEqual(["setImmediate"]);
    expect(specifiers(join(srcDir, "stress/workloads/finalise.ts"))).toContain("node:fs");
  });
});
