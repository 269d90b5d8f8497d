// Headless Chromium for the browser tests: Debian's `chromium` package
// (scripts/install-chromium.sh, which .ci/run calls), driven by
// playwright-core. No browser is downloaded: playwright-core is given the
// installed binary. UNLOADABLE_CHROMIUM names another binary.

import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";

/** Debian's real binary first: /usr/bin/chromium is a shell wrapper that adds flags of its own. */
const candidates = [process.env.UNLOADABLE_CHROMIUM, "/usr/lib/chromium/chromium", "/usr/bin/chromium"].filter((p): p is string => p !== undefined && p !== "");

export const chromiumPath: string | undefined = candidates.find((p) => existsSync(p));

/** Why the browser tests cannot run here, or undefined when they can. */
export const chromiumUnavailable: string | undefined =
  chromiumPath === undefined ? `no Chromium at ${candidates.join(" or ")}: run scripts/install-chromium.sh (Debian's chromium package) or set UNLOADABLE_CHROMIUM` : undefined;

// .ci/run installs Chromium before the tests (scripts/install-chromium.sh), so
// in CI a missing browser is a broken set-up, never a reason to skip.
if (chromiumUnavailable !== undefined && process.env.CI === "true") {
  throw new Error(`the browser tests must run in CI, but ${chromiumUnavailable}`);
}
if (chromiumUnavailable !== undefined) process.stderr.write(`browser tests skipped: ${chromiumUnavailable}\n`);

/**
 * Chromium headless. --no-sandbox: the machines run as root, where
 * Chromium's sandbox refuses to start. --expose-gc and precise memory info:
 * the pages judge collection and memory as the stress harness does, after
 * forced collections and from exact figures.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath!,
    headless: true,
    args: ["--no-sandbox", "--js-flags=--expose-gc", "--enable-precise-memory-info"],
  });
}
