// The Scheme interpreter plugin reports a Scheme error as text ("error: …"),
// not a trap: the runtime stays usable, its root stack and heap intact, and
// the next program runs.

import { afterEach, expect, test } from "vitest";
import type { Runtime } from "../src/runtime.js";
import { runSchemeJs } from "../bench/peers/scheme-js.js";
import { runScheme, startScheme } from "./support/scheme.js";

let rt: Runtime | undefined;
afterEach(async () => {
  if (rt !== undefined) expect((await rt.shutdown()).leakedBlocks).toBe(0);
  rt = undefined;
});

const ERRORS: [string, string][] = [
  ["(+ 1 nope)", "error: unbound variable: nope"],
  ["(car 5)", "error: car: expected a pair, got 5"],
  ["(cdr '())", "error: cdr: expected a pair, got ()"],
  ["(if)", "error: bad syntax: (if)"],
  ["(lambda (1) 2)", "error: bad syntax: (lambda (1) 2)"],
  ["(let ((x)) x)", "error: bad syntax in let: (let ((x)) x)"],
  ["(define)", "error: bad syntax in define: (define)"],
  ["(set! undefined-thing 1)", "error: set!: unbound variable: undefined-thing"],
  ["(5 1)", "error: not a procedure: 5, in (5 1)"],
  ["((lambda (x) x))", "error: wrong number of arguments: 0 given, 1 wanted, in ((lambda (x) x))"],
  ["(car 1 2)", "error: car: expects 1 argument, got 2"],
  ["(+ 1073741823 1)", "error: +: integer overflow (the result does not fit in 31 bits)"],
  ["(+ 1 #t)", "error: +: expected an integer, got #t"],
  ["(remainder 1 0)", "error: remainder: division by zero"],
  ["(1 2", "error: read: unexpected end of the program (a ( is not closed)"],
  [")", "error: read: unexpected )"],
  ['"str"', "error: read: strings are not supported"],
  ["99999999999", "error: read: integer 99999999999 does not fit in 31 bits"],
  ["(. 1)", "error: read: . outside a list, or before its first element"],
];

test("errors are reported as Scheme error text, the same as the peer's", async () => {
  rt = await startScheme();
  for (const [program, message] of ERRORS) {
    expect(runScheme(rt, program), program).toBe(message);
    expect(runSchemeJs(program), program).toBe(message);
  }
  rt.checkSanity();
});

test("an error deep inside a computation leaves the runtime usable", async () => {
  rt = await startScheme();
  const deep = `
(define (build n acc) (if (= n 0) acc (build (- n 1) (cons n acc))))
(define (walk l) (if (null? l) (car 'oops) (+ (car l) (walk (cdr l)))))
(walk (build 200 '()))`;
  expect(runScheme(rt, deep)).toBe("error: car: expected a pair, got oops");
  rt.gc({ major: true });
  rt.checkSanity();
  expect(runScheme(rt, "(+ 1 2)")).toBe("3");
});

test("run refuses a program that is not a block holding a string, as an error answer", async () => {
  rt = await startScheme();
  const wrong = rt.block(0, [42]);
  expect(rt.adopt(rt.call("run", rt.slotOf(wrong)) as number)).toBe(
    "error: run: the program must be a block whose field 0 is its text, rt.block(0, [text])",
  );
  wrong.free();
  expect(runScheme(rt, "(+ 1 2)")).toBe("3");
});
