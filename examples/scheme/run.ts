// `run`: a program's text in, its last value printed out.
import { Value, NULL, push, peek, poke, rootMark, rootRestore } from "../../assembly/api";
import { ERR, clearError, errorMessage } from "./values";
import { symbolsBegin, symbolsEnd } from "./symbols";
import { readerBegin, read, readerAtEnd } from "./reader";
import { defineSpecialForms, evaluate } from "./eval";
import { definePrimitives } from "./primitives";
import { printToString } from "./printer";

/** Longest result text, code units; a longer (or circular) result ends in "...". */
const MAX_RESULT: u32 = 1 << 20;

// Note [Errors leave the root stack to run]
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
// A Scheme error (values.ts, raise) returns ERR through every caller at
// once, and no caller touches the root stack on the way out: the entries of
// every evaluate, reader and primitive between the error and `run` are still
// there. `run` alone puts the stack back, with the mark it took on entry, so
// the error paths need no bookkeeping and the normal paths pay none for them.

/**
 * Runs `program` (Scheme text): reads and evaluates its forms in order in a
 * fresh global environment, and returns the last one's value printed, or
 * "error: …" when one raised an error. Nothing survives the call: its symbol
 * table's handle is freed, so everything it allocated is garbage.
 *
 * The host lowers the text with the loader and pins it for the call:
 *   const p = loader.__pin(loader.__newString(text));
 *   try { out = loader.__getString(rt.call("run", p)); } finally { loader.__unpin(p); }
 */
export function run(program: string): string {
  let mark = rootMark();
  clearError();
  symbolsBegin();
  defineSpecialForms();
  definePrimitives();
  readerBegin(changetype<usize>(program), <u32>program.length);
  push(NULL); // the last form's value
  while (true) {
    let form = read();
    if (form == ERR || readerAtEnd()) break;
    let v: Value = evaluate(form, NULL);
    if (v == ERR) break;
    poke(0, v);
  }
  let error = errorMessage();
  let out = error !== null ? "error: " + error : printToString(peek(rootMark() - 1 - mark), MAX_RESULT);
  rootRestore(mark);
  symbolsEnd();
  clearError();
  return out;
}
