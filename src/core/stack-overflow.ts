// A stack overflow as the host reports it: V8's RangeError "Maximum call
// stack size exceeded", its stack trace read into frame names, and the
// recurring pattern in them (recurrence.ts) made into a StackOverflowError.
//
// Note [Deep stack traces, only around user code]
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
// V8 records Error.stackTraceLimit frames (10 by default) when an error is
// made; a cycle and the frames below it (how the program got there, at the
// very bottom of a stack of 10⁴–10⁵ frames) need all of them. The limit is
// raised around calls into code the user wrote, where an unbounded
// recursion can start: `rt.call` (a plugin export) and each run of the
// finaliser queue; restored after. Setting it costs a property store each
// way (bench row host/deep-traces: within noise of a plain rt.call), and
// an ordinary error thrown meanwhile records only the frames that exist, a
// few dozen. Recording and formatting a full overflow (~18,000 frames at
// Node's default stack) takes 0.3–0.5 s: the price of the diagnosis, paid
// only when the program has failed. Every other entry point (rt.block,
// rt.gc, …) runs with the caller's limit: an overflow there is reported
// with the frames it has. docs/decisions.md records the choice.

import { describeRecurrence, findRecurrence, type Recurrence } from "./recurrence.js";
import { isInstance } from "./user.js";

/** Error.stackTraceLimit around user code: more than any stack Node's --stack-size allows in practice. */
export const DEEP_TRACE_LIMIT = 1_000_000;

/** The frames below a cycle that a report lists (the nearest ones to the cycle). */
const BELOW_LISTED = 16;

/** V8's message for an exhausted stack. */
const OVERFLOW_MESSAGE = "Maximum call stack size exceeded";

/** True for V8's stack-overflow RangeError; false for anything else, a hostile Proxy included. */
export function isStackOverflow(thrown: unknown): thrown is RangeError {
  if (!isInstance(thrown, RangeError)) return false;
  try {
    return (thrown as RangeError).message === OVERFLOW_MESSAGE;
  } catch {
    return false;
  }
}

/** Runs `body` with Error.stackTraceLimit raised; see Note [Deep stack traces, only around user code]. */
export function withDeepStackTraces<T>(body: () => T): T {
  const saved = Error.stackTraceLimit;
  Error.stackTraceLimit = DEEP_TRACE_LIMIT;
  try {
    return body();
  } finally {
    Error.stackTraceLimit = saved;
  }
}

/** What an overflow's stack trace says. */
export interface OverflowTrace {
  /** The recurring pattern, or undefined when none recurs. */
  readonly recurrence: Recurrence | undefined;
  /** Frames recorded. */
  readonly frames: number;
  /** The sentence: "recurring call pattern of 3 frames × 4,812: a → b → c; entered from main". */
  readonly summary: string;
}

/**
 * Reads an overflow's trace: each frame's function name (a wasm function's
 * name from the module's name section, a JS function's name; the location
 * when it has none), innermost first. Frames below the cycle stop at the
 * first frame of this package's own host code, where the call came in.
 */
export function readOverflow(error: RangeError): OverflowTrace {
  const frames = framesOf(error.stack ?? "");
  const found = findRecurrence(frames);
  const recurrence = found === undefined ? undefined : { ...found, below: userFramesBelow(found.below, error.stack ?? "") };
  return { recurrence, frames: frames.length, summary: describeRecurrence(recurrence, frames.length, shortName) };
}

/** One name a frame, innermost first. */
export function framesOf(stack: string): string[] {
  const names: string[] = [];
  for (const line of stack.split("\n")) {
    const frame = parseFrame(line);
    if (frame !== undefined) names.push(frame.name);
  }
  return names;
}

interface Frame {
  readonly name: string;
  readonly location: string;
}

/** `    at name (location)` or `    at location`; undefined for other lines. */
function parseFrame(line: string): Frame | undefined {
  const at = line.indexOf("at ");
  if (at < 0 || line.slice(0, at).trim() !== "") return undefined;
  let text = line.slice(at + 3).trim();
  if (text.startsWith("async ")) text = text.slice(6);
  const open = text.endsWith(")") ? text.lastIndexOf(" (") : -1;
  if (open > 0) return { name: text.slice(0, open), location: text.slice(open + 2, -1) };
  // No name: a wasm function without one is known by its index; JS code by its place.
  const wasm = /wasm-function\[\d+\]/.exec(text);
  return { name: wasm === null ? text : wasm[0], location: text };
}

/** This package's host code: frames there are where the call came in, not the user's. */
const HOST_ROOT = new URL("../", import.meta.url).pathname;

/** The frames below a cycle (outermost first) that are the user's: those above the first host frame, the nearest BELOW_LISTED. */
function userFramesBelow(below: readonly string[], stack: string): string[] {
  const host = new Set<string>();
  for (const line of stack.split("\n")) {
    const frame = parseFrame(line);
    if (frame !== undefined && frame.location.includes(HOST_ROOT)) host.add(frame.name);
  }
  // `below` is in call order: the user's frames are the innermost ones, after the last host frame.
  let first = 0;
  for (let i = below.length - 1; i >= 0; i--) {
    if (host.has(below[i]!)) {
      first = i + 1;
      break;
    }
  }
  return below.slice(Math.max(first, below.length - BELOW_LISTED));
}

/** A wasm name without its module path (`test/plugins/recursion/evalExpr` → `evalExpr`), for messages. */
export function shortName(frame: string): string {
  if (frame.includes(" ") || frame.includes(":")) return frame;
  const slash = frame.lastIndexOf("/");
  return slash < 0 ? frame : frame.slice(slash + 1);
}
