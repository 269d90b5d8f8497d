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
import { count, MIN_FIT_POINTS, type SeriesFit } from "./checks.js";
import { fitLine } from "./fit.js";

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

/** A sample that may carry regions (MemorySample). */
interface RegionSample {
  readonly cycle: number;
  readonly regions?: RssRegions;
}

/**
 * Each region's slope over the samples from `warmupCycles` on, fitted like
 * the checked series (checks.ts); undefined when too few samples carry
 * regions to fit.
 */
export function fitRegions(samples: readonly RegionSample[], warmupCycles: number): Readonly<Record<RssRegion, SeriesFit>> | undefined {
  const kept = samples.filter((s) => s.cycle >= warmupCycles && s.regions !== undefined);
  if (kept.length < MIN_FIT_POINTS) return undefined;
  const fits = {} as Record<RssRegion, SeriesFit>;
  for (const region of rssRegionNames) {
    const fit = fitLine(kept.map((s) => s.cycle), kept.map((s) => s.regions![region]));
    if (fit === undefined) return undefined;
    fits[region] = { ...fit, fromCycle: kept[0]!.cycle, toCycle: kept[kept.length - 1]!.cycle };
  }
  return fits;
}

/** The summary's line: each region's slope and its size at the last fitted sample. */
export function describeRegionFits(fits: Readonly<Record<RssRegion, SeriesFit>>): string {
  const parts = rssRegionNames.map((region) => {
    const fit = fits[region];
    const error = Number.isFinite(fit.slopeStdError) ? ` ± ${fit.slopeStdError.toFixed(1)}` : "";
    const size = (fit.intercept + fit.slope * fit.toCycle) / (1 << 20);
    return `${rssRegionTitles[region]} ${fit.slope.toFixed(1)}${error} (${size.toFixed(1)} MiB)`;
  });
  const first = fits.fileBacked;
  return `RSS by region, B/cycle over cycles ${count(first.fromCycle)}–${count(first.toCycle)}: ${parts.join(", ")}`;
}
