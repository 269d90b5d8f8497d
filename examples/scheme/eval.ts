// The evaluator: an expression and an environment to a value.
//
// Note [Rooting in eval]
// ~~~~~~~~~~~~~~~~~~~~~~
// Every call of `evaluate` owns the root-stack entries from its mark up:
//
//   mark ▼
//        ┌───┬─────┬───┬────┬────┬───┐
//        │ x │ env │ f │ a0 │ a1 │ … │   f and the arguments only while an
//        └───┴─────┴───┴────┴────┴───┘   application is being evaluated
//
// x and env are the expression and environment being evaluated; at the top
// of the loop the stack is exactly [x env] and the locals agree with it.
// After anything that may allocate (a nested evaluate, a primitive, a frame,
// a closure) the locals are stale, and are read back from the stack. An
// argument is pushed as soon as it is evaluated, so the primitives read
// their arguments from the root stack (primitives.ts) and a closure's frame
// is filled from it. Looking a variable up never allocates.
//
// Note [Proper tail calls]
// ~~~~~~~~~~~~~~~~~~~~~~~~
// `evaluate` is a loop: an expression in tail position (the branch an `if`
// takes, the last expression of a body, a `begin` or a `let`, and the body of
// the closure an application calls) replaces x and env in the loop's two
// entries instead of calling evaluate again. So a loop written as tail
// recursion runs in constant wasm stack and constant root stack. Everything
// else (an operator, an argument, an `if` test, a `define`'s value, a body's
// expressions before its last) is a nested call of evaluate: a program that
// recurses without tail calls grows the wasm stack by one or two evaluate
// frames a level, and a deep enough one ends in a stack overflow trap.

import {
  Value, NULL, FALSE, isObject, tagOf, field, setField, initField, fromInt, toInt, newBlock, tryNewBlock, newBlock2,
  push, pop, peek, poke, rootMark, rootRestore, takeHp, giveHp, hasRoom, refillHp, blockBytes, initBlockAt,
} from "../../assembly/api";
import {
  PAIR, SYMBOL, CLOSURE, PRIMITIVE, FRAME, LET_FRAME, CDR, SYM_VALUE, SYM_SPECIAL, CLOS_PARAMS, CLOS_BODY, CLOS_ENV,
  CLOS_ARITY, CLOS_FIELDS, PRIM_ID, FRAME_PARENT, FRAME_NAMES, FRAME_EXTRAS, FRAME_VALUES, UNBOUND, ERR,
  isTagged, isPair, isSymbol, car, cdr, specialOf, arityOf, arityFixed, arityRest,
} from "./values";
import { internString } from "./symbols";
import { raise, raiseWith, raiseWith2, errorBegin, errorText, errorValue, errorInt } from "./errors";
import { applyPrimitive } from "./primitives";

// ── special forms ─────────────────────────────────────────────────────────
// A symbol's SYM_SPECIAL field holds its form's number; the names are
// reserved (a variable called `if` is never looked up).

const FORM_NAMES: string[] = ["quote", "if", "define", "lambda", "let", "set!", "begin"];
@inline const F_QUOTE: i32 = 1;
@inline const F_IF: i32 = 2;
@inline const F_DEFINE: i32 = 3;
@inline const F_LAMBDA: i32 = 4;
@inline const F_LET: i32 = 5;
@inline const F_SET: i32 = 6;
@inline const F_BEGIN: i32 = 7;

/** Marks the special forms' names in a fresh symbol table; may allocate. */
export function defineSpecialForms(): void {
  for (let i = 0; i < FORM_NAMES.length; i++) setField(internString(FORM_NAMES[i]), SYM_SPECIAL, fromInt(i + 1));
}

/** What a special form's helper did: its value is in x's entry; or x and env are the tail to evaluate; or it raised. */
@inline const DONE: i32 = 0;
@inline const TAIL: i32 = 1;
@inline const FAILED: i32 = 2;

