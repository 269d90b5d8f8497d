// Rows mvar/ping-pong, mvar/pipeline and mvar/take-put: what an MVar in the
// GC heap costs against MVars that live in JS alone.
//   mvar/ping-pong  two threads bounce a number over two MVars; a round trip
//                   is two blocking takes and two hand-off puts;
//   mvar/pipeline   producer → 4 workers → consumer, every stage joined by an
//                   MVar (a channel of depth 1 with FIFO fairness);
//   mvar/take-put   take+put pairs that never block, inside the core.
// Peers: a well-written plain-JS Promise MVar (bench/peers/promise-mvar.ts,
// the same semantics) and effect's Queue.bounded(1) (bench/peers/
// effect-queue.ts), each running the same program.
//
// Note [Same program for every MVar]
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
// Ours and the Promise MVar run one generic function each, written once
// against the MVar interface both implement, so the only difference is the
// MVar. effect's programs are the same shape written in Effect, since a
// bounded queue is used through fibers, not promises. Every run checks its
// result (the sum of what came back), so no side can skip work.

import { Runtime } from "../../src/runtime.js";
import { handleSlot } from "../../src/heap/handles.js";
import type { MVar } from "../../src/threads/mvar.js";
import { effectPingPong, effectPipeline } from "../peers/effect-queue.js";
import { PromiseMVar } from "../peers/promise-mvar.js";
import { startKernels } from "../kernels.js";
import { defineRow, type Case, type RunContext } from "../row.js";

/** Round trips per call; quick runs do a tenth. */
const ROUND_TRIPS = 100_000;
/** effect is about 30× slower per round trip: fewer per call, the same time per sample. */
const EFFECT_ROUND_TRIPS = 5_000;
/** Items per pipeline call. */
const ITEMS = 50_000;
const EFFECT_ITEMS = 2_000;
const WORKERS = 4;
/** take+put pairs per core call. */
const PAIRS = 1_000_000;
const QUICK_DIVISOR = 10;
/** mvar/take-put's bound: a pair inside the core must stay well under one JS→wasm call plus a promise. */
const TAKE_PUT_MAX_NS = 100;

/** What ours and the Promise MVar have in common. See Note [Same program for every MVar]. */
interface AnyMVar<T> {
  take(): Promise<T>;
  put(value: T): Promise<void>;
}

/** Ping-pong over `ping` and `pong`; returns the sum of the answers. */
async function pingPong(ping: AnyMVar<number>, pong: AnyMVar<number>, n: number): Promise<number> {
  const echo = (async () => {
    for (let i = 0; i < n; i++) await pong.put(await ping.take());
  })();
  let sum = 0;
  for (let i = 0; i < n; i++) {
    await ping.put(i);
    sum += await pong.take();
  }
  await echo;
  return sum;
}

/** The work a pipeline worker does on an item: cheap, so the channels are measured. */
function work(x: number): number {
  return 2 * x + 1;
}

/** -1 ends a worker. */
const STOP = -1;

/** Producer → `workers` workers → consumer over `input` and `output`; returns the consumer's sum. */
async function pipeline(input: AnyMVar<number>, output: AnyMVar<number>, items: number, workers: number): Promise<number> {
  const producer = (async () => {
    for (let i = 0; i < items; i++) await input.put(i);
    for (let w = 0; w < workers; w++) await input.put(STOP);
  })();
  const pool = Array.from({ length: workers }, async () => {
    for (let x = await input.take(); x !== STOP; x = await input.take()) await output.put(work(x));
  });
  let sum = 0;
  for (let i = 0; i < items; i++) sum += await output.take();
  await Promise.all([producer, ...pool]);
  return sum;
}

function pingPongSum(n: number): number {
  return (n * (n - 1)) / 2;
}

function pipelineSum(items: number): number {
  return 2 * pingPongSum(items) + items;
}

function checked(row: string, side: string, got: number, expected: number): void {
  if (got !== expected) throw new Error(`bench ${row} (${side}): the run returned ${got}, expected ${expected}`);
}

export const pingPongRow = defineRow<Record<string, never>>({
  name: "mvar/ping-pong",
  title: "ping-pong over two MVars: rt.mvar vs a plain-JS Promise MVar vs effect Queue.bounded(1)",
  unit: "round trip",
  method:
    `Two threads: A puts i into ping and takes the answer from pong, B takes from ping and puts it into pong. ` +
    `A round trip is two blocking takes (each a thread, TSO and queue entry in the heap for ours) and two hand-off puts. ` +
    `${ROUND_TRIPS} round trips per call (effect: ${EFFECT_ROUND_TRIPS}, one runPromise of two fibers); interleaved samples ` +
    `add up to ~10⁶ round trips for ours. Ours and the Promise MVar run the same function (Note [Same program for every MVar]); ` +
    `each call checks the sum of the answers. Ours: default runtime (1 MiB nursery), no chaos.`,
  grid: {},
  targets: [
    { peer: "Promise MVar", maxRatio: 1.25 },
    { peer: "effect Queue.bounded(1)", maxRatio: 1 },
  ],
  prepare: preparePingPong,
});

