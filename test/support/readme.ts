// The README's code blocks, for the tests that run them as users would: the
// block right after a marker comment `<!-- NAME -->`, so that the README and
// the tests cannot drift apart.
import { readFileSync } from "node:fs";

const readmePath = new URL("../../README.md", import.meta.url);

/** The code block after `<!-- marker -->` in README.md. */
export function readmeBlock(marker: string, readme: string = readFileSync(readmePath, "utf8")): string {
  const tag = `<!-- ${marker} -->`;
  const at = readme.indexOf(tag);
  if (at < 0) throw new Error(`README.md has no block marked ${tag}`);
  const match = /```[a-z]*\n([\s\S]*?)```/.exec(readme.slice(at + tag.length));
  if (match === null) throw new Error(`README.md: no code block after ${tag}`);
  return match[1]!;
}
