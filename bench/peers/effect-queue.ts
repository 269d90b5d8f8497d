// The `effect` peer (effect 3.22.4, Queue.bounded(1)): the same two workloads
// as the MVar rows, written the way an Effect user would write them: every
// thread a fiber, every hand-off a bounded queue of capacity 1, the whole run
// one Effect program started with runPromise. A bounded(1) queue is the Effect
// counterpart of an MVar (offer suspends while full, take while empty).

import { Effect, Fiber, Queue } from "effect";

/**
 * Ping-pong: A offers i to `ping` and takes the answer from `pong`; B takes
 * from `ping` and offers it back to `pong`. Resolves with the sum of answers.
 */
export function effectPingPong(roundTrips: number): Promise<number> {
  return Effect.runPromise(
    Effect.gen(function* () {
      const ping = yield* Queue.bounded<number>(1);
      const pong = yield* Queue.bounded<number>(1);
      const echo = yield* Effect.fork(
        Effect.gen(function* () {
          for (let i = 0; i < roundTrips; i++) yield* Queue.offer(pong, yield* Queue.take(ping));
        }),
      );
      let sum = 0;
      for (let i = 0; i < roundTrips; i++) {
        yield* Queue.offer(ping, i);
        sum += yield* Queue.take(pong);
      }
      yield* Fiber.join(echo);
      return sum;
    }),
  );
}

/**
 * Producer → `workers` workers → consumer, each stage joined by a bounded(1)
 * queue. The producer sends 0..items-1; each worker sends back work(x); the
 * consumer sums `items` results. Resolves with the sum.
 */
export function effectPipeline(items: number, workers: number, work: (x: number) => number): Promise<number> {
  return Effect.runPromise(
    Effect.gen(function* () {
      const input = yield* Queue.bounded<number>(1);
      const output = yield* Queue.bounded<number>(1);
      const producer = yield* Effect.fork(
        Effect.gen(function* () {
          for (let i = 0; i < items; i++) yield* Queue.offer(input, i);
        }),
      );
      const pool: Fiber.RuntimeFiber<never, never>[] = [];
      for (let w = 0; w < workers; w++) {
        pool.push(yield* Effect.fork(Effect.forever(Effect.flatMap(Queue.take(input), (x) => Queue.offer(output, work(x))))));
      }
      let sum = 0;
      for (let i = 0; i < items; i++) sum += yield* Queue.take(output);
      yield* Fiber.join(producer);
      for (const fiber of pool) yield* Fiber.interrupt(fiber);
      return sum;
    }),
  );
}
