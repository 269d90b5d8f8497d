// Hostile: real work (a list built and walked, an MVar ping-pong, a channel)
// with bad input mixed in at every step: the values, sizes, options and
// finaliser callbacks of src/stress/hostile-values.ts, handed to every entry
// point. See docs/errors.md for the contract it checks.
//
// Note [Hostile workload checks]
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
// Every hostile call must succeed or throw (reject with) an UnloadableError;
// a value the catalogue says is stored must read back as itself (or equal,
// for bytes), one it says is refused must be refused with the named class;
// the runtime must still be running after each. The real work verifies its
// own data: the list's cells in order, each MVar and channel value handed
// over intact. Finalisers misbehave on purpose (throw, reject, call back in,
// collect, try to shut down), so the harness's own "no finaliser failed"
// check is replaced by an exact one (WorkloadOutcome.checksFinaliserErrors):
// after the exit, every callback registered ran exactly once, and the exit
// reported at least the failing runs and at most those plus the rejections
// that landed before it ended. Every FinaliserError the runtime hands to
// onFinaliserError, at any time, is counted; anything else is a violation.

import { causeText, FinaliserError, UnloadableError } from "../../core/errors.js";
import { isInstance } from "../../core/user.js";
import { Runtime } from "../../runtime.js";
import { Chan } from "../../threads/chan.js";
import type { Block } from "../../heap/block.js";
import type { Handle } from "../../heap/handles.js";
import type { Random } from "../../threads/random.js";
import type { ShutdownReport } from "../../core/report.js";
import { callbackKinds, hostileCallback, hostileNumbers, hostileOptions, hostileValues, type HostileEnv, type HostileValue } from "../hostile-values.js";
import type { Workload, WorkloadContext, WorkloadOutcome } from "../workload.js";

/** Steps per cycle; list cells built in all. */
const STEPS = 60;
const LIST_CELLS = 200;
/** Cycles that start a second runtime, for foreign handles. */
const OTHER_RUNTIME_SHARE = 1 / 8;
/** The smallest nursery, so collections (and the finalisers they run) come often. */
const NURSERY_BYTES = 64 << 10;

/** What onFinaliserError saw that was not a FinaliserError (a violation, reported by the next cycle). */
let strangeReports = 0;

function onFinaliserError(error: unknown): void {
  if (!(error instanceof FinaliserError)) strangeReports++;
}

/** What the exit is judged by; holds no runtime (afterExit must not). */
interface Ledger {
  /** Callback id → runs. */
  readonly runs: Map<number, number>;
  readonly registered: { id: number; fails: boolean; rejects: boolean }[];
}

class Hostile {
  readonly #rt: Runtime;
  readonly #random: Random;
  readonly #env: HostileEnv;
  readonly #ledger: Ledger;
  #nextId = 0;
  operations = 0;
  verifications = 0;
  refused = 0;
  stored = 0;
  violation: string | undefined;
  #list: Block;
  #cells = 1;
  readonly #mvar;
  readonly #chan: Chan<unknown>;

  constructor(rt: Runtime, other: Runtime | undefined, random: Random, ledger: Ledger) {
    this.#rt = rt;
    this.#ledger = ledger;
    this.#random = random;
    this.#env = { rt, other, live: rt.block(0, ["live"]) };
    this.#list = rt.block(1, [0, null]);
    this.#mvar = rt.mvar<number>();
    this.#chan = new Chan(rt);
  }

