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

import { Value, NULL, TRUE, FALSE, isIntValue, toInt, fromInt, field, stringData, lengthOfObject, push, pop, rootMark } from "../../assembly/api";
import { PAIR, SYMBOL, CLOSURE, PRIMITIVE, SYM_NAME, PRIM_SYMBOL, isTagged, isPair, car, cdr } from "./values";

// ── the text buffer: raw memory outside the GC heap ────────────────────────

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

function putChar(c: u32): void {
  reserve(1);
  store<u16>(buf + (<usize>len << 1), <u16>c);
  len++;
}

function putAscii(s: string): void {
  for (let i = 0; i < s.length; i++) putChar(<u32>s.charCodeAt(i));
}

function putUnits(chars: usize, n: u32): void {
  reserve(n);
  memory.copy(buf + (<usize>len << 1), chars, <usize>n << 1);
  len += n;
}

function putInt(n: i32): void {
  // 31-bit ints: the digits of |n| fit a u32 whatever the sign.
  let m: u32 = n < 0 ? <u32>(-n) : <u32>n;
  if (n < 0) putChar(0x2D);
  let digits: u32 = 1;
  for (let t = m; t >= 10; t /= 10) digits++;
  reserve(digits);
  for (let i = digits; i > 0; i--) {
    store<u16>(buf + (<usize>(len + i - 1) << 1), <u16>(0x30 + m % 10));
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
    putChar(0x3E);
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
      if (x == NULL) { putChar(0x29); continue; }
      if (isPair(x)) {
        putChar(0x20);
        push(cdr(x)); push(fromInt(PRINT_REST));
        push(car(x)); push(fromInt(PRINT_VALUE));
        continue;
      }
      putAscii(" . ");
      putAtom(x);
      putChar(0x29);
      continue;
    }
    if (isPair(x)) {
      putChar(0x28);
      push(cdr(x)); push(fromInt(PRINT_REST));
      push(car(x)); push(fromInt(PRINT_VALUE));
      continue;
    }
    putAtom(x);
  }
}

/** `v` printed, as an AssemblyScript string of at most about `maxChars` code units. */
export function printToString(v: Value, maxChars: u32): string {
  len = 0;
  limit = maxChars;
  printInto(v);
  let s = String.UTF16.decodeUnsafe(buf, <usize>len << 1);
  if (buf != 0) heap.free(buf);
  buf = 0;
  cap = 0;
  return s;
}
