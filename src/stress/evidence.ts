// What a stress run observed, cycle by cycle: the raw evidence the checks
// (checks.ts) turn into verdicts. Kept apart from the verdicts so the rules
// can be read, and tested, without running anything.

import type { ShutdownReport } from "../core/report.js";
import type { MemorySample } from "./memory-probe.js";
import type { WorkloadOutcome } from "./workload.js";

/** The first time something went wrong, for the report. */
export interface FirstSeen {
  /** Cycle of the run (from 0). */
  readonly cycle: number;
  readonly message: string;
}


/** What one workload did over the run: its cycles and the sums of its outcomes. */
export interface WorkloadTally {
  readonly name: string;
  /** Cycles (restart cycles included) the workload ran. */
  cycles: number;
  operations: number;
  verifications: number;
  /** Sums of the outcomes' named figures, in the order first reported. */
  readonly figures: Record<string, number>;
}

/** Accumulates the evidence of one run. */
/** Growths after cycle 1 a series may make before it must hold. See Note [Restart fixpoint] in checks.ts. */
export const MAX_SETTLING_GROWTHS = 1;

export class Evidence {
  /** Set when the checks that need the core cannot apply: why (Note [Stressing a foreign module]). */
  skipped: string | undefined;
  /** init → exit cycles ended (shutdowns and in-instance restarts). */
  exits = 0;
  /** Exits after which the pool still counted blocks or bytes outstanding. */
  leakingExits = 0;
  /** Worst single exit: blocks and bytes still outstanding. */
  worstLeakedBlocks = 0;
  worstLeakedBytes = 0;
  firstLeak: FirstSeen | undefined;

  /** Restart series judged (two or more cycles), and their cycles. Aggregates only:
   *  evidence kept per cycle would itself grow the heap the checks measure. */
  restartSeries = 0;
  restartCycles = 0;
  /** Restarts per series, as configured (the longest series seen). */
  restartsPerSeries = 0;
  /** Series whose memory.size() kept growing (broke the fixpoint). */
  seriesThatGrew = 0;
  /** Series that grew once after cycle 1 and then held: TLSF settling, not a leak. */
  seriesThatSettled = 0;
  /** Largest such growth, 64 KiB pages. */
  worstGrowthPages = 0;
  firstGrowth: FirstSeen | undefined;

  operations = 0;
  verifications = 0;
  sanityChecks = 0;
  /** Workload verifications, sanity checks and core traps that failed. */
  violations = 0;
  firstViolation: FirstSeen | undefined;

  readonly samples: MemorySample[] = [];
  /**
   * Cycles completed when the last workload to run finished its first turn:
   * the fits start no earlier (Note [Every workload's first turn is warm-up]
   * in checks.ts).
   */
  firstTurnsEnd = 0;
  readonly #firstTurnsSeen = new Set<string>();
  /** Per workload, by name, in the order first run. */
  readonly workloads = new Map<string, WorkloadTally>();

  instancesTracked = 0;
  instancesCollected = 0;
  memoriesTracked = 0;
  memoriesCollected = 0;
  /** Library instances (src/final/library.ts) made during the run, and those seen collected. */
  librariesTracked = 0;
  librariesCollected = 0;

  /** Records the end of one init → exit cycle. */
  exit(cycle: number, report: ShutdownReport): void {
    this.exits++;
    if (report.leakedBlocks === 0 && report.leakedBytes === 0) return;
    this.leakingExits++;
    this.worstLeakedBlocks = Math.max(this.worstLeakedBlocks, report.leakedBlocks);
    this.worstLeakedBytes = Math.max(this.worstLeakedBytes, report.leakedBytes);
    this.firstLeak ??= {
      cycle,
      message: `${report.leakedBlocks} block(s) / ${report.leakedBytes} B outstanding after exit (instance cycle ${report.cycle})`,
    };
  }

  /**
   * Records one restart series: `pages` is memory.size() after restart
   * cycle 1, 2, …, k. A series of fewer than two cycles (its runtime died)
   * proves nothing about growth and is not counted. See Note [Restart
   * fixpoint] in checks.ts for what counts as growth.
   */
  restartSeriesEnded(cycle: number, pages: readonly number[]): void {
    if (pages.length < 2) return;
    this.restartSeries++;
    this.restartCycles += pages.length;
    this.restartsPerSeries = Math.max(this.restartsPerSeries, pages.length);
    let growths = 0;
    let settledAt = -1;
    let brokenAt = -1;
    for (let k = 1; k < pages.length; k++) {
      if (pages[k]! > pages[k - 1]!) {
        growths++;
        if ((settledAt >= 0 || growths > MAX_SETTLING_GROWTHS) && brokenAt < 0) brokenAt = k;
      } else if (settledAt < 0) {
        settledAt = k;
      }
    }
    if (growths > 0 && brokenAt < 0) this.seriesThatSettled++;
    if (brokenAt < 0) return;
    const growth = pages[pages.length - 1]! - pages[0]!;
    this.seriesThatGrew++;
    this.worstGrowthPages = Math.max(this.worstGrowthPages, growth);
    this.firstGrowth ??= {
      cycle,
      message: `memory.size() after restart cycles 1..${pages.length}: ${pages.join(", ")} pages; cycle ${brokenAt + 1} grew it ` +
        (settledAt >= 0 && settledAt < brokenAt ? `after cycle ${settledAt + 1} had left it unchanged` : `for the ${growths > MAX_SETTLING_GROWTHS ? "second" : "first"} time`),
    };
  }

  /**
   * Records that `name` finished a turn at run cycle `cycle` (a fresh cycle,
   * or a whole restart series); only its first turn moves firstTurnsEnd.
   */
  turnEnded(name: string, cycle: number): void {
    if (this.#firstTurnsSeen.has(name)) return;
    this.#firstTurnsSeen.add(name);
    this.firstTurnsEnd = Math.max(this.firstTurnsEnd, cycle + 1);
  }

  /** Records what a workload did and verified in one cycle. */
  workload(cycle: number, outcome: WorkloadOutcome, name = "workload"): void {
    this.operations += outcome.operations;
    this.verifications += outcome.verifications;
    let tally = this.workloads.get(name);
    if (tally === undefined) {
      tally = { name, cycles: 0, operations: 0, verifications: 0, figures: {} };
      this.workloads.set(name, tally);
    }
    tally.cycles++;
    tally.operations += outcome.operations;
    tally.verifications += outcome.verifications;
    for (const [figure, n] of Object.entries(outcome.figures ?? {})) tally.figures[figure] = (tally.figures[figure] ?? 0) + n;
    if (outcome.violation !== undefined) this.violation(cycle, outcome.violation);
  }

  /** Records a failed verification, sanity check or trap. */
  violation(cycle: number, message: string): void {
    this.violations++;
    this.firstViolation ??= { cycle, message };
  }
}
