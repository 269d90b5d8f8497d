// Handles: how JS holds heap objects. A handle is a slot in the core's stable
// handle table (assembly/heap/handles.ts), a GC root until freed, stamped with
// the runtime cycle that made it. After wasm-bindgen's generated classes: an
// idempotent free(), Symbol.dispose as its alias, and a FinalizationRegistry
// only as a backstop for handles nobody freed.
//
// Note [Handle stamps]
// ~~~~~~~~~~~~~~~~~~~~
// A handle belongs to one HeapContext: one runtime, one init → exit cycle.
// Using it after free() → StaleHandleError('freed'); after its runtime shut
// down → StaleHandleError('shutdown'); after a restart of its runtime →
// StaleHandleError('restarted') (its slot may have been reused); with another
// runtime → ForeignHandleError. Slots are never touched once their context
// has ended: the pool destroy already freed the table.

import type { CoreExports } from "../core/exports.js";
import { ArgumentError, ForeignHandleError, StaleHandleError, type StaleReason } from "../core/errors.js";
import { describe } from "../core/options.js";
import { isThenable } from "../core/user.js";
import { nextTurn } from "../core/environment.js";
import { HostRefTable } from "./hostrefs.js";
import { WordCache } from "./word-cache.js";

/** The core's "out of heap" where it would hand out a handle-table slot (NO_HANDLE in assembly/heap/handles.ts). */
export const NO_HANDLE = 0xffff_ffff;

/** Runs `body` against the runtime's live core (Runtime's trap guard). */
export type CoreGuard = <T>(operation: string, body: (core: CoreExports) => T) => T;

/** What a HeapContext needs to know about its runtime. */
export interface HeapOwner {
  readonly id: number;
  readonly state: "running" | "shutdown" | "dead";
}

// Note [The heap calls up through its context]
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
// The heap's host side (src/heap/) sits below the threads (src/threads/) and
// the finalisers (src/final/), and imports neither: imports run one way
// (docs/architecture.md). Yet two things the heap does need them. decode
// must hand back an MVar, a Custom or a Weak for an object of that kind, and
// a poll after a collection must wake the threads it woke and run the
// finalisers it found due. The runtime, which sees every subsystem, passes
// both down when it makes a cycle's HeapContext: the handle classes by kind
// (HandleMakers) at construction, and the after-collection work (HeapEvents)
// once the cycle's threads and finalisers exist. The heap calls them without
// knowing what they are.

/** The kinds of heap object that JS holds through a handle of their own class. */
export type HandleKind = "block" | "mvar" | "custom" | "weak" | "ephemeron";

/** Makes the handle of each kind (Block, MVar, Custom, Weak, Ephemeron); the runtime supplies them. */
export type HandleMakers = { readonly [kind in HandleKind]: (context: HeapContext, slot: number) => Handle };

/** The work above the heap that a collection can make due. See Note [The heap calls up through its context]. */
export interface HeapEvents {
  /** The core woke blocked threads: settle their operations. */
  threadsWoken(core: CoreExports): void;
  /** The seeded chaos countdown fired: arm it again. */
  chaosFired(core: CoreExports): void;
  /** A collection found custom blocks dead or finalise functions due: run them. */
  finalisersDue(core: CoreExports): void;
}

/** The heap context of each live runtime, found from the runtime itself (a channel's constructor). */
const contextSources = new WeakMap<object, (operation: string) => HeapContext>();

/** @internal A runtime makes itself known, with the way to reach its current cycle's context. */
export function registerHeapOwner(owner: object, context: (operation: string) => HeapContext): void {
  contextSources.set(owner, context);
}

/** @internal True when `owner` is a runtime (registered by registerHeapOwner). */
export function isHeapOwner(owner: unknown): boolean {
  return typeof owner === "object" && owner !== null && contextSources.has(owner);
}

/**
 * @internal The heap context of runtime `owner`, checked live (ShutdownError,
 * CoreTrapError as the runtime's own calls); ArgumentError if `owner` is not a runtime.
 */
