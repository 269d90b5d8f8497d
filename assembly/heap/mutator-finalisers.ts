// Finalisers that are functions of the mutator itself: a plugin's custom
// block, finalise / finaliseLast registration or weak pointer whose
// finaliser is one of its own AssemblyScript functions, not a host function.
// The core names every finaliser by a u32 index the host resolves
// (heap/custom.ts, finalise.ts, weak.ts); an index with MUTATOR_FUNCTION set
// is instead the address of the plugin's function object (what
// changetype<usize>(fn) gives for a top-level function, in static data), and
// the host runs it by calling back into the instance through the call_*
// exports below, after the collection, exactly where it runs its own
// finalisers (Note [Custom finalisers run outside the collector]). So a
// plugin's finalisers keep every rule of the others: run once, outside the
// collector, in Note [Finaliser order], the shutdown wave included.
//
// The host counts what it runs; the core counts what the mutator made, so
// the shutdown check (every custom block finalised exactly once, every
// function run or dropped) covers these too.

import { fail } from "../failure";

/** Bit 31 of a finaliser index: the rest is the address of a mutator function. */
@inline export const MUTATOR_FUNCTION: u32 = 1 << 31;

let customsMade: u32 = 0;
let functionsRegistered: u32 = 0;

/** The finaliser index of the mutator function at `fn`; a trap if the address cannot carry the flag. */
export function mutatorFunctionIndex(fn: usize, who: string): u32 {
  if (fn == 0 || <u32>fn >= MUTATOR_FUNCTION) fail(who + ": " + fn.toString() + " is not the address of a function (a top-level function of the plugin, passed as a value)");
  return MUTATOR_FUNCTION | <u32>fn;
}

/** A custom block with a mutator finaliser was made. */
export function noteMutatorCustom(): void { customsMade++; }
/** A finalise / finaliseLast / weak function of the mutator was registered. */
export function noteMutatorFunction(): void { functionsRegistered++; }

export function mutatorCustomsMade(): u32 { return customsMade; }
export function mutatorFunctionsRegistered(): u32 { return functionsRegistered; }

export function mutatorFinalisersReset(): void {
  customsMade = 0;
  functionsRegistered = 0;
}

/** Runs a custom block's mutator finaliser with its payload (the host calls it, outside any collection). */
export function callCustomFinaliser(fn: u32, payload: f64): void {
  changetype<(payload: f64) => void>(<usize>(fn & ~MUTATOR_FUNCTION))(payload);
}

/** Runs a finalise function with the value in handle `slot` (a handle the host made for the call and frees after). */
export function callFinaliseFunction(fn: u32, slot: u32): void {
  changetype<(value: u32) => void>(<usize>(fn & ~MUTATOR_FUNCTION))(slot);
}

/** Runs a finaliseLast function or a weak pointer's finaliser. */
export function callFunction(fn: u32): void {
  changetype<() => void>(<usize>(fn & ~MUTATOR_FUNCTION))();
}
