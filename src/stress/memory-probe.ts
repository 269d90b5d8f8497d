// The harness's eyes on process memory: forced garbage collection, memory
// samples taken after it, and a count of dropped instances and memories that
// the engine has actually collected.
//
// Note [Counting collections]
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~
// Each instance (its exports object, which the runtime holds and which holds
// the instance) and each WebAssembly.Memory is registered with a
// FinalizationRegistry; its callback counts the collection. Three facts make
// the count trustworthy:
//  - An unreachable FinalizationRegistry is itself collected and then never
//    calls back (seen on this Node: 0 of 20,000). The registry is a field of
//    the probe, and every open probe sits in `openProbes`, a module-level set,
//    until close(): a lost probe can never turn into a false "leak".
//  - Callbacks run as a task after the GC that found the object dead, never
//    in the middle of our code. Every forced collection is therefore a gc()
//    followed by a trip round the event loop, and the harness itself yields
//    to the event loop every few cycles.
//  - The registry holds the kind string, never the object, so registering
//    does not itself keep anything alive.
//
// Note [Stable samples]
// ~~~~~~~~~~~~~~~~~~~~~
// A sample is only as good as the collection before it. Measured here:
//  - one gc() leaves what the finalisation callbacks and weak-reference
//    clearing it queued; the next gc() takes those;
//  - a dropped wasm memory is counted out of `external` at once, but its
//    pages are unmapped by V8's concurrent array-buffer sweeper, so RSS read
//    right after gc() sometimes still holds one instance's pages (spikes of
//    1–3 MB in a ~55 MB process).
//  - a dropped instance is sometimes still reachable for a few collections
//    after its last use (seen: up to 6 rounds), from engine state we do not
//    control.
// So a sample first collects until every dropped instance is seen collected
// (or SAMPLE_STALE_ROUNDS rounds in a row find nothing more: then something
// is really being kept), then takes SAMPLE_READINGS readings, each after
// another gc() and a READING_PAUSE_MS pause, and keeps the smallest figure of each series. Transient memory
// (a sweep not yet done) only ever adds, so the minimum is the floor the
// process keeps; a leak raises that floor and cannot hide from it.

import { setImmediate as nextTurn, setTimeout as sleep } from "node:timers/promises";
import type { CoreExports } from "../core/exports.js";
import { UnloadableError } from "../core/errors.js";
import { readRssRegions, type RssRegions } from "./rss-regions.js";

/** Readings per sample, each after a gc() and a pause. See Note [Stable samples]. */
export const SAMPLE_READINGS = 3;
/** Pause before each reading, for the concurrent sweeper to unmap what the gc() freed. */
const READING_PAUSE_MS = 2;
/** Collections in a row that find nothing more before a sample is taken anyway. */
const SAMPLE_STALE_ROUNDS = 3;

/** Process memory after a forced collection, at the end of a cycle. */
export interface MemorySample {
  /** Cycles completed when the sample was taken. */
  readonly cycle: number;
  /** Milliseconds since the probe was created. */
  readonly elapsedMs: number;
  /** Resident set size, bytes. */
  readonly rss: number;
  /** Memory of C++ objects bound to JS, wasm memories included, bytes. */
  readonly external: number;
  /** ArrayBuffers and SharedArrayBuffers (not wasm memories), bytes. */
  readonly arrayBuffers: number;
  /** V8 heap in use, bytes. */
  readonly heapUsed: number;
  /**
   * The resident set by region, read once after the readings (absent where
   * /proc/self/smaps is missing). See Note [RSS by region] in rss-regions.ts.
   */
  readonly regions?: RssRegions;
}

/** The process memory series the slope checks fit, as keys of MemorySample. */
export const memorySeries = ["rss", "external", "arrayBuffers", "heapUsed"] as const;
export type MemorySeries = (typeof memorySeries)[number];

type Kind = "instance" | "memory" | "library";

/** The garbage collector `--expose-gc` installs; throws if the process lacks it. */
export function requireGc(): () => void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (typeof gc !== "function") {
    throw new UnloadableError("ERR_NO_GC", "stress: the leak checks need a forced garbage collector: run node with --expose-gc (the `unloadable stress` command re-executes itself with it)");
  }
  return gc;
}