/** Frames up to this size are allocated with Hp in a local; larger ones by newBlock. */
@inline const SMALL_FRAME_BYTES: usize = 256;

// ── variables ─────────────────────────────────────────────────────────────

/** Where locate found a variable: field locIndex of object locObject. */
let locObject: Value = NULL;
let locIndex: u32 = 0;

/** Finds `sym` in the one frame `frame`: sets locObject/locIndex and answers true, or false. Never allocates. */
function locateIn(sym: Value, frame: Value): bool {
  let names = field(frame, FRAME_NAMES);
  let i = FRAME_VALUES;
  if (tagOf(frame) == FRAME) {
    for (; isPair(names); names = cdr(names), i++) {
      if (car(names) == sym) { locObject = frame; locIndex = i; return true; }
    }
    // A rest parameter: (lambda (a . rest) …) or (lambda args …).
    if (names == sym) { locObject = frame; locIndex = i; return true; }
  } else {
    // A let's frame: names is its binding list ((name init) …).
    for (; names != NULL; names = cdr(names), i++) {
      if (car(car(names)) == sym) { locObject = frame; locIndex = i; return true; }
    }
  }
  for (let extras = field(frame, FRAME_EXTRAS); extras != NULL; extras = cdr(extras)) {
    let binding = car(extras);
    if (car(binding) == sym) { locObject = binding; locIndex = CDR; return true; }
  }
  return false;
}

/**
 * Finds the variable `sym` in `env`, innermost frame first, then the
 * symbol's own global value: sets locObject/locIndex. Never allocates.
 */
function locate(sym: Value, env: Value): void {
  for (; env != NULL; env = field(env, FRAME_PARENT)) {
    if (locateIn(sym, env)) return;
  }
  locObject = sym;
  locIndex = SYM_VALUE;
}

/**
 * The value of variable `sym` in `env`, or ERR when it is unbound. Never
 * allocates. locate's walk, with a closure's frame without internal
 * defines (the common case) searched here, not through locateIn.
 */
export function lookup(sym: Value, env: Value): Value {
  for (; env != NULL; env = field(env, FRAME_PARENT)) {
    if (tagOf(env) == FRAME && field(env, FRAME_EXTRAS) == NULL) {
      let names = field(env, FRAME_NAMES);
      let i = FRAME_VALUES;
      for (; isPair(names); names = cdr(names), i++) {
        if (car(names) == sym) return field(env, i);
      }
      if (names == sym) return field(env, i);
    } else if (locateIn(sym, env)) {
      return field(locObject, locIndex);
    }
  }
  let v = field(sym, SYM_VALUE);
  if (v == UNBOUND) return raiseWith("unbound variable: ", sym);
  return v;
}

/**
 * Binds `sym` to `v` in the innermost frame of `env` (a define), or globally
 * when env is (); may allocate. Returns the symbol, as it is after the
 * allocation.
 */
function define(sym: Value, v: Value, env: Value): Value {
  if (env == NULL) {
    setField(sym, SYM_VALUE, v);
    return sym;
  }
  // Already bound in this frame (a parameter, or defined before): assign.
  if (locateIn(sym, env)) {
    setField(locObject, locIndex, v);
    return sym;
  }
  push(env);
  let binding = newBlock2(PAIR, sym, v);
  let cell = newBlock2(PAIR, binding, field(peek(0), FRAME_EXTRAS));
  setField(pop(), FRAME_EXTRAS, cell);
  return car(car(cell));
}

// ── allocation ────────────────────────────────────────────────────────────

/** A frame of `n` values, fields uninitialised: the caller initialises every one. ERR when out of heap. */
function allocFrame(tag: u32, n: u32): Value {
  let fields = n + FRAME_VALUES;
  let bytes = blockBytes(fields);
  if (bytes > SMALL_FRAME_BYTES) {
    let big = tryNewBlock(tag, fields);
    return big == 0 ? raise("out of heap (the runtime's maxHeap)") : big;
  }
  // Note [Hp in a local] (assembly/heap/nursery.ts): one check, one bump.
  let hp = takeHp();
  if (!hasRoom(hp, bytes)) {
    hp = refillHp(hp, bytes);
    if (hp == 0) return raise("out of heap (the runtime's maxHeap)");
  }
  initBlockAt(hp, tag, fields);
  giveHp(hp + bytes);
  return <Value>hp;
}

