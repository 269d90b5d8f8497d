// A plugin that recurses without end on purpose (issue 15, docs/stack-overflow.md):
// an interpreter-shaped cycle (evalExpr → apply → evalArgs → evalExpr) that
// allocates on the heap and keeps its values on the root stack, mutual
// recursions of periods 1 to 5, and a recursion with the nursery's Hp held
// in a local. The host must name each cycle exactly and, the heap being
// intact, keep the runtime.
export * from "../../assembly/index";
import { newBlock2, fromInt, toInt, field, NULL, push, pop, rootMark, rootRestore, handleNew, handleGet, takeHp, giveHp, hasRoom, initBlock2At, BLOCK2_SIZE, gc, Value } from "../../assembly/api";

// ── an interpreter's shape: each level allocates a frame and roots it ──

/** Evaluates `depth` nested applications; never returns when depth is beyond the stack. */
export function evalExpr(env: Value, depth: i32): i32 {
  if (depth == 0) return 0;
  const mark = rootMark();
  push(env);
  let frame = newBlock2(1, fromInt(depth), env);
  pop();
  let result = apply(frame, depth);
  rootRestore(mark);
  return result + 1; // not a tail call: the frame stays
}

function apply(frame: Value, depth: i32): i32 {
  return evalArgs(frame, depth) + toInt(field(frame, 0)) - depth;
}

function evalArgs(frame: Value, depth: i32): i32 {
  return evalExpr(frame, depth - 1);
}

/** The program: evaluate `depth` nested applications from an empty environment. */
export function run(depth: i32): i32 {
  return evalExpr(NULL, depth);
}

/** The list 0..n-1, built through collections (newBlock2 roots its fields). */
function listOf(n: i32): Value {
  let list: Value = NULL;
  for (let i = n - 1; i >= 0; i--) list = newBlock2(0, fromInt(i), list);
  return list;
}

function sumOf(list: Value): i32 {
  let sum = 0;
  for (let p = list; p != NULL; p = field(p, 1)) sum += toInt(field(p, 0));
  return sum;
}

/** A well-behaved call: the list 0..n-1 and its sum. */
export function sumList(n: i32): i32 { return sumOf(listOf(n)); }

/** A handle on a list: the host's own roots, which must survive an overflow. */
export function keep(n: i32): u32 { return handleNew(listOf(n)); }

/** The sum of the list a handle holds. */
export function sumHandle(h: u32): i32 { return sumOf(handleGet(h)); }

/** A major collection (the sanity checker runs after it when the runtime has sanity on). */
export function collectNow(): void { gc(true); }

// ── mutual recursion of periods 1 to 5: entry `cycle(period, n)` ──

function p1a(n: i32): i32 { return n == 0 ? 0 : p1a(n - 1) + 1; }
function p2a(n: i32): i32 { return n == 0 ? 0 : p2b(n - 1) + 1; }
function p2b(n: i32): i32 { return n == 0 ? 0 : p2a(n - 1) + 2; }
function p3a(n: i32): i32 { return n == 0 ? 0 : p3b(n - 1) + 1; }
function p3b(n: i32): i32 { return n == 0 ? 0 : p3c(n - 1) + 2; }
function p3c(n: i32): i32 { return n == 0 ? 0 : p3a(n - 1) + 3; }
function p4a(n: i32): i32 { return n == 0 ? 0 : p4b(n - 1) + 1; }
function p4b(n: i32): i32 { return n == 0 ? 0 : p4c(n - 1) + 2; }
function p4c(n: i32): i32 { return n == 0 ? 0 : p4d(n - 1) + 3; }
function p4d(n: i32): i32 { return n == 0 ? 0 : p4a(n - 1) + 4; }
function p5a(n: i32): i32 { return n == 0 ? 0 : p5b(n - 1) + 1; }
function p5b(n: i32): i32 { return n == 0 ? 0 : p5c(n - 1) + 2; }
function p5c(n: i32): i32 { return n == 0 ? 0 : p5d(n - 1) + 3; }
function p5d(n: i32): i32 { return n == 0 ? 0 : p5e(n - 1) + 4; }
function p5e(n: i32): i32 { return n == 0 ? 0 : p5a(n - 1) + 5; }

export function cycle(period: i32, n: i32): i32 {
  switch (period) {
    case 1: return p1a(n);
    case 2: return p2a(n);
    case 3: return p3a(n);
    case 4: return p4a(n);
    default: return p5a(n);
  }
}

// ── a recursion while holding Hp in a local (Note [Hp in a local]) ──

function deepWithHp(hp: usize, depth: i32): usize {
  if (depth == 0) return hp;
  if (hasRoom(hp, BLOCK2_SIZE)) {
    initBlock2At(hp, 0, fromInt(depth), NULL);
    hp += BLOCK2_SIZE;
  }
  return deepWithHp(hp, depth - 1) + 0 * <usize>depth;
}

/** Takes Hp, allocates a few objects, and recurses `depth` deep before handing it back. */
export function holdHp(depth: i32): i32 {
  let hp = takeHp();
  hp = deepWithHp(hp, depth);
  giveHp(hp);
  return depth;
}
