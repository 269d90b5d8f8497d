// Every `Note [Title]` cited in the code and the docs is written somewhere
// (a title followed by its ~~~ underline), and a citation that names a file
// names one that holds the note: moving code must move its notes, and
// moving a note must fix its citations (STYLE.md, example 5).
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

/** Where notes are written and cited: these folders' .ts and .md files, and the README. */
const FOLDERS = ["src", "assembly", "test", "bench", "testlib", "docs", "examples"];

function sourceFiles(): string[] {
  const files = ["README.md"];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.(ts|md)$/.test(entry.name)) files.push(path);
    }
  };
  for (const folder of FOLDERS) walk(folder);
  // This file's own examples are not citations.
  return files.filter((f) => f !== join("test", "notes.test.ts"));
}

interface Citation {
  readonly file: string;
  readonly title: string;
  readonly namedFile: string | undefined;
}

// A title may wrap over comment lines, or over a string literal's `" +` in a message.
const squash = (s: string): string => s.replace(/"\s*\+\s*"/g, "").replace(/\s*(?:\/\/|\*)?\s*\n\s*(?:\/\/|\*)?\s*/g, " ").replace(/\s+/g, " ").trim();

/** Titles written in each file, and every citation, from the given texts. */
export function readNotes(texts: ReadonlyMap<string, string>): { written: Map<string, string[]>; cited: Citation[] } {
  const written = new Map<string, string[]>();
  const cited: Citation[] = [];
  for (const [file, text] of texts) {
    for (const m of text.matchAll(/Note \[([^\]]+)\]\s*\n\s*(?:\/\/|\*)?\s*~~~/g)) {
      const title = squash(m[1]!);
      written.set(title, [...(written.get(title) ?? []), file]);
    }
    for (const m of text.matchAll(/Note \[([^\]]+)\](?=([^\n]{0,40}))/g)) {
      const named = /^(?:,| in| \(|, in)\s*\(?((?:src|assembly|test|bench)\/[\w/.-]+\.ts|[\w-]+\.ts)/.exec(m[2]!);
      cited.push({ file, title: squash(m[1]!), namedFile: named?.[1] });
    }
  }
  return { written, cited };
}

/** What is wrong with the citations: a title written nowhere, or a file that does not hold it. */
export function brokenCitations(texts: ReadonlyMap<string, string>): string[] {
  const { written, cited } = readNotes(texts);
  const broken: string[] = [];
  for (const c of cited) {
    const homes = written.get(c.title);
    if (homes === undefined) broken.push(`${c.file}: Note [${c.title}] is written nowhere`);
    else if (c.namedFile !== undefined && !homes.some((h) => h === c.namedFile || h.endsWith(`/${c.namedFile}`))) {
      broken.push(`${c.file}: Note [${c.title}] is cited in ${c.namedFile}, but lives in ${homes.join(", ")}`);
    }
  }
  return broken;
}

describe("Notes", () => {
  it("every citation finds its note, in the file it names", () => {
    const texts = new Map(sourceFiles().map((f) => [f, readFileSync(f, "utf8")] as const));
    expect(texts.size).toBeGreaterThan(100);
    expect(readNotes(texts).written.size).toBeGreaterThan(50);
    expect(brokenCitations(texts)).toEqual([]);
  });

  it("the check finds a note cited from the wrong file, or written nowhere", () => {
    const texts = new Map([
      ["src/a.ts", "// Note [The rule]\n// ~~~~~~~~~~~~\n// why"],
      ["src/b.ts", "// See Note [The rule], a.ts. Note [The\n// rule] in c.ts, and Note [Missing]."],
    ]);
    expect(brokenCitations(texts)).toEqual([
      "src/b.ts: Note [The rule] is cited in c.ts, but lives in src/a.ts",
      "src/b.ts: Note [Missing] is written nowhere",
    ]);
  });
});
