// A plugin that exercises every operation of the mutator API (assembly/api.ts)
// for test/plugin-api.test.ts: each export does one thing and answers what
// the test checks, so a broken operation names itself.
export * from "../../assembly/index";
import {
  Value, Handle, NULL, TRUE, FALSE, EMPTY, NO_MVAR, BLOCK, STRING, FLOAT, BYTES, BLOCK2_SIZE,
  fromInt, fromIntChecked, toInt, isIntValue, fromBool, isNull, isTrue, isObject, isBlock, kindOf, tagOf, lengthOfObject,
  newBlock, newBlock2, tryNewBlock, newFloat, newBytes, newString, newStringOfLength, floatValue, bytesData, stringData, charCodeAt, toAsString,
  field, setField, initField, fieldChecked, setFieldChecked,
  takeHp, giveHp, hasRoom, refillHp, initBlock2At, initBlockAt, blockBytes,
  push, pop, peek, poke, rootMark, rootRestore,
  handleNew, handleGet, handleFree, gc, collections,
  mvarNew, mvarTryTake, mvarTryPut, mvarTryRead, mvarIsEmpty,
  customNew, customPayload, finalise, finaliseLast, weakNew, weakDeref,
} from "../../assembly/api";

// ── values ──
export function intRoundTrip(n: i32): i32 { return toInt(fromIntChecked(n)); }
export function intTooBig(): u32 { return fromIntChecked(1 << 30); }
export function valuesAgree(): bool {
  return isNull(NULL) && isTrue(TRUE) && !isTrue(FALSE) && fromBool(true) == TRUE && fromBool(false) == FALSE
    && isIntValue(fromInt(-5)) && !isObject(NULL) && !isObject(fromInt(3));
}

// ── allocation, with a collection between allocation and use ──
/**
 * Allocates a block, keeps it only on the root stack, forces a major
 * collection (which moves it), and reads it back through the popped pointer.
 * Answers the sum of its fields, or -1 when it did not move (the test would
 * prove nothing) and -2 when the collection did not happen.
 */
export function rootedAcrossCollection(): i32 {
  let before = collections();
  let b = newBlock(3, 3);
  initField(b, 0, fromInt(10));
  initField(b, 1, fromInt(20));
  let inner = newString("hello");      // may collect: b must be rooted from here on
  push(b);
  push(inner);
  gc(true);
  inner = pop();
  let moved = pop();
  if (collections() == before) return -2;
  if (moved == b) return -1;
  setField(moved, 2, inner);
  if (!isBlock(moved, 3) || kindOf(field(moved, 2)) != STRING || toAsString(field(moved, 2)) != "hello") return -3;
  return toInt(field(moved, 0)) + toInt(field(moved, 1));
}

/** A list 0..n-1 built with newBlock2 (which roots its own fields); its handle. */
export function buildList(n: i32): Handle {
  let list: Value = NULL;
  for (let i = n - 1; i >= 0; i--) list = newBlock2(1, fromInt(i), list);
  return handleNew(list);
}

/** Sum of the list in handle h (no allocation: the pointers stay valid). */
export function sumList(h: Handle): i32 {
  let sum = 0;
  for (let c = handleGet(h); !isNull(c); c = field(c, 1)) sum += toInt(field(c, 0));
  return sum;
}

/** The same list with Hp in a local (the fast form): refills root the list so far. */
export function buildListFast(n: i32): Handle {
  let list: Value = NULL;
  let hp = takeHp();
  for (let i = n - 1; i >= 0; i--) {
    if (!hasRoom(hp, BLOCK2_SIZE)) {
      push(list);
      hp = refillHp(hp, BLOCK2_SIZE);
      list = pop();
      if (hp == 0) return NO_MVAR;
    }
    initBlock2At(hp, 1, fromInt(i), list);
    list = <Value>hp;
    hp += BLOCK2_SIZE;
  }
  giveHp(hp);
  return handleNew(list);
}

/** A block of n fields written with initBlockAt/initField under Hp in a local. */
export function blockFast(n: u32): Handle {
  let bytes = blockBytes(n);
  let hp = takeHp();
  if (!hasRoom(hp, bytes)) hp = refillHp(hp, bytes);
  initBlockAt(hp, 7, n);
  let b = <Value>hp;
  for (let i: u32 = 0; i < n; i++) initField(b, i, fromInt(<i32>i * 2));
  giveHp(hp + bytes);
  return handleNew(b);
}

export function floatsAndBytes(): bool {
  let f = newFloat(2.5);
  if (kindOf(f) != FLOAT || floatValue(f) != 2.5) return false;
  let b = newBytes(4);
  store<u8>(bytesData(b) + 3, 9);
  if (kindOf(b) != BYTES || lengthOfObject(b) != 4 || load<u8>(bytesData(b) + 3) != 9) return false;
  let s = newStringOfLength(2);
  store<u16>(stringData(s), 0x68);
  store<u16>(stringData(s) + 2, 0x69);
  return charCodeAt(s, 1) == 0x69 && toAsString(s) == "hi";
}

/** A string value for the host to decode: "héllo ✓". */
export function makeString(): Handle { return handleNew(newString("héllo ✓")); }

