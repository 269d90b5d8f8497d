// The smallest plugin: the core's ABI and one export that builds a list.
export * from "../../assembly/index";
import { newBlock2, fromInt, NULL, handleNew, Value } from "../../assembly/api";

export function buildList(n: i32): u32 {
  let list: Value = NULL;
  for (let i = n - 1; i >= 0; i--) list = newBlock2(0, fromInt(i), list);
  return handleNew(list);
}

/** A global that survives an in-instance restart: the harness must notice the answer change. */
let calls: i32 = 0;
export function countCalls(): i32 { return ++calls; }
