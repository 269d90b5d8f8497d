// The printer: a value as text, written iteratively.
//
// Note [The printer keeps its own stack]
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
// A list of 10⁵ elements, or a list nested 10⁵ deep, must print without
// growing the wasm stack. So the printer never recurses: its work list lives
// on the root stack, two entries an item (the value and what to do with it).
// A list's elements are walked along the cdr chain with one entry for "the
// rest of this list"; only car-nesting adds entries, so the work list is
// bounded by twice the nesting depth, never by the length. Printing does not
// allocate on the GC heap (text goes into a raw buffer), so nothing moves
// meanwhile; the root stack is simply a stack that is there. A circular
// structure (a queue after set-cdr!) would print forever, so the text stops
// at a limit with "...".
//
// Note [No AssemblyScript objects in a run]
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
// The answer, or an error message, is built in one text buffer of raw
// memory (heap.alloc), which run copies into a heap string for the host and
// frees. Nothing in a run allocates an AssemblyScript object (no string
// concatenation, no toString): such an object lives in the same TLSF memory
// as the pool's blocks and outlives the cycle until AssemblyScript's
// collector frees it, and one left among the pool's blocks at an exit splits
// the space the next cycle's nursery wants, so memory.size() grew at two
// restarts running (the harness's restart fixpoint failed, 20 → 40 → 80
// pages) when the answer came back as an AssemblyScript string.

import { Value, NULL, TRUE, FALSE, isIntValue, toInt, fromInt, field, stringData, lengthOfObject, push, pop, rootMark } from "../../assembly/api";
import { PAIR, SYMBOL, CLOSURE, PRIMITIVE, SYM_NAME, PRIM_SYMBOL, isTagged, isPair, car, cdr } from "./values";

// ── the text buffer: raw memory outside the GC heap ────────────────────────

@inline const C_SPACE: u32 = 0x20;
@inline const C_OPEN: u32 = 0x28;
@inline const C_CLOSE: u32 = 0x29;
@inline const C_MINUS: u32 = 0x2D;
@inline const C_0: u32 = 0x30;
@inline const C_GT: u32 = 0x3E;

let buf: usize = 0;
let cap: u32 = 0;
let len: u32 = 0;
let limit: u32 = 0;

function reserve(n: u32): void {
  if (len + n <= cap) return;
  let want = max(cap << 1, len + n + 64);
  buf = buf == 0 ? heap.alloc(<usize>want << 1) : heap.realloc(buf, <usize>want << 1);
  cap = want;
}

/** Writes code unit `c` at position i of the buffer (room reserved). */
@inline function setUnit(i: u32, c: u32): void { store<u16>(buf + (<usize>i << 1), <u16>c); }

function putChar(c: u32): void {
  reserve(1);
  setUnit(len, c);
  len++;
}

function putAscii(s: string): void {
  putUnits(changetype<usize>(s), <u32>s.length);
}

function putUnits(chars: usize, n: u32): void {
  reserve(n);
  memory.copy(buf + (<usize>len << 1), chars, <usize>n << 1);
  len += n;
}

function putInt(n: i32): void {
  // 31-bit ints: the digits of |n| fit a u32 whatever the sign.
  let m: u32 = n < 0 ? <u32>(-n) : <u32>n;
  if (n < 0) putChar(C_MINUS);
  let digits: u32 = 1;
  for (let t = m; t >= 10; t /= 10) digits++;
  reserve(digits);
  for (let i = digits; i > 0; i--) {
    setUnit(len + i - 1, C_0 + m % 10);
    m /= 10;
  }
  len += digits;
}

function putAtom(v: Value): void {
  if (isIntValue(v)) putInt(toInt(v));
  else if (v == NULL) putAscii("()");
  else if (v == TRUE) putAscii("#t");
  else if (v == FALSE) putAscii("#f");
  else if (isTagged(v, SYMBOL)) {
    let name = field(v, SYM_NAME);
    putUnits(stringData(name), lengthOfObject(name));
  } else if (isTagged(v, CLOSURE)) putAscii("#<procedure>");
  else if (isTagged(v, PRIMITIVE)) {
    putAscii("#<primitive ");
    putAtom(field(v, PRIM_SYMBOL));
    putChar(C_GT);
  } else putAscii("#<unknown>");
}

// ── the walk (Note [The printer keeps its own stack]) ─────────────────────

/** The work list's two kinds of item. */
@inline const PRINT_VALUE: i32 = 0;
@inline const PRINT_REST: i32 = 1;

function printInto(v: Value): void {
  let mark = rootMark();
  push(v);
  push(fromInt(PRINT_VALUE));
  while (rootMark() > mark) {
    if (len >= limit) {
      putAscii("...");
      while (rootMark() > mark) pop();
      return;
    }
    let what = toInt(pop());
    let x = pop();
    if (what == PRINT_REST) {
      // x is what follows an element of a list already opened.
      if (x == NULL) { putChar(C_CLOSE); continue; }
      if (isPair(x)) {
        putChar(C_SPACE);
        push(cdr(x)); push(fromInt(PRINT_REST));
        push(car(x)); push(fromInt(PRINT_VALUE));
        continue;
      }
      putAscii(" . ");
      putAtom(x);
      putChar(C_CLOSE);
      continue;
    }
    if (isPair(x)) {
      putChar(C_OPEN);
      push(cdr(x)); push(fromInt(PRINT_REST));
      push(car(x)); push(fromInt(PRINT_VALUE));
      continue;
    }
    putAtom(x);
  }
}

// ── the text: what run answers ─────────────────────────────────────────────

/** Starts an empty text. */
export function textBegin(): void {
  len = 0;
  limit = 0;
}

/** Appends `v` printed, stopping with "..." after about `maxChars` more code units. */
export function textValue(v: Value, maxChars: u32): void {
  limit = len + maxChars;
  printInto(v);
}

/** Appends `s`, an AssemblyScript string (a literal: appending allocates nothing). */
export function textString(s: string): void {
  putUnits(changetype<usize>(s), <u32>s.length);
}

/** Appends the `n` code units at `chars`. */
export function textUnits(chars: usize, n: u32): void { putUnits(chars, n); }

/** Appends int `n` in decimal. */
export function textInt(n: i32): void { putInt(n); }

/** Where the text's code units are (valid until the next append), and how many. */
export function textData(): usize { return buf; }
export function textLength(): u32 { return len; }

/** True when the text is `s`. */
export function textIs(s: string): bool {
  return <u32>s.length == len && (len == 0 || memory.compare(buf, changetype<usize>(s), <usize>len << 1) == 0);
}

/** Frees the buffer. */
export function textEnd(): void {
  if (buf != 0) heap.free(buf);
  buf = 0;
  cap = 0;
  len = 0;
}
