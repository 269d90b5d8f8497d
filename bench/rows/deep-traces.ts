// Row host/deep-traces: what raising Error.stackTraceLimit around a call into
// user code costs (Note [Deep stack traces, only around user code],
// src/core/stack-overflow.ts). rt.call and each finaliser run raise it so a
// stack overflow can be named by its recurring frames; the row times a
// plugin export called plainly, and called inside withDeepStackTraces, and
// shows rt.call's whole cost beside them for scale.

import { existsSync, readFileSync } from "node:fs";
import { Runtime } from "../../src/runtime.js";
import { withDeepStackTraces } from "../../src/core/stack-overflow.js";
import { defineRow, type Case, type RunContext, type TaskSpec } from "../row.js";

/** Calls a sample times; quick runs take fewer. */
const BATCH = 10_000;
const QUICK_BATCH = 100;

/** build/plugins/recursion.wasm, from bench/rows (vitest) or dist/bench/rows (npm run bench). */
function pluginBytes(): Uint8Array {
  const found = ["../../build/plugins/recursion.wasm", "../../../build/plugins/recursion.wasm"].map((path) => new URL(path, import.meta.url)).find((url) => existsSync(url));
  if (found === undefined) throw new Error("bench host/deep-traces: build/plugins/recursion.wasm not found; run `npm run asbuild:plugins` (npm run build does)");
  return readFileSync(found);
}

export const deepTracesRow = defineRow<Record<string, never>>({
  name: "host/deep-traces",
  title: "a plugin export called inside withDeepStackTraces (as rt.call does) vs called plainly",
  unit: "call",
  method:
    "The export is the recursion test plugin's cycle(1, 1): one wasm call that returns at once, so the figure is the call's fixed cost. " +
    "Ours: withDeepStackTraces(() => cycle(1, 1)), Error.stackTraceLimit raised and restored around the call. " +
    "Peer 'plain call': cycle(1, 1). Peer 'rt.call': the whole Runtime.call, guard, argument checks and the after-call poll included, for scale.",
  grid: {},
  targets: [{ peer: "plain call", maxRatio: 2 }, { peer: "rt.call", maxRatio: 1 }],
  prepare: prepareDeepTraces,
});

async function prepareDeepTraces(_params: Record<string, never>, ctx: RunContext): Promise<Case> {
  const n = ctx.quick ? QUICK_BATCH : BATCH;
  const rt = await Runtime.start({ module: pluginBytes() });
  const cycle = (rt.plugin!.loader as unknown as Record<string, (period: number, depth: number) => number>)["cycle"]!;
  /** A task whose fn runs the batch and counts it; verify checks every call ran the whole batch. */
  const task = (name: string, call: () => number): TaskSpec => {
    let batches = 0;
    return {
      name,
      ops: n,
      fn: () => {
        let sum = 0;
        for (let i = 0; i < n; i++) sum += call();
        if (sum === n) batches++;
        return sum;
      },
      verify: (calls) => {
        if (batches !== calls) throw new Error(`bench host/deep-traces: ${name} completed ${batches} of ${calls} batches`);
      },
    };
  };
  const ours = task("raised limit", () => withDeepStackTraces(() => cycle(1, 1)));
  const plain = task("plain call", () => cycle(1, 1));
  const whole = task("rt.call", () => rt.call("cycle", 1, 1) as number);
  return {
    ours,
    peers: [plain, whole],
    teardown: () => rt.shutdown(),
  };
}
