// The primitives: procedures written in AssemblyScript.
//
// A primitive is called with its `argc` arguments on the root stack (eval.ts
// pushes them as it evaluates them): argument i is peek(argc - 1 - i). It
// returns a value, or ERR after raise. Integers are 31-bit: arithmetic that
// leaves that range is an error, not a wrap.

import {
  Value, NULL, TRUE, FALSE, MIN_INT, MAX_INT, isIntValue, toInt, fromInt, fromBool, newBlock, newBlock2, initField,
  setField, peek, push, pop,
} from "../../assembly/api";
import { PAIR, PRIMITIVE, PRIM_ID, PRIM_SYMBOL, PRIM_FIELDS, SYM_VALUE, CAR, CDR, ERR, isPair, car, cdr } from "./values";
import { errorBegin, errorText, errorValue, errorInt } from "./errors";
import { internString } from "./symbols";

// The names, in id order: a primitive's id is its index here.
const NAMES: string[] = [
  "+", "-", "*", "<", "=", ">", "<=", ">=", "cons", "car", "cdr", "null?", "pair?", "list",
  "set-car!", "set-cdr!", "not", "eq?", "remainder", "quotient",
];
@inline const P_ADD: i32 = 0;
@inline const P_SUB: i32 = 1;
@inline const P_MUL: i32 = 2;
@inline const P_LT: i32 = 3;
@inline const P_EQ: i32 = 4;
@inline const P_GT: i32 = 5;
@inline const P_LE: i32 = 6;
@inline const P_GE: i32 = 7;
@inline const P_CONS: i32 = 8;
@inline const P_CAR: i32 = 9;
@inline const P_CDR: i32 = 10;
@inline const P_NULLP: i32 = 11;
@inline const P_PAIRP: i32 = 12;
@inline const P_LIST: i32 = 13;
@inline const P_SET_CAR: i32 = 14;
@inline const P_SET_CDR: i32 = 15;
@inline const P_NOT: i32 = 16;
@inline const P_EQP: i32 = 17;
@inline const P_REMAINDER: i32 = 18;
@inline const P_QUOTIENT: i32 = 19;

/** Binds every primitive's name to it, in a fresh symbol table; may allocate. */
export function definePrimitives(): void {
  for (let id = 0; id < NAMES.length; id++) {
    push(internString(NAMES[id]));
    let p = newBlock(PRIMITIVE, PRIM_FIELDS);
    let sym = pop();
    initField(p, PRIM_ID, fromInt(id));
    initField(p, PRIM_SYMBOL, sym);
    setField(sym, SYM_VALUE, p);
  }
}

/** The name of primitive `id`. */
function nameOf(id: i32): string { return NAMES[id]; }

function typeError(id: i32, expected: string, v: Value): Value {
  if (errorBegin()) {
    errorText(nameOf(id));
    errorText(": expected ");
    errorText(expected);
    errorText(", got ");
    errorValue(v);
  }
  return ERR;
}

function arityError(id: i32, wanted: string, argc: u32): Value {
  if (errorBegin()) {
    errorText(nameOf(id));
    errorText(": expects ");
    errorText(wanted);
    errorText(", got ");
    errorInt(<i32>argc);
  }
  return ERR;
}

/** Raises "`name of id``s`". */
function primitiveError(id: i32, s: string): Value {
  if (errorBegin()) {
    errorText(nameOf(id));
    errorText(s);
  }
  return ERR;
}

@inline function arg(i: u32, argc: u32): Value { return peek(argc - 1 - i); }

/** A result of arithmetic, or an overflow error. */
@inline function intResult(id: i32, n: i64): Value {
  if (n < <i64>MIN_INT || n > <i64>MAX_INT) return primitiveError(id, ": integer overflow (the result does not fit in 31 bits)");
  return fromInt(<i32>n);
}

