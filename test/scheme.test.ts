// The Scheme interpreter plugin runs the programs with exact results,
// with sanity after every collection and a 64 KiB nursery: fib, map and
// filter over 10⁵ elements, a queue mutated in place over many minor and
// major collections (old-to-young stores), a closure-heavy counter, and a
// loop written as tail recursion that runs in constant stack.

import { afterEach, expect, test } from "vitest";
import type { Runtime } from "../src/runtime.js";
import {
  counterAnswer, counterProgram, fibAnswer, fibProgram, listAnswer, listProgram, queueAnswer, queueProgram,
} from "../bench/scheme.js";
import { runSchemeJs } from "../bench/peers/scheme-js.js";
import { runScheme, startScheme } from "./support/scheme.js";

let rt: Runtime | undefined;
afterEach(async () => {
  if (rt !== undefined) expect((await rt.shutdown()).leakedBlocks).toBe(0);
  rt = undefined;
});

test("fib 20 = 6765", async () => {
  rt = await startScheme();
  expect(fibAnswer(20)).toBe("6765");
  expect(runScheme(rt, fibProgram(20))).toBe("6765");
});

test("map and filter over a list of 10⁵ elements", async () => {
  rt = await startScheme();
  expect(runScheme(rt, listProgram(100_000))).toBe(listAnswer(100_000));
  const { minor } = rt.stats().heap.collections;
  expect(minor).toBeGreaterThan(0);
  rt.checkSanity();
});

test("a queue mutated in place over many minor and major collections", async () => {
  rt = await startScheme();
  expect(runScheme(rt, queueProgram(2000, 100_000, 5000))).toBe(queueAnswer(2000, 100_000, 5000));
  const { minor, major } = rt.stats().heap.collections;
  expect(minor).toBeGreaterThan(10);
  expect(major).toBeGreaterThan(1);
  rt.checkSanity();
});

test("a closure-heavy counter: make-counter called 20,000 times", async () => {
  rt = await startScheme();
  expect(runScheme(rt, counterProgram(20_000, 10))).toBe(counterAnswer(20_000, 10));
  expect(runScheme(rt, `
(define (make-counter) (let ((n 0)) (lambda () (set! n (+ n 1)) n)))
(define a (make-counter))
(define b (make-counter))
(a) (a) (b)
(list (a) (b))`)).toBe("(3 2)");
});

test("tail calls loop: 10⁶ iterations of a tail-recursive loop, through if, begin, let and a body", async () => {
  rt = await startScheme();
  expect(runScheme(rt, `
(define (loop i acc)
  (if (= i 0) acc
      (begin (let ((j (- i 1))) (loop j (+ acc 1))))))
(loop 1000000 0)`)).toBe("1000000");
});

test("the language: quote, let, set!, internal define, rest parameters, dotted pairs, comments", async () => {
  rt = await startScheme();
  const cases: [string, string][] = [
    ["'(1 (2 3) . 4)", "(1 (2 3) . 4)"],
    ["(quote sym)", "sym"],
    ["(let ((x 1) (y 2)) (let ((x 10)) (+ x y)))", "12"],
    ["(define x 1) (set! x (+ x 41)) x", "42"],
    ["(define (f) (define a 5) (define (g) (* a 2)) (g)) (f)", "10"],
    ["((lambda (a . rest) (list a rest)) 1 2 3)", "(1 (2 3))"],
    ["((lambda args args))", "()"],
    ["(if #f 1)", "()"],
    ["; a comment\n(- 10) ; another\n", "-10"],
    ["(list (< 1 2 3) (= 1 1) (> 1 2) (null? '()) (pair? '(1)) (not #f) (eq? 'a 'a))", "(#t #t #f #t #t #t #t)"],
    ["(define p (cons 1 2)) (set-car! p 3) (set-cdr! p '(4)) p", "(3 4)"],
    ["(list (quotient 17 5) (remainder -17 5) (* 1 2 3 4) (+))", "(3 -2 24 0)"],
    ["(define f car) (list f (lambda (x) x))", "(#<primitive car> #<procedure>)"],
    ["(define sq (lambda (x) (* x x)))", "sq"],
  ];
  for (const [program, answer] of cases) {
    expect(runScheme(rt, program), program).toBe(answer);
    // The peer interpreter speaks the same language.
    expect(runSchemeJs(program), program).toBe(answer);
  }
});

test("the reader and printer keep their own stacks: a list nested 10⁵ deep, and one 10⁵ long", async () => {
  rt = await startScheme();
  const depth = 100_000;
  const nested = "(".repeat(depth) + ")".repeat(depth);
  expect(runScheme(rt, `'${nested}`)).toBe(nested);
  const long = `(${Array.from({ length: depth }, (_, i) => i).join(" ")})`;
  expect(runScheme(rt, `'${long}`)).toBe(long);
  rt.checkSanity();
});