export function heapContextOf(owner: unknown, operation: string): HeapContext {
  const source = typeof owner === "object" && owner !== null ? contextSources.get(owner) : undefined;
  if (source === undefined) throw new ArgumentError(`${operation}: expected a Runtime (from Runtime.start()), got ${describe(owner)}`);
  return source(operation);
}

/** 16- and 32-bit views of one core's memory (HeapContext.views). */
export interface MemoryViews {
  readonly units: Uint16Array;
  readonly words: Uint32Array;
}

/** What the backstop keeps for a handle: its slot and its cycle, reached through a cell the cycle empties when it ends. */
interface Held {
  readonly cell: BackstopCell;
  readonly slot: number;
}

// Note [The backstop lets go of an ended cycle]
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
// A FinalizationRegistry holds its held values strongly until the callback
// has run, and callbacks run only as tasks. Had the held value been the
// HeapContext itself, every handle dropped without free() would keep its
// cycle's context, threads and so the instance and its WebAssembly.Memory
// alive until a task ran after its collection: a loop of start → work →
// shutdown that awaits only promises never gives one, and ran out of wasm
// memory in Chromium after ~200 runtimes (found by the browser demo). The
// held value names the cycle through a cell that HeapContext.end() empties,
// so an ended cycle is reachable from nothing the backstop keeps.
interface BackstopCell {
  context: HeapContext | undefined;
}

// Module-level, so it lives as long as the package: an unreachable registry
// never calls back (docs: DESIGN.md, measured facts).
const backstop = new FinalizationRegistry<Held>((held) => held.cell.context?.reclaim(held.slot));

/** The heap state of one runtime cycle, on the host side. */
export class HeapContext {
  readonly owner: HeapOwner;
  readonly hostRefs = new HostRefTable();
  /** @internal Note [One word per value until a collection] (word-cache.ts). */
  readonly words = new WordCache();
  readonly maxHeap: number;
  /**
   * @internal Set by the finaliser queue while a custom finaliser runs: every
   * call into the runtime, MVar operations included, is then refused
   * (Note [The finaliser queue], src/final/finalisers.ts).
   */
  inCustomFinaliser = false;
  #guard: CoreGuard;
  #ended: StaleReason | undefined;
  /** Names this cycle to the backstop until it ends; see Note [The backstop lets go of an ended cycle]. */
  readonly #backstopCell: BackstopCell = { context: this };
  #scopes: Handle[][] = [];
  /** Handles made outside a scope since the last flush, not yet registered: Note [The backstop registers late]. */
  #unregistered: Handle[] = [];
  /** A flush of #unregistered is queued for a later turn. */
  #flushQueued = false;
  #reclaimed = 0;
  #views: MemoryViews | undefined;
  /** Index of the mailbox's poll word (mvar_mailbox, assembly/mvar/mailbox.ts) in a u32 view; -1 until asked. */
  #pollWordAt = -1;

  /** What the subsystems above the heap do after a collection; see Note [The heap calls up through its context]. */
  #events: HeapEvents | undefined;
  readonly #makers: HandleMakers;

  constructor(owner: HeapOwner, guard: CoreGuard, maxHeap: number, makers: HandleMakers) {
    this.owner = owner;
    this.#guard = guard;
    this.maxHeap = maxHeap;
    this.#makers = makers;
  }

  /** @internal The runtime wires the threads and the finalisers in, once both exist. */
  listen(events: HeapEvents): void {
    this.#events = events;
  }

  /** @internal What to tell after a collection (afterAllocation, src/heap/poll.ts). */
  get events(): HeapEvents {
    const events = this.#events;
    if (events === undefined) throw new Error("HeapContext.events: the runtime has not wired this cycle's threads and finalisers yet (Runtime #init does)");
    return events;
  }

  /** @internal A new handle on the object in `slot`, of the class JS sees for its kind (decode). */
  wrap(kind: HandleKind, slot: number): Handle {
    return this.#makers[kind](this, slot);
  }

