// Rows host/block, host/get-set and host/try-put-take: the host API a
// JavaScript user calls first, against what the same code costs on plain JS
// values. The targets are absolute bounds on ours (issue 18): the peer's
// figure is printed beside it, for scale. Each side's loop is its own copy
// (not one closure over both), so no call site sees both kinds of object
// (as bench/rows/pool.ts explains for its loop=js case).

import { Runtime } from "../../src/runtime.js";
import type { Block } from "../../src/heap/block.js";
import type { MVar } from "../../src/threads/mvar.js";
import { PromiseMVar } from "../peers/promise-mvar.js";
import { defineRow, verifyCompletions, type Case, type RunContext, type TaskSpec } from "../row.js";

/** Blocks made per scope (and per call) in host/block: a program making temporaries in a loop. */
const BLOCKS_PER_SCOPE = 64;
/** Scopes per call. */
const SCOPES = 256;
/** get or set operations per call. */
const ACCESSES = 100_000;
/** tryPut+tryTake pairs per call. */
const PAIRS = 100_000;
const QUICK_DIVISOR = 100;

/** The string of host/get-set: 16 characters, as the target says. */
const STRING16 = "sixteen-chars-ok";

function fail(row: string, side: string, message: string): never {
  throw new Error(`bench ${row} (${side}): ${message}`);
}


export const blockRow = defineRow<Record<string, never>>({
  name: "host/block",
  title: "rt.block(0, [i, null]) inside rt.scope vs a plain JS object { tag, fields: [i, null] }",
  unit: "block",
  method:
    `Ours: rt.scope(() => { ${BLOCKS_PER_SCOPE} × rt.block(0, [i, null]) }), each block's handle freed by the scope as it returns: ` +
    `per block, the tag and fields checked, one heap_block_new and two heap_set calls into the core, a Block handle ` +
    `(a handle-table slot in the core, a JS object), its free(). ${SCOPES} scopes per call. ` +
    `Peer: the same loop making { tag: 0, fields: [i, null] } into a ${BLOCKS_PER_SCOPE}-slot array that the next scope overwrites, ` +
    `so its objects die young as ours do; V8 allocates and collects them. Each call checks every block it made (ours: the scope freed them all; ` +
    `the peer: the last one's field). Target: median ≤ 250 ns per block (issue 18).`,
  grid: {},
  targets: [{ figure: "median", maxNs: 250 }],
  prepare: prepareBlock,
});

async function prepareBlock(_params: Record<string, never>, ctx: RunContext): Promise<Case> {
  const scopes = ctx.quick ? 4 : SCOPES;
  const ops = scopes * BLOCKS_PER_SCOPE;
  const rt = await Runtime.start();
  const row = "host/block";
  const made: Block[] = new Array<Block>(BLOCKS_PER_SCOPE);
  const objects: { tag: number; fields: unknown[] }[] = new Array(BLOCKS_PER_SCOPE);
  const ours: TaskSpec = {
    name: "rt.block in a scope",
    ops,
    fn: () => {
      for (let s = 0; s < scopes; s++) {
        rt.scope(() => {
          for (let i = 0; i < BLOCKS_PER_SCOPE; i++) made[i] = rt.block(0, [i, null]);
        });
      }
      // The scope freed every block it saw made.
      for (const b of made) if (!b.freed) fail(row, "ours", "a block outlived its scope");
      return made;
    },
  };
  const peer: TaskSpec = {
    name: "JS object",
    ops,
    fn: () => {
      for (let s = 0; s < scopes; s++) {
        for (let i = 0; i < BLOCKS_PER_SCOPE; i++) objects[i] = { tag: 0, fields: [i, null] };
      }
      if (objects[BLOCKS_PER_SCOPE - 1]?.fields[0] !== BLOCKS_PER_SCOPE - 1) fail(row, "JS object", "the last object is not the last one made");
      return objects;
    },
  };
  return {
    ours: verifyCompletions(row, ours),
    peers: [verifyCompletions(row, peer)],
    teardown: async () => {
      const report = await rt.shutdown();
      if (report.leakedBlocks !== 0) fail(row, "ours", `${report.leakedBlocks} pool blocks leaked`);
    },
  };
}

type Access = "get" | "set";
/**
 * string16-cold: 1024 distinct strings in turn, 16 times the 64 strings the
 * word cache keeps, so every get decodes and every set copies: the path a
 * program takes with strings it has not just seen.
 */
