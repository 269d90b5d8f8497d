// Least-squares straight-line fit: the stress harness reports memory growth as
// the slope of memory against cycle over the whole run, not as one
// before/after difference, so a single noisy sample cannot make or hide a leak.

/** y = intercept + slope × x, fitted to n points. */
export interface LineFit {
  /** Change in y per unit of x (bytes per cycle). */
  readonly slope: number;
  /** y at x = 0. */
  readonly intercept: number;
  /**
   * Standard error of the slope: how far the slope could be off from noise
   * alone. NaN with fewer than 3 points.
   */
  readonly slopeStdError: number;
  /** Points the fit used. */
  readonly n: number;
}

/**
 * Ordinary least squares over (xs[i], ys[i]). Needs at least 2 points and at
 * least 2 distinct x; returns undefined otherwise (no line is determined).
 *
 * Sums are taken about the means (two passes), not as Σx², Σxy: with x up to
 * 10⁵ cycles and y around 10⁸ bytes the one-pass form loses most of its digits
 * to cancellation.
 */
export function fitLine(xs: readonly number[], ys: readonly number[]): LineFit | undefined {
  const n = Math.min(xs.length, ys.length);
  if (n < 2) return undefined;
  let meanX = 0;
  let meanY = 0;
  for (let i = 0; i < n; i++) {
    meanX += xs[i]!;
    meanY += ys[i]!;
  }
  meanX /= n;
  meanY /= n;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    const dx = xs[i]! - meanX;
    sxx += dx * dx;
    sxy += dx * (ys[i]! - meanY);
  }
  if (sxx === 0) return undefined;
  const slope = sxy / sxx;
  const intercept = meanY - slope * meanX;
  let residuals = 0;
  for (let i = 0; i < n; i++) {
    const r = ys[i]! - (intercept + slope * xs[i]!);
    residuals += r * r;
  }
  const slopeStdError = n > 2 ? Math.sqrt(residuals / (n - 2) / sxx) : Number.NaN;
  return { slope, intercept, slopeStdError, n };
}
