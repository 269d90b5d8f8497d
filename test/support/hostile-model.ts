// The model-based fuzzer of issue 16 (test/hostile-fuzz.test.ts runs it, bounded
// and seeded; `npm run fuzz` runs it longer): fast-check commands over every
// public entry point, fed the hostile values, sizes, options and finaliser
// callbacks of src/stress/hostile-values.ts. The model is what the heap must
// hold (each block's fields, each MVar's value, the channel's queue) and
// every finaliser registered; after every command:
//  - the command succeeded, or threw (rejected with) an UnloadableError with a
//    `code` (or, for an aborted wait, the signal's own reason);
//  - where it threw, nothing changed: the handles live, and the contents the
//    model says;
//  - the runtime is running, checkSanity() passes (heap, remembered sets,
//    MVar queues, weak pointers, finaliser tables, allocator ring);
//  - no unhandled rejection has come from anywhere.
// At each restart and at the end (shutdown): no block leaked, every custom
// block was finalised, every finaliser ran exactly once, and the exit's
// finaliser errors are exactly those of the misbehaving callbacks.

import fc from "fast-check";
import { expect } from "vitest";
import { Block, BoundedChan, Chan, FinaliserError, MVar, Runtime, UnloadableError, type ShutdownReport } from "../../src/index.js";
import { callbackKinds, hostileCallback, hostileNumbers, hostileOptions, hostileValues, type CallbackKind, type HostileEnv, type HostileValue } from "../../src/stress/hostile-values.js";
import { isHandle, type Handle } from "../../src/heap/handles.js";
import { isInstance, isUint8Array } from "../../src/core/user.js";
import { causeText } from "../../src/core/errors.js";

/** A value as stored: its catalogue entry and the value made. */
interface Stored {
  readonly spec: HostileValue;
  readonly value: unknown;
}

/** The runtime and what the model says it holds. */
export interface Real {
  rt: Runtime;
  readonly other: Runtime;
  env: HostileEnv;
  blocks: { handle: Block; fields: (Stored | null)[] }[];
  mvars: { handle: MVar<unknown>; content: Stored | undefined }[];
  chan: Chan<unknown>;
  chanQueue: Stored[];
  /** Finaliser id → runs. */
  readonly runs: Map<number, number>;
  /** This cycle's registered finalisers: id, whether its run is a FinaliserError, and whether a rejection follows (another, later). */
  registered: Registered[];
  /** FinaliserErrors every cycle so far will have reported once every rejection has landed. */
  errorsDue: number;
  nextId: number;
  readonly finaliserErrors: FinaliserError[];
  readonly unhandled: unknown[];
  commands: number;
}

interface Registered {
  readonly id: number;
  readonly fails: boolean;
  readonly rejects: boolean;
}

/** fast-check's model: nothing beyond Real is needed, the checks read the runtime itself. */
type Model = Record<string, never>;

const options = { sanity: true, nursery: 64 << 10 } as const;

export async function setUp(unhandled: unknown[]): Promise<Real> {
  const finaliserErrors: FinaliserError[] = [];
  const rt = await Runtime.start({ ...options, onFinaliserError: (e) => finaliserErrors.push(e) });
  const other = await Runtime.start();
  const real: Real = {
    rt, other, env: undefined as unknown as HostileEnv, blocks: [], mvars: [], chan: undefined as unknown as Chan<unknown>, chanQueue: [],
    runs: new Map(), registered: [], errorsDue: 0, nextId: 0, finaliserErrors, unhandled, commands: 0,
  };
  startCycle(real);
  return real;
}

function startCycle(real: Real): void {
  real.env = { rt: real.rt, other: real.other, live: real.rt.block(0, ["live"]) };
  real.blocks = [];
  real.mvars = [];
  real.chan = new Chan(real.rt);
  real.chanQueue = [];
  real.registered = [];
}

/** The checks every exit must pass (restart and shutdown). */
function checkExit(real: Real, report: ShutdownReport): void {
  expect([report.leakedBlocks, report.leakedBytes]).toEqual([0, 0]);
  expect(report.customBlocksUnfinalised).toBe(0);
  for (const { id } of real.registered) expect(real.runs.get(id), `finaliser ${id} runs`).toBe(1);
  // Every failing run is in the report; a rejection is, if it landed before the exit ended.
  const fails = real.registered.filter((r) => r.fails).length;
  const rejections = real.registered.filter((r) => r.rejects).length;
  expect(report.finaliserErrors).toBeGreaterThanOrEqual(fails);
  expect(report.finaliserErrors).toBeLessThanOrEqual(fails + rejections);
  real.errorsDue += fails + rejections;
}

