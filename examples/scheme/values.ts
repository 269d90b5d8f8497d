// The Scheme's values on the unloadable heap, and its error state.
//
// Every value is a heap Value (assembly/api.ts): integers are immediate ints,
// () is NULL, #t/#f are TRUE/FALSE, and everything else is a block whose tag
// says what it is:
//
//   pair       tag PAIR       ┌──────┬──────┐
//                             │ car  │ cdr  │
//                             └──────┴──────┘
//   symbol     tag SYMBOL     ┌──────────────┬──────────────┬───────────────┐
//                             │ name (string)│ global value │ special (int) │
//                             └──────────────┴──────────────┴───────────────┘
//   closure    tag CLOSURE    ┌────────┬──────┬─────┬─────────────────────┐
//                             │ params │ body │ env │ arity (int: 2n|rest)│
//                             └────────┴──────┴─────┴─────────────────────┘
//   primitive  tag PRIMITIVE  ┌──────────┬────────┐
//                             │ id (int) │ symbol │
//                             └──────────┴────────┘
//   frame      tag FRAME      ┌────────┬───────┬────────┬────┬────┬───┐
//   (let: LET_FRAME)          │ parent │ names │ extras │ v0 │ v1 │ … │
//                             └────────┴───────┴────────┴────┴────┴───┘
//
// A symbol is interned (symbols.ts), so two symbols are the same symbol when
// they are the same pointer; pointers move at every collection, but both
// copies of a comparison are read after it, so equality holds. A symbol's
// global value lives in the symbol itself (UNBOUND until defined): the
// global environment is the symbol table. A frame binds `names` (a closure's
// parameter list: symbols, maybe a rest symbol at the end; for a LET_FRAME the
// let's binding list, whose elements are (name init)) to v0, v1, …; `extras`
// is an association list of the names an internal `define` added.

import {
  Value, NULL, EMPTY, isObject, tagOf, field, fromInt, toInt,
} from "../../assembly/api";

// ── tags ──────────────────────────────────────────────────────────────────
// Tag 0 is left unused, so no string (whose tag reads 0) passes for a value.
@inline export const PAIR: u32 = 1;
@inline export const SYMBOL: u32 = PAIR + 1;
@inline export const CLOSURE: u32 = SYMBOL + 1;
@inline export const PRIMITIVE: u32 = CLOSURE + 1;
@inline export const FRAME: u32 = PRIMITIVE + 1;
@inline export const LET_FRAME: u32 = FRAME + 1;
@inline export const TABLE: u32 = LET_FRAME + 1;

// ── fields ────────────────────────────────────────────────────────────────
@inline export const CAR: u32 = 0;
@inline export const CDR: u32 = 1;

@inline export const SYM_NAME: u32 = 0;
@inline export const SYM_VALUE: u32 = 1;
@inline export const SYM_SPECIAL: u32 = 2;
@inline export const SYM_FIELDS: u32 = 3;

@inline export const CLOS_PARAMS: u32 = 0;
@inline export const CLOS_BODY: u32 = 1;
@inline export const CLOS_ENV: u32 = 2;
@inline export const CLOS_ARITY: u32 = 3;
@inline export const CLOS_FIELDS: u32 = 4;

@inline export const PRIM_ID: u32 = 0;
@inline export const PRIM_SYMBOL: u32 = 1;
@inline export const PRIM_FIELDS: u32 = 2;

@inline export const FRAME_PARENT: u32 = 0;
@inline export const FRAME_NAMES: u32 = 1;
@inline export const FRAME_EXTRAS: u32 = 2;
@inline export const FRAME_VALUES: u32 = 3;

/** A symbol's global value before any define. */
@inline export const UNBOUND: Value = EMPTY;
/** What a function returns instead of a value when a Scheme error was raised (errors.ts). */
@inline export const ERR: Value = EMPTY;

// ── predicates and accessors ──────────────────────────────────────────────
@inline export function isTagged(v: Value, tag: u32): bool { return isObject(v) && tagOf(v) == tag; }
@inline export function isPair(v: Value): bool { return isTagged(v, PAIR); }
@inline export function isSymbol(v: Value): bool { return isTagged(v, SYMBOL); }
@inline export function isFrame(v: Value): bool { return isTagged(v, FRAME) || isTagged(v, LET_FRAME); }
@inline export function car(p: Value): Value { return field(p, CAR); }
@inline export function cdr(p: Value): Value { return field(p, CDR); }
/** A symbol's special-form number (forms.ts), 0 for an ordinary symbol. */
@inline export function specialOf(sym: Value): i32 { return toInt(field(sym, SYM_SPECIAL)); }

/** A closure's arity word: `fixed` parameters, and a rest parameter or not. */
@inline export function arityOf(fixed: u32, rest: bool): Value { return fromInt(<i32>((fixed << 1) | (rest ? 1 : 0))); }
@inline export function arityFixed(arity: Value): u32 { return <u32>toInt(arity) >> 1; }
@inline export function arityRest(arity: Value): bool { return (toInt(arity) & 1) != 0; }