function arithmetic(id: i32, argc: u32): Value {
  let acc: i64 = id == P_MUL ? 1 : 0;
  for (let i: u32 = 0; i < argc; i++) {
    let v = arg(i, argc);
    if (!isIntValue(v)) return typeError(id, "an integer", v);
    let n = <i64>toInt(v);
    if (id == P_ADD) acc += n;
    else if (id == P_MUL) acc *= n;
    else acc = i == 0 && argc > 1 ? n : acc - n;
    // Bounded at each step, so the i64 never overflows.
    if (acc < <i64>MIN_INT || acc > <i64>MAX_INT) return intResult(id, acc);
  }
  if (id == P_SUB && argc == 0) return arityError(id, "at least 1 argument", argc);
  return fromInt(<i32>acc);
}

function compare(id: i32, argc: u32): Value {
  if (argc < 2) return arityError(id, "at least 2 arguments", argc);
  let result = true;
  for (let i: u32 = 0; i < argc; i++) {
    let v = arg(i, argc);
    if (!isIntValue(v)) return typeError(id, "an integer", v);
    if (i == 0) continue;
    let a = toInt(arg(i - 1, argc));
    let b = toInt(v);
    let ok = id == P_LT ? a < b : id == P_EQ ? a == b : id == P_GT ? a > b : id == P_LE ? a <= b : a >= b;
    result = result && ok;
  }
  return fromBool(result);
}

/** `(list a b …)`: built from the end, each argument read from the root stack after the allocation before it. */
function list(argc: u32): Value {
  let l: Value = NULL;
  for (let i = argc; i > 0; i--) l = newBlock2(PAIR, arg(i - 1, argc), l);
  return l;
}

/** Arithmetic or a comparison on two integers: the common case, without the loops. */
@inline function binaryOnInts(id: i32, a: i32, b: i32): Value {
  switch (id) {
    case P_ADD: return intResult(id, <i64>a + <i64>b);
    case P_SUB: return intResult(id, <i64>a - <i64>b);
    case P_MUL: return intResult(id, <i64>a * <i64>b);
    case P_LT: return fromBool(a < b);
    case P_EQ: return fromBool(a == b);
    case P_GT: return fromBool(a > b);
    case P_LE: return fromBool(a <= b);
    default: return fromBool(a >= b);
  }
}

/** Applies primitive `id` to the `argc` arguments on top of the root stack. */
export function applyPrimitive(id: i32, argc: u32): Value {
  if (id <= P_GE && argc == 2) {
    let a = arg(0, 2);
    let b = arg(1, 2);
    if (isIntValue(a) && isIntValue(b)) return binaryOnInts(id, toInt(a), toInt(b));
  }
  if (id <= P_MUL) return arithmetic(id, argc);
  if (id <= P_GE) return compare(id, argc);
  if (id == P_LIST) return list(argc);
  // The rest take one or two arguments.
  let wanted: u32 = id == P_CONS || id == P_SET_CAR || id == P_SET_CDR || id == P_EQP || id == P_REMAINDER || id == P_QUOTIENT ? 2 : 1;
  if (argc != wanted) return arityError(id, wanted == 1 ? "1 argument" : "2 arguments", argc);
  let a = arg(0, argc);
  switch (id) {
    case P_CONS: return newBlock2(PAIR, a, arg(1, argc));
    case P_CAR: return isPair(a) ? car(a) : typeError(id, "a pair", a);
    case P_CDR: return isPair(a) ? cdr(a) : typeError(id, "a pair", a);
    case P_NULLP: return fromBool(a == NULL);
    case P_PAIRP: return fromBool(isPair(a));
    case P_SET_CAR:
    case P_SET_CDR: {
      if (!isPair(a)) return typeError(id, "a pair", a);
      setField(a, id == P_SET_CAR ? CAR : CDR, arg(1, argc));
      return NULL;
    }
    case P_NOT: return fromBool(a == FALSE);
    case P_EQP: return fromBool(a == arg(1, argc));
    default: {
      let b = arg(1, argc);
      if (!isIntValue(a)) return typeError(id, "an integer", a);
      if (!isIntValue(b)) return typeError(id, "an integer", b);
      if (toInt(b) == 0) return primitiveError(id, ": division by zero");
      let x = <i64>toInt(a);
      let y = <i64>toInt(b);
      return intResult(id, id == P_REMAINDER ? x % y : x / y);
    }
  }
}
