// Heap: a seeded random mutator over the GC heap, checked against a JS model
// of the same graph (src/stress/heap-graph.ts). It allocates blocks holding
// every kind of value, links and unlinks them, stores young objects into old
// ones, drops roots, makes garbage and collects, with the smallest nursery
// and the sanity checker after every collection, and leaves a graph alive
// for exit to reclaim.
//
// Note [Old into young]
// ~~~~~~~~~~~~~~~~~~~~~
// The write barrier only matters for one store: a pointer to a younger object
// into an object of generation g > 0 (Note [The remembered-set rule],
// docs/heap.md). A random mutator over a 64 KiB nursery rarely makes one by
// chance before the object it writes into is collected, so the workload makes
// them on purpose: it picks a rooted block already old, or ages one with
// minor collections until it is (nursery → generation 0 → 1), then stores a
// value allocated just now into it: a new block (often reachable only through
// that store) or a new boxed float, string, bytes or host reference. A
// third of the time a minor collection follows at once, so a store the
// barrier missed is found while the young object is still in the nursery:
// the collector does not update the old field, and the sanity checker
// (`pointer`) or the graph comparison sees the dangling word.
// `--inject barrier-skip` proves it (docs/faults.md).
//
// Note [What is verified]
// ~~~~~~~~~~~~~~~~~~~~~~~
// After every collection the workload asks for (and at the end of the cycle):
//  - the graph reachable from the live handles equals the model (tags,
//    lengths, every field's value, the sharing; Note [Comparing the graph]);
//  - after a major collection, the live host references are exactly the
//    reference-valued fields of that graph: a dead object's JS value has been
//    released. (After a minor one, old garbage may still hold its reference;
//    a reference released too early cannot hide either way: reading it back
//    in the comparison throws.)
//  - each `get` of a field returns the model's value.
// The sanity checker runs after every collection, those the nursery filling
// up starts included; its SanityError ends the cycle and fails the run.

import { Block } from "../../heap/block.js";
import { INT_MAX, INT_MIN } from "../../heap/values.js";
import type { RuntimeOptions } from "../../core/options.js";
import type { Random } from "../../threads/random.js";
import type { Runtime } from "../../runtime.js";
import { compareGraph, generationOf, type ModelNode, type ModelValue, type RootedNode } from "../heap-graph.js";
import type { Workload, WorkloadContext, WorkloadOutcome } from "../workload.js";

/** Mutator operations per cycle. */
const OPERATIONS = 100;
/** The smallest nursery the runtime allows (NURSERY_MIN in src/core/options.ts): collections come often. */
const NURSERY_BYTES = 64 << 10;
/** Nursery → generation 0 → 1 → 2: three generations, so old-to-young stores also cross two old ones. */
const GENERATIONS = 3;
/** The first generation a store into which needs the barrier (g > 0). */
const OLD_GENERATION = 1;
/** Minor collections tried to age a block into OLD_GENERATION before giving up on it. */
const AGING_ATTEMPTS = GENERATIONS + 1;
/** Roots held at most: an allocation beyond it becomes a drop, so the graph (and the checks) stay small. */
const MAX_ROOTS = 48;
/** Block tags are 0..255 (src/runtime.ts). */
const TAG_COUNT = 256;
/** Fields of an ordinary block: 0 to this many. */
const MAX_FIELDS = 6;
/** Fields of an occasional wide block. */
const WIDE_FIELDS = 40;
const WIDE_BLOCK_CHANCE = 0.05;
/** Lengths of strings and byte arrays stored in fields. */
const MAX_SMALL_PAYLOAD = 64;
const MAX_LARGE_PAYLOAD = 3000;
const LARGE_PAYLOAD_CHANCE = 0.1;
/**
 * Bytes of a garbage payload, and payloads per garbage operation: up to one
 * more than fill the nursery, so collections also start inside allocations
 * (the path where a sanity failure surfaces from rt.block or b.set), not only
 * when the workload asks.
 */
const GARBAGE_BYTES = 6 << 10;
const MAX_GARBAGE_PAYLOADS = Math.ceil(NURSERY_BYTES / GARBAGE_BYTES) + 1;
/** Objects above LARGE_OBJECT_BYTES (8 KiB less a little) skip the nursery: sometimes make one. */
const LARGE_OBJECT_PAYLOAD = 10 << 10;
const LARGE_OBJECT_CHANCE = 0.15;
/**
 * The garbage payloads, made once: the heap copies bytes in, so one buffer
 * serves every store, and the workload does not hand V8 hundreds of KB of
 * its own garbage a cycle (which grows V8's young generation, and with it
 * RSS, for the whole run; the RSS slope check sees the process).
 */
