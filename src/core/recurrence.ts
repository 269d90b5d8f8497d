// The minimal recurring call pattern in a list of frames: what the Lwt
// write-up's GDB script (`ocaml-detect-recursion`, ../shared/background/)
// found in a 1.3-million-frame core dump, as a pure function over names.
//
// Note [Finding the recurring pattern]
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
// Frames come innermost first, as a stack trace lists them. Names become
// small integers once, so every comparison is an integer compare. For each
// period p from 1 to MAX_PERIOD, one pass finds the longest run of i with
// frame[i] == frame[i + p]; such a run of length r is a p-periodic segment
// of r + p frames. The pattern is the period whose segment covers the most
// frames, the smallest such period on a tie (a cycle of 3 is also one of 6,
// covering as much), provided it repeats at least MIN_REPEATS times. So a
// nested cycle (a → b → b → b → c, recurring) is reported as its outer
// period, which covers the stack, not as the inner b → b, which covers
// three frames; and a noisy top (the frames the overflow hit in, a partial
// turn of the cycle) and bottom (how the program got there) are outside the
// segment. Time O(n · MAX_PERIOD) with no recursion and no allocation per
// step: ~10 ms for 10⁵ frames.
//
// The pattern is reported in call order (outermost first), starting at the
// segment's outermost frame: the function the frames below entered the cycle
// through. The frames below are reported in call order too, so the last of
// them is the one that "entered" the cycle.

/** The longest cycle looked for. Lwt's was 6 frames; an interpreter's is a handful. */
export const MAX_PERIOD = 64;
/** A pattern must recur at least this often to count. */
export const MIN_REPEATS = 3;

/** A recurring call pattern found in a stack. */
export interface Recurrence {
  /** The cycle's frames in call order, starting where the frames below entered it. */
  readonly pattern: readonly string[];
  /** pattern.length. */
  readonly period: number;
  /** Whole turns of the cycle in the frames looked at. */
  readonly repeats: number;
  /** Frames below the cycle, outermost first: how the program got there. */
  readonly below: readonly string[];
  /** Frames above the cycle (the innermost, where the overflow struck), innermost first. */
  readonly above: readonly string[];
  /** How many frames were looked at. */
  readonly frames: number;
}

/** The minimal recurring pattern in `frames` (innermost first), or undefined when none recurs MIN_REPEATS times. */
export function findRecurrence(frames: readonly string[], maxPeriod = MAX_PERIOD): Recurrence | undefined {
  const n = frames.length;
  const ids = internNames(frames);
  let bestPeriod = 0;
  let bestStart = 0;
  let bestCover = 0;
  const periods = Math.min(maxPeriod, Math.floor(n / MIN_REPEATS));
  for (let p = 1; p <= periods; p++) {
    // The longest run of i with ids[i] === ids[i + p].
    let runStart = 0;
    let run = 0;
    for (let i = 0; i + p < n; i++) {
      if (ids[i] === ids[i + p]) {
        run++;
        const cover = run + p;
        if (cover > bestCover && cover >= MIN_REPEATS * p) {
          bestCover = cover;
          bestPeriod = p;
          bestStart = runStart;
        }
      } else {
        run = 0;
        runStart = i + 1;
      }
    }
  }
  if (bestPeriod === 0) return undefined;
  const end = bestStart + bestCover; // the segment is frames [bestStart, end)
  const pattern: string[] = [];
  for (let k = 1; k <= bestPeriod; k++) pattern.push(frames[end - k]!);
  return {
    pattern,
    period: bestPeriod,
    repeats: Math.floor(bestCover / bestPeriod),
    below: frames.slice(end).reverse(),
    above: frames.slice(0, bestStart),
    frames: n,
  };
}

/** The sentence a report gives for `frames`: the pattern, or that there is none. */
export function describeRecurrence(found: Recurrence | undefined, frames: number, name: (frame: string) => string = (frame) => frame): string {
  if (found === undefined) return `no recurring pattern in ${frames.toLocaleString("en-US")} frames`;
  const cycle = found.pattern.map(name).join(" → ");
  const entered = found.below.length === 0 ? "" : `; entered from ${name(found.below[found.below.length - 1]!)}`;
  return `recurring call pattern of ${found.period} frame${found.period === 1 ? "" : "s"} × ${found.repeats.toLocaleString("en-US")}: ${cycle}${entered}`;
}

/** Each distinct name as a small integer, in order of first appearance. */
function internNames(frames: readonly string[]): Int32Array {
  const ids = new Int32Array(frames.length);
  const known = new Map<string, number>();
  for (let i = 0; i < frames.length; i++) {
    const frame = frames[i]!;
    let id = known.get(frame);
    if (id === undefined) {
      id = known.size;
      known.set(frame, id);
    }
    ids[i] = id;
  }
  return ids;
}