async function preparePingPong(_params: Record<string, never>, ctx: RunContext): Promise<Case> {
  const n = ctx.quick ? ROUND_TRIPS / QUICK_DIVISOR : ROUND_TRIPS;
  const nEffect = ctx.quick ? EFFECT_ROUND_TRIPS / QUICK_DIVISOR : EFFECT_ROUND_TRIPS;
  const rt = await Runtime.start();
  const ping = rt.mvar<number>();
  const pong = rt.mvar<number>();
  const jsPing = new PromiseMVar<number>();
  const jsPong = new PromiseMVar<number>();
  return {
    ours: { name: "rt.mvar", ops: n, fn: async () => checked("mvar/ping-pong", "ours", await pingPong(ping, pong, n), pingPongSum(n)) },
    peers: [
      { name: "Promise MVar", ops: n, fn: async () => checked("mvar/ping-pong", "Promise MVar", await pingPong(jsPing, jsPong, n), pingPongSum(n)) },
      { name: "effect Queue.bounded(1)", ops: nEffect, fn: async () => checked("mvar/ping-pong", "effect", await effectPingPong(nEffect), pingPongSum(nEffect)) },
    ],
    teardown: async () => {
      ping.free();
      pong.free();
      await rt.shutdown();
    },
  };
}

export const pipelineRow = defineRow<Record<string, never>>({
  name: "mvar/pipeline",
  title: `producer → ${WORKERS} workers → consumer over MVars: rt.mvar vs a plain-JS Promise MVar vs effect Queue.bounded(1)`,
  unit: "item",
  method:
    `Every stage joined by one MVar (effect: a Queue.bounded(1)), a channel of depth 1 that many threads share fairly. ` +
    `The producer puts 0..n-1, each of ${WORKERS} workers takes an item and puts 2x+1, the consumer takes n results and sums them. ` +
    `${ITEMS} items per call (effect: ${EFFECT_ITEMS}); each call checks the sum. Ours and the Promise MVar run the same function.`,
  grid: {},
  targets: [
    { peer: "Promise MVar", maxRatio: 1.25 },
    { peer: "effect Queue.bounded(1)", maxRatio: 1 },
  ],
  prepare: preparePipeline,
});

async function preparePipeline(_params: Record<string, never>, ctx: RunContext): Promise<Case> {
  const n = ctx.quick ? ITEMS / QUICK_DIVISOR : ITEMS;
  const nEffect = ctx.quick ? EFFECT_ITEMS / QUICK_DIVISOR : EFFECT_ITEMS;
  const rt = await Runtime.start();
  const input = rt.mvar<number>();
  const output = rt.mvar<number>();
  const jsInput = new PromiseMVar<number>();
  const jsOutput = new PromiseMVar<number>();
  return {
    ours: { name: "rt.mvar", ops: n, fn: async () => checked("mvar/pipeline", "ours", await pipeline(input, output, n, WORKERS), pipelineSum(n)) },
    peers: [
      { name: "Promise MVar", ops: n, fn: async () => checked("mvar/pipeline", "Promise MVar", await pipeline(jsInput, jsOutput, n, WORKERS), pipelineSum(n)) },
      { name: "effect Queue.bounded(1)", ops: nEffect, fn: async () => checked("mvar/pipeline", "effect", await effectPipeline(nEffect, WORKERS, work), pipelineSum(nEffect)) },
    ],
    teardown: async () => {
      input.free();
      output.free();
      await rt.shutdown();
    },
  };
}

export const takePutRow = defineRow<Record<string, never>>({
  name: "mvar/take-put",
  title: "take+put pairs that never block: inside a plugin on the public API vs the plain-JS Promise MVar's tryTake+tryPut",
  unit: "take+put pair",
  method:
    `Ours: mvarTakePut, ${PAIRS} pairs per call inside a plugin on the public API (bench/plugins/mvar-kernels.ts) through ` +
    `mvarTryTake/mvarTryPut, which on a full MVar with an empty queue run the code the host's take and put run ` +
    `(handle lookup, queue checks, write barrier, mailbox). Peer: the Promise MVar's ` +
    `tryTake+tryPut in a JS loop, for scale (no promises, no JS→wasm calls on either side). ` +
    `Target: an absolute bound on ours (median ≤ ${TAKE_PUT_MAX_NS} ns per pair), the cost a blocking operation adds to its host call.`,
  grid: {},
  targets: [{ figure: "median", maxNs: TAKE_PUT_MAX_NS }],
  prepare: prepareTakePut,
});

async function prepareTakePut(_params: Record<string, never>, ctx: RunContext): Promise<Case> {
  const n = ctx.quick ? PAIRS / QUICK_DIVISOR : PAIRS;
  const { rt, kernels: core } = await startKernels("mvar-kernels", "bench mvar/take-put");
  const mv: MVar<number> = rt.mvar<number>(0);
  const slot = handleSlot(mv, "bench mvar/take-put");
  const js = new PromiseMVar<number>(0);
  let jsCalls = 0;
  return {
    ours: {
      name: "core take+put",
      ops: n,
      fn: () => core.mvarTakePut(slot, n),
      verify: (calls) => checked("mvar/take-put", "ours", mv.tryRead()!, calls * n),
    },
    peers: [{
      name: "Promise MVar tryTake+tryPut",
      ops: n,
      fn: () => {
        let v = 0;
        for (let i = 0; i < n; i++) {
          v = js.tryTake()!;
          js.tryPut(v + 1);
        }
        jsCalls++;
        return v;
      },
      verify: () => checked("mvar/take-put", "Promise MVar", js.tryRead()!, jsCalls * n),
    }],
    teardown: async () => {
      mv.free();
      await rt.shutdown();
    },
  };
}
