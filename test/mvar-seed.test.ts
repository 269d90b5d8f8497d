// Seeded chaos: the same seed and program give the same interleaving and
// result; forced collections happen at MVar allocation points.

import { describe, expect, it } from "vitest";
import { Runtime } from "../src/index.js";

/** Producers and consumers over two MVars; the trace is the order things happened. */
async function run(seed: number): Promise<{ trace: string[]; collections: number }> {
  const rt = await Runtime.start({ seed, sanity: true, nursery: 64 << 10 });
  const work = rt.mvar<number>();
  const done = rt.mvar<string>();
  const trace: string[] = [];
  const producers = [0, 1, 2].map(async (p) => {
    for (let i = 0; i < 30; i++) {
      await work.put(p * 100 + i);
      trace.push(`p${p}:${i}`);
    }
  });
  const consumers = [0, 1].map(async (c) => {
    for (let i = 0; i < 45; i++) {
      const v = await work.take();
      trace.push(`c${c}<${v}`);
      await done.put(`${c}:${v}`);
    }
  });
  const collector = (async () => {
    for (let i = 0; i < 90; i++) trace.push(`d${await done.take()}`);
  })();
  await Promise.all([...producers, ...consumers, collector]);
  const collections = rt.stats().heap.collections.total;
  await rt.shutdown();
  return { trace, collections };
}

describe("seeded chaos", () => {
  it("gives the same trace for the same seed", async () => {
    const a = await run(2024);
    const b = await run(2024);
    expect(a.trace.length).toBe(90 * 3);
    expect(b.trace).toEqual(a.trace);
    expect(b.collections).toBe(a.collections);
  });

  it("gives different traces for different seeds, and forces collections", async () => {
    const traces = new Set<string>();
    for (const seed of [1, 2, 3]) {
      const { trace, collections } = await run(seed);
      traces.add(trace.join(","));
      expect(collections).toBeGreaterThan(0);
    }
    expect(traces.size).toBeGreaterThan(1);
  });
});
