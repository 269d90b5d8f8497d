// Row scheme/interpreter: a small Scheme interpreter written in AssemblyScript
// on the unloadable heap (examples/scheme/, the plugin build/plugins/
// scheme.wasm), every value a heap object, against the same interpreter
// written in plain JavaScript on JS objects (bench/peers/scheme-js.ts, V8's
// generational GC). Target: within 1.5× of the JS interpreter.
//
// Both run the same program text (bench/scheme.ts) from scratch each call:
// read, evaluate, print. Every call checks its answer against the one
// computed in JavaScript, so a wrong answer throws instead of being timed.

import { Runtime } from "../../src/runtime.js";
import { runSchemeJs } from "../peers/scheme-js.js";
import {
  counterAnswer, counterProgram, fibAnswer, fibProgram, listAnswer, listProgram, runScheme, schemePlugin,
} from "../scheme.js";
import { defineRow, type Case, type RunContext, type TaskSpec } from "../row.js";

const PROGRAMS = ["fib 25", "map/filter 1e5", "counter 2e4"] as const;
type Program = (typeof PROGRAMS)[number];

/** Each program's text and answer, full size or for a quick run. */
function program(name: Program, quick: boolean): { text: string; answer: string } {
  switch (name) {
    case "fib 25": {
      const n = quick ? 15 : 25;
      return { text: fibProgram(n), answer: fibAnswer(n) };
    }
    case "map/filter 1e5": {
      const n = quick ? 1000 : 100_000;
      return { text: listProgram(n), answer: listAnswer(n) };
    }
    case "counter 2e4": {
      const n = quick ? 200 : 20_000;
      return { text: counterProgram(n, 10), answer: counterAnswer(n, 10) };
    }
  }
}

const JS_PEER = "JS interpreter";

/** Counts a task's checked runs, so verify can tell every call was checked. */
function checkedTask(name: string, answer: string, run: () => string): TaskSpec {
  let checked = 0;
  return {
    name,
    ops: 1,
    fn: () => {
      const got = run();
      if (got !== answer) throw new Error(`bench scheme/interpreter: ${name} answered ${got.slice(0, 80)}, expected ${answer}`);
      checked++;
      return got;
    },
    verify: (calls) => {
      if (checked !== calls) throw new Error(`bench scheme/interpreter: ${name} checked ${checked} runs of ${calls}`);
    },
  };
}

export const schemeRow = defineRow<{ program: Program }>({
  name: "scheme/interpreter",
  title: "a Scheme interpreter on the GC heap (AS plugin) vs the same interpreter in plain JS",
  unit: "program run",
  method:
    "One program run: read the text, evaluate every form, print the last value, in a fresh global environment. " +
    "fib 25: doubly recursive fib (242,785 calls). map/filter 1e5: a list of 10^5 integers, mapped, filtered, " +
    "summed and measured, with map and filter tail-recursive (accumulate, then reverse). counter 2e4: make-counter " +
    "called 20,000 times, each counter called 11 times (set! of a let variable in a closure). " +
    "Ours: examples/scheme/ built as a plugin (build/plugins/scheme.wasm), every value on the unloadable heap " +
    "(pairs, symbols, closures, frames as blocks), arguments and live pointers on the root stack, frames allocated " +
    "with Hp in a local, nursery 1 MiB, generations 2; the text passed in as a heap string in a block and the answer adopted per call. " +
    "Peer: bench/peers/scheme-js.ts, the same language and algorithms (interned symbols holding global values, " +
    "frames bound to parameter lists, proper tail calls as a loop) on JS objects and numbers. " +
    "Every call checks its answer (quick runs: fib 15, 10^3 elements, 200 counters).",
  grid: { program: PROGRAMS },
  targets: [{ peer: JS_PEER, maxRatio: 1.5 }],
  prepare: prepareScheme,
});

async function prepareScheme(params: { program: Program }, ctx: RunContext): Promise<Case> {
  const { text, answer } = program(params.program, ctx.quick);
  const rt = await Runtime.start({ module: schemePlugin() });
  return {
    ours: checkedTask("AS on the GC heap", answer, () => runScheme(rt, text)),
    peers: [checkedTask(JS_PEER, answer, () => runSchemeJs(text))],
    teardown: async () => {
      const report = await rt.shutdown();
      if (report.leakedBlocks !== 0) throw new Error(`bench scheme/interpreter: ${report.leakedBlocks} blocks leaked`);
    },
  };
}