// ── fields, checked ──
export function fieldOutOfRange(): u32 {
  let b = newBlock(0, 2);
  return fieldChecked(b, 2);
}
export function setFieldOnNonBlock(): void { setFieldChecked(fromInt(1), 0, NULL); }
export function checkedFieldsWork(): i32 {
  let b = newBlock(0, 2);
  setFieldChecked(b, 1, fromInt(41));
  return toInt(fieldChecked(b, 1)) + 1;
}

/** Stores a young block into the old block in handle h through the barrier. */
export function storeYoungIntoOld(h: Handle, i: u32): void {
  let young = newBlock2(0, fromInt(99), NULL);
  setField(handleGet(h), i, young);
}
/** The same store past the barrier: the sanity checker must catch it at the next collection. */
export function storeYoungIntoOldUnbarriered(h: Handle, i: u32): void {
  let young = newBlock2(0, fromInt(99), NULL);
  initField(handleGet(h), i, young);
}

// ── the root stack ──
export function rootStackOps(): i32 {
  let mark = rootMark();
  push(fromInt(1));
  push(fromInt(2));
  if (toInt(peek(0)) != 2 || toInt(peek(1)) != 1) return -1;
  poke(1, fromInt(5));
  push(fromInt(3));
  rootRestore(mark);
  if (rootMark() != mark) return -2;
  push(fromInt(7));
  let v = toInt(pop());
  return v + <i32>rootMark() - <i32>mark;
}
/** Pushes without restoring: the test sees the depth grow by n (a bug the mark/restore pair prevents). */
export function leakRoots(n: i32): void { for (let i = 0; i < n; i++) push(NULL); }
export function restoreAboveDepth(): void { rootRestore(rootMark() + 1); }
export function rootDepthNow(): u32 { return rootMark(); }

// ── handles ──
export function handleOps(): i32 {
  let h = handleNew(fromInt(12));
  let v = toInt(handleGet(h));
  handleFree(h);
  return v;
}
export function handleGetFreed(): u32 {
  let h = handleNew(NULL);
  handleFree(h);
  return handleGet(h);
}
/** Reads field i of the block the host passed (as rt.slotOf(block)). */
export function readHostField(h: Handle, i: u32): i32 { return toInt(fieldChecked(handleGet(h), i)); }

// ── MVars ──
export function newEmptyMVar(): Handle { return mvarNew(EMPTY); }
export function mvarPutInt(h: Handle, n: i32): bool { return mvarTryPut(h, fromInt(n)); }
export function mvarTakeInt(h: Handle): i32 {
  let v = mvarTryTake(h);
  return v == EMPTY ? -1 : toInt(v);
}
export function mvarReadInt(h: Handle): i32 {
  let v = mvarTryRead(h);
  return v == EMPTY ? -1 : toInt(v);
}
export function mvarEmpty(h: Handle): bool { return mvarIsEmpty(h); }

// ── custom blocks, finalise, finaliseLast, weak pointers ──
/** What the plugin's finalisers saw, for the test to read. */
let customsFinalised: i32 = 0;
let customPayloadSum: f64 = 0;
let finalisedValues: i32 = 0;
let lastsRun: i32 = 0;
let weakFinalizersRun: i32 = 0;

function onCustomDead(payload: f64): void {
  customsFinalised++;
  customPayloadSum += payload;
}
function onFinalise(value: Handle): void {
  // The value is alive for the call: read it, and allocate (the API works here).
  let v = handleGet(value);
  if (isBlock(v, 5)) finalisedValues += toInt(field(v, 0));
  newBlock(0, 4);
}
function onLast(): void { lastsRun++; }
function onWeakDead(): void { weakFinalizersRun++; }

export function resetCounts(): void {
  customsFinalised = 0;
  customPayloadSum = 0;
  finalisedValues = 0;
  lastsRun = 0;
  weakFinalizersRun = 0;
}
export function customsFinalisedCount(): i32 { return customsFinalised; }
export function customPayloadTotal(): f64 { return customPayloadSum; }
export function finalisedValueTotal(): i32 { return finalisedValues; }
export function lastsRunCount(): i32 { return lastsRun; }
export function weakFinalizersRunCount(): i32 { return weakFinalizersRun; }

/** n custom blocks, garbage at once; the first `kept` kept in a handle (a block of them). */
export function makeCustoms(n: i32, kept: i32): Handle {
  let mark = rootMark();
  let keep = newBlock(0, <u32>kept);
  push(keep);
  for (let i = 0; i < n; i++) {
    let c = customNew(<f64>(i + 1), onCustomDead);
    if (i < kept) setField(peek(0), <u32>i, c);
  }
  keep = pop();
  rootRestore(mark);
  return handleNew(keep);
}
export function customPayloadOf(h: Handle, i: u32): f64 { return customPayload(field(handleGet(h), i)); }

/** Registers finalise and finaliseLast on a block {n}; returns its handle (free it to let it die). */
export function finalisedBlock(n: i32): Handle {
  let b = newBlock(5, 1);
  initField(b, 0, fromInt(n));
  finalise(b, onFinalise);
  finaliseLast(b, onLast);
  return handleNew(b);
}

/** A weak pointer from the object in handle `key` to int v, kept in a new handle. */
export function weakOn(key: Handle, v: i32): Handle {
  return handleNew(weakNew(handleGet(key), fromInt(v), onWeakDead));
}
export function weakValueOf(w: Handle): i32 {
  let v = weakDeref(handleGet(w));
  return v == EMPTY ? -1 : toInt(v);
}
