// The core's actual exports match the CoreExports interface the host codes
// against (src/core/exports.ts), in both builds. The interface's keys are read from
// its source with the TypeScript compiler, so neither side can drift alone.

import { readFileSync } from "node:fs";
import ts from "typescript";
import { describe, expect, test } from "vitest";
import { coreModule, instantiateCore } from "../src/core/load.js";
import { type CoreBuild } from "../src/core/exports.js";

const BUILDS: CoreBuild[] = ["release", "debug"];

/** Member names of `interface CoreExports` in src/core/exports.ts. */
function interfaceKeys(): string[] {
  const path = new URL("../src/core/exports.ts", import.meta.url);
  const source = ts.createSourceFile("core.ts", readFileSync(path, "utf8"), ts.ScriptTarget.ES2022);
  const declaration = source.statements.find((s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === "CoreExports");
  if (declaration === undefined) throw new Error("src/core/exports.ts no longer declares interface CoreExports");
  return declaration.members.map((m) => (m.name !== undefined && ts.isIdentifier(m.name) ? m.name.text : m.getText(source)));
}

test("the interface is found and lists the exports every runtime uses", () => {
  const keys = interfaceKeys();
  for (const name of ["memory", "rt_init", "rt_exit", "rt_reset", "pool_alloc", "pool_free", "pool_check", "fault_set", "failure_message"]) {
    expect(keys).toContain(name);
  }
});

describe.each(BUILDS)("%s build", (build) => {
  test("exports exactly the names CoreExports declares", () => {
    const declared = new Set(interfaceKeys());
    const actual = new Set(WebAssembly.Module.exports(coreModule(build)).map((e) => e.name));
    const missingFromModule = [...declared].filter((n) => !actual.has(n)).sort();
    const missingFromInterface = [...actual].filter((n) => !declared.has(n)).sort();
    expect({ missingFromModule, missingFromInterface }).toEqual({ missingFromModule: [], missingFromInterface: [] });
  });

  test("exports one memory and functions for everything else", () => {
    const kinds = WebAssembly.Module.exports(coreModule(build)).filter((e) => e.kind !== "function");
    expect(kinds).toEqual([{ name: "memory", kind: "memory" }]);
    const core = instantiateCore(build) as unknown as Record<string, unknown>;
    expect(core.memory).toBeInstanceOf(WebAssembly.Memory);
  });

  test("needs only the abort import and the collector's clock", () => {
    expect(WebAssembly.Module.imports(coreModule(build))).toEqual([
      { module: "env", name: "abort", kind: "function" },
      { module: "env", name: "now", kind: "function" },
    ]);
  });
});