const GARBAGE_PAYLOAD = new Uint8Array(GARBAGE_BYTES);
const LARGE_GARBAGE_PAYLOAD = new Uint8Array(LARGE_OBJECT_PAYLOAD);
/** Chance that an old-to-young store is followed at once by a minor collection. See Note [Old into young]. */
const COLLECT_AFTER_STORE_CHANCE = 0.35;
/** Share of the workload's own collections that are major. */
const MAJOR_CHANCE = 0.3;
/** Numbers that are not immediates: each is boxed as a float (docs/heap.md, "Values"). */
const BOXED_NUMBERS = [NaN, -0, Infinity, -Infinity, 0.5, -1.25, Math.PI, INT_MAX + 1, INT_MIN - 1, 2 ** 53, Number.MIN_VALUE, -Number.MAX_VALUE] as const;
/** Immediate integers at the edges of the range. */
const EDGE_INTS = [0, -1, 1, INT_MAX, INT_MIN] as const;

/** The operations, as indexes into OPERATION_WEIGHTS. */
const Operation = { Alloc: 0, Link: 1, Unlink: 2, SetValue: 3, OldToYoung: 4, Get: 5, Drop: 6, Garbage: 7, Collect: 8 } as const;
const OPERATION_WEIGHTS = [22, 16, 6, 8, 12, 6, 14, 8, 5];

/** The kinds of value a field gets, as indexes into VALUE_WEIGHTS. */
const ValueKind = { Int: 0, Boxed: 1, String: 2, Bytes: 3, Boolean: 4, Null: 5, Node: 6, HostRef: 7 } as const;
const VALUE_WEIGHTS = [12, 8, 8, 6, 4, 4, 20, 6];

/** A field value on both sides: what to pass to the heap, and what the model records. */
interface Value {
  readonly heap: unknown;
  readonly model: ModelValue;
}

/** What the mutator counts beside operations and verifications; the outcome adds the heap's own counters. */
interface MutatorFigures {
  /** Collections the workload asked for (the nursery filling up starts more: `collections` in the outcome counts all). */
  requestedCollections: number;
  graphChecks: number;
  objectsChecked: number;
  oldToYoungStores: number;
}

/** One cycle's mutator: the model, the roots, and the counters. */
class Mutator {
  readonly #rt: Runtime;
  readonly #random: Random;
  readonly #cycle: number;
  readonly nodes: ModelNode[] = [];
  readonly roots: RootedNode[] = [];
  /** Host values handed out: some are stored twice, to check identity comes back per store. */
  readonly #hostValues: unknown[] = [];
  operations = 0;
  verifications = 0;
  violation: string | undefined;
  readonly figures: MutatorFigures = { requestedCollections: 0, graphChecks: 0, objectsChecked: 0, oldToYoungStores: 0 };

  constructor(rt: Runtime, random: Random, cycle: number) {
    this.#rt = rt;
    this.#random = random;
    this.#cycle = cycle;
  }