  /** Why this cycle's handles are stale, or undefined while it runs. */
  get ended(): StaleReason | undefined {
    if (this.#ended === undefined && this.owner.state !== "running") return "shutdown";
    return this.#ended;
  }

  /**
   * @internal Views over the core's whole memory (strings are read and
   * written through them: Note [Strings without a call per field],
   * values.ts), remade when memory.grow has detached the last buffer (its
   * views then have length 0), dropped when the cycle ends so that a stale
   * handle keeps no memory alive.
   */
  views(core: CoreExports): MemoryViews {
    let views = this.#views;
    if (views === undefined || views.words.length === 0) {
      const buffer = core.memory.buffer;
      views = this.#views = { units: new Uint16Array(buffer), words: new Uint32Array(buffer) };
    }
    return views;
  }

  /** @internal Where the core leaves the poll bits of a call that publishes them (afterPublished, poll.ts): fixed per instance. */
  pollWordAt(core: CoreExports): number {
    let at = this.#pollWordAt;
    if (at < 0) at = this.#pollWordAt = core.mvar_mailbox() >>> 2;
    return at;
  }

  /** The cycle ends; returns how many host references were released. */
  end(reason: "shutdown" | "restarted"): number {
    this.#ended = reason;
    this.#backstopCell.context = undefined;
    this.#views = undefined;
    this.#scopes = [];
    // Their slots went with the table; holding them would keep this cycle alive (Note [The backstop lets go of an ended cycle]).
    this.#unregistered = [];
    this.words.clear();
    return this.hostRefs.releaseAll();
  }

  run<T>(operation: string, body: (core: CoreExports) => T): T {
    return this.#guard(operation, body);
  }

  /** @internal The cell the backstop reaches this cycle through. */
  get backstopCell(): BackstopCell {
    return this.#backstopCell;
  }

  /**
   * @internal The live core, checked as run() checks it, for a hot path
   * that calls it directly instead of through a closure (Block.get/set: a
   * closure per call was a third of an int get). The caller wraps its core
   * calls in try/catch and throws `failed(operation, thrown)`.
   */
  enter(operation: string): CoreExports {
    return this.#guard(operation, coreItself);
  }

  /** @internal What a core call made after enter() threw, as run() would throw it: a trap marks the runtime dead. */
  failed(operation: string, thrown: unknown): unknown {
    try {
      this.#guard(operation, () => {
        throw thrown;
      });
    } catch (guarded) {
      return guarded;
    }
    return thrown;
  }

  /** Handles reclaimed by the FinalizationRegistry because nobody freed them. */
  get reclaimedByFinalizer(): number {
    return this.#reclaimed;
  }

  /** @internal Frees a slot, if this cycle still runs. */
  release(slot: number): void {
    if (this.ended !== undefined) return;
    // Every handle's free() ends here: no closure per call (Note [Block access without a closure], block.ts).
    const core = this.enter("Handle.free");
    try {
      core.handle_free(slot);
    } catch (thrown) {
      throw this.failed("Handle.free", thrown);
    }
  }

  /** @internal The backstop: a handle was collected by V8 without free(). */
  reclaim(slot: number): void {
    if (this.ended !== undefined) return;
    this.#reclaimed++;
    try {
      this.release(slot);
    } catch {
      // The runtime died meanwhile: its table went with it.
    }
  }

  /** @internal Puts a new handle in the innermost scope; false when no scope is open. */
  track(handle: Handle): boolean {
    const scopes = this.#scopes;
    if (scopes.length === 0) return false;
    scopes[scopes.length - 1]!.push(handle);
    return true;
  }

  /**
   * @internal A handle made outside any scope: registered with the backstop
   * at the next flush unless freed by then. See Note [The backstop registers late].
   */
  defer(handle: Handle): void {
    const unregistered = this.#unregistered;
    unregistered.push(handle);
    if (unregistered.length >= BACKSTOP_BATCH) this.flushBackstop();
    else if (!this.#flushQueued) {
      this.#flushQueued = true;
      // Through the cell, so that a queued flush keeps no ended cycle alive.
      const cell = this.#backstopCell;
      nextTurn(() => cell.context?.flushBackstop());
    }
  }

  /** @internal Registers every deferred handle not freed meanwhile. */
  flushBackstop(): void {
    const unregistered = this.#unregistered;
    this.#unregistered = [];
    this.#flushQueued = false;
    for (let i = 0; i < unregistered.length; i++) backstopDeferred(unregistered[i]!);
  }

  /**
   * Runs `fn`; every handle made during it is freed when it returns or
   * throws, except the handle it returns, which moves to the enclosing scope.
   */
  scope<T>(fn: () => T): T {
    if (typeof fn !== "function") throw new ArgumentError(`Runtime.scope: expected a function, got ${typeof fn}`);
    const frame: Handle[] = [];
    this.#scopes.push(frame);
    let result: T | undefined;
    let returned = false;
    try {
      result = fn();
      returned = true;
    } finally {
      if (this.#scopes.at(-1) === frame) this.#scopes.pop();
      const escaping = returned && isHandle(result) ? result : undefined;
      for (const handle of frame) if (handle !== escaping) handle.free();
      // Note [A scope is the backstop]: out of the last scope, the registry takes over.
      if (escaping !== undefined && !this.track(escaping)) backstopEscaped(escaping);
    }
    if (isThenable("Runtime.scope", result)) {
      throw new ArgumentError("Runtime.scope: the function returned a promise; scopes are synchronous (handles made after an await would escape them). Free those handles yourself, or use a scope between awaits");
    }
    return result as T;
  }
}

