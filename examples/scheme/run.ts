// `run`: a program's text in, its last value printed out, both as heap
// strings (Note [No AssemblyScript objects in a run], printer.ts).
import {
  Value, Handle, NULL, push, peek, poke, rootMark, rootRestore, handleGet, handleNew, isBlock, isObject, kindOf,
  lengthOfObject, field, stringData, newStringOfLength, STRING,
} from "../../assembly/api";
import { ERR } from "./values";
import { clearError, errorRaised, raise } from "./errors";
import { symbolsBegin, symbolsEnd } from "./symbols";
import { readerBegin, read, readerAtEnd } from "./reader";
import { defineSpecialForms, evaluate } from "./eval";
import { definePrimitives } from "./primitives";
import { textBegin, textValue, textData, textLength, textEnd, textIs } from "./printer";

/** Longest answer, code units; a longer (or circular) value ends in "...". */
const MAX_RESULT: u32 = 1 << 20;

// Note [Errors leave the root stack to run]
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
// A Scheme error (errors.ts) returns ERR through every caller at once, and
// no caller touches the root stack on the way out: the entries of every
// evaluate, reader and primitive between the error and `run` are still
// there. `runText` alone puts the stack back, with the mark it took on
// entry, so the error paths need no bookkeeping and the normal paths pay
// none for them.

/**
 * Reads and evaluates the `n` code units at `chars` (outside the GC heap) in
 * a fresh global environment; leaves in the text (printer.ts) the last
 * form's value printed, or "error: …". Nothing survives: the symbol table's
 * handle is freed, so everything the program allocated is garbage.
 */
function runText(chars: usize, n: u32): void {
  let mark = rootMark();
  clearError();
  textBegin();
  symbolsBegin();
  defineSpecialForms();
  definePrimitives();
  readerBegin(chars, n);
  push(NULL); // the last form's value
  while (true) {
    let form = read();
    if (form == ERR || readerAtEnd()) break;
    let v: Value = evaluate(form, NULL);
    if (v == ERR) break;
    poke(0, v);
  }
  if (!errorRaised()) textValue(peek(0), MAX_RESULT);
  rootRestore(mark);
  symbolsEnd();
}

/**
 * Runs a program. `program` is a handle slot on a block whose field 0 is
 * the program's text, a heap string: the host makes it with
 * `rt.block(0, [text])` and passes `rt.slotOf(block)`. Answers a new handle
 * slot on a heap string, the last form's value printed or "error: …", for
 * the host to take with `rt.adopt(slot)`.
 */
export function run(program: Handle): Handle {
  let box = handleGet(program);
  let text = isBlock(box, 0) && lengthOfObject(box) > 0 ? field(box, 0) : NULL;
  if (!isObject(text) || kindOf(text) != STRING) {
    clearError();
    textBegin();
    raise("run: the program must be a block whose field 0 is its text, rt.block(0, [text])");
    return answer();
  }
  // The reader reads raw memory: the heap string moves at every collection.
  let n = lengthOfObject(text);
  let chars = heap.alloc(max<usize>(<usize>n << 1, 2));
  memory.copy(chars, stringData(text), <usize>n << 1);
  runText(chars, n);
  heap.free(chars);
  return answer();
}

/** The text, as a heap string in a new handle; frees the text. */
function answer(): Handle {
  let n = textLength();
  let s = newStringOfLength(n);
  memory.copy(stringData(s), textData(), <usize>n << 1);
  textEnd();
  return handleNew(s);
}

// A program built into the plugin, for a host that can only call an export
// with no arguments: `unloadable stress --module build/plugins/scheme.wasm
// --entry demo` loads, runs and unloads the interpreter with it.
const DEMO = `
(define (fib n) (if (< n 2) n (+ (fib (- n 1)) (fib (- n 2)))))
(define (count-down n acc) (if (= n 0) acc (count-down (- n 1) (cons n acc))))
(define (sum l acc) (if (null? l) acc (sum (cdr l) (+ acc (car l)))))
(define (make-counter) (let ((n 0)) (lambda () (set! n (+ n 1)) n)))
(define c (make-counter))
(c) (c)
(list (fib 15) (sum (count-down 1000 '()) 0) (c))`;

const DEMO_ANSWER = "(610 500500 3)";

/** Runs the built-in program: 0 when its answer is right, 1 when not. */
export function demo(): i32 {
  runText(changetype<usize>(DEMO), <u32>DEMO.length);
  let right = textIs(DEMO_ANSWER);
  textEnd();
  return right ? 0 : 1;
}