  #fail(message: string): void {
    this.violation ??= `heap: ${message}`;
  }

  step(): void {
    const random = this.#random;
    let op = random.pickWeighted(OPERATION_WEIGHTS);
    if (this.roots.length === 0 && op !== Operation.Garbage && op !== Operation.Collect) op = Operation.Alloc;
    if (this.roots.length >= MAX_ROOTS && op === Operation.Alloc) op = Operation.Drop;
    this.operations++;
    switch (op) {
      case Operation.Alloc:
        this.#root(this.#allocate());
        return;
      case Operation.Link: {
        const to = this.#randomRoot();
        this.#store(this.#randomRoot(), { heap: to.block, model: { node: to.node } });
        return;
      }
      case Operation.Unlink:
        this.#store(this.#randomRoot(), this.#random.chance(0.5) ? { heap: null, model: { imm: null } } : this.#scalar());
        return;
      case Operation.SetValue:
        this.#store(this.#randomRoot(), this.#value());
        return;
      case Operation.OldToYoung:
        this.#oldToYoung();
        return;
      case Operation.Get:
        this.#get();
        return;
      case Operation.Drop: {
        const i = random.nextInt(this.roots.length);
        this.roots[i]!.block.free();
        this.roots[i] = this.roots[this.roots.length - 1]!;
        this.roots.pop();
        return;
      }
      case Operation.Garbage:
        this.#garbage();
        return;
      case Operation.Collect:
        this.collect(random.chance(MAJOR_CHANCE));
        return;
    }
  }

  #randomRoot(): RootedNode {
    return this.#random.pick(this.roots);
  }

  #root(rooted: RootedNode): void {
    this.roots.push(rooted);
  }

  /** A new block with random tag and fields, on both sides; its handle is the caller's. */
  #allocate(): RootedNode {
    const random = this.#random;
    const length = random.chance(WIDE_BLOCK_CHANCE) ? random.nextRange(MAX_FIELDS + 1, WIDE_FIELDS) : random.nextInt(MAX_FIELDS + 1);
    const values: Value[] = [];
    for (let i = 0; i < length; i++) values.push(this.#value());
    const tag = random.nextInt(TAG_COUNT);
    const block = this.#rt.block(tag, values.map((v) => v.heap));
    this.nodes.push({ tag, fields: values.map((v) => v.model) });
    return { block, node: this.nodes.length - 1 };
  }

  /** Any value a field may hold: a link to a rooted block, or a scalar. */
  #value(): Value {
    const kind = this.#random.pickWeighted(VALUE_WEIGHTS);
    if (kind === ValueKind.Node && this.roots.length > 0) {
      const to = this.#randomRoot();
      return { heap: to.block, model: { node: to.node } };
    }
    return this.#scalar(kind === ValueKind.Node ? undefined : kind);
  }

  /** A value that is not a block: an immediate or a boxed heap value. */
  #scalar(kind = this.#random.pickWeighted(VALUE_WEIGHTS)): Value {
    const random = this.#random;
    switch (kind) {
      case ValueKind.Int: {
        const n = random.chance(0.2) ? random.pick(EDGE_INTS) : random.nextRange(INT_MIN, INT_MAX);
        return { heap: n, model: { imm: n } };
      }
      case ValueKind.Boxed: {
        const x = random.chance(0.5) ? random.pick(BOXED_NUMBERS) : (random.nextFloat() - 0.5) * 1e9 + 0.5;
        return { heap: x, model: { imm: x } };
      }
      case ValueKind.String: {
        const s = this.#string(this.#payloadLength());
        return { heap: s, model: { imm: s } };
      }
      case ValueKind.Bytes: {
        const bytes = new Uint8Array(random.chance(LARGE_OBJECT_CHANCE / 4) ? LARGE_OBJECT_PAYLOAD : this.#payloadLength());
        for (let i = 0; i < bytes.length; i++) bytes[i] = random.nextInt(256);
        // The heap copies the bytes in; the model keeps its own copy, so a later change to one cannot mask the other.
        return { heap: bytes, model: { bytes: bytes.slice() } };
      }
      case ValueKind.Boolean: {
        const b = random.chance(0.5);
        return { heap: b, model: { imm: b } };
      }
      case ValueKind.HostRef: {
        const value = this.#hostValue();
        return { heap: value, model: { ref: value } };
      }
      default:
        return { heap: null, model: { imm: null } };
    }
  }

  #payloadLength(): number {
    return this.#random.nextInt((this.#random.chance(LARGE_PAYLOAD_CHANCE) ? MAX_LARGE_PAYLOAD : MAX_SMALL_PAYLOAD) + 1);
  }

  /** Any UTF-16 code units, lone surrogates included (they must round-trip). */
  #string(length: number): string {
    const units: number[] = [];
    for (let i = 0; i < length; i++) units.push(this.#random.nextInt(0x10000));
    // At most MAX_LARGE_PAYLOAD arguments: far below engines' limits.
    return String.fromCharCode(...units);
  }

  /** A JS value only a host reference can carry; sometimes one handed out before. */
  #hostValue(): unknown {
    const random = this.#random;
    if (this.#hostValues.length > 0 && random.chance(0.25)) return random.pick(this.#hostValues);
    const n = this.#hostValues.length;
    const kinds: (() => unknown)[] = [
      () => ({ cycle: this.#cycle, n }),
      () => [this.#cycle, n],
      () => () => n,
      () => Symbol(`heap ${n}`),
      () => BigInt(n) << 64n,
      () => new Float64Array([n]),
    ];
    const value = random.pick(kinds)();
    this.#hostValues.push(value);
    return value;
  }

  /** Stores `value` in a random field of `into` on both sides; a block with no fields is left alone. */
  #store(into: RootedNode, value: Value): void {
    const fields = this.nodes[into.node]!.fields;
    if (fields.length === 0) return;
    const i = this.#random.nextInt(fields.length);
    into.block.set(i, value.heap);
    fields[i] = value.model;
  }

  /** See Note [Old into young]. */
  #oldToYoung(): void {
    const rt = this.#rt;
    const random = this.#random;
    const withFields = this.roots.filter((r) => this.nodes[r.node]!.fields.length > 0);
    if (withFields.length === 0) {
      this.#root(this.#allocate());
      return;
    }
    let old = withFields.find((r) => generationOf(rt, r.block) >= OLD_GENERATION);
    if (old === undefined) {
      old = random.pick(withFields);
      for (let i = 0; i < AGING_ATTEMPTS && generationOf(rt, old.block) < OLD_GENERATION; i++) this.collect(false, false);
      this.verifications++;
      if (generationOf(rt, old.block) < OLD_GENERATION) {
        this.#fail(`node ${old.node} is still in generation ${generationOf(rt, old.block)} after ${AGING_ATTEMPTS} minor collections; survivors must age`);
        return;
      }
    }
    if (random.chance(0.6)) {
      const young = this.#allocate();
      this.#store(old, { heap: young.block, model: { node: young.node } });
      // Often the old block's field is then the only way to the young one.
      if (random.chance(0.5)) this.#root(young);
      else young.block.free();
    } else {
      const kinds = [ValueKind.Boxed, ValueKind.String, ValueKind.Bytes, ValueKind.HostRef];
      this.#store(old, this.#scalar(random.pick(kinds)));
    }
    this.figures.oldToYoungStores++;
    if (random.chance(COLLECT_AFTER_STORE_CHANCE)) this.collect(false);
  }

  /** Reads a field and compares it with the model; a block read is rooted (a new handle on it). */
  #get(): void {
    const from = this.#randomRoot();
    const fields = this.nodes[from.node]!.fields;
    if (fields.length === 0) return;
    const i = this.#random.nextInt(fields.length);
    const want = fields[i]!;
    const got = from.block.get(i);
    this.verifications++;
    if ("node" in want) {
      // The identity of the object behind the handle is checked by the next graph comparison.
      if (got instanceof Block) this.#root({ block: got, node: want.node });
      else this.#fail(`node ${from.node} field ${i}: get returned ${typeof got}, the model says a block`);
      return;
    }
    const same =
      "bytes" in want ? got instanceof Uint8Array && got.length === want.bytes.length && got.every((b, k) => b === want.bytes[k])
      : "ref" in want ? Object.is(got, want.ref)
      : Object.is(got, want.imm);
    if (!same) this.#fail(`node ${from.node} field ${i}: get returned a value the model does not hold`);
  }

  /** Unreachable objects: payloads that fill the nursery (and sometimes a large object). */
  #garbage(): void {
    const random = this.#random;
    const large = random.chance(LARGE_OBJECT_CHANCE);
    const payloads = large ? 1 : random.nextRange(1, MAX_GARBAGE_PAYLOADS);
    this.#rt.scope(() => {
      for (let i = 0; i < payloads; i++) {
        // Bytes, not strings: one copy in, where a string is encoded unit by unit.
        const payload = large ? LARGE_GARBAGE_PAYLOAD : GARBAGE_PAYLOAD;
        this.#rt.block(random.nextInt(TAG_COUNT), [payload, { garbage: true }, random.nextFloat() + 0.5]);
      }
    });
  }

  /** A collection the workload asks for, then the checks of Note [What is verified]. */
  collect(major: boolean, check = true): void {
    this.#rt.gc({ major });
    this.figures.requestedCollections++;
    if (check) this.verify(major);
  }

  /** See Note [What is verified]. */
  verify(afterMajor: boolean): void {
    const comparison = compareGraph(this.#rt, this.nodes, this.roots);
    this.figures.graphChecks++;
    this.figures.objectsChecked += comparison.objects;
    this.verifications += comparison.fields + 1;
    if (comparison.mismatch !== undefined) {
      this.#fail(comparison.mismatch);
      return;
    }
    if (!afterMajor) return;
    const live = this.#rt.stats().heap.hostRefs.live;
    this.verifications++;
    if (live !== comparison.hostRefs) {
      this.#fail(`after a major collection ${live} host references are live, but the graph holds ${comparison.hostRefs}: ${live > comparison.hostRefs ? "dead objects' references were not released" : "live ones were released"}`);
    }
  }
}

