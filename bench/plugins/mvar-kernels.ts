// Benchmark kernel for MVars, as a plugin (docs/plugins.md): take+put pairs
// in a loop inside the module, through the API's MVar operations on an MVar
// the host made. Built by scripts/build-plugins.mjs into
// build/bench/mvar-kernels.wasm; loaded by bench/rows/mvar.ts.

export * from "../../assembly/index";
import { Handle, Value, EMPTY, fromInt, toInt, mvarTryTake, mvarTryPut } from "../../assembly/api";

/**
 * Take+put pairs that never block: the MVar in handle `mv` starts full and
 * nothing waits on it, and each pair takes the value and puts it back plus
 * one. On a full MVar with an empty queue, tryTake and tryPut run the code
 * the host's take and put run (handle lookup, queue checks, write barrier,
 * the mailbox). Returns the last value, so the loop cannot be optimised away.
 */
export function mvarTakePut(mv: Handle, n: u32): Value {
  let v: Value = 0;
  for (let i: u32 = 0; i < n; i++) {
    v = mvarTryTake(mv);
    if (v == EMPTY) abort("mvarTakePut: the MVar was empty; pass a full MVar nothing waits on");
    mvarTryPut(mv, fromInt(toInt(v) + 1));
  }
  return v;
}