const coreItself = (core: CoreExports): CoreExports => core;

/** Set while handles are made that their maker frees itself (withoutBackstop). */
let skipBackstop = false;

/**
 * @internal Runs `make`; the handles it makes are not registered with the
 * backstop, because the caller frees every one of them itself, in a
 * `finally` (the values finalise functions receive, src/final/finalisers.ts): a
 * registration and unregistration per value would cost more than the rest.
 */
export function withoutBackstop<T>(make: () => T): T {
  skipBackstop = true;
  try {
    return make();
  } finally {
    skipBackstop = false;
  }
}

let slotOfHandle: (handle: Handle, operation: string, user?: HeapContext) => number;
let contextOfHandle: (handle: Handle) => HeapContext;
let handleBrand: (value: object) => boolean;

/** True when `value` is a Handle (Block, MVar, Custom, Weak), by its brand: no user code runs. */
export function isHandle(value: unknown): value is Handle {
  return typeof value === "object" && value !== null && handleBrand(value);
}

let backstopEscaped: (handle: Handle) => void;
let backstopDeferred: (handle: Handle) => void;

/** Most handles deferred before a flush (Note [The backstop registers late]). */
const BACKSTOP_BATCH = 256;
/** A handle's standing with the backstop. */
const NOT_BACKSTOPPED = 0;
const DEFERRED = 1;
const REGISTERED = 2;

// Note [A scope is the backstop]
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
// The FinalizationRegistry backstop exists for handles nobody frees. A
// handle made while a scope is open is freed by that scope, in a finally,
// whatever its function does; so it is not registered. Registering one cost
// more than everything else a block costs: profiling 2·10⁶ rt.block calls
// in scopes (node --cpu-prof, issue 18) put 54 % of the time in the Handle
// constructor's register call and 19 % in V8's collector (its registry
// cells), for ~1.8 µs per block against ~0.25 µs without. The one handle a
// scope's function returns escapes to the enclosing scope, and when there is
// none it is registered at that moment, so every handle outside a scope is
// still backstopped. withoutBackstop's handles are freed by their maker, so
// they are never registered, in a scope or not, nor kept by a scope (which
// kept tens of thousands of finalise values alive till the scope's end).

