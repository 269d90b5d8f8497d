// A JS model of the heap's object graph, and random mutator programs to run
// against both (test/heap-property.test.ts).

import fc from "fast-check";
import { expect } from "vitest";
import { Block, type Runtime } from "../src/index.js";
import { compareGraph } from "../src/stress/heap-graph.js";

/** A field value as a program names it: an immediate, or "the object of handle #n". */
export type Operand = { imm: number | string | boolean | null } | { handle: number };

export type Command =
  | { op: "alloc"; tag: number; fields: Operand[] }
  | { op: "set"; handle: number; field: number; value: Operand }
  | { op: "get"; handle: number; field: number }
  | { op: "free"; handle: number }
  | { op: "gc"; major: boolean }
  | { op: "churn"; cells: number };

const operand: fc.Arbitrary<Operand> = fc.oneof(
  { weight: 3, arbitrary: fc.nat(63).map((handle) => ({ handle })) },
  { weight: 1, arbitrary: fc.integer().map((imm) => ({ imm })) },
  { weight: 1, arbitrary: fc.double().map((imm) => ({ imm })) },
  // Strings of up to a few KiB fill a 64 KiB nursery within a program.
  { weight: 1, arbitrary: fc.string({ maxLength: 3000 }).map((imm) => ({ imm })) },
  { weight: 1, arbitrary: fc.constantFrom(true, false, null).map((imm) => ({ imm })) },
);

export const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant("alloc" as const), tag: fc.nat(255), fields: fc.array(operand, { maxLength: 5 }) }) },
  { weight: 5, arbitrary: fc.record({ op: fc.constant("set" as const), handle: fc.nat(63), field: fc.nat(4), value: operand }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("get" as const), handle: fc.nat(63), field: fc.nat(4) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("free" as const), handle: fc.nat(63) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("gc" as const), major: fc.boolean() }) },
  // Garbage: fills the nursery so collections also happen inside allocations.
  { weight: 1, arbitrary: fc.record({ op: fc.constant("churn" as const), cells: fc.nat(8000) }) },
);

/** A program: up to 120 commands (size "max": long programs are the point). */
export const program: fc.Arbitrary<Command[]> = fc.array(command, { minLength: 1, maxLength: 120, size: "max" });

type ModelValue = { imm: number | string | boolean | null } | { node: number };
interface ModelNode {
  readonly tag: number;
  readonly fields: ModelValue[];
}

/** The graph as the program believes it to be, and the handles on both sides. */
export class Model {
  readonly nodes: ModelNode[] = [];
  readonly handles: { block: Block; node: number }[] = [];

  constructor(readonly rt: Runtime) {}

  /** Runs one command on the runtime and the model; a handle index wraps around the live ones. */
  run(c: Command): void {
    switch (c.op) {
      case "alloc": {
        const values = c.fields.map((f) => this.#resolve(f));
        const block = this.rt.block(c.tag, values.map((v) => v.heap));
        this.nodes.push({ tag: c.tag, fields: values.map((v) => v.model) });
        this.handles.push({ block, node: this.nodes.length - 1 });
        return;
      }
      case "set": {
        const h = this.#handle(c.handle);
        if (h === undefined) return;
        const node = this.nodes[h.node]!;
        if (node.fields.length === 0) return;
        const i = c.field % node.fields.length;
        const v = this.#resolve(c.value);
        h.block.set(i, v.heap);
        node.fields[i] = v.model;
        return;
      }
      case "get": {
        const h = this.#handle(c.handle);
        if (h === undefined) return;
        const node = this.nodes[h.node]!;
        if (node.fields.length === 0) return;
        const i = c.field % node.fields.length;
        const got = h.block.get(i);
        const expected = node.fields[i]!;
        if ("node" in expected) {
          expect(got).toBeInstanceOf(Block);
          this.handles.push({ block: got as Block, node: expected.node });
        } else {
          expect(Object.is(got, expected.imm) || (typeof got === "string" && got === expected.imm)).toBe(true);
        }
        return;
      }
      case "free": {
        const index = this.handles.length === 0 ? -1 : c.handle % this.handles.length;
        if (index < 0) return;
        this.handles[index]!.block.free();
        this.handles.splice(index, 1);
        return;
      }
      case "gc":
        this.rt.gc({ major: c.major });
        this.check();
        return;
      case "churn":
        this.rt.scope(() => {
          let list = this.rt.block(1, [0, null]);
          for (let i = 1; i < c.cells; i++) list = this.rt.block(1, [i, list]);
        });
        return;
    }
  }

  #handle(n: number): { block: Block; node: number } | undefined {
    return this.handles.length === 0 ? undefined : this.handles[n % this.handles.length];
  }

  #resolve(o: Operand): { heap: unknown; model: ModelValue } {
    if ("imm" in o) return { heap: o.imm, model: { imm: o.imm } };
    const h = this.#handle(o.handle);
    if (h === undefined) return { heap: null, model: { imm: null } };
    return { heap: h.block, model: { node: h.node } };
  }

  /**
   * The graph reachable from the handles equals the model's: same tags,
   * lengths and values, and the same sharing. The walk is shared with the
   * heap stress workload (src/stress/heap-graph.ts, Note [Comparing the graph]).
   */
  check(): void {
    expect(compareGraph(this.rt, this.nodes, this.handles).mismatch).toBeUndefined();
  }
}
