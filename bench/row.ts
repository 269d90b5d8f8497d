// A benchmark row: one claim about this project, measured side by side with
// the peers it is compared to. A row declares a parameter grid; for each point
// of the grid it prepares a Case (our task, the peers' tasks, a teardown), and
// the runner samples all of them interleaved in this one process, then prints
// our median beside each peer's with the ratio and the row's target.
//
// Adding a row is one file in bench/rows/ exporting `defineRow({...})`, and one
// line in bench/rows/index.ts.

/** A value on one axis of a row's grid. */
export type ParamValue = string | number;
/** One point of a grid: a value for every axis. */
export type Params = Readonly<Record<string, ParamValue>>;
/** Axis name → the values it takes; a row runs once per combination. */
export type Grid<P extends Params> = { readonly [K in keyof P]: readonly P[K][] };

/** What the runner tells a row about this run. */
export interface RunContext {
  /** A smoke run (CI, the test): prepare tiny batches, correctness over precision. */
  readonly quick: boolean;
  /** Seed for every random choice a row makes, so runs are reproducible. */
  readonly seed: number;
}

/** One side of a comparison: a batch of operations timed as one sample. */
export interface TaskSpec {
  /** Shown in the table and used by targets, e.g. "ring" or "raw TLSF". */
  readonly name: string;
  /**
   * Operations one call of `fn` performs. Figures are reported per operation
   * (sample time / ops), so a batch can be large enough for the timer and for
   * amortised costs such as GC to land inside it.
   */
  readonly ops: number;
  /**
   * The hot loop, and nothing else: set-up belongs in the row's prepare. The
   * runner keeps the returned value so the work cannot be optimised away.
   * Declare it `async` when it awaits; a plain function must not return a
   * promise (it is refused). tinybench calls a plain function once when the
   * task is added (to see whether it is async), so fn must be callable any
   * number of times after prepare.
   */
  readonly fn: () => unknown;
  /**
   * Called after sampling with the number of times fn ran (every call:
   * warm-up included); throws if the work was not really done.
   */
  readonly verify?: (calls: number) => void;
  /**
   * Untimed work before every call of fn (tinybench's probe call included),
   * e.g. emptying the nursery so the timed batch runs without a collection.
   * Must not return a promise.
   */
  readonly beforeEach?: () => void;
  /**
   * For a task that times its operations itself, with a clock the runner
   * cannot put around them (a collector's pauses inside a batch of mutator
   * work, timed by the core): every per-operation duration (ns) it recorded
   * over all its calls, warm-up included. The task's figures then come from
   * these, not from the runner's wall-clock samples of fn.
   */
  readonly durations?: () => readonly number[];
  /**
   * Other figures the task measured besides its timed operations, reported
   * as they are (named with their unit: `…Ns` in ns, `…Share` a fraction,
   * else a count), e.g. a pause row's majors and its share of run time in
   * collection. Read once, after sampling.
   */
  readonly extras?: () => Readonly<Record<string, number>>;
  /**
   * Awaited once after sampling, before verify and extras: for figures the
   * platform delivers later than the work (PerformanceObserver's 'gc'
   * entries arrive in callbacks a few macrotasks on).
   */
  readonly settle?: () => Promise<void>;
}

/** The tasks of one grid point, ready to run. */
export interface Case {
  readonly ours: TaskSpec;
  /** None only in a row whose targets are all bounds. */
  readonly peers: readonly TaskSpec[];
  /** Releases what prepare made; throws if it finds something wrong (a leak). */
  readonly teardown?: () => unknown;
}

/**
 * ours median / the named peer's median must be at most maxRatio, at the grid
 * points whose parameters include every entry of `where` (default: all of
 * them; the peer must run at each of those points).
 */
export interface PeerTarget {
  readonly peer: string;
  readonly maxRatio: number;
  readonly where?: Params;
}

/**
 * An absolute bound on one of ours' figures, for a claim with nothing to be
 * compared against (a pause time): figure ≤ maxNs, at the grid points whose
 * parameters include every entry of `where` (default: all of them).
 */
export interface BoundTarget {
  readonly figure: "median" | "p99";
  readonly maxNs: number;
  readonly where?: Params;
}

export type Target = PeerTarget | BoundTarget;

export function isBoundTarget(target: Target): target is BoundTarget {
  return "figure" in target;
}

export interface Row<P extends Params = Params> {
  /** `group/name`; --filter matches substrings of it. */
  readonly name: string;
  /** One line: what is compared with what. */
  readonly title: string;
  /** What one operation is, e.g. "alloc+free pair". */
  readonly unit: string;
  /** How it is measured and why the comparison is fair; printed under the table. */
  readonly method: string;
  readonly grid: Grid<P>;
  readonly targets: readonly Target[];
  /**
   * For a row whose one sample is a whole program run lasting seconds: take
   * at most this many interleaved slices, each needing only one sample,
   * whatever --rounds says (each slice still lasts --time / rounds at least).
   * Default: the run's sampling.
   */
  readonly maxRounds?: number;
  /** Builds the tasks for one grid point (untimed). */
  prepare(params: P, ctx: RunContext): Case | Promise<Case>;
}

/**
 * Declares a row, checking its grid and parameter types where it is written;
 * the registry then holds rows of every parameter shape in one list.
 */
export function defineRow<P extends Params>(row: Row<P>): Row {
  return row as unknown as Row;
}

/**
 * Every combination of the grid's axes, first axis slowest. An empty grid has
 * one point, the empty one.
 */
export function gridPoints(grid: Grid<Params>): Params[] {
  let points: Params[] = [{}];
  for (const [axis, values] of Object.entries(grid)) {
    const next: Params[] = [];
    for (const point of points) {
      for (const value of values) next.push({ ...point, [axis]: value });
    }
    points = next;
  }
  return points;
}

/** `sizes=small loop=wasm`, or `-` for the empty point. */
export function paramsLabel(params: Params): string {
  const parts = Object.entries(params).map(([axis, value]) => `${axis}=${value}`);
  return parts.length === 0 ? "-" : parts.join(" ");
}

const AsyncFunction = (async () => {}).constructor;

/**
 * `task` with a verify that every call the runner made ran fn to its end
 * (and then the task's own verify, if it has one): for a task whose work is
 * checked inside fn, or whose only evidence of work is that fn finished. A
 * run whose fn was skipped or cut short fails it (test/bench-verify.test.ts).
 * fn stays async when it was.
 */
export function verifyCompletions(row: string, task: TaskSpec): TaskSpec {
  let completed = 0;
  const fn = task.fn;
  const own = task.verify;
  const counted = fn instanceof AsyncFunction
    ? async () => {
      const result = await fn();
      completed++;
      return result;
    }
    : () => {
      const result = fn();
      completed++;
      return result;
    };
  return {
    ...task,
    fn: counted,
    verify: (calls) => {
      if (calls === 0 || completed !== calls) throw new Error(`bench ${row} (${task.name}): ${completed} calls ran to the end of ${calls} made`);
      own?.(calls);
    },
  };
}