export async function tearDown(real: Real): Promise<void> {
  const report = await real.rt.shutdown();
  checkExit(real, report);
  await real.other.shutdown();
  await turn();
  await turn();
  for (const error of real.finaliserErrors) expect(error).toBeInstanceOf(FinaliserError);
  // Each failing run reported once, and each returned promise's rejection once more.
  expect(real.finaliserErrors).toHaveLength(real.errorsDue);
  expect(real.unhandled).toEqual([]);
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Handles live now, for "nothing changed". */
function handlesLive(real: Real): number {
  return real.rt.stats().heap.handles.live;
}

function isPackageError(thrown: unknown): boolean {
  return isInstance(thrown, UnloadableError) && (thrown as UnloadableError).code.startsWith("ERR_");
}

/** A value read back from the heap against what was stored. */
function expectStored(got: unknown, stored: Stored | null): void {
  if (stored === null) {
    expect(got).toBe(null);
    return;
  }
  const { spec, value } = stored;
  if (spec.expect === "same") expect(Object.is(got, value), `${spec.name} comes back as itself`).toBe(true);
  else if (spec.expect === "equal") {
    const bytes = value as Uint8Array;
    expect(got).toEqual(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength).slice());
  } else if (spec.expect === "handle") {
    expect(got).toBeInstanceOf(Block);
    (got as Block).free();
  }
}

/** Runs one command's body with the checks around it. */
async function step(real: Real, body: () => unknown, unchanged: () => unknown = () => undefined): Promise<void> {
  real.commands++;
  const handlesBefore = handlesLive(real);
  const before = unchanged();
  let thrown: unknown;
  let threw = false;
  try {
    await body();
  } catch (error) {
    thrown = error;
    threw = true;
  }
  await turn();
  if (threw) {
    expect(isPackageError(thrown), `a package error with a code, got ${causeText(thrown)}`).toBe(true);
    expect(handlesLive(real), "no handle made by a refused call").toBe(handlesBefore);
    expect(unchanged()).toEqual(before);
  }
  expect(real.rt.state).toBe("running");
  real.rt.checkSanity();
  expect(real.unhandled).toEqual([]);
}

/** What a refusal must be, for a value; undefined when it must be stored. */
function refusal(spec: HostileValue, deliver: boolean): string | undefined {
  if (typeof spec.expect === "object") return spec.expect.refused;
  if (deliver && !spec.deliverable) return "ArgumentError";
  return undefined;
}

function expectOutcome(thrown: unknown, spec: HostileValue, deliver: boolean): void {
  const expected = refusal(spec, deliver);
  if (expected === undefined) expect(thrown, `${spec.name} is stored`).toBeUndefined();
  else expect((thrown as Error | undefined)?.name, `${spec.name} is refused`).toBe(expected);
}

async function outcomeOf(body: () => unknown): Promise<unknown> {
  try {
    await body();
    return undefined;
  } catch (thrown) {
    return thrown;
  }
}

function registerCallback(real: Real, kind: CallbackKind, custom: boolean): Registered & { fn: () => unknown } {
  const id = real.nextId++;
  const entry = callbackKinds.find((k) => k.kind === kind)!;
  return { id, fn: hostileCallback(real.rt, kind, id, real.runs), fails: custom ? entry.failsCustom : entry.failsFunction, rejects: entry.rejects };
}

class Command implements fc.AsyncCommand<Model, Real> {
  constructor(readonly label: string, readonly body: (real: Real) => Promise<void>) {}
  check(): boolean {
    return true;
  }
  async run(_: Model, real: Real): Promise<void> {
    await this.body(real);
  }
  toString(): string {
    return this.label;
  }
}

const value = fc.constantFrom(...hostileValues);
const badNumber = fc.constantFrom(...hostileNumbers);
const badOptions = fc.constantFrom(...hostileOptions);
const callback = fc.constantFrom(...callbackKinds.map((k) => k.kind));
const pick = fc.nat(64);

/** Fields arrays in their hostile shapes. */
type Shape = "plain" | "getter throws" | "revoked" | "length lies";

function shaped(values: unknown[], shape: Shape): unknown {
  switch (shape) {
    case "plain":
      return values;
    case "getter throws": {
      const array = [...values, 0];
      Object.defineProperty(array, values.length, { get: () => { throw new Error("field getter"); } });
      return array;
    }
    case "revoked": {
      const { proxy, revoke } = Proxy.revocable(values, {});
      revoke();
      return proxy;
    }
    case "length lies":
      return new Proxy(values, { get: (target, key, receiver) => (key === "length" ? 2 ** 32 - 4 : Reflect.get(target, key, receiver)) });
  }
}

