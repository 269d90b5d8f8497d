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
import type { Block } from "../../src/heap/block.js";
import { effectPingPong, effectPipeline } from "../peers/effect-queue.js";
import { PromiseMVar } from "../peers/promise-mvar.js";
import { startKernels } from "../kernels.js";
import { defineRow, verifyCompletions, type Case, type RunContext, type TaskSpec } from "../row.js";

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
/** Ping-pong and pipeline in a quick run: four payloads, so a fiftieth each (a smoke run checks sums, not speed). */
const QUICK_PAYLOAD_DIVISOR = 50;
/** mvar/take-put's bound: a pair inside the core must stay well under one JS→wasm call plus a promise. */
const TAKE_PUT_MAX_NS = 100;

/** What ours and the Promise MVar have in common. See Note [Same program for every MVar]. */
interface AnyMVar<T> {
  take(): Promise<T>;
  put(value: T): Promise<void>;
}

// Note [Payloads]
// ~~~~~~~~~~~~~~~
// What an MVar carries changes what it costs ours, not the Promise MVar: a
// JS value stays a JS value there, while ours encodes it into a heap word on
// put and decodes it on take. So the ping-pong and pipeline rows have a
// payload axis, the values a program sends being made before the clock starts
// (a pool of PAYLOADS values, sent round-robin) so that neither side times
// their making:
//   int     the value i itself: an immediate word, no allocation (ours);
//   string  a string of 16 characters: ours copies it into a heap string
//           unless it crossed since the last collection (a table of 64
//           strings by content), else reuses that word, and a take returns
//           the JS string put as that heap string (Note [One word per value
//           until a collection], src/heap/word-cache.ts): in ping-pong one
//           copy per round trip (the first put), one table slot per crossing;
//   object  a plain JS object {n}: ours allocates a host reference (a heap
//           object and a slot of the host-reference table) unless it is
//           among the last 8 objects that crossed since the last collection
//           (one per round trip in ping-pong), and looks the object up on
//           take; the same object comes back;
//   Block   ours sends a heap block (rt.block(0, [k])): put stores its word,
//           take hands back a new Block handle, which the receiver reads
//           (get(0)) and frees, before the backstop would have registered
//           it (Note [The backstop registers late], src/heap/handles.ts).
//           The Promise MVar sends what a JS program would use instead, a
//           one-element array [k], read as x[0].
// Every receiver turns what it got into a number (payload.value) and the
// run checks the sum against the one the sent values imply.

/** Distinct values per payload kind, sent round-robin. */
const PAYLOADS = 1024;
type PayloadKind = "int" | "string" | "object" | "Block";
const PAYLOAD_KINDS: readonly PayloadKind[] = ["int", "string", "object", "Block"];

/** How one side sends one kind of payload. See Note [Payloads]. */
interface Payload<T> {
  /** The i-th value sent (made before the run). */
  make(i: number): T;
  /** The number a receiver reads from what it got (the run's checksum adds them up). */
  value(x: T): number;
  /** What a pipeline worker sends on. */
  work(x: T): T;
  /** Lets go of what a receiver got, once it is sent on or read (ours' Block handles). */
  release(x: T): void;
}

const noRelease = (): void => {};
const identity = <T>(x: T): T => x;

/** The 16-character strings of the string payload: k, padded; its value is the last digit's code. */
const STRINGS = Array.from({ length: PAYLOADS }, (_, k) => `${k}`.padStart(16, "."));

function jsPayload(kind: PayloadKind): Payload<unknown> {
  switch (kind) {
    case "int":
      return { make: (i) => i, value: (x) => x as number, work: (x) => 2 * (x as number) + 1, release: noRelease };
    case "string":
      return { make: (i) => STRINGS[i % PAYLOADS], value: (x) => (x as string).charCodeAt(15), work: identity, release: noRelease };
    case "object": {
      const objects = Array.from({ length: PAYLOADS }, (_, k) => ({ n: k }));
      return { make: (i) => objects[i % PAYLOADS], value: (x) => (x as { n: number }).n, work: identity, release: noRelease };
    }
    case "Block": {
      const arrays = Array.from({ length: PAYLOADS }, (_, k) => [k]);
      return { make: (i) => arrays[i % PAYLOADS], value: (x) => (x as number[])[0]!, work: identity, release: noRelease };
    }
  }
}

