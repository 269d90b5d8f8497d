// The RSS regions' slopes (Note [RSS by region], rss-regions.ts): fitted
// over the same samples as the checked series, and the summary's line.

import { count, MIN_FIT_POINTS, type SeriesFit } from "./checks.js";
import { fitLine } from "./fit.js";
import { rssRegionNames, rssRegionTitles, type RssRegion, type RssRegions } from "./rss-regions.js";

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
