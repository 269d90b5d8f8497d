// A plugin that makes and reads ephemerons through the mutator API
// (assembly/api.ts: ephemeronNew, ephemeronData, ephemeronIsAlive) for
// test/plugin-ephemerons.test.ts. Keys come from the host as handles; the
// datum is a block that mentions every key, so a datum that kept its keys
// alive would show.
export * from "../../assembly/index";
import {
  Value, Handle, EMPTY, EPHEMERON, fromInt, toInt, isObject, kindOf, lengthOfObject, newBlock, initField, setField, field,
  push, pop, peek, rootMark, rootRestore, handleNew, handleGet,
  ephemeronNew, tryEphemeronNew, ephemeronData, ephemeronIsAlive,
} from "../../assembly/api";

/** Tag of the datum block {n, key₀, …}. */
const DATA_TAG: u32 = 7;

/**
 * An ephemeron from the objects in handles key0 … key{k-1} (k from 1 to 3)
 * to a datum {n, keys…}, kept in a new handle. Both blocks are allocated
 * before any key is read, since an allocation may move the keys.
 */
export function ephemeronOf(k: u32, key0: Handle, key1: Handle, key2: Handle, n: i32): Handle {
  let mark = rootMark();
  push(newBlock(0, k));
  push(newBlock(DATA_TAG, k + 1));
  let data = pop();
  let block = pop();
  initField(data, 0, fromInt(n));
  for (let i: u32 = 0; i < k; i++) {
    let key = handleGet(i == 0 ? key0 : i == 1 ? key1 : key2);
    initField(block, i, key);
    initField(data, i + 1, key);
  }
  let e = ephemeronNew(block, data);
  rootRestore(mark);
  return handleNew(e);
}

/** The ephemeron's datum's n, or -1 once it is empty. */
export function dataOf(e: Handle): i32 {
  let data = ephemeronData(handleGet(e));
  return data == EMPTY ? -1 : toInt(field(data, 0));
}

export function isAlive(e: Handle): bool { return ephemeronIsAlive(handleGet(e)); }
export function isEphemeron(e: Handle): bool { let v = handleGet(e); return isObject(v) && kindOf(v) == EPHEMERON; }

/**
 * `count` ephemerons in one block (kept in a new handle), each keyed by a
 * fresh block that only it mentions, so every key is garbage at once and the
 * next collection empties every ephemeron; the datum is the int i. The
 * block and each key wait on the root stack while the next allocation runs.
 */
export function ephemeronsOnFreshKeys(count: u32): Handle {
  let mark = rootMark();
  push(newBlock(0, count));
  for (let i: u32 = 0; i < count; i++) {
    push(newBlock(1, 1));               // the key
    let keys = newBlock(0, 1);
    initField(keys, 0, pop());
    let e = ephemeronNew(keys, fromInt(<i32>i));
    setField(peek(0), i, e);
  }
  let all = pop();
  rootRestore(mark);
  return handleNew(all);
}

/** How many of the block's ephemerons still hold their datum (and it is the right one). */
export function aliveIn(all: Handle): u32 {
  let block = handleGet(all);
  let n: u32 = 0;
  let length = lengthOfObject(block);
  for (let i: u32 = 0; i < length; i++) {
    let e = field(block, i);
    if (ephemeronIsAlive(e) && toInt(ephemeronData(e)) == <i32>i) n++;
  }
  return n;
}

// ── refusals: each traps naming the call ──
export function keysNotABlock(): Value { return tryEphemeronNew(fromInt(3), fromInt(0)); }
export function keysEmpty(): Value { return tryEphemeronNew(newBlock(0, 0), fromInt(0)); }
export function keyNotAnObject(): Value {
  let keys = newBlock(0, 1);
  initField(keys, 0, fromInt(5));
  return tryEphemeronNew(keys, fromInt(0));
}
export function dataOfNonEphemeron(h: Handle): Value { return ephemeronData(handleGet(h)); }
export function isAliveOfInt(): bool { return ephemeronIsAlive(fromInt(1)); }