/** Ours' payload: as the Promise MVar's, but a Block payload sends heap blocks (freed by the returned cleanup). */
function oursPayload(rt: Runtime, kind: PayloadKind): { payload: Payload<unknown>; free: () => void } {
  if (kind !== "Block") return { payload: jsPayload(kind), free: noRelease };
  const blocks = Array.from({ length: PAYLOADS }, (_, k) => rt.block(0, [k]));
  return {
    payload: { make: (i) => blocks[i % PAYLOADS], value: (x) => (x as Block).get(0) as number, work: identity, release: (x) => (x as Block).free() },
    free: () => { for (const b of blocks) b.free(); },
  };
}

/** The sum a run of n sends must come back with (the int pipeline sends 2x+1). */
function expectedSum(kind: PayloadKind, n: number, worked: boolean): number {
  const payload = jsPayload(kind);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += payload.value(worked ? payload.work(payload.make(i)) : payload.make(i));
  return sum;
}

/** What one operation does on each side, per payload: the rows' method text. */
const PAYLOAD_METHOD =
  `Payloads (Note [Payloads], bench/rows/mvar.ts; ${PAYLOADS} values made before the run, sent round-robin): ` +
  `int: an immediate word on ours, no allocation; string (16 characters): ours copies it into a heap string unless it crossed ` +
  `since the last collection (a table of 64 strings by content), and a take returns the JS string put as that heap string (one copy per round trip or item, one table slot per crossing); ` +
  `object ({n}): ours allocates a host reference unless it is among the last 8 objects that crossed since the last collection (a scan of 8), and looks the object up per take; ` +
  `Block: ours sends rt.block(0, [k]) and the receiver gets a new Block handle (a handle-table slot; registered with the backstop only if not freed by the next turn), ` +
  `reads get(0) and frees it, while the Promise MVar sends [k] and reads x[0]. ` +
  `The Promise MVar keeps every value as it is. Both MVars return one shared settled promise for a put that does not wait and give every blocked thread's promise one shared executor.`;

/** Ping-pong over `ping` and `pong`; returns the sum of the answers. */
async function pingPong(ping: AnyMVar<unknown>, pong: AnyMVar<unknown>, n: number, p: Payload<unknown>): Promise<number> {
  const echo = (async () => {
    for (let i = 0; i < n; i++) {
      const x = await ping.take();
      await pong.put(x);
      p.release(x);
    }
  })();
  let sum = 0;
  for (let i = 0; i < n; i++) {
    await ping.put(p.make(i));
    const y = await pong.take();
    sum += p.value(y);
    p.release(y);
  }
  await echo;
  return sum;
}

/** null ends a worker. */
const STOP = null;

/** Producer → `workers` workers → consumer over `input` and `output`; returns the consumer's sum. */
async function pipeline(input: AnyMVar<unknown>, output: AnyMVar<unknown>, items: number, workers: number, p: Payload<unknown>): Promise<number> {
  const producer = (async () => {
    for (let i = 0; i < items; i++) await input.put(p.make(i));
    for (let w = 0; w < workers; w++) await input.put(STOP);
  })();
  const pool = Array.from({ length: workers }, async () => {
    for (let x = await input.take(); x !== STOP; x = await input.take()) {
      await output.put(p.work(x));
      p.release(x);
    }
  });
  let sum = 0;
  for (let i = 0; i < items; i++) {
    const y = await output.take();
    sum += p.value(y);
    p.release(y);
  }
  await Promise.all([producer, ...pool]);
  return sum;
}

/** The work a pipeline worker does on an int: cheap, so the channels are measured. */
function work(x: number): number {
  return 2 * x + 1;
}

function checked(row: string, side: string, got: number, expected: number): void {
  if (got !== expected) throw new Error(`bench ${row} (${side}): the run returned ${got}, expected ${expected}`);
}

/** A task whose every call runs `run` and checks its sum; verify fails unless every call made was a checked run. */
function checkedTask(row: string, name: string, ops: number, run: () => Promise<number>, expected: number): TaskSpec {
  return verifyCompletions(row, { name, ops, fn: async () => checked(row, name, await run(), expected) });
}

type PayloadParams = { payload: PayloadKind };

export const pingPongRow = defineRow<PayloadParams>({
  name: "mvar/ping-pong",
  title: "ping-pong over two MVars: rt.mvar vs a plain-JS Promise MVar vs effect Queue.bounded(1)",
  unit: "round trip",
  method:
    `Two threads: A puts a value into ping and takes the answer from pong, B takes from ping and puts it into pong. ` +
    `A round trip is two blocking takes (each a thread, TSO and queue entry in the heap for ours; a promise and a queue slot in JS for the Promise MVar) ` +
    `and two hand-off puts (each a JS→wasm call for ours). ` +
    `${ROUND_TRIPS} round trips per call (effect, int payload only: ${EFFECT_ROUND_TRIPS}, one runPromise of two fibers). ` +
    `Ours and the Promise MVar run the same function (Note [Same program for every MVar]); ` +
    `each call checks the sum of the answers. Ours: default runtime (1 MiB nursery), no chaos. ${PAYLOAD_METHOD}`,
  grid: { payload: PAYLOAD_KINDS },
  targets: [
    { peer: "Promise MVar", maxRatio: 1.25 },
    { peer: "effect Queue.bounded(1)", maxRatio: 1, where: { payload: "int" } },
  ],
  prepare: preparePingPong,
});