// ── errors ────────────────────────────────────────────────────────────────

function badSyntax(x: Value): Value {
  return raiseWith("bad syntax: ", x);
}

function badSyntaxIn(what: string, x: Value): i32 {
  if (errorBegin()) {
    errorText("bad syntax in ");
    errorText(what);
    errorText(": ");
    errorValue(x);
  }
  return FAILED;
}

function wrongArity(argc: u32, fixed: u32, rest: bool, x: Value): Value {
  if (errorBegin()) {
    errorText("wrong number of arguments: ");
    errorInt(<i32>argc);
    errorText(" given, ");
    errorInt(<i32>fixed);
    errorText(rest ? " or more wanted, in " : " wanted, in ");
    errorValue(x);
  }
  return ERR;
}

// ── evaluate ──────────────────────────────────────────────────────────────

/** Drops this call's root-stack entries (Note [Rooting in eval]) and returns `v`. */
@inline function leave(mark: u32, v: Value): Value {
  rootRestore(mark);
  return v;
}

/** An operand: constants and variables directly, anything else by a nested evaluate. */
@inline function operand(e: Value, env: Value): Value {
  if (!isObject(e)) return e;
  if (tagOf(e) == SYMBOL) return lookup(e, env);
  return evaluate(e, env);
}

/** The value of `x` in `env`, or ERR. See Note [Rooting in eval] and Note [Proper tail calls]. */
export function evaluate(x: Value, env: Value): Value {
  let mark = rootMark();
  push(x);
  push(env);
  while (true) {
    // The stack is [x env], and x and env agree with it.
    if (!isObject(x)) return leave(mark, x);
    let tag = tagOf(x);
    if (tag == SYMBOL) {
      let v = lookup(x, env);
      return v == ERR ? ERR : leave(mark, v);
    }
    if (tag != PAIR) return leave(mark, x);
    let op = car(x);
    if (isSymbol(op)) {
      let form = specialOf(op);
      if (form == F_IF) {
        // (if test then) or (if test then else): the branch is a tail.
        let rest = cdr(x);
        let parts = listLength(rest);
        if (parts != 2 && parts != 3) return badSyntax(x);
        let test = operand(car(rest), env);
        if (test == ERR) return ERR;
        x = peek(1);
        env = peek(0);
        let branches = cdr(cdr(x));
        if (test != FALSE) x = car(branches);
        else if (cdr(branches) == NULL) return leave(mark, NULL);
        else x = car(cdr(branches));
        poke(1, x);
        continue;
      }
      if (form != 0) {
        let done = specialForm(form);
        if (done == FAILED) return ERR;
        x = peek(1);
        if (done == DONE) return leave(mark, x);
        env = peek(0);
        continue;
      }
    }
    // An application: the operator, then the operands left to right, each pushed.
    let f = operand(op, env);
    if (f == ERR) return ERR;
    push(f);
    env = peek(1);
    let args = cdr(peek(2));
    let argc: u32 = 0;
    while (isPair(args)) {
      let e = car(args);
      let v: Value;
      if (!isObject(e)) v = e;
      else if (tagOf(e) == SYMBOL) {
        v = lookup(e, env);
        if (v == ERR) return ERR;
      } else {
        push(args);
        v = evaluate(e, env);
        if (v == ERR) return ERR;
        args = pop();
        env = peek(argc + 1);
      }
      push(v);
      argc++;
      args = cdr(args);
    }
    if (args != NULL) return badSyntax(peek(argc + 2));
    f = peek(argc);
    if (isTagged(f, PRIMITIVE)) {
      let r = applyPrimitive(toInt(field(f, PRIM_ID)), argc);
      return r == ERR ? ERR : leave(mark, r);
    }
    if (!isTagged(f, CLOSURE)) return raiseWith2("not a procedure: ", f, ", in ", peek(argc + 2));
    let arity = field(f, CLOS_ARITY);
    let fixed = arityFixed(arity);
    if (argc < fixed || (argc > fixed && !arityRest(arity))) {
      return wrongArity(argc, fixed, arityRest(arity), peek(argc + 2));
    }
    let n = argc;
    if (arityRest(arity)) {
      // The arguments after the fixed ones become one list, the rest parameter.
      let rest: Value = NULL;
      for (let i = argc; i > fixed; i--) rest = newBlock2(PAIR, peek(argc - i), rest);
      rootRestore(mark + 3 + fixed);
      push(rest);
      n = fixed + 1;
    }
    let frame = allocFrame(FRAME, n);
    if (frame == ERR) return ERR;
    f = peek(n);
    initField(frame, FRAME_PARENT, field(f, CLOS_ENV));
    initField(frame, FRAME_NAMES, field(f, CLOS_PARAMS));
    initField(frame, FRAME_EXTRAS, NULL);
    for (let i: u32 = 0; i < n; i++) initField(frame, FRAME_VALUES + i, peek(n - 1 - i));
    let body = field(f, CLOS_BODY);
    rootRestore(mark + 2);
    env = frame;
    poke(0, env);
    if (cdr(body) == NULL) {
      // A body of one expression, the common case: it is the tail.
      x = car(body);
      poke(1, x);
      continue;
    }
    // The body is a sequence, its last expression a tail (Note [Proper tail calls]).
    poke(1, body);
    if (sequence() == FAILED) return ERR;
    x = peek(1);
    env = peek(0);
  }
}

