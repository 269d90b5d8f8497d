// The Scheme programs the interpreter plugin (examples/scheme/) is tested and
// measured with, their exact answers computed in JavaScript, and the few
// lines that run a program on a plugin runtime. Shared by the bench row
// (bench/rows/scheme.ts) and test/scheme.test.ts.

import { readFileSync } from "node:fs";
import { buildFile } from "./build-file.js";
import type { Runtime } from "../src/runtime.js";

let pluginBytes: Uint8Array | undefined;

/** The interpreter plugin's bytes (build/plugins/scheme.wasm, made by scripts/build-plugins.mjs), read once. */
export function schemePlugin(): Uint8Array {
  pluginBytes ??= readFileSync(buildFile("plugins/scheme.wasm", "npm run asbuild:plugins"));
  return pluginBytes;
}

/** fib n, doubly recursive. */
export function fibProgram(n: number): string {
  return `
(define (fib n) (if (< n 2) n (+ (fib (- n 1)) (fib (- n 2)))))
(fib ${n})`;
}

export function fibAnswer(n: number): string {
  let [a, b] = [0, 1];
  for (let i = 0; i < n; i++) [a, b] = [b, a + b];
  return String(a);
}

/**
 * The list library in tail-recursive form (map and filter accumulate, then
 * reverse), so lists of 10⁵ elements need no deep recursion.
 */
const LIST_LIBRARY = `
(define (iota-onto i acc) (if (< i 0) acc (iota-onto (- i 1) (cons i acc))))
(define (iota n) (iota-onto (- n 1) '()))
(define (reverse-onto l acc) (if (null? l) acc (reverse-onto (cdr l) (cons (car l) acc))))
(define (reverse l) (reverse-onto l '()))
(define (map-onto f l acc) (if (null? l) (reverse acc) (map-onto f (cdr l) (cons (f (car l)) acc))))
(define (map f l) (map-onto f l '()))
(define (filter-onto p l acc)
  (if (null? l) (reverse acc)
      (filter-onto p (cdr l) (if (p (car l)) (cons (car l) acc) acc))))
(define (filter p l) (filter-onto p l '()))
(define (sum-onto l acc) (if (null? l) acc (sum-onto (cdr l) (+ acc (car l)))))
(define (sum l) (sum-onto l 0))
(define (length-onto l n) (if (null? l) n (length-onto (cdr l) (+ n 1))))
(define (length l) (length-onto l 0))`;

/** map and filter over a list of n elements: (sum of the mapped list, sum and length of the filtered one). */
export function listProgram(n: number): string {
  return `${LIST_LIBRARY}
(define ys (map (lambda (x) (remainder (* x 7) 1000)) (iota ${n})))
(define small (filter (lambda (y) (< y 500)) ys))
(list (sum ys) (sum small) (length small))`;
}

export function listAnswer(n: number): string {
  const ys = Array.from({ length: n }, (_, x) => (x * 7) % 1000);
  const small = ys.filter((y) => y < 500);
  const sum = (l: number[]) => l.reduce((s, y) => s + y, 0);
  return `(${sum(ys)} ${sum(small)} ${small.length})`;
}

/**
 * A FIFO queue of boxes, `length` long, mutated in place `turns` times: each
 * turn dequeues one box and enqueues a new one at the back (a set-cdr! of the
 * old back cell); every `bumpEvery` turns every box still queued is replaced
 * by a fresh one (set-car! of old cells). The queue's cells age and are
 * promoted while new ones are stored into them: old-to-young stores, over
 * many collections. Answers the dequeued values' sum modulo 1000003.
 */
export function queueProgram(length: number, turns: number, bumpEvery: number): string {
  return `
(define (make-queue) (cons '() '()))
(define (enqueue! q x)
  (let ((cell (cons x '())))
    (if (null? (car q))
        (begin (set-car! q cell) (set-cdr! q cell))
        (begin (set-cdr! (cdr q) cell) (set-cdr! q cell)))))
(define (dequeue! q)
  (let ((x (car (car q))))
    (set-car! q (cdr (car q)))
    (if (null? (car q)) (set-cdr! q '()) #f)
    x))
(define (fill! q i n) (if (< i n) (begin (enqueue! q (list i)) (fill! q (+ i 1) n)) q))
(define (bump! l) (if (null? l) 'bumped (begin (set-car! l (list (+ 1 (car (car l))))) (bump! (cdr l)))))
(define (turn q i n acc)
  (if (= i n) acc
      (let ((box (dequeue! q)))
        (enqueue! q (list (+ i ${length})))
        (if (= (remainder i ${bumpEvery}) 0) (bump! (car q)) #f)
        (turn q (+ i 1) n (remainder (+ acc (car box)) 1000003)))))
(turn (fill! (make-queue) 0 ${length}) 0 ${turns} 0)`;
}

export function queueAnswer(length: number, turns: number, bumpEvery: number): string {
  const q: number[] = Array.from({ length }, (_, i) => i);
  let head = 0;
  let acc = 0;
  for (let i = 0; i < turns; i++) {
    const x = q[head++];
    q.push(i + length);
    if (i % bumpEvery === 0) for (let j = head; j < q.length; j++) q[j]++;
    acc = (acc + x) % 1000003;
  }
  return String(acc);
}

/** make-counter called `counters` times, each counter called `calls` + 1 times: answers the sum of their last counts. */
export function counterProgram(counters: number, calls: number): string {
  return `
(define (make-counter)
  (let ((n 0))
    (lambda () (set! n (+ n 1)) n)))
(define (count-up c k) (if (= k 0) (c) (begin (c) (count-up c (- k 1)))))
(define (run i acc) (if (= i 0) acc (run (- i 1) (+ acc (count-up (make-counter) ${calls})))))
(run ${counters} 0)`;
}

export function counterAnswer(counters: number, calls: number): string {
  return String(counters * (calls + 1));
}

/**
 * Runs Scheme text on a runtime started with the interpreter plugin: the
 * text goes in as a heap string in a block, the answer comes back as a heap
 * string in a handle the host adopts (examples/scheme/README.md).
 */
export function runScheme(rt: Runtime, program: string): string {
  const text = rt.block(0, [program]);
  try {
    return rt.adopt(rt.call("run", rt.slotOf(text)) as number) as string;
  } finally {
    text.free();
  }
}
