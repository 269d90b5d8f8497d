// Runtime.start's options: defaults, and validation that says what was wrong.

import { ArgumentError } from "./errors.js";
import type { CoreBuild } from "./core.js";

export interface RuntimeOptions {
  /**
   * Bytes the runtime may have outstanding at once (allocator ring); an
   * allocation beyond it fails. Default: unlimited (4 GiB).
   */
  maxHeap?: number;
  /** Which build of the core: `release` (default) or `debug` (assertions on). */
  build?: CoreBuild;
}

export interface ResolvedOptions {
  readonly maxHeap: number;
  readonly build: CoreBuild;
}

const knownOptions = new Set(["maxHeap", "build"]);
export const UNLIMITED_HEAP = 2 ** 32 - 1;

export function resolveOptions(options: unknown): ResolvedOptions {
  if (options === undefined) return { maxHeap: UNLIMITED_HEAP, build: "release" };
  if (options === null || typeof options !== "object" || Array.isArray(options)) {
    throw new ArgumentError(`Runtime.start: options must be an object, got ${describe(options)}`);
  }
  const given = options as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    if (!knownOptions.has(key)) {
      throw new ArgumentError(`Runtime.start: unknown option '${key}'; known options are ${[...knownOptions].join(", ")}`);
    }
  }
  const maxHeap = given.maxHeap ?? UNLIMITED_HEAP;
  if (typeof maxHeap !== "number" || !Number.isSafeInteger(maxHeap) || maxHeap < 0 || maxHeap > UNLIMITED_HEAP) {
    throw new ArgumentError(`Runtime.start: maxHeap must be a whole number of bytes from 0 to ${UNLIMITED_HEAP}, got ${describe(maxHeap)}`);
  }
  const build = given.build ?? "release";
  if (build !== "release" && build !== "debug") {
    throw new ArgumentError(`Runtime.start: build must be 'release' or 'debug', got ${describe(build)}`);
  }
  return { maxHeap, build };
}

export function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean" || value === null || value === undefined) return String(value);
  if (typeof value === "bigint") return `${value}n`;
  return Array.isArray(value) ? "an array" : `a ${typeof value}`;
}