/**
 * With the stack [body env] of the caller's evaluate, body a non-empty list
 * of expressions: evaluates all but the last, and leaves the last in body's
 * entry, a tail. FAILED if one raised.
 */
function sequence(): i32 {
  let body = peek(1);
  let env = peek(0);
  while (isPair(cdr(body))) {
    let e = car(body);
    if (isObject(e) && operand(e, env) == ERR) return FAILED;
    body = cdr(peek(1));
    env = peek(0);
    poke(1, body);
  }
  poke(1, car(body));
  return TAIL;
}

/** True when `params` is a parameter list: symbols, maybe a dotted rest symbol, or one symbol. */
function paramCount(params: Value): i32 {
  let n = 0;
  for (; isPair(params); params = cdr(params), n++) {
    if (!isSymbol(car(params))) return -1;
  }
  return params == NULL || isSymbol(params) ? n : -1;
}

/**
 * A closure of `params` and `body` (a non-empty list) in the env of the
 * caller's stack [x env], x the form: (lambda params body …) or, when
 * `named`, (define (name . params) body …). ERR on bad syntax; may allocate.
 */
function closure(params: Value, body: Value, named: bool): Value {
  let n = paramCount(params);
  if (n < 0 || !isPair(body)) return badSyntax(peek(1));
  let rest = lastCdr(params) != NULL;
  let c = newBlock(CLOSURE, CLOS_FIELDS);
  // The allocation may have moved everything: read params and body again from x's entry.
  let x = peek(1);
  let target = named ? car(cdr(x)) : cdr(x);
  initField(c, CLOS_PARAMS, named ? cdr(target) : car(target));
  initField(c, CLOS_BODY, cdr(cdr(x)));
  initField(c, CLOS_ENV, peek(0));
  initField(c, CLOS_ARITY, arityOf(<u32>n, rest));
  return c;
}

/** The length of proper list `l`, or -1. */
function listLength(l: Value): i32 {
  let n = 0;
  for (; isPair(l); l = cdr(l)) n++;
  return l == NULL ? n : -1;
}

function lastCdr(l: Value): Value {
  while (isPair(l)) l = cdr(l);
  return l;
}

