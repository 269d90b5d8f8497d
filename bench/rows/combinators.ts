// Rows mvar/modify and chan/for-await: the issue-19 calls against the same
// programs on the plain-JS Promise MVar (bench/peers/promise-combinators.ts).
//   mvar/modify     4 threads each modify one MVar (x => x + 1) in turn: every
//                   modify is a take that often waits, the function, a put
//                   that hands off to the next waiting modifier;
//   chan/for-await  a producer writes n values into a BoundedChan(1) and
//                   closes it; 4 workers read it with for await and write 2x+1
//                   into a second BoundedChan(1), closed when all are done; a
//                   consumer sums it with for await (mvar/pipeline's shape,
//                   through the channel API and its close).
// Same function for both sides (Note [Same program for every MVar], mvar.ts);
// every run checks its sum.

import { Runtime } from "../../src/runtime.js";
import { BoundedChan } from "../../src/threads/chan.js";
import type { MVar } from "../../src/threads/mvar.js";
import { PromiseBoundedChan, PromiseModifyMVar } from "../peers/promise-combinators.js";
import { defineRow, verifyCompletions, type Case, type RunContext } from "../row.js";

const MODIFIES = 100_000;
const ITEMS = 50_000;
const WORKERS = 4;
const QUICK_DIVISOR = 10;

interface Modifiable {
  modify(fn: (value: number) => number): Promise<void>;
  tryRead(): number | undefined;
}

interface Channel extends AsyncIterable<number> {
  write(value: number): Promise<void>;
  close(): Promise<void>;
}

const increment = (x: number): number => x + 1;

/** `threads` threads share `n` modifies of `mv`; returns the final value. */
async function modifiers(mv: Modifiable, n: number, threads: number): Promise<number> {
  const each = n / threads;
  await Promise.all(Array.from({ length: threads }, async () => {
    for (let i = 0; i < each; i++) await mv.modify(increment);
  }));
  return mv.tryRead()!;
}

/** Producer → workers → consumer over two channels, every reader a for-await loop; the consumer's sum. */
async function forAwaitPipeline(input: Channel, output: Channel, items: number, workers: number): Promise<number> {
  const producer = (async () => {
    for (let i = 0; i < items; i++) await input.write(i);
    await input.close();
  })();
  const pool = Promise.all(Array.from({ length: workers }, async () => {
    for await (const x of input) await output.write(2 * x + 1);
  })).then(() => output.close());
  let sum = 0;
  for await (const y of output) sum += y;
  await Promise.all([producer, pool]);
  return sum;
}

function checked(row: string, side: string, got: number, expected: number): void {
  if (got !== expected) throw new Error(`bench ${row} (${side}): the run returned ${got}, expected ${expected}`);
}

export const modifyRow = defineRow<Record<string, never>>({
  name: "mvar/modify",
  title: `${WORKERS} threads modify one MVar: rt.mvar's modify vs GHC's modifyMVar_ on the plain-JS Promise MVar`,
  unit: "modify",
  method:
    `${WORKERS} threads each run ${MODIFIES / WORKERS} × modify(x => x + 1) on one MVar, so most modifies wait for the value and ` +
    `every put hands it to the next waiting modifier. Ours: mv.modify (src/threads/modify.ts: options checked, old value put ` +
    `back on failure); peer: take / try fn / put on the Promise MVar. Same function for both; each call checks the count.`,
  grid: {},
  targets: [{ peer: "Promise MVar", maxRatio: 1.25 }],
  prepare: prepareModify,
});

async function prepareModify(_params: Record<string, never>, ctx: RunContext): Promise<Case> {
  const n = ctx.quick ? MODIFIES / QUICK_DIVISOR : MODIFIES;
  const rt = await Runtime.start();
  const mv: MVar<number> = rt.mvar(0);
  const js = new PromiseModifyMVar<number>(0);
  return {
    // verifyCompletions: every call the runner made ran to its checked end (test/bench-verify.test.ts).
    ours: verifyCompletions("mvar/modify", {
      name: "rt.mvar modify",
      ops: n,
      fn: async () => {
        await mv.swap(0);
        checked("mvar/modify", "ours", await modifiers(mv as Modifiable, n, WORKERS), n);
      },
    }),
    peers: [verifyCompletions("mvar/modify", {
      name: "Promise MVar",
      ops: n,
      fn: async () => {
        js.tryTake();
        js.tryPut(0);
        checked("mvar/modify", "Promise MVar", await modifiers(js as Modifiable, n, WORKERS), n);
      },
    })],
    teardown: async () => {
      mv.free();
      await rt.shutdown();
    },
  };
}

export const forAwaitRow = defineRow<Record<string, never>>({
  name: "chan/for-await",
  title: `producer → ${WORKERS} workers → consumer over BoundedChan(1), read with for await, ended by close(): ours vs the same on Promise MVars`,
  unit: "item",
  method:
    `A producer writes 0..n-1 into a BoundedChan(1) and closes it; ${WORKERS} workers read it with for await and write 2x+1 into ` +
    `a second BoundedChan(1), closed when they are done; the consumer sums it with for await. ${ITEMS} items per call. ` +
    `Same function and the same MVar operations per item on both sides: a write is take write position / put slot / put write ` +
    `position, a read (one async next() and one {value, done} per item) take read position / take slot / put read position. ` +
    `Ours: BoundedChan, each operation a core call on an MVar in the heap; a write also checks its value and options (one test ` +
    `for an int without options) and counts writes in flight, a read tests the closed flag (close: a flag and an end marker, ` +
    `Note [Closing a channel]). Peer: the same ring of Promise MVars, no checks, closed by an end sentinel written through the ` +
    `ring. Each call checks the sum.`,
  grid: {},
  targets: [{ peer: "Promise MVar", maxRatio: 1.25 }],
  prepare: prepareForAwait,
});

async function prepareForAwait(_params: Record<string, never>, ctx: RunContext): Promise<Case> {
  const n = ctx.quick ? ITEMS / QUICK_DIVISOR : ITEMS;
  const expected = n * n;
  const rt = await Runtime.start();
  return {
    ours: verifyCompletions("chan/for-await", {
      name: "BoundedChan",
      ops: n,
      fn: async () => {
        using input = new BoundedChan<number>(rt, 1);
        using output = new BoundedChan<number>(rt, 1);
        checked("chan/for-await", "ours", await forAwaitPipeline(input, output, n, WORKERS), expected);
      },
    }),
    peers: [verifyCompletions("chan/for-await", {
      name: "Promise MVar",
      ops: n,
      fn: async () => checked("chan/for-await", "Promise MVar", await forAwaitPipeline(new PromiseBoundedChan(1), new PromiseBoundedChan(1), n, WORKERS), expected),
    })],
    teardown: async () => {
      await rt.shutdown();
    },
  };
}