type AccessValue = "int" | "string16" | "string16-cold";
const COLD_STRINGS = 1024;

export const getSetRow = defineRow<{ value: AccessValue; op: Access }>({
  name: "host/get-set",
  title: `Block get/set of an int or a 16-character string (the same two, or ${COLD_STRINGS} in turn) vs a plain JS array's`,
  unit: "get or set",
  method:
    `A block of 2 fields (ours: rt.block; peer: a JS array of 2); ${ACCESSES} operations per call on field i & 1. ` +
    `get: ours checks the handle and the index, reads the field's word in the core and decodes it (an int inline; a string ` +
    `decoded by one fromCharCode call, unless it is the heap string a JS string was put as since the last collection, which comes back (a table of 64 by word: Note [One word per value until a collection]); ` +
    `the peer reads the array element (a string is shared, not copied). ` +
    `set: ours checks handle, index and value; a string put since the last collection (a table of 64 by content) is stored as its word without a poll, ` +
    `any other is made in the field by one core call (heap_set_new_string: allocate, store through the write barrier, poll bits to the mailbox) and copied in; the peer stores the element. ` +
    `Each call checks its result (the sum of ints or of the ` +
    `strings' lengths got; after a set, the fields hold what was set). string16: the same two strings every time (the remembered path); ` +
    `string16-cold: ${COLD_STRINGS} distinct strings in turn (a block and an array of ${COLD_STRINGS} fields for get, one field set to each in turn), ` +
    `more than the cache keeps, so every get decodes and every set copies into a new heap string (its collections timed with it). ` +
    `Targets (issue 18): median ≤ 20 ns for an int, ≤ 60 ns for a 16-character string, both string cases.`,
  grid: { value: ["int", "string16", "string16-cold"], op: ["get", "set"] },
  targets: [
    { figure: "median", maxNs: 20, where: { value: "int" } },
    { figure: "median", maxNs: 60, where: { value: "string16" } },
    { figure: "median", maxNs: 60, where: { value: "string16-cold" } },
  ],
  prepare: prepareGetSet,
});

async function prepareGetSet(params: { value: AccessValue; op: Access }, ctx: RunContext): Promise<Case> {
  const n = ctx.quick ? ACCESSES / QUICK_DIVISOR : ACCESSES;
  const rt = await Runtime.start();
  if (params.value === "string16-cold") {
    const strings = coldStrings();
    return accessCase(params.op, n, rt, strings, strings);
  }
  const value: number | string = params.value === "int" ? 12345 : STRING16;
  // Sets alternate two values so each store changes the field.
  const other: number | string = params.value === "int" ? 54321 : STRING16.toUpperCase();
  return accessCase(params.op, n, rt, [value, value], [value, other]);
}

/** COLD_STRINGS distinct 16-character strings, so no get or set finds its value remembered. */
function coldStrings(): string[] {
  return Array.from({ length: COLD_STRINGS }, (_, k) => STRING16.slice(0, 12) + String(k).padStart(4, "0"));
}

/**
 * get: n reads of field i & (fields − 1) of a block holding `fields` (a power
 * of two of them); set: n stores of setValues[i & (setValues − 1)] into field
 * 1. Each side against a JS array doing the same; each call checks its result.
 */
function accessCase(op: Access, n: number, rt: Runtime, fields: unknown[], setValues: unknown[]): Case {
  const row = "host/get-set";
  const weight = (x: unknown): number => (typeof x === "number" ? x : (x as string).length);
  let ours: TaskSpec;
  let peer: TaskSpec;
  let block: Block;
  if (op === "get") {
    block = rt.block(0, fields);
    const array: unknown[] = [...fields];
    const mask = fields.length - 1;
    let expected = 0;
    for (let i = 0; i < n; i++) expected += weight(fields[i & mask]);
    ours = {
      name: "Block.get",
      ops: n,
      fn: () => {
        let sum = 0;
        for (let i = 0; i < n; i++) sum += weight(block.get(i & mask));
        if (sum !== expected) fail(row, "ours", `got ${sum}, expected ${expected}`);
        return sum;
      },
    };
    peer = {
      name: "JS array get",
      ops: n,
      fn: () => {
        let sum = 0;
        for (let i = 0; i < n; i++) sum += weight(array[i & mask]);
        if (sum !== expected) fail(row, "JS array", `got ${sum}, expected ${expected}`);
        return sum;
      },
    };
  } else {
    block = rt.block(0, [null, null]);
    const array: unknown[] = [null, null];
    const mask = setValues.length - 1;
    const last = setValues[(n - 1) & mask];
    ours = {
      name: "Block.set",
      ops: n,
      fn: () => {
        block.set(1, null);
        for (let i = 0; i < n; i++) block.set(1, setValues[i & mask]);
        if (block.get(1) !== last) fail(row, "ours", "the field does not hold the last value set");
        return block;
      },
    };
    peer = {
      name: "JS array set",
      ops: n,
      fn: () => {
        array[1] = null;
        for (let i = 0; i < n; i++) array[1] = setValues[i & mask];
        if (array[1] !== last) fail(row, "JS array", "the element does not hold the last value set");
        return array;
      },
    };
  }
  return {
    ours: verifyCompletions(row, ours),
    peers: [verifyCompletions(row, peer)],
    teardown: async () => {
      block.free();
      await rt.shutdown();
    },
  };
}