/** True for a one-element list. */
@inline function isList1(l: Value): bool { return isPair(l) && cdr(l) == NULL; }

/**
 * The special forms but `if`, with the caller's stack [x env], x the form.
 * DONE leaves the value in x's entry; TAIL leaves the tail expression and its
 * env in both entries.
 */
function specialForm(form: i32): i32 {
  let x = peek(1);
  let env = peek(0);
  let rest = cdr(x);
  switch (form) {
    case F_QUOTE: {
      if (!isList1(rest)) return badSyntaxIn("quote", x);
      poke(1, car(rest));
      return DONE;
    }
    case F_LAMBDA: {
      if (!isPair(rest)) return badSyntaxIn("lambda", x);
      let c = closure(car(rest), cdr(rest), false);
      if (c == ERR) return FAILED;
      poke(1, c);
      return DONE;
    }
    case F_DEFINE: {
      if (!isPair(rest)) return badSyntaxIn("define", x);
      let target = car(rest);
      if (isPair(target)) {
        // (define (name . params) body …)
        if (!isSymbol(car(target))) return badSyntaxIn("define", x);
        let c = closure(cdr(target), cdr(rest), true);
        if (c == ERR) return FAILED;
        x = peek(1);
        poke(1, define(car(car(cdr(x))), c, peek(0)));
        return DONE;
      }
      if (!isSymbol(target) || !isList1(cdr(rest))) return badSyntaxIn("define", x);
      let v = operand(car(cdr(rest)), env);
      if (v == ERR) return FAILED;
      x = peek(1);
      poke(1, define(car(cdr(x)), v, peek(0)));
      return DONE;
    }
    case F_SET: {
      if (!isPair(rest) || !isSymbol(car(rest)) || !isList1(cdr(rest))) return badSyntaxIn("set!", x);
      let v = operand(car(cdr(rest)), env);
      if (v == ERR) return FAILED;
      x = peek(1);
      let sym = car(cdr(x));
      locate(sym, peek(0));
      if (field(locObject, locIndex) == UNBOUND) { raiseWith("set!: unbound variable: ", sym); return FAILED; }
      setField(locObject, locIndex, v);
      poke(1, NULL);
      return DONE;
    }
    case F_BEGIN: {
      if (rest == NULL) { poke(1, NULL); return DONE; }
      if (!isPair(rest)) return badSyntaxIn("begin", x);
      poke(1, rest);
      return sequence();
    }
    case F_LET: return letForm();
    default: {
      // A special form's name in operator position but no known form: cannot happen.
      return badSyntaxIn("a special form", x);
    }
  }
}

/** (let ((name init) …) body …): the inits in env, then the body in a new frame, a tail. */
function letForm(): i32 {
  let x = peek(1);
  let rest = cdr(x);
  if (!isPair(rest) || !isPair(cdr(rest))) return badSyntaxIn("let", x);
  let bindings = car(rest);
  let n: u32 = 0;
  while (isPair(bindings)) {
    let b = car(bindings);
    if (!isPair(b) || !isSymbol(car(b)) || !isList1(cdr(b))) return badSyntaxIn("let", peek(n + 1));
    push(bindings);
    let v = operand(car(cdr(b)), peek(n + 1));
    if (v == ERR) return FAILED;
    bindings = cdr(pop());
    push(v);
    n++;
  }
  if (bindings != NULL) return badSyntaxIn("let", peek(n + 1));
  let frame = allocFrame(LET_FRAME, n);
  if (frame == ERR) return FAILED;
  x = peek(n + 1);
  initField(frame, FRAME_PARENT, peek(n));
  initField(frame, FRAME_NAMES, car(cdr(x)));
  initField(frame, FRAME_EXTRAS, NULL);
  for (let i: u32 = 0; i < n; i++) initField(frame, FRAME_VALUES + i, peek(n - 1 - i));
  rootRestore(rootMark() - n);
  poke(1, cdr(cdr(x)));
  poke(0, frame);
  return sequence();
}