/** The heap workload. See the file comment and Note [Old into young]. */
export const heap: Workload = {
  name: "heap",
  summary: "random mutator on the GC heap (alloc, link, unlink, old-to-young stores, drop roots, collect) checked against a JS model; 64 KiB nursery, sanity on",
  runtimeOptions: { nursery: NURSERY_BYTES, generations: GENERATIONS, sanity: true } satisfies RuntimeOptions,
  run({ runtime, random, cycle }: WorkloadContext): WorkloadOutcome {
    const m = new Mutator(runtime, random, cycle);
    for (let i = 0; i < OPERATIONS && m.violation === undefined; i++) m.step();
    // The end of the cycle: everything still rooted must have survived a major collection intact.
    if (m.violation === undefined) m.collect(true);
    const stats = runtime.stats().heap;
    let bytesLeft = stats.nursery.used;
    let objectsLeft = 0;
    for (const g of stats.generations) {
      bytesLeft += g.bytes;
      objectsLeft += g.objects;
    }
    // The roots' handles are left open on purpose: exit must reclaim them with the heap.
    return {
      operations: m.operations,
      verifications: m.verifications,
      ...(m.violation === undefined ? {} : { violation: m.violation }),
      blocksLeft: objectsLeft,
      bytesLeft,
      figures: {
        ...m.figures,
        collections: stats.collections.total,
        hostRefsReleased: stats.hostRefs.released,
      },
    };
  },
};
