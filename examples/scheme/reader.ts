// The reader: program text to data, one datum a call, iteratively.
//
// Note [The reader keeps its own stack]
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
// Like the printer, the reader never recurses, so neither a long list nor a
// deeply nested one grows the wasm stack. Each list being read is three
// entries on the root stack, pushed at its "(":
//
//   ┌──────┬──────┬───────┐
//   │ head │ tail │ state │   head/tail: the list so far and its last pair
//   └──────┴──────┴───────┘   state (int): LIST, DOT, DOTTED or QUOTE
//
// so the entries are bounded by three times the nesting depth, and head and
// tail, being roots, stay right while each new pair is allocated. A `'x` is a
// QUOTE entry that wraps the next datum as (quote x). A datum is appended by
// a barriered store into `tail`, which may be old by then.
//
// The text is UTF-16 code units at an address outside the GC heap (the
// AssemblyScript string the host passed in and pinned). Syntax: integers,
// #t and #f, symbols (any other run of characters up to a delimiter), lists,
// dotted pairs, 'x, and ; comments. No strings, characters or vectors.

import { Value, NULL, TRUE, FALSE, MAX_INT, fromInt, toInt, newBlock2, setField, push, pop, peek, poke, rootMark } from "../../assembly/api";
import { PAIR, CDR, ERR } from "./values";
import { raise, errorBegin, errorText, errorUnits } from "./errors";
import { intern, internString } from "./symbols";

@inline const LIST: i32 = 0;
@inline const DOT: i32 = 1;
@inline const DOTTED: i32 = 2;
@inline const QUOTE: i32 = 3;

@inline const E_STATE: u32 = 0;
@inline const E_TAIL: u32 = 1;
@inline const E_HEAD: u32 = 2;

@inline const C_TAB: u32 = 0x09;
@inline const C_NEWLINE: u32 = 0x0A;
@inline const C_RETURN: u32 = 0x0D;
@inline const C_SPACE: u32 = 0x20;
@inline const C_QUOTE: u32 = 0x27;
@inline const C_DQUOTE: u32 = 0x22;
@inline const C_OPEN: u32 = 0x28;
@inline const C_CLOSE: u32 = 0x29;
@inline const C_PLUS: u32 = 0x2B;
@inline const C_MINUS: u32 = 0x2D;
@inline const C_DOT: u32 = 0x2E;
@inline const C_0: u32 = 0x30;
@inline const C_9: u32 = 0x39;
@inline const C_SEMI: u32 = 0x3B;
@inline const C_HASH: u32 = 0x23;
@inline const C_T: u32 = 0x74;
@inline const C_F: u32 = 0x66;

let text: usize = 0;
let textLength: u32 = 0;
let pos: u32 = 0;
let ended = false;

/** Starts reading the `n` code units at `chars`. */
export function readerBegin(chars: usize, n: u32): void {
  text = chars;
  textLength = n;
  pos = 0;
  ended = false;
}

/** True once read found no more data. */
export function readerAtEnd(): bool { return ended; }

@inline function charAt(i: u32): u32 { return <u32>load<u16>(text + (<usize>i << 1)); }
@inline function isSpace(c: u32): bool { return c == C_SPACE || c == C_NEWLINE || c == C_TAB || c == C_RETURN; }
@inline function isDigit(c: u32): bool { return c >= C_0 && c <= C_9; }
@inline function isDelimiter(c: u32): bool { return isSpace(c) || c == C_OPEN || c == C_CLOSE || c == C_SEMI || c == C_DQUOTE || c == C_QUOTE; }

function skipBlank(): void {
  while (pos < textLength) {
    let c = charAt(pos);
    if (isSpace(c)) pos++;
    else if (c == C_SEMI) { while (pos < textLength && charAt(pos) != C_NEWLINE) pos++; }
    else return;
  }
}

/** Raises "`before``token``after`" for the `n` code units of a token at `start`. */
function badToken(before: string, start: u32, n: u32, after: string): Value {
  if (errorBegin()) {
    errorText(before);
    errorUnits(text + (<usize>start << 1), n);
    errorText(after);
  }
  return ERR;
}

