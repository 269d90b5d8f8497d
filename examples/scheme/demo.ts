// A program built into the plugin, for a host that can only call an export
// with no arguments: `unloadable stress --module build/plugins/scheme.wasm
// --entry demo` loads, runs and unloads the interpreter with it.

import { run } from "./run";

const DEMO = `
(define (fib n) (if (< n 2) n (+ (fib (- n 1)) (fib (- n 2)))))
(define (count-down n acc) (if (= n 0) acc (count-down (- n 1) (cons n acc))))
(define (sum l acc) (if (null? l) acc (sum (cdr l) (+ acc (car l)))))
(define (make-counter) (let ((n 0)) (lambda () (set! n (+ n 1)) n)))
(define c (make-counter))
(c) (c)
(list (fib 15) (sum (count-down 1000 '()) 0) (c))`;

const DEMO_ANSWER = "(610 500500 3)";

/** Runs the built-in program: 0 when its answer is right, 1 when not. */
export function demo(): i32 {
  return run(DEMO) == DEMO_ANSWER ? 0 : 1;
}