  #fail(what: string): void {
    this.violation ??= what;
  }

  #value(): HostileValue {
    for (;;) {
      const spec = hostileValues[this.#random.nextInt(hostileValues.length)]!;
      if (spec.foreign !== true || this.#env.other !== undefined) return spec;
    }
  }

  /** Runs one hostile call: success, or a package error; never anything else. */
  async #call(what: string, body: () => unknown): Promise<unknown> {
    this.operations++;
    try {
      await body();
      return undefined;
    } catch (thrown) {
      if (!isInstance(thrown, UnloadableError) || typeof (thrown as UnloadableError).code !== "string") this.#fail(`${what}: threw ${causeText(thrown)}, not a package error`);
      return thrown;
    } finally {
      if (this.#rt.state !== "running") this.#fail(`${what}: the runtime is ${this.#rt.state}`);
    }
  }

  /** The catalogue's verdict on a stored or refused value. */
  #judge(what: string, spec: HostileValue, outcome: unknown, deliver: boolean, readBack: () => unknown, made: unknown): void {
    this.verifications++;
    const refusal = typeof spec.expect === "object" ? spec.expect.refused : deliver && !spec.deliverable ? "ArgumentError" : undefined;
    if (refusal !== undefined) {
      if ((outcome as Error | undefined)?.name !== refusal) this.#fail(`${what} ${spec.name}: expected ${refusal}, got ${outcome === undefined ? "success" : (outcome as Error).name}`);
      else this.refused++;
      return;
    }
    if (outcome !== undefined) {
      this.#fail(`${what} ${spec.name}: refused with ${(outcome as Error).name}: ${(outcome as Error).message}`);
      return;
    }
    this.stored++;
    const got = readBack();
    if (spec.expect === "same" && !Object.is(got, made)) this.#fail(`${what} ${spec.name}: read back something else`);
    if (spec.expect === "equal") {
      const bytes = made as Uint8Array;
      const want = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      if (!(got instanceof Uint8Array) || got.length !== want.length || got.some((b, i) => b !== want[i])) this.#fail(`${what} ${spec.name}: bytes changed`);
    }
    if (spec.expect === "handle") (got as Handle).free();
  }

  #callback(custom: boolean): () => unknown {
    const entry = callbackKinds[this.#random.nextInt(callbackKinds.length)]!;
    const id = this.#nextId++;
    this.#ledger.registered.push({ id, fails: custom ? entry.failsCustom : entry.failsFunction, rejects: entry.rejects });
    return hostileCallback(this.#rt, entry.kind, id, this.#ledger.runs);
  }

  async step(): Promise<void> {
    const rt = this.#rt;
    switch (this.#random.nextInt(9)) {
      case 0: {
        const spec = this.#value();
        const made = spec.make(this.#env);
        let b: Block | undefined;
        const outcome = await this.#call("rt.block", () => (b = rt.block(0, [made])));
        this.#judge("rt.block", spec, outcome, false, () => b!.get(0), made);
        b?.free();
        break;
      }
      case 1: {
        const spec = this.#value();
        const made = spec.make(this.#env);
        const mv = rt.mvar<unknown>();
        const outcome = await this.#call("MVar.put", () => mv.put(made));
        this.#judge("MVar.put", spec, outcome, true, () => mv.tryTake(), made);
        mv.free();
        break;
      }
      case 2: {
        const spec = this.#value();
        const made = spec.make(this.#env);
        const outcome = await this.#call("Chan.write", () => this.#chan.write(made));
        let got: unknown;
        if (outcome === undefined) got = await this.#chan.read();
        this.#judge("Chan.write", spec, outcome, true, () => got, made);
        break;
      }
      case 3: {
        // Hostile options and sizes: each must be refused.
        const options = hostileOptions[this.#random.nextInt(hostileOptions.length)]!;
        const size = hostileNumbers[this.#random.nextInt(hostileNumbers.length)];
        for (const [what, body] of [
          ["Runtime.gc", () => rt.gc(options() as never)],
          ["MVar.take", () => this.#mvar.take(options() as never)],
          ["Runtime.block", () => rt.block(size as number, [])],
          ["Chan.read", () => this.#chan.read(options() as never)],
        ] as const) {
          if ((await this.#call(what, body)) === undefined) this.#fail(`${what}: hostile ${what === "Runtime.block" ? `tag ${String(size)}` : "options"} accepted`);
          else this.refused++;
        }
        break;
      }
      case 4: {
        const spec = this.#value();
        const made = spec.make(this.#env);
        const payload = this.#random.chance(0.5) ? this.#random.nextInt(1000) : made;
        const finaliser = this.#callback(true);
        const outcome = await this.#call("Runtime.custom", () => rt.custom(payload as number, finaliser).free());
        // A refused payload registered nothing: its callback will never run.
        if (outcome !== undefined) this.#ledger.registered.pop();
        break;
      }
      case 5: {
        const key = rt.block(0, [this.operations]);
        const kind = this.#random.nextInt(3);
        const callback = this.#callback(false);
        if (kind === 0) rt.finalise(key, callback);
        else if (kind === 1) rt.finaliseLast(key, callback);
        else rt.weak(key, this.#operationsValue(), callback).free();
        this.operations++;
        if (this.#random.chance(0.7)) key.free();
        break;
      }
      case 6:
        rt.gc({ major: this.#random.chance(0.3) });
        this.operations++;
        break;
      case 7:
        await this.#work();
        break;
      default: {
        // Fields arrays that lie or throw.
        const array = [1, 2, 3];
        Object.defineProperty(array, 1, { get: () => { throw new Error("hostile field"); } });
        const outcome = await this.#call("Runtime.block", () => rt.block(0, array));
        if ((outcome as Error | undefined)?.name !== "ArgumentError") this.#fail("a fields array whose getter throws was not an ArgumentError");
        else this.refused++;
      }
    }
  }

  #operationsValue(): number {
    return this.operations;
  }

  /** Real work: extend the list, and an MVar round trip. */
  async #work(): Promise<void> {
    const rt = this.#rt;
    for (let i = 0; i < LIST_CELLS / (STEPS / 9) && this.#cells < LIST_CELLS; i++) {
      const next = rt.block(1, [this.#cells++, this.#list]);
      this.#list.free();
      this.#list = next;
      this.operations++;
    }
    const value = this.operations;
    await this.#mvar.put(value);
    if ((await this.#mvar.take()) !== value) this.#fail("the MVar round trip lost its value");
    this.verifications++;
  }

  /** Walks the list: cell k holds k, down to 0. */
  verifyList(): void {
    this.#rt.scope(() => {
      let cell: Block | null = this.#list;
      let expected = this.#cells - 1;
      while (cell !== null) {
        if (cell.get(0) !== expected) {
          this.#fail(`list cell ${expected} holds ${String(cell.get(0))}`);
          return;
        }
        expected--;
        cell = cell.get(1) as Block | null;
      }
      if (expected !== -1) this.#fail(`the list ended ${expected + 1} cells early`);
      this.verifications++;
    });
  }

}

/** See Note [Hostile workload checks]: the exit's finaliser figures. */
function judgeExit(ledger: Ledger, report: ShutdownReport): string | undefined {
  for (const { id } of ledger.registered) {
    const runs = ledger.runs.get(id) ?? 0;
    if (runs !== 1) return `hostile finaliser ${id} ran ${runs} times, not once`;
  }
  const fails = ledger.registered.filter((r) => r.fails).length;
  const rejections = ledger.registered.filter((r) => r.rejects).length;
  if (report.finaliserErrors < fails || report.finaliserErrors > fails + rejections) {
    return `the exit reported ${report.finaliserErrors} finaliser errors; the callbacks make ${fails} (and up to ${rejections} rejections)`;
  }
  if (strangeReports !== 0) return `onFinaliserError was given ${strangeReports} value(s) that are not FinaliserErrors`;
  return undefined;
}

export const hostile: Workload = {
  name: "hostile",
  summary: "real work (a list, MVar round trips, a channel) with hostile values, sizes, options and misbehaving finalisers handed to every entry point; each must succeed or be a package error",
  // Errors are expected and checked exactly by afterExit; no warning per error.
  runtimeOptions: { nursery: NURSERY_BYTES, sanity: true, onFinaliserError },
  async run({ runtime, random }: WorkloadContext): Promise<WorkloadOutcome> {
    // A second runtime (for foreign handles) in some cycles only: starting one costs as much as the cycle's work.
    const other = random.chance(OTHER_RUNTIME_SHARE) ? await Runtime.start({ nursery: NURSERY_BYTES }) : undefined;
    const ledger: Ledger = { runs: new Map(), registered: [] };
    const h = new Hostile(runtime, other, random, ledger);
    try {
      for (let i = 0; i < STEPS && h.violation === undefined; i++) await h.step();
      if (h.violation === undefined) h.verifyList();
    } finally {
      await other?.shutdown();
    }
    return {
      operations: h.operations,
      verifications: h.verifications,
      ...(h.violation === undefined ? {} : { violation: h.violation }),
      blocksLeft: 0,
      bytesLeft: 0,
      figures: { refused: h.refused, stored: h.stored },
      checksFinaliserErrors: true,
      afterExit: (report) => judgeExit(ledger, report),
    };
  },
};
