// Issue 15 on the Scheme interpreter (examples/scheme): a non-tail-recursive
// program 10⁶ deep overflows the wasm stack; the error names the
// interpreter's own recurring frames, and since the overflow struck in the
// mutator, outside any core operation, the same runtime goes on to run
// another program correctly, sanity on.
import { expect, test } from "vitest";
import { StackOverflowError } from "../src/index.js";
import { withCore } from "../src/runtime.js";
import { runScheme, startScheme } from "./support/scheme.js";

const deep = "(define (count n) (if (= n 0) 0 (+ 1 (count (- n 1))))) (count 1000000)";

test("a Scheme program recursing 10⁶ deep: StackOverflowError naming eval's cycle, and the runtime runs the next program", async () => {
  const rt = await startScheme();
  expect(runScheme(rt, "(define (fib n) (if (< n 2) n (+ (fib (- n 1)) (fib (- n 2))))) (fib 15)")).toBe("610");
  const depth = withCore(rt, "test", (core) => core.root_depth());
  let error: unknown;
  try {
    runScheme(rt, deep);
  } catch (thrown) {
    error = thrown;
  }
  expect(error).toBeInstanceOf(StackOverflowError);
  const overflow = error as StackOverflowError;
  expect(overflow.runtimeIntact).toBe(true);
  expect(overflow.repeats).toBeGreaterThan(100);
  // The cycle is the interpreter's evaluator, named from the plugin's name section.
  expect(overflow.pattern.some((frame) => /evaluate/.test(frame))).toBe(true);
  expect(overflow.message).toMatch(/stack overflow: recurring call pattern of \d+ frames? × [\d,]+: .*evaluate.*; entered from .*the runtime is intact/);
  expect(rt.state).toBe("running");
  expect(withCore(rt, "test", (core) => core.root_depth())).toBe(depth);
  rt.checkSanity();
  // The same runtime, the next program: exact, with collections and sanity after each.
  expect(runScheme(rt, "(define (sum l) (if (null? l) 0 (+ (car l) (sum (cdr l))))) (sum (list 1 2 3 4 5 6 7 8 9 10))")).toBe("55");
  expect(runScheme(rt, "(define (fib n) (if (< n 2) n (+ (fib (- n 1)) (fib (- n 2))))) (fib 20)")).toBe("6765");
  rt.checkSanity();
  const report = await rt.shutdown();
  expect(report.leakedBlocks).toBe(0);
});
