// A JS model of a heap object graph, and the comparison of the model against
// the graph the heap really holds, reachable from the host's handles. Shared
// by the `heap` stress workload (src/stress/workloads/heap.ts) and the heap
// property test (test/heap-model.ts).
//
// Note [Comparing the graph]
// ~~~~~~~~~~~~~~~~~~~~~~~~~~
// The walk starts at every rooted handle and follows block fields with an
// explicit work list (graphs are cyclic and may be deep: no recursion). Two
// maps, heap address → model node and model node → heap address, prove the
// sharing is the same on both sides: one heap object per model node and one
// model node per heap object, so a collector that duplicated an object (two
// copies, each reached from half of its referrers) or merged two is caught,
// not just one that lost a field. Addresses are stable during the walk: it
// allocates no heap object (block fields come back as handles, which live in
// the handle table, outside the heap), so nothing can collect mid-walk.
// Every handle the walk makes is freed by its rt.scope.
//
// A host reference is one heap object per store: storing the same JS value in
// two fields makes two `hostref` objects, each released when it dies. So the
// host references that must still be live are exactly the reference-valued
// fields of the reachable nodes, which the walk counts.

import { Block } from "../heap/block.js";
import { handleSlot } from "../heap/handles.js";
import { withCore, type Runtime } from "../runtime.js";

/**
 * A field value as the model knows it:
 *  - `imm`: a number, string, boolean or null, equal by Object.is;
 *  - `bytes`: a Uint8Array, equal byte for byte (the heap copies it);
 *  - `ref`: any other JS value, a host reference, the identical value back;
 *  - `node`: another block of the model, by index.
 */
export type ModelValue =
  | { readonly imm: number | string | boolean | null }
  | { readonly bytes: Uint8Array }
  | { readonly ref: unknown }
  | { readonly node: number };

/** A block as the model knows it. */
export interface ModelNode {
  readonly tag: number;
  readonly fields: ModelValue[];
}

/** A handle the host holds, and the model node it must reach. */
export interface RootedNode {
  readonly block: Block;
  readonly node: number;
}

/** What one comparison found. */
export interface GraphComparison {
  /** The first difference, described; absent when the heap matches the model. */
  readonly mismatch?: string;
  /** Distinct blocks reached from the roots (up to the mismatch). */
  readonly objects: number;
  /** Fields compared. */
  readonly fields: number;
  /**
   * Distinct host-reference objects in the fields of the reached blocks: the
   * host references that must be live. Distinct, not fields: one object put
   * in several fields in a row may share one (Note [One word per value until
   * a collection], src/heap/word-cache.ts).
   */
  readonly hostRefs: number;
}

/** The block's address now; it changes whenever the collector moves it. */
export function addressOf(rt: Runtime, block: Block): number {
  const slot = handleSlot(block, "heap graph");
  return withCore(rt, "heap graph", (core) => core.handle_get(slot) >>> 0);
}

/** The raw word in field i of `block` (for a host reference, its heap object's address). */
function fieldWord(rt: Runtime, block: Block, i: number): number {
  const slot = handleSlot(block, "heap graph");
  return withCore(rt, "heap graph", (core) => core.heap_get(slot, i) >>> 0);
}

/** -1 while the block is in the nursery, else its generation. */
export function generationOf(rt: Runtime, block: Block): number {
  const slot = handleSlot(block, "heap graph");
  return withCore(rt, "heap graph", (core) => core.heap_generation_of(core.handle_get(slot)));
}

/** A value as read back from the heap, in words, for a mismatch message. */
function show(value: unknown): string {
  if (value instanceof Block) return "a block";
  if (value instanceof Uint8Array) return `${value.length} bytes`;
  if (typeof value === "string") return value.length > 24 ? `a string of ${value.length} code units` : JSON.stringify(value);
  if (typeof value === "number") return Object.is(value, -0) ? "-0" : String(value);
  if (typeof value === "bigint") return `${value}n`;
  if (value === null || typeof value === "boolean") return String(value);
  return `a host ${typeof value}`;
}

function expected(value: ModelValue): string {
  if ("node" in value) return `block of node ${value.node}`;
  if ("bytes" in value) return show(value.bytes);
  if ("ref" in value) return `the host ${typeof value.ref} stored there`;
  return show(value.imm);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Whether a non-block field read back equals the model's value. */
function sameValue(got: unknown, want: ModelValue): boolean {
  if ("bytes" in want) return got instanceof Uint8Array && sameBytes(got, want.bytes);
  if ("ref" in want) return Object.is(got, want.ref);
  if ("imm" in want) return Object.is(got, want.imm);
  return false;
}

/**
 * Compares the graph reachable from `roots` with the model. See Note
 * [Comparing the graph]. Stops at the first difference.
 */
export function compareGraph(rt: Runtime, nodes: readonly ModelNode[], roots: readonly RootedNode[]): GraphComparison {
  return rt.scope(() => {
    const nodeAt = new Map<number, number>();
    const addressOfNode = new Map<number, number>();
    const work: RootedNode[] = [...roots];
    let fields = 0;
    const hostRefWords = new Set<number>();
    const result = (mismatch?: string): GraphComparison => ({ ...(mismatch === undefined ? {} : { mismatch }), objects: nodeAt.size, fields, hostRefs: hostRefWords.size });
    while (work.length > 0) {
      const { block, node } = work.pop()!;
      const address = addressOf(rt, block);
      const seen = nodeAt.get(address);
      if (seen !== undefined) {
        if (seen !== node) return result(`heap object 0x${address.toString(16)} is reached as model node ${seen} and as node ${node}: two nodes share one object`);
        continue;
      }
      const known = addressOfNode.get(node);
      if (known !== undefined) return result(`model node ${node} is reached as heap object 0x${known.toString(16)} and as 0x${address.toString(16)}: one node became two objects`);
      nodeAt.set(address, node);
      addressOfNode.set(node, address);
      const model = nodes[node]!;
      const tag = block.tag;
      const length = block.length;
      if (tag !== model.tag || length !== model.fields.length) {
        return result(`node ${node} (object 0x${address.toString(16)}) has tag ${tag} and ${length} fields; the model says tag ${model.tag} and ${model.fields.length} fields`);
      }
      for (let i = 0; i < length; i++) {
        const want = model.fields[i]!;
        const got = block.get(i);
        fields++;
        if ("node" in want) {
          if (!(got instanceof Block)) return result(`node ${node} field ${i} is ${show(got)}; the model says ${expected(want)}`);
          work.push({ block: got, node: want.node });
        } else if (!sameValue(got, want)) {
          return result(`node ${node} field ${i} is ${show(got)}; the model says ${expected(want)}`);
        } else if ("ref" in want) {
          hostRefWords.add(fieldWord(rt, block, i));
        }
      }
    }
    return result();
  });
}
