// The symbol table: interns symbols, so that equal names are one symbol.
//
//   table (tag TABLE, held in a handle for the run)
//   ┌──────────┬──────────┬─────┬─────────────────┐
//   │ bucket 0 │ bucket 1 │  …  │ bucket BUCKETS-1│   each a list of symbols
//   └──────────┴──────────┴─────┴─────────────────┘
//
// A name is UTF-16 code units at an address: the program text (an
// AssemblyScript string the host pinned) or a name the interpreter knows.
// Since a symbol holds its global value (values.ts), the table is also the
// global environment; it lives in a handle from begin to end of a run.

import {
  Value, Handle, NULL, field, setField, initField, fromInt, newBlock, newBlock2, newStringOfLength,
  stringData, lengthOfObject, handleNew, handleGet, handleFree, push, pop,
} from "../../assembly/api";
import { PAIR, SYMBOL, TABLE, SYM_NAME, SYM_VALUE, SYM_SPECIAL, SYM_FIELDS, UNBOUND, car, cdr } from "./values";

@inline const BUCKETS: u32 = 256;
@inline const NO_TABLE: Handle = 0;

let table: Handle = NO_TABLE;
let tableLive = false;

/** A fresh, empty table for a run. */
export function symbolsBegin(): void {
  table = handleNew(newBlock(TABLE, BUCKETS));
  tableLive = true;
}

/** Lets the table (and every global with it) go. */
export function symbolsEnd(): void {
  if (tableLive) handleFree(table);
  tableLive = false;
}

/** FNV-1a's constants. */
@inline const FNV_OFFSET: u32 = 2166136261;
@inline const FNV_PRIME: u32 = 16777619;

/** Code unit i of the name at `chars`. */
@inline function unitAt(chars: usize, i: u32): u32 { return <u32>load<u16>(chars + (<usize>i << 1)); }

/** The bucket of a name: FNV-1a over its code units. */
function hashOf(chars: usize, n: u32): u32 {
  let h = FNV_OFFSET;
  for (let i: u32 = 0; i < n; i++) h = (h ^ unitAt(chars, i)) * FNV_PRIME;
  return h & (BUCKETS - 1);
}

function sameName(sym: Value, chars: usize, n: u32): bool {
  let name = field(sym, SYM_NAME);
  return lengthOfObject(name) == n && memory.compare(stringData(name), chars, <usize>n << 1) == 0;
}

/** The symbol named by the `n` code units at `chars` (which must not be on the GC heap); may allocate. */
export function intern(chars: usize, n: u32): Value {
  let b = hashOf(chars, n);
  for (let l = field(handleGet(table), b); l != NULL; l = cdr(l)) {
    if (sameName(car(l), chars, n)) return car(l);
  }
  let name = newStringOfLength(n);
  memory.copy(stringData(name), chars, <usize>n << 1);
  push(name);
  let sym = newBlock(SYMBOL, SYM_FIELDS);
  initField(sym, SYM_NAME, pop());
  initField(sym, SYM_VALUE, UNBOUND);
  initField(sym, SYM_SPECIAL, fromInt(0));
  // newBlock2 keeps sym and the bucket alive across its allocation; sym is
  // read back from the new cell, since the local may be stale.
  let cell = newBlock2(PAIR, sym, field(handleGet(table), b));
  setField(handleGet(table), b, cell);
  return car(cell);
}

/** The symbol named `name`; may allocate. */
export function internString(name: string): Value {
  return intern(changetype<usize>(name), <u32>name.length);
}