// Note [The backstop registers late]
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
// Outside a scope, registering each handle as it was made was still most of
// what a handle cost where handles are made and freed in a stream: a CPU
// profile of ping-pong with a Block payload (each take hands back a new
// Block, which the receiver reads and frees; issue 18) had 30 % of the time
// in the Handle constructor's register call, 16 % in V8's collector (the
// registry's cells) and 4 % in free's unregister. So a handle made outside a
// scope is only put on its cycle's list, and the list is registered later:
// in the next turn of the event loop (nextTurn), or at once when it reaches
// BACKSTOP_BATCH handles, whichever comes first. A handle freed before then
// is never registered, nor unregistered. The list holds its handles
// strongly, so a handle dropped before the flush stays alive until the
// flush has registered it: the backstop still reclaims every handle nobody
// frees, at most a turn (or BACKSTOP_BATCH handles) later. The queued flush
// reaches the cycle through the backstop cell, and an ended cycle empties
// its list, so neither keeps an ended cycle alive (Note [The backstop lets
// go of an ended cycle]). A scope's escaping handle is registered at once,
// as before: a scope's return is already the batch.

/** A heap object held by JS: a GC root until freed. See Note [Handle stamps]. */
export class Handle {
  readonly #context: HeapContext;
  readonly #slot: number;
  /** NOT_BACKSTOPPED, DEFERRED or REGISTERED: Note [The backstop registers late]. */
  #backstopped: number;
  #freed = false;

  /** @internal Wraps a slot the core just handed out. */
  constructor(context: HeapContext, slot: number) {
    this.#context = context;
    this.#slot = slot;
    // Note [A scope is the backstop]; Note [The backstop registers late].
    // withoutBackstop's handles are not kept by a scope either.
    if (skipBackstop || context.track(this)) this.#backstopped = NOT_BACKSTOPPED;
    else {
      this.#backstopped = DEFERRED;
      context.defer(this);
    }
  }

  static {
    // A brand check: no Proxy trap or prototype of the user's runs (Note [User code runs before the core is entered]).
    handleBrand = (value) => #slot in value;
    slotOfHandle = (handle, operation, user) => handle.#checkedSlot(operation, user);
    contextOfHandle = (handle) => handle.#context;
    backstopEscaped = (handle) => {
      if (handle.#backstopped !== NOT_BACKSTOPPED || handle.#freed) return;
      handle.#register();
    };
    backstopDeferred = (handle) => {
      if (handle.#backstopped === DEFERRED && !handle.#freed) handle.#register();
    };
  }

  /** Lets the object go (it is collected once nothing else reaches it). Idempotent. */
  free(): void {
    if (this.#freed) return;
    this.#freed = true;
    if (this.#backstopped === REGISTERED) backstop.unregister(this);
    this.#context.release(this.#slot);
  }

  #register(): void {
    this.#backstopped = REGISTERED;
    backstop.register(this, { cell: this.#context.backstopCell, slot: this.#slot }, this);
  }

  [Symbol.dispose](): void {
    this.free();
  }

  /** True after free() (or dispose, or the end of its scope). */
  get freed(): boolean {
    return this.#freed;
  }

  #checkedSlot(operation: string, user: HeapContext | undefined): number {
    if (user !== undefined && user !== this.#context && user.owner.id !== this.#context.owner.id) {
      throw new ForeignHandleError(operation, this.#context.owner.id, user.owner.id);
    }
    if (this.#freed) throw new StaleHandleError(operation, "freed");
    const ended = this.#context.ended;
    if (ended !== undefined) throw new StaleHandleError(operation, ended);
    if (user !== undefined && user !== this.#context) throw new StaleHandleError(operation, "restarted");
    return this.#slot;
  }
}

/** @internal The live slot of a handle, checked against the context using it. */
export function handleSlot(handle: Handle, operation: string, user?: HeapContext): number {
  return slotOfHandle(handle, operation, user);
}

/** @internal The context a handle belongs to. */
export function handleContext(handle: Handle): HeapContext {
  return contextOfHandle(handle);
}