/** Probes kept reachable while open; See Note [Counting collections]. */
const openProbes = new Set<MemoryProbe>();

/** Samples memory and counts collected instances and memories for one run. */
export class MemoryProbe {
  readonly #gc: () => void;
  readonly #started = performance.now();
  readonly #registry: FinalizationRegistry<Kind>;
  #instancesTracked = 0;
  #memoriesTracked = 0;
  #instancesCollected = 0;
  #memoriesCollected = 0;
  #librariesTracked = 0;
  #librariesCollected = 0;

  constructor() {
    this.#gc = requireGc();
    this.#registry = new FinalizationRegistry<Kind>((kind) => {
      if (kind === "instance") this.#instancesCollected++;
      else if (kind === "library") this.#librariesCollected++;
      else this.#memoriesCollected++;
    });
    openProbes.add(this);
  }

  /** Counts the instance behind `core` and its memory until they are collected. */
  track(core: CoreExports): void {
    this.#registry.register(core, "instance");
    this.#registry.register(core.memory, "memory");
    this.#instancesTracked++;
    this.#memoriesTracked++;
  }

  /** Counts a bare module's instance and its memory (Note [Stressing a foreign module], harness.ts). */
  trackForeign(instance: WebAssembly.Instance): void {
    this.#registry.register(instance, "instance");
    this.#instancesTracked++;
    const memory = instance.exports.memory;
    if (memory instanceof WebAssembly.Memory) {
      this.#registry.register(memory, "memory");
      this.#memoriesTracked++;
    }
  }

  /** Counts a library instance (src/final/library.ts) until it is collected. */
  trackLibrary(instance: WebAssembly.Instance): void {
    this.#registry.register(instance, "library");
    this.#librariesTracked++;
  }

  get librariesTracked(): number {
    return this.#librariesTracked;
  }
  get librariesCollected(): number {
    return this.#librariesCollected;
  }
  get instancesTracked(): number {
    return this.#instancesTracked;
  }
  get instancesCollected(): number {
    return this.#instancesCollected;
  }
  get memoriesTracked(): number {
    return this.#memoriesTracked;
  }
  get memoriesCollected(): number {
    return this.#memoriesCollected;
  }
  /** Tracked instances, memories and library instances not yet seen collected. */
  get pending(): number {
    return this.#instancesTracked - this.#instancesCollected + (this.#memoriesTracked - this.#memoriesCollected) + (this.#librariesTracked - this.#librariesCollected);
  }

  /** Lets queued finalisation callbacks run, without forcing a collection. */
  async settle(): Promise<void> {
    await nextTurn();
  }

  /** One forced full collection, then an event-loop turn for its callbacks. */
  async collect(): Promise<void> {
    this.#gc();
    await nextTurn();
  }

  /**
   * Collects until every tracked instance and memory is counted, or until
   * `staleRounds` forced collections in a row found nothing more: what stays
   * uncounted then is still reachable. Always collects at least once.
   */
  async collectAll(staleRounds: number): Promise<void> {
    let stale = 0;
    do {
      const before = this.pending;
      await this.collect();
      stale = this.pending === before ? stale + 1 : 0;
    } while (this.pending > 0 && stale < staleRounds);
  }

  /** Collects, then reads process memory. See Note [Stable samples]. */
  async sample(cycle: number): Promise<MemorySample> {
    await this.collectAll(SAMPLE_STALE_ROUNDS);
    let rss = Infinity;
    let external = Infinity;
    let arrayBuffers = Infinity;
    let heapUsed = Infinity;
    for (let i = 0; i < SAMPLE_READINGS; i++) {
      this.#gc();
      await sleep(READING_PAUSE_MS);
      const usage = process.memoryUsage();
      rss = Math.min(rss, usage.rss);
      external = Math.min(external, usage.external);
      arrayBuffers = Math.min(arrayBuffers, usage.arrayBuffers);
      heapUsed = Math.min(heapUsed, usage.heapUsed);
    }
    const regions = readRssRegions();
    const sample = { cycle, elapsedMs: performance.now() - this.#started, rss, external, arrayBuffers, heapUsed };
    return regions === undefined ? sample : { ...sample, regions };
  }

  /** Ends the probe; its counts are final from here on. */
  close(): void {
    openProbes.delete(this);
  }
}
