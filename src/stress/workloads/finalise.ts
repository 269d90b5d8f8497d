// Finalise: custom blocks over resources of the test library (loaded afresh
// each cycle, one to MAX_LIBRARIES instances) and over host resources, kept
// by handles and in the fields of heap blocks, dropped at random, collected;
// tracked values with finalise / finaliseLast functions, weak pointers
// (some with finalizers) and ephemerons (one key, or two: another tracked
// value's too; data that mentions the key, as a memo table's would) keyed on
// them; and a great many of them left alive
// for the exit to finalise. See docs/finalisers.md.
//
// Note [Finalise workload checks]
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
// The workload keeps a model of which resources are reachable: through a
// handle it holds, or through a field of a holder block it holds. Each
// resource is open in a ledger that outlives the runtime: the library tells
// the host of every open and close through its imports (testlib/resources.ts),
// host resources are a set. Then:
//  - after every collection, a reachable resource is open: no finaliser ran
//    while its block was alive;
//  - after a major collection, an unreachable resource is closed: its block
//    is dead and its finaliser ran, once (a second close is counted);
//  - each library's own count() equals its ledger's;
//  - a bytes payload comes back to its finaliser intact;
//  - tracked values: no finalise / finaliseLast / weak finalizer runs while
//    the value is held, a weak derefs to its value while its key is held,
//    an ephemeron derefs to its data while every key's value is held;
//    after a major collection every function of a value dropped for good
//    has run and its weaks and ephemerons deref to undefined. "For good": dropped before
//    this major, or, for a value with a finalise function (which
//    resurrects it for the collection that runs it), before the previous
//    major. Every function runs at most once, and, by the exit, once;
//  - after the exit (afterExit): every ledger is empty (each finaliser ran,
//    before its library was unloaded), every library loaded was unloaded,
//    the exit finalised exactly the blocks still pending and released every
//    host reference still held.
// The harness itself fails a cycle whose exit reports finaliser errors or
// custom blocks left unfinalised. `--inject skip-heap-finalisation` and
// `--inject unload-libraries-early` must therefore end in FAIL.

import { readFileSync } from "node:fs";
import type { Block } from "../../heap/block.js";
import type { Custom } from "../../final/custom.js";
import type { Weak } from "../../final/weak.js";
import type { Ephemeron } from "../../final/ephemeron.js";
import type { Library } from "../../final/library.js";
import type { Random } from "../../threads/random.js";
import type { ShutdownReport } from "../../core/report.js";
import type { Runtime } from "../../runtime.js";
import type { Workload, WorkloadContext, WorkloadOutcome } from "../workload.js";

/** Operations per cycle. */
const OPERATIONS = 120;
/** Libraries a cycle loads at most (at least one, at its start). */
const MAX_LIBRARIES = 3;
/** Fields of a holder block. */
const HOLDER_FIELDS = 4;
/** Holders kept at most; handles kept at most. */
const MAX_HOLDERS = 12;
const MAX_HANDLES = 48;
/** Bytes payloads carry the id in their first ID_BYTES bytes, then a pattern. */
const ID_BYTES = 4;
const MAX_PATTERN_BYTES = 60;
/** The smallest nursery: collections come often (NURSERY_MIN in src/core/options.ts). */
const NURSERY_BYTES = 64 << 10;

const Op = {
  LibraryResource: 0,
  HostResource: 1,
  DropHandle: 2,
  StoreInHolder: 3,
  ClearField: 4,
  NewHolder: 5,
  DropHolder: 6,
  MinorGc: 7,
  MajorGc: 8,
  LoadLibrary: 9,
  Track: 10,
  DropTracked: 11,
} as const;
/** Relative weights, indexed by Op. */
const OP_WEIGHTS = [22, 18, 14, 14, 6, 6, 4, 6, 4, 2, 16, 10];
/** Tracked values held at most. */
const MAX_TRACKED = 32;

/** The test library's bytes, compiled once per process; each cycle instantiates it anew. */
let testlibModule: WebAssembly.Module | undefined;
function testlib(): WebAssembly.Module {
  // Beside the core's builds: build/ from src/, dist/build/ from dist/src/ (src/core/build-url.ts).
  testlibModule ??= new WebAssembly.Module(readFileSync(new URL("../../../build/testlib-resources.wasm", import.meta.url)));
  return testlibModule;
}