async function preparePingPong(params: PayloadParams, ctx: RunContext): Promise<Case> {
  const n = ctx.quick ? ROUND_TRIPS / QUICK_PAYLOAD_DIVISOR : ROUND_TRIPS;
  const nEffect = ctx.quick ? EFFECT_ROUND_TRIPS / QUICK_PAYLOAD_DIVISOR : EFFECT_ROUND_TRIPS;
  const rt = await Runtime.start();
  const ping = rt.mvar<unknown>();
  const pong = rt.mvar<unknown>();
  const ours = oursPayload(rt, params.payload);
  const js = jsPayload(params.payload);
  const jsPing = new PromiseMVar<unknown>();
  const jsPong = new PromiseMVar<unknown>();
  const row = "mvar/ping-pong";
  const sum = expectedSum(params.payload, n, false);
  const peers = [checkedTask(row, "Promise MVar", n, () => pingPong(jsPing, jsPong, n, js), sum)];
  if (params.payload === "int") peers.push(checkedTask(row, "effect Queue.bounded(1)", nEffect, () => effectPingPong(nEffect), expectedSum("int", nEffect, false)));
  return {
    ours: checkedTask(row, "rt.mvar", n, () => pingPong(ping, pong, n, ours.payload), sum),
    peers,
    teardown: async () => {
      ping.free();
      pong.free();
      ours.free();
      await rt.shutdown();
    },
  };
}

export const pipelineRow = defineRow<PayloadParams>({
  name: "mvar/pipeline",
  title: `producer → ${WORKERS} workers → consumer over MVars: rt.mvar vs a plain-JS Promise MVar vs effect Queue.bounded(1)`,
  unit: "item",
  method:
    `Every stage joined by one MVar (effect: a Queue.bounded(1)), a channel of depth 1 that many threads share fairly. ` +
    `The producer puts n values, each of ${WORKERS} workers takes an item and puts it on (an int as 2x+1), the consumer takes n results and sums what it reads from them. ` +
    `Per item: two puts and two takes, most of which block (a thread in the heap for ours, a promise in JS for the Promise MVar). ` +
    `${ITEMS} items per call (effect, int payload only: ${EFFECT_ITEMS}); each call checks the sum. Ours and the Promise MVar run the same function. ${PAYLOAD_METHOD}`,
  grid: { payload: PAYLOAD_KINDS },
  targets: [
    { peer: "Promise MVar", maxRatio: 1.25 },
    { peer: "effect Queue.bounded(1)", maxRatio: 1, where: { payload: "int" } },
  ],
  prepare: preparePipeline,
});

async function preparePipeline(params: PayloadParams, ctx: RunContext): Promise<Case> {
  const n = ctx.quick ? ITEMS / QUICK_PAYLOAD_DIVISOR : ITEMS;
  const nEffect = ctx.quick ? EFFECT_ITEMS / QUICK_PAYLOAD_DIVISOR : EFFECT_ITEMS;
  const rt = await Runtime.start();
  const input = rt.mvar<unknown>();
  const output = rt.mvar<unknown>();
  const ours = oursPayload(rt, params.payload);
  const js = jsPayload(params.payload);
  const jsInput = new PromiseMVar<unknown>();
  const jsOutput = new PromiseMVar<unknown>();
  const row = "mvar/pipeline";
  const sum = expectedSum(params.payload, n, true);
  const peers = [checkedTask(row, "Promise MVar", n, () => pipeline(jsInput, jsOutput, n, WORKERS, js), sum)];
  if (params.payload === "int") peers.push(checkedTask(row, "effect Queue.bounded(1)", nEffect, () => effectPipeline(nEffect, WORKERS, work), expectedSum("int", nEffect, true)));
  return {
    ours: checkedTask(row, "rt.mvar", n, () => pipeline(input, output, n, WORKERS, ours.payload), sum),
    peers,
    teardown: async () => {
      input.free();
      output.free();
      ours.free();
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
        return v;
      },
      verify: (calls) => checked("mvar/take-put", "Promise MVar", js.tryRead()!, calls * n),
    }],
    teardown: async () => {
      mv.free();
      await rt.shutdown();
    },
  };
}