/** An atom: the token from `start` to pos. */
function atom(start: u32): Value {
  let n = pos - start;
  let first = charAt(start);
  let digitsFrom = (first == C_MINUS || first == C_PLUS) && n > 1 ? start + 1 : start;
  let numeric = isDigit(charAt(digitsFrom));
  for (let i = digitsFrom; numeric && i < pos; i++) numeric = isDigit(charAt(i));
  if (numeric) {
    let m: i64 = 0;
    for (let i = digitsFrom; i < pos; i++) {
      m = m * 10 + <i64>(charAt(i) - C_0);
      if (m > <i64>MAX_INT + 1) break;
    }
    if (first == C_MINUS) m = -m;
    if (m > <i64>MAX_INT || m < -<i64>MAX_INT - 1) return badToken("read: integer ", start, n, " does not fit in 31 bits");
    return fromInt(<i32>m);
  }
  if (first == C_HASH) {
    if (n == 2 && charAt(start + 1) == C_T) return TRUE;
    if (n == 2 && charAt(start + 1) == C_F) return FALSE;
    return badToken("read: unknown syntax ", start, n, "");
  }
  return intern(text + (<usize>start << 1), n);
}

/** (quote v); may allocate. */
function quoted(v: Value): Value {
  push(v);
  push(internString("quote"));
  let inner = newBlock2(PAIR, peek(1), NULL);
  let q = pop();
  pop();
  return newBlock2(PAIR, q, inner);
}

/**
 * The next datum; at the end of the text NULL, with readerAtEnd() true. ERR
 * (values.ts) on a syntax error. Leaves the root stack as it found it, unless
 * it raised an error (Note [Errors leave the root stack to run], run.ts).
 */
export function read(): Value {
  let mark = rootMark();
  while (true) {
    skipBlank();
    if (pos >= textLength) {
      if (rootMark() > mark) return raise("read: unexpected end of the program (a ( is not closed)");
      ended = true;
      return NULL;
    }
    let c = charAt(pos);
    let v: Value;
    if (c == C_OPEN || c == C_QUOTE) {
      pos++;
      push(NULL);
      push(NULL);
      push(fromInt(c == C_OPEN ? LIST : QUOTE));
      continue;
    } else if (c == C_CLOSE) {
      pos++;
      if (rootMark() == mark) return raise("read: unexpected )");
      let state = toInt(peek(E_STATE));
      if (state == QUOTE) return raise("read: ' followed by )");
      if (state == DOT) return raise("read: nothing after . in a dotted list");
      v = peek(E_HEAD);
      pop(); pop(); pop();
    } else if (c == C_DQUOTE) {
      return raise("read: strings are not supported");
    } else if (c == C_DOT && (pos + 1 >= textLength || isDelimiter(charAt(pos + 1)))) {
      pos++;
      if (rootMark() == mark || toInt(peek(E_STATE)) != LIST || peek(E_HEAD) == NULL) return raise("read: . outside a list, or before its first element");
      poke(E_STATE, fromInt(DOT));
      continue;
    } else {
      let start = pos;
      while (pos < textLength && !isDelimiter(charAt(pos))) pos++;
      v = atom(start);
      if (v == ERR) return v;
    }
    // A datum is complete: give it to the list or quote it is in, or return it.
    while (true) {
      if (rootMark() == mark) return v;
      let state = toInt(peek(E_STATE));
      if (state == QUOTE) {
        pop(); pop(); pop();
        v = quoted(v);
        continue;
      }
      if (state == DOTTED) return raise("read: more than one datum after . in a dotted list");
      if (state == DOT) {
        setField(peek(E_TAIL), CDR, v);
        poke(E_STATE, fromInt(DOTTED));
        break;
      }
      let cell = newBlock2(PAIR, v, NULL);
      let tail = peek(E_TAIL);
      if (tail == NULL) poke(E_HEAD, cell);
      else setField(tail, CDR, cell);
      poke(E_TAIL, cell);
      break;
    }
  }
}