/** Opens and closes seen from the host, for one library instance or for the host's own resources. */
class Ledger {
  readonly open = new Set<number>();
  doubleCloses = 0;
  /** A bytes payload that reached its finaliser changed. */
  corrupted: string | undefined;

  opened(id: number): void {
    this.open.add(id);
  }

  closed(id: number): void {
    if (!this.open.delete(id)) this.doubleCloses++;
  }
}

interface Resource {
  readonly ledger: Ledger;
  readonly id: number;
}

interface Holder {
  readonly block: Block;
  readonly fields: (Resource | null)[];
}

/** Runs of one finalise / finaliseLast / weak function. */
interface FunctionRecord {
  readonly what: string;
  runs: number;
  /** Set when a finalise function was given another value than its own. */
  wrongValue?: string;
}

/** A value with functions and weaks on it; see Note [Finalise workload checks]. */
interface Tracked {
  readonly id: number;
  block: Block | undefined;
  readonly functions: FunctionRecord[];
  readonly weaks: { weak: Weak; value: number | string }[];
  /** Ephemerons keyed on this value (and the values `others`); data: a number, or a block {id, key}. */
  readonly ephemerons: { ephemeron: Ephemeron; others: Tracked[]; data: number | "block" }[];
  readonly hasFinalise: boolean;
  /** Majors since it was dropped; -1 while held. */
  majorsSinceDrop: number;
}

class Finalise {
  readonly #rt: Runtime;
  readonly #random: Random;
  readonly libraries: Library[] = [];
  readonly libraryLedgers: Ledger[] = [];
  readonly host = new Ledger();
  readonly #handles: { custom: Custom; resource: Resource }[] = [];
  readonly #holders: Holder[] = [];
  #nextHostId = 1;
  readonly #tracked: Tracked[] = [];
  readonly dropped: Tracked[] = [];
  readonly functions: FunctionRecord[] = [];
  #nextTrackedId = 1;
  operations = 0;
  verifications = 0;
  collections = 0;
  resources = 0;
  violation: string | undefined;

  constructor(rt: Runtime, random: Random) {
    this.#rt = rt;
    this.#random = random;
  }

