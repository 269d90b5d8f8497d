// The resident set split by where it lives, read from /proc/self/smaps, so a
// rising RSS slope names its region instead of leaving it to be guessed.
//
// Note [RSS by region]
// ~~~~~~~~~~~~~~~~~~~~
// RSS is the one series the harness fits that counts memory nobody in the
// process accounts for: the pages of the node binary and its libraries that
// have been executed so far, the free space glibc keeps inside its arenas,
// V8's heap and code pages. Each sample therefore also reads three regions
// whose sum is the RSS the kernel reports in the same read:
//  - fileBacked: mappings of a file (code and data of node and its shared
//    libraries). Grows while rarely used code is first run, and is bounded
//    by the binaries' size.
//  - mainArena: the `[heap]` mapping, glibc's main malloc arena (the brk
//    heap): what the main thread mallocs and what it has freed but glibc
//    keeps. Only the free space at its top is ever given back.
//  - anonymous: every other anonymous mapping: V8's heap and code pages,
//    wasm memories and code, the other threads' malloc arenas, stacks.
// Where no smaps can be read (not Linux), samples carry no regions and the
// summary says nothing of them. The regions are evidence for a reader, not a
// check: the RSS limit judges their sum (Note [The RSS limit], checks.ts).
// docs/stress.md, "Where the last bytes per cycle go", is what they showed.

import { readFileSync } from "node:fs";

/** The resident set of one sample, by region, bytes. See Note [RSS by region]. */
export interface RssRegions {
  readonly fileBacked: number;
  readonly mainArena: number;
  readonly anonymous: number;
}

/** The regions, as keys of RssRegions, in report order. */
export const rssRegionNames = ["fileBacked", "mainArena", "anonymous"] as const;
export type RssRegion = (typeof rssRegionNames)[number];

/** Each region in words, for the summary. */
export const rssRegionTitles: Readonly<Record<RssRegion, string>> = {
  fileBacked: "file-backed",
  mainArena: "glibc main arena ([heap])",
  anonymous: "other anonymous",
};

/** A mapping's header line: `start-end perms offset dev inode [path]`. */
const MAPPING = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/;
/** A mapping's resident size, in kB. */
const RSS_FIELD = /^Rss:\s+(\d+) kB$/;

/** Which region a mapping's path puts it in. */
function regionOf(path: string): RssRegion {
  if (path === "[heap]") return "mainArena";
  // A file's path is absolute; `[stack]`, `[vdso]` and nameless maps are anonymous.
  return path.startsWith("/") ? "fileBacked" : "anonymous";
}

/** The regions of an smaps text (the format of /proc/PID/smaps). */
export function parseSmaps(text: string): RssRegions {
  const sums: Record<RssRegion, number> = { fileBacked: 0, mainArena: 0, anonymous: 0 };
  let region: RssRegion | undefined;
  for (const line of text.split("\n")) {
    const mapping = MAPPING.exec(line);
    if (mapping !== null) {
      region = regionOf(mapping[1]!);
      continue;
    }
    const rss = RSS_FIELD.exec(line);
    if (rss !== null && region !== undefined) sums[region] += Number(rss[1]) * 1024;
  }
  return sums;
}

/** This process's regions now, or undefined where /proc/self/smaps cannot be read. */
export function readRssRegions(): RssRegions | undefined {
  let text: string;
  try {
    text = readFileSync("/proc/self/smaps", "utf8");
  } catch {
    return undefined;
  }
  return parseSmaps(text);
}