/** fresh-object: a new { n } per pair on both sides, so ours never finds its word cached (the cost of a first crossing). */
type TryPayload = "int" | "object" | "fresh-object";

export const tryPutTakeRow = defineRow<{ payload: TryPayload }>({
  name: "host/try-put-take",
  title: "MVar tryPut+tryTake vs the plain-JS Promise MVar's",
  unit: "tryPut+tryTake pair",
  method:
    `One MVar, empty; ${PAIRS} pairs per call of tryPut(x) then tryTake(), neither ever waiting. Ours: two JS→wasm calls; ` +
    `an int crosses as an immediate word; an object ({ n }, one of 64 made before the run) becomes a host reference (a heap object ` +
    `and a host-reference table slot) on every tryPut: 64 objects round-robin are more than the last 8 objects whose words are remembered (each tryPut scans those 8); it is looked up on tryTake; fresh-object: a new { n } made per pair on both sides, so every tryPut of ours makes a host reference (no target). Peer: the Promise MVar's tryPut/tryTake (a field store ` +
    `and load, no promise). Each call checks the sum of what tryTake returned. Target (issue 18): median ≤ 100 ns per pair for an object.`,
  grid: { payload: ["int", "object", "fresh-object"] },
  targets: [{ figure: "median", maxNs: 100, where: { payload: "object" } }],
  prepare: prepareTryPutTake,
});

async function prepareTryPutTake(params: { payload: TryPayload }, ctx: RunContext): Promise<Case> {
  const n = ctx.quick ? PAIRS / QUICK_DIVISOR : PAIRS;
  const row = "host/try-put-take";
  const rt = await Runtime.start();
  const mv: MVar<unknown> = rt.mvar<unknown>();
  const js = new PromiseMVar<unknown>();
  const objects = Array.from({ length: 64 }, (_, k) => ({ n: k }));
  const make =
    params.payload === "int" ? (i: number): unknown => i & 63
    : params.payload === "object" ? (i: number): unknown => objects[i & 63]
    : (i: number): unknown => ({ n: i & 63 });
  const value = params.payload === "int" ? (x: unknown): number => x as number : (x: unknown): number => (x as { n: number }).n;
  let expected = 0;
  for (let i = 0; i < n; i++) expected += i & 63;
  return {
    ours: verifyCompletions(row, {
      name: "MVar tryPut+tryTake",
      ops: n,
      fn: () => {
        let sum = 0;
        for (let i = 0; i < n; i++) {
          if (!mv.tryPut(make(i))) fail(row, "ours", "tryPut found the MVar full");
          sum += value(mv.tryTake());
        }
        if (sum !== expected) fail(row, "ours", `got ${sum}, expected ${expected}`);
        return sum;
      },
    }),
    peers: [verifyCompletions(row, {
      name: "Promise MVar tryPut+tryTake",
      ops: n,
      fn: () => {
        let sum = 0;
        for (let i = 0; i < n; i++) {
          if (!js.tryPut(make(i))) fail(row, "Promise MVar", "tryPut found the MVar full");
          sum += value(js.tryTake());
        }
        if (sum !== expected) fail(row, "Promise MVar", `got ${sum}, expected ${expected}`);
        return sum;
      },
    })],
    teardown: async () => {
      mv.free();
      await rt.shutdown();
    },
  };
}
