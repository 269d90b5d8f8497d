// The host's layout (docs/architecture.md): no import circles in src/, and
// imports run one way, down the rooms: core ← heap ← threads, final ←
// runtime ← index ← the harness (stress/) and the demo server (demo/) ← cli. threads/ and final/ stand
// side by side and import neither each other nor anything above them.
import { describe, expect, it } from "vitest";
import madge from "madge";

/** The rooms from the bottom up; a file may import its own room and those below it. */
const rank: Record<string, number> = { core: 0, heap: 1, threads: 2, final: 2, "runtime.ts": 3, "index.ts": 4, stress: 5, demo: 5, "cli.ts": 6 };

function roomOf(file: string): string {
  const room = file.split("/")[0]!;
  if (!(room in rank)) throw new Error(`${file} is in no room of the layout: add it to docs/architecture.md and to this test's rank`);
  return room;
}

/** Why `from` may not import `to`, or undefined when it may. */
export function layeringViolation(from: string, to: string): string | undefined {
  const a = roomOf(from);
  const b = roomOf(to);
  if (a === b) return undefined;
  if (rank[b]! > rank[a]!) return `${from} imports ${to}: ${b} is above ${a}`;
  if (rank[b] === rank[a]) return `${from} imports ${to}: ${a} and ${b} stand side by side`;
  return undefined;
}

async function importGraph(): Promise<Record<string, string[]>> {
  const result = await madge("src", { fileExtensions: ["ts"], tsConfig: "tsconfig.json" });
  return result.obj();
}

describe("the host's import graph", () => {
  it("has no circles", async () => {
    const result = await madge("src", { fileExtensions: ["ts"], tsConfig: "tsconfig.json" });
    expect(result.circular()).toEqual([]);
  });

  it("the circle check finds a circle made of a type-only import", async () => {
    const result = await madge("test/fixtures/import-circle", { fileExtensions: ["ts"], tsConfig: "tsconfig.json" });
    expect(result.circular()).toEqual([["a.ts", "b.ts"]]);
  });

  it("reads every file of src/, type-only imports included", async () => {
    const graph = await importGraph();
    expect(Object.keys(graph)).toContain("heap/values.ts");
    // A type-only import (heap/values.ts imports CoreExports as a type) is an edge too.
    expect(graph["heap/values.ts"]).toContain("core/exports.ts");
  });

  it("runs one way, down the rooms", async () => {
    const graph = await importGraph();
    const violations = Object.entries(graph).flatMap(([from, tos]) => tos.map((to) => layeringViolation(from, to)).filter((v) => v !== undefined));
    expect(violations).toEqual([]);
  });

  it("the layering check catches an upward and a sideways import", () => {
    expect(layeringViolation("heap/values.ts", "threads/mvar.ts")).toMatch(/threads is above heap/);
    expect(layeringViolation("threads/chan.ts", "runtime.ts")).toMatch(/above/);
    expect(layeringViolation("final/custom.ts", "threads/mvar.ts")).toMatch(/side by side/);
    expect(layeringViolation("runtime.ts", "heap/values.ts")).toBeUndefined();
    expect(() => layeringViolation("elsewhere.ts", "core/errors.ts")).toThrow(/no room/);
  });
});