const newBlock = fc.record({ values: fc.array(value, { maxLength: 4 }), shape: fc.constantFrom<Shape>("plain", "plain", "plain", "getter throws", "revoked", "length lies"), tag: fc.oneof(fc.integer({ min: 0, max: 255 }), badNumber) }).map(
  ({ values, shape, tag }) => new Command(`block(${String(tag)}, ${shape} [${values.map((v) => v.name).join(", ")}])`, (real) => step(real, async () => {
    const made = values.map((spec) => spec.make(real.env));
    const outcome = await outcomeOf(() => {
      const b = real.rt.block(tag as number, shaped(made, shape) as unknown[]);
      real.blocks.push({ handle: b, fields: made.map((v, i) => (v === null ? null : { spec: values[i]!, value: v })) });
    });
    const mustFail = typeof tag !== "number" || !Number.isInteger(tag) || tag < 0 || tag > 255 || shape !== "plain" || values.some((spec) => refusal(spec, false) !== undefined);
    if (mustFail) expect(outcome, "refused").toBeDefined();
    else expect(outcome).toBeUndefined();
    if (outcome !== undefined) throw outcome;
    const last = real.blocks.at(-1)!;
    last.fields.forEach((stored, i) => expectStored(last.handle.get(i), stored));
  })),
);

const blockSet = fc.record({ which: pick, index: fc.oneof(fc.nat(4), badNumber), value }).map(
  ({ which, index, value: spec }) => new Command(`set(#${which}, ${String(index)}, ${spec.name})`, (real) => {
    const entry = real.blocks[which % Math.max(1, real.blocks.length)];
    if (entry === undefined) return Promise.resolve();
    return step(real, async () => {
      const made = spec.make(real.env);
      const outcome = await outcomeOf(() => entry.handle.set(index as number, made));
      const validIndex = typeof index === "number" && Number.isInteger(index) && index >= 0 && index < entry.fields.length;
      if (!validIndex || entry.handle.freed) expect(outcome).toBeDefined();
      else expectOutcome(outcome, spec, false);
      if (outcome !== undefined) throw outcome;
      entry.fields[index as number] = made === null ? null : { spec, value: made };
      expectStored(entry.handle.get(index as number), entry.fields[index as number]!);
    }, () => (entry.handle.freed ? "freed" : entry.fields.map((_, i) => describeField(entry.handle, i))));
  }),
);

/** A field as a comparable string, for "nothing changed". */
function describeField(b: Block, i: number): string {
  const v = b.get(i);
  if (isHandle(v)) {
    v.free();
    return "a handle";
  }
  if (isUint8Array(v)) return `bytes ${v.join(",")}`;
  // Brand checks only: a revoked Proxy must not be touched.
  return typeof v === "object" || typeof v === "function" || typeof v === "symbol" ? typeof v : Object.is(v, -0) ? "-0" : String(v);
}

const free = fc.record({ which: pick, mvar: fc.boolean() }).map(({ which, mvar }) => new Command(`free(${mvar ? "mvar" : "block"} #${which})`, (real) => step(real, () => {
  const list = mvar ? real.mvars : real.blocks;
  const entry = list[which % Math.max(1, list.length)];
  if (entry === undefined) return;
  entry.handle.free();
  list.splice(list.indexOf(entry as never), 1);
})));

const newMVar = fc.option(value, { nil: undefined }).map((spec) => new Command(`mvar(${spec?.name ?? ""})`, (real) => step(real, async () => {
  const made = spec?.make(real.env);
  const outcome = await outcomeOf(() => real.mvars.push({ handle: spec === undefined ? real.rt.mvar() : real.rt.mvar(made), content: spec === undefined ? undefined : { spec, value: made } }));
  if (spec !== undefined) expectOutcome(outcome, spec, true);
  if (outcome !== undefined) throw outcome;
})));