  #fail(message: string): void {
    this.violation ??= `finalise: ${message}`;
  }

  async loadLibrary(): Promise<void> {
    const ledger = new Ledger();
    const library = await this.#rt.loadLibrary(testlib(), {
      imports: { ledger: { opened: (id: number) => ledger.opened(id), closed: (id: number) => ledger.closed(id) } },
      name: `testlib#${this.libraries.length}`,
    });
    this.libraries.push(library);
    this.libraryLedgers.push(ledger);
  }

  async step(): Promise<void> {
    this.operations++;
    switch (this.#random.pickWeighted(OP_WEIGHTS)) {
      case Op.LibraryResource: {
        const i = this.#random.nextInt(this.libraries.length);
        const library = this.libraries[i]!;
        const id = library.call("open") as number;
        this.#adopt(this.#rt.custom(id, library.finaliser("finalise")), { ledger: this.libraryLedgers[i]!, id });
        return;
      }
      case Op.HostResource: {
        const id = this.#nextHostId++;
        this.host.opened(id);
        const host = this.host;
        const resource = { ledger: host, id };
        // The finalisers hold the ledger only: never the runtime or this workload.
        const custom = this.#random.chance(0.5)
          ? this.#rt.custom(id, (p) => host.closed(p as number))
          : this.#rt.custom(bytesPayload(id, this.#random.nextInt(MAX_PATTERN_BYTES + 1)), (p) => closeBytes(host, p as Uint8Array));
        this.#adopt(custom, resource);
        return;
      }
      case Op.DropHandle:
        if (this.#handles.length > 0) this.#takeHandle(this.#random.nextInt(this.#handles.length)).custom.free();
        return;
      case Op.StoreInHolder: {
        if (this.#handles.length === 0 || this.#holders.length === 0) return;
        const { custom, resource } = this.#takeHandle(this.#random.nextInt(this.#handles.length));
        const holder = this.#random.pick(this.#holders);
        const field = this.#random.nextInt(HOLDER_FIELDS);
        holder.block.set(field, custom);
        holder.fields[field] = resource;
        custom.free();
        return;
      }
      case Op.ClearField: {
        if (this.#holders.length === 0) return;
        const holder = this.#random.pick(this.#holders);
        const field = this.#random.nextInt(HOLDER_FIELDS);
        holder.block.set(field, null);
        holder.fields[field] = null;
        return;
      }
      case Op.NewHolder: {
        if (this.#holders.length >= MAX_HOLDERS) return;
        // A host reference in every holder: released when the holder dies, or at exit.
        const block = this.#rt.block(1, [...new Array<null>(HOLDER_FIELDS).fill(null), { holder: this.#holders.length }]);
        this.#holders.push({ block, fields: new Array<Resource | null>(HOLDER_FIELDS).fill(null) });
        return;
      }
      case Op.DropHolder: {
        if (this.#holders.length === 0) return;
        const i = this.#random.nextInt(this.#holders.length);
        this.#holders[i]!.block.free();
        this.#holders.splice(i, 1);
        return;
      }
      case Op.MinorGc:
        this.#rt.gc();
        this.collections++;
        this.#check(false);
        return;
      case Op.MajorGc:
        this.#rt.gc({ major: true });
        this.collections++;
        this.#check(true);
        return;
      case Op.LoadLibrary:
        if (this.libraries.length < MAX_LIBRARIES) await this.loadLibrary();
        return;
      case Op.Track:
        if (this.#tracked.length < MAX_TRACKED) this.#track();
        return;
      case Op.DropTracked: {
        if (this.#tracked.length === 0) return;
        const i = this.#random.nextInt(this.#tracked.length);
        const t = this.#tracked[i]!;
        this.#tracked[i] = this.#tracked[this.#tracked.length - 1]!;
        this.#tracked.pop();
        t.block!.free();
        t.block = undefined;
        t.majorsSinceDrop = 0;
        this.dropped.push(t);
        return;
      }
    }
  }

  /** A value with a random mix of finalise, finaliseLast and weak pointers. */
  #track(): void {
    const id = this.#nextTrackedId++;
    const block = this.#rt.block(2, [id, `tracked ${id}`]);
    const mix = this.#random.nextInt(16);
    const functions: FunctionRecord[] = [];
    // The functions close over their records only: never the runtime or this workload.
    const record = (what: string): FunctionRecord => {
      const r = { what: `${what} of tracked value ${id}`, runs: 0 };
      functions.push(r);
      this.functions.push(r);
      return r;
    };
    const hasFinalise = (mix & 1) !== 0;
    if (hasFinalise) {
      const r = record("finalise");
      registerCheckedFinalise(this.#rt, block, id, r);
    }
    if ((mix & 2) !== 0 || mix === 0) {
      const r = record("finaliseLast");
      this.#rt.finaliseLast(block, () => { r.runs++; });
    }
    const weaks: Tracked["weaks"] = [];
    if ((mix & 4) !== 0) {
      const count = 1 + this.#random.nextInt(2);
      for (let k = 0; k < count; k++) {
        const value = this.#random.chance(0.5) ? id * 10 + k : `weak ${id}.${k}`;
        if (this.#random.chance(0.5)) {
          const r = record("weak finalizer");
          weaks.push({ weak: this.#rt.weak(block, value, () => { r.runs++; }), value });
        } else {
          weaks.push({ weak: this.#rt.weak(block, value), value });
        }
      }
    }
    const ephemerons: Tracked["ephemerons"] = [];
    if ((mix & 8) !== 0) {
      const held = this.#tracked.filter((t) => t.block !== undefined);
      const other = held.length !== 0 && this.#random.chance(0.5) ? held[this.#random.nextInt(held.length)]! : undefined;
      const keys = other === undefined ? [block] : [block, other.block!];
      if (this.#random.chance(0.5)) {
        ephemerons.push({ ephemeron: this.#rt.ephemeron(keys, id * 7), others: other === undefined ? [] : [other], data: id * 7 });
      } else {
        // The data mentions the key: the ephemeron must still not keep it alive.
        const data = this.#rt.block(3, [id, block]);
        ephemerons.push({ ephemeron: this.#rt.ephemeron(keys, data), others: other === undefined ? [] : [other], data: "block" });
        data.free();
      }
    }
    this.#tracked.push({ id, block, functions, weaks, ephemerons, hasFinalise, majorsSinceDrop: -1 });
  }

  /** Tracked values, see Note [Finalise workload checks]. */
  #checkTracked(major: boolean): void {
    for (const t of this.#tracked) {
      for (const r of t.functions) if (r.runs !== 0) this.#fail(`${r.what} ran while the value was held`);
      for (const { weak, value } of t.weaks) {
        const got = weak.deref();
        if (got !== value) this.#fail(`a weak pointer keyed on held tracked value ${t.id} derefs to ${String(got)}, not ${String(value)}`);
      }
      for (const e of t.ephemerons) {
        if (t.block === undefined || e.others.some((o) => o.block === undefined)) continue;
        const got = e.ephemeron.deref();
        if (e.data === "block") {
          const id = (got as Block | undefined)?.get(0);
          (got as Block | undefined)?.free();
          if (id !== t.id) this.#fail(`an ephemeron keyed on held tracked value ${t.id} derefs to a block of ${String(id)}, not ${t.id}`);
        } else if (got !== e.data) {
          this.#fail(`an ephemeron keyed on held tracked values ${[t.id, ...e.others.map((o) => o.id)].join(", ")} derefs to ${String(got)}, not ${e.data}`);
        }
      }
    }
    for (const r of this.functions) {
      if (r.runs > 1) this.#fail(`${r.what} ran ${r.runs} times`);
      if (r.wrongValue !== undefined) this.#fail(r.wrongValue);
    }
    if (!major) return;
    const still: Tracked[] = [];
    for (const t of this.dropped) {
      t.majorsSinceDrop++;
      if (t.majorsSinceDrop < (t.hasFinalise ? 2 : 1)) {
        still.push(t);
        continue;
      }
      for (const r of t.functions) if (r.runs !== 1) this.#fail(`${r.what} ran ${r.runs} times by the ${t.majorsSinceDrop}th major collection after the value was dropped`);
      for (const { weak } of t.weaks) {
        if (weak.deref() !== undefined) this.#fail(`a weak pointer keyed on tracked value ${t.id}, dropped for good, still derefs`);
        weak.free();
      }
      for (const { ephemeron } of t.ephemerons) {
        if (!ephemeron.dead) this.#fail(`an ephemeron keyed on tracked value ${t.id}, dropped for good, is not dead`);
        ephemeron.free();
      }
    }
    this.dropped.length = 0;
    this.dropped.push(...still);
  }

  #adopt(custom: Custom, resource: Resource): void {
    this.resources++;
    if (this.#handles.length >= MAX_HANDLES) {
      custom.free();
      return;
    }
    this.#handles.push({ custom, resource });
  }

  #takeHandle(i: number): { custom: Custom; resource: Resource } {
    const taken = this.#handles[i]!;
    const last = this.#handles.pop()!;
    if (i < this.#handles.length) this.#handles[i] = last;
    return taken;
  }

  /** See Note [Finalise workload checks]. */
  #check(major: boolean): void {
    this.verifications++;
    this.#checkTracked(major);
    const reachable = new Set<Resource>();
    for (const { resource } of this.#handles) reachable.add(resource);
    for (const holder of this.#holders) for (const r of holder.fields) if (r !== null) reachable.add(r);
    for (const r of reachable) {
      if (!r.ledger.open.has(r.id)) this.#fail(`resource ${r.id} was closed while its custom block was still reachable (a finaliser ran on a live block)`);
    }
    if (major) {
      const ledgers = [this.host, ...this.libraryLedgers];
      let open = 0;
      for (const ledger of ledgers) open += ledger.open.size;
      if (open !== reachable.size) this.#fail(`after a major collection ${open} resources are open but ${reachable.size} custom blocks are reachable (a dead block was not finalised)`);
    }
    for (let i = 0; i < this.libraries.length; i++) {
      const counted = this.libraries[i]!.call("count") as number;
      if (counted !== this.libraryLedgers[i]!.open.size) this.#fail(`${this.libraries[i]!.name} counts ${counted} open resources, its ledger ${this.libraryLedgers[i]!.open.size}`);
    }
    for (const ledger of [this.host, ...this.libraryLedgers]) {
      if (ledger.doubleCloses !== 0) this.#fail(`${ledger.doubleCloses} resource(s) closed twice (a finaliser ran twice)`);
      if (ledger.corrupted !== undefined) this.#fail(ledger.corrupted);
    }
  }

  finish(): void {
    this.#rt.gc({ major: true });
    this.collections++;
    this.#check(true);
  }
}

/** rt.finalise on a tracked value; its function checks the value it is given. */
function registerCheckedFinalise(rt: Runtime, block: Block, id: number, r: FunctionRecord): void {
  rt.finalise(block, (value) => {
    r.runs++;
    const got = value.get(0);
    if (got !== id) r.wrongValue ??= `${r.what} was given a value holding ${String(got)}`;
  });
}

/** A host finaliser for a bytes payload: checks the pattern, closes the id. */
function closeBytes(host: Ledger, payload: Uint8Array): void {
  const id = new DataView(payload.buffer, payload.byteOffset, payload.byteLength).getUint32(0, true);
  for (let i = ID_BYTES; i < payload.length; i++) {
    if (payload[i] !== patternByte(id, i)) {
      host.corrupted ??= `finalise: the bytes payload of host resource ${id} reached its finaliser changed at byte ${i}`;
      break;
    }
  }
  host.closed(id);
}

function patternByte(id: number, i: number): number {
  return (id * 31 + i * 7) & 0xff;
}

function bytesPayload(id: number, patternBytes: number): Uint8Array {
  const bytes = new Uint8Array(ID_BYTES + patternBytes);
  new DataView(bytes.buffer).setUint32(0, id, true);
  for (let i = ID_BYTES; i < bytes.length; i++) bytes[i] = patternByte(id, i);
  return bytes;
}

/** What the exit must show, captured at the end of run(). See Note [Finalise workload checks]. */
function exitCheck(f: Finalise, pending: number, hostRefs: number, functionsPending: number): (report: ShutdownReport) => string | undefined {
  // Captures the ledgers and figures only: the runtime must be collectable once the exit is done.
  const host = f.host;
  const ledgers = [host, ...f.libraryLedgers];
  const libraries = f.libraries.length;
  const functions = f.functions;
  return (report) => {
    const wrong = functions.find((r) => r.runs !== 1 || r.wrongValue !== undefined);
    if (wrong !== undefined) return `finalise: ${wrong.wrongValue ?? `${wrong.what} ran ${wrong.runs} times by the end of the exit`}`;
    if (report.finalisersRun !== functionsPending) return `finalise: ${functionsPending} finalise / finaliseLast / weak functions were pending but the exit ran ${report.finalisersRun}`;
    const open = ledgers.reduce((n, l) => n + l.open.size, 0);
    const twice = ledgers.reduce((n, l) => n + l.doubleCloses, 0);
    if (open !== 0) return `finalise: ${open} resource(s) still open after the exit (library resources ${open - host.open.size}, host resources ${host.open.size})`;
    if (twice !== 0) return `finalise: ${twice} resource(s) closed twice`;
    if (host.corrupted !== undefined) return host.corrupted;
    if (report.librariesUnloaded !== libraries) return `finalise: ${libraries} libraries were loaded but the exit unloaded ${report.librariesUnloaded}`;
    if (report.customBlocksFinalised !== pending) return `finalise: ${pending} custom blocks were pending but the exit finalised ${report.customBlocksFinalised}`;
    if (report.hostRefsReleased !== hostRefs) return `finalise: ${hostRefs} host references were live but the exit released ${report.hostRefsReleased}`;
    return undefined;
  };
}

/** The finalise workload. See the file comment and Note [Finalise workload checks]. */
export const finalise: Workload = {
  name: "finalise",
  summary: "custom blocks over library and host resources, finalise / finaliseLast / weak / ephemeron mixes, libraries loaded each cycle, collections checked against a reachability model, most left for the exit to finalise",
  // Errors are counted in the ShutdownReport, which fails the cycle; no warning per error.
  runtimeOptions: { nursery: NURSERY_BYTES, sanity: true, onFinaliserError: () => {} },
  async run({ runtime, random }: WorkloadContext): Promise<WorkloadOutcome> {
    const f = new Finalise(runtime, random);
    await f.loadLibrary();
    for (let i = 0; i < OPERATIONS && f.violation === undefined; i++) await f.step();
    if (f.violation === undefined) f.finish();
    const stats = runtime.stats();
    const pending = stats.finalisers.customPending;
    const functionsPending = stats.finalisers.functionsPending;
    return {
      operations: f.operations,
      verifications: f.verifications,
      ...(f.violation === undefined ? {} : { violation: f.violation }),
      blocksLeft: pending,
      bytesLeft: 0,
      figures: { resources: f.resources, libraries: f.libraries.length, collections: f.collections, functions: f.functions.length, "left for exit": pending + functionsPending },
      afterExit: exitCheck(f, pending, stats.heap.hostRefs.live, functionsPending),
    };
  },
};
