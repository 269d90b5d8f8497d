// Scheme errors: AssemblyScript has no exceptions, so an error is a return
// value. The function that finds one writes its message into the run's text
// (printer.ts) and returns ERR, and every caller passes ERR up at once; Note
// [Errors leave the root stack to run] (run.ts) says who cleans up. Messages
// are built piece by piece, never by string concatenation (Note [No
// AssemblyScript objects in a run], printer.ts):
//
//   if (errorBegin()) { errorText("car: expected a pair, got "); errorValue(v); }
//   return ERR;
//
// or, for a message of fixed text, `return raise("read: unexpected )")`.

import { Value } from "../../assembly/api";
import { ERR } from "./values";
import { textBegin, textString, textValue, textUnits, textInt } from "./printer";

/** Longest printed value in a message, code units. */
@inline const SHOWN: u32 = 80;

let raised = false;

/** Starts a run with no error. */
export function clearError(): void { raised = false; }

/** True once an error was raised in this run. */
export function errorRaised(): bool { return raised; }

/**
 * Starts the message of a new error ("error: "); false, and nothing to
 * write, when one was already raised (the first error is the one reported).
 */
export function errorBegin(): bool {
  if (raised) return false;
  raised = true;
  textBegin();
  textString("error: ");
  return true;
}

export function errorText(s: string): void { textString(s); }
export function errorValue(v: Value): void { textValue(v, SHOWN); }
export function errorUnits(chars: usize, n: u32): void { textUnits(chars, n); }
export function errorInt(n: i32): void { textInt(n); }

/** Raises an error with the fixed message `s`; returns ERR. */
export function raise(s: string): Value {
  if (errorBegin()) errorText(s);
  return ERR;
}

/** Raises "`s``v`", v printed; returns ERR. */
export function raiseWith(s: string, v: Value): Value {
  if (errorBegin()) {
    errorText(s);
    errorValue(v);
  }
  return ERR;
}

/** Raises "`s``v``t``w`", v and w printed; returns ERR. */
export function raiseWith2(s: string, v: Value, t: string, w: Value): Value {
  if (errorBegin()) {
    errorText(s);
    errorValue(v);
    errorText(t);
    errorValue(w);
  }
  return ERR;
}