const put = fc.record({ which: pick, value, options: fc.option(badOptions, { nil: undefined }), tryPut: fc.boolean() }).map(
  ({ which, value: spec, options: makeOptions, tryPut }) => new Command(`${tryPut ? "tryPut" : "put"}(#${which}, ${spec.name}${makeOptions ? ", hostile options" : ""})`, (real) => {
    const entry = real.mvars[which % Math.max(1, real.mvars.length)];
    if (entry === undefined) return Promise.resolve();
    return step(real, async () => {
      const made = spec.make(real.env);
      if (tryPut) {
        let done = false;
        const outcome = await outcomeOf(() => (done = entry.handle.tryPut(made)));
        expectOutcome(outcome, spec, true);
        if (outcome !== undefined) throw outcome;
        expect(done).toBe(entry.content === undefined);
        if (done) entry.content = { spec, value: made };
        return;
      }
      // A put onto a full MVar would wait: only hostile options (refused at once) are tried then.
      if (entry.content !== undefined && makeOptions === undefined) return;
      const outcome = await outcomeOf(() => entry.handle.put(made, makeOptions?.() as never));
      if (makeOptions !== undefined) expect((outcome as Error | undefined)?.name).toBe("ArgumentError");
      else expectOutcome(outcome, spec, true);
      if (outcome !== undefined) throw outcome;
      entry.content = { spec, value: made };
    }, () => entry.content?.spec.name);
  }),
);

const take = fc.record({ which: pick, options: fc.option(badOptions, { nil: undefined }), mode: fc.constantFrom("take", "read", "tryTake", "tryRead") }).map(
  ({ which, options: makeOptions, mode }) => new Command(`${mode}(#${which}${makeOptions ? ", hostile options" : ""})`, (real) => {
    const entry = real.mvars[which % Math.max(1, real.mvars.length)];
    if (entry === undefined) return Promise.resolve();
    return step(real, async () => {
      const mv = entry.handle;
      if (mode === "tryTake" || mode === "tryRead") {
        const got = mode === "tryTake" ? mv.tryTake() : mv.tryRead();
        if (entry.content === undefined) expect(got).toBeUndefined();
        else expectStored(got, entry.content);
        if (mode === "tryTake") entry.content = undefined;
        return;
      }
      if (makeOptions !== undefined) {
        const outcome = await outcomeOf(() => (mode === "take" ? mv.take(makeOptions() as never) : mv.read(makeOptions() as never)));
        expect((outcome as Error | undefined)?.name).toBe("ArgumentError");
        throw outcome;
      }
      if (entry.content === undefined) {
        // It would wait: wait with a signal, abort, and expect the signal's reason.
        const controller = new AbortController();
        const waiting = mode === "take" ? mv.take({ signal: controller.signal }) : mv.read({ signal: controller.signal });
        const reason = new Error("aborted by the fuzzer");
        controller.abort(reason);
        expect(await outcomeOf(() => waiting)).toBe(reason);
        return;
      }
      expectStored(await (mode === "take" ? mv.take() : mv.read()), entry.content);
      if (mode === "take") entry.content = undefined;
    }, () => entry.content?.spec.name);
  }),
);

const custom = fc.record({ payload: fc.oneof(fc.integer(), value.map((spec) => spec as unknown)), kind: callback, hostileFinaliser: fc.boolean() }).map(
  ({ payload, kind, hostileFinaliser }) => new Command(`custom(${typeof payload === "number" ? payload : (payload as HostileValue).name}, ${hostileFinaliser ? "not a function" : kind})`, (real) => step(real, async () => {
    const { fn, ...registered } = registerCallback(real, kind, true);
    const made = typeof payload === "number" ? payload : (payload as HostileValue).make(real.env);
    // A catalogue value that happens to be a function is a finaliser like any other: use ours then.
    const finaliser = hostileFinaliser && typeof made !== "function" ? made : fn;
    const c = real.rt.custom(made as number, finaliser as () => void);
    real.registered.push(registered);
    if (made instanceof Uint8Array) expect(c.payload).toEqual(new Uint8Array(made.buffer, made.byteOffset, made.byteLength).slice());
    else expect(c.payload).toBe(made);
    c.free();
  })),
);

const finalise = fc.record({ which: pick, target: fc.option(value, { nil: undefined }), kind: callback, last: fc.boolean(), dropIt: fc.boolean() }).map(
  ({ which, target, kind, last, dropIt }) => new Command(`${last ? "finaliseLast" : "finalise"}(${target?.name ?? `block #${which}`}, ${kind}${dropIt ? ", then drop it" : ""})`, (real) => step(real, async () => {
    const entry = real.blocks[which % Math.max(1, real.blocks.length)];
    const subject = target === undefined ? entry?.handle : target.make(real.env);
    if (subject === undefined) return;
    const { fn, ...registered } = registerCallback(real, kind, false);
    if (last) real.rt.finaliseLast(subject as Handle, fn);
    else real.rt.finalise(subject as Handle, fn);
    real.registered.push(registered);
    if (dropIt && entry !== undefined && subject === entry.handle) {
      entry.handle.free();
      real.blocks.splice(real.blocks.indexOf(entry), 1);
    }
  })),
);

const weak = fc.record({ which: pick, key: fc.option(value, { nil: undefined }), value: fc.option(value, { nil: undefined }), kind: fc.option(callback, { nil: undefined }) }).map(
  ({ which, key, value: spec, kind }) => new Command(`weak(${key?.name ?? `block #${which}`}, ${spec?.name ?? "-"}, ${kind ?? "-"})`, (real) => step(real, async () => {
    const entry = real.blocks[which % Math.max(1, real.blocks.length)];
    const subject = key === undefined ? entry?.handle : key.make(real.env);
    if (subject === undefined) return;
    const made = spec?.make(real.env);
    const callbackMade = kind === undefined ? undefined : registerCallback(real, kind, false);
    const w = callbackMade === undefined ? real.rt.weak(subject as Handle, made) : real.rt.weak(subject as Handle, made, callbackMade.fn);
    if (callbackMade !== undefined) real.registered.push({ id: callbackMade.id, fails: callbackMade.fails, rejects: callbackMade.rejects });
    const got = w.deref();
    if (spec !== undefined && made !== undefined) expectStored(got, { spec, value: made });
    else if (got instanceof Block) got.free();
    w.free();
  })),
);

const gc = fc.option(badOptions, { nil: undefined }).map((makeOptions) => new Command(`gc(${makeOptions ? "hostile options" : "major"})`, (real) => step(real, () => {
  if (makeOptions !== undefined) {
    real.rt.gc(makeOptions() as never);
    throw new Error("hostile gc options were accepted");
  }
  real.rt.gc({ major: true });
})));

const chan = fc.record({ value, write: fc.boolean() }).map(({ value: spec, write }) => new Command(write ? `chan.write(${spec.name})` : "chan.read()", (real) => step(real, async () => {
  if (write) {
    const made = spec.make(real.env);
    const outcome = await outcomeOf(() => real.chan.write(made));
    expectOutcome(outcome, spec, true);
    if (outcome !== undefined) throw outcome;
    real.chanQueue.push({ spec, value: made });
    return;
  }
  const next = real.chanQueue.shift();
  if (next !== undefined) expectStored(await real.chan.read(), next);
}, () => real.chanQueue.length)));

const boundedChan = fc.oneof(badNumber, fc.integer({ min: 1, max: 4 })).map((capacity) => new Command(`new BoundedChan(${String(capacity)})`, (real) => step(real, () => {
  const made = new BoundedChan(real.rt, capacity as number);
  made.free();
})));

const loadLibrary = fc.record({ source: fc.constantFrom<(() => unknown)[]>(() => new Uint8Array([0, 97, 115, 109]), () => new Uint8Array(0), () => "wasm", () => null, ...hostileOptions), options: fc.option(badOptions, { nil: undefined }) }).map(
  ({ source, options: makeOptions }) => new Command("loadLibrary(hostile)", (real) => step(real, () => real.rt.loadLibrary(source() as never, makeOptions?.() as never))),
);

const restart = fc.constant(new Command("restart()", async (real) => {
  await step(real, async () => {
    const stale = [real.env.live, ...real.blocks.map((b) => b.handle)];
    const report = await real.rt.restart();
    checkExit(real, report);
    startCycle(real);
    // Handles of the last cycle are refused as stale, by every call.
    for (const handle of stale) expect(() => (handle as Block).get(0)).toThrow(/stale handle/);
  });
}));

/** Every command, weighted toward the ones that carry hostile values. */
export const hostileCommands = fc.commands([
  newBlock, newBlock, blockSet, blockSet, free, newMVar, put, put, take, take, custom, finalise, finalise, weak, gc, chan, chan, boundedChan, loadLibrary, restart,
], { maxCommands: 60, size: "max" });

/** Runs one sequence of commands against a fresh runtime. */
export async function runCommands(commands: Iterable<fc.AsyncCommand<Model, Real>>, counter: { commands: number }): Promise<void> {
  const unhandled: unknown[] = [];
  const listen = (reason: unknown): void => {
    unhandled.push(reason);
  };
  process.on("unhandledRejection", listen);
  try {
    const real = await setUp(unhandled);
    try {
      await fc.asyncModelRun(() => ({ model: {} as Model, real }), commands);
    } finally {
      counter.commands += real.commands;
    }
    await tearDown(real);
  } finally {
    process.off("unhandledRejection", listen);
  }
}
