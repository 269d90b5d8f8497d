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
import { HostRefTable } from "./hostrefs.js";

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

interface Held {
  readonly context: HeapContext;
  readonly slot: number;
}

// Module-level, so it lives as long as the package: an unreachable registry
// never calls back (docs: DESIGN.md, measured facts).
const backstop = new FinalizationRegistry<Held>((held) => held.context.reclaim(held.slot));

/** The heap state of one runtime cycle, on the host side. */
export class HeapContext {
  readonly owner: HeapOwner;
  readonly hostRefs = new HostRefTable();
  readonly maxHeap: number;
  #guard: CoreGuard;
  #ended: StaleReason | undefined;
  #scopes: Handle[][] = [];
  #reclaimed = 0;

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

  /** The cycle ends; returns how many host references were released. */
  end(reason: "shutdown" | "restarted"): number {
    this.#ended = reason;
    this.#scopes = [];
    return this.hostRefs.releaseAll();
  }

  run<T>(operation: string, body: (core: CoreExports) => T): T {
    return this.#guard(operation, body);
  }

  /** Handles reclaimed by the FinalizationRegistry because nobody freed them. */
  get reclaimedByFinalizer(): number {
    return this.#reclaimed;
  }

  /** @internal Frees a slot, if this cycle still runs. */
  release(slot: number): void {
    if (this.ended !== undefined) return;
    this.#guard("Handle.free", (core) => core.handle_free(slot));
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

  /** @internal Puts a new handle in the innermost scope, if any. */
  track(handle: Handle): void {
    this.#scopes.at(-1)?.push(handle);
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
      const escaping = returned && result instanceof Handle ? result : undefined;
      for (const handle of frame) if (handle !== escaping) handle.free();
      if (escaping !== undefined) this.#scopes.at(-1)?.push(escaping);
    }
    if (result !== null && typeof result === "object" && typeof (result as { then?: unknown }).then === "function") {
      throw new ArgumentError("Runtime.scope: the function returned a promise; scopes are synchronous (handles made after an await would escape them). Free those handles yourself, or use a scope between awaits");
    }
    return result as T;
  }
}

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

/** A heap object held by JS: a GC root until freed. See Note [Handle stamps]. */
export class Handle {
  readonly #context: HeapContext;
  readonly #slot: number;
  readonly #backstopped: boolean;
  #freed = false;

  /** @internal Wraps a slot the core just handed out. */
  constructor(context: HeapContext, slot: number) {
    this.#context = context;
    this.#slot = slot;
    this.#backstopped = !skipBackstop;
    if (this.#backstopped) backstop.register(this, { context, slot }, this);
    context.track(this);
  }

  static {
    slotOfHandle = (handle, operation, user) => handle.#checkedSlot(operation, user);
    contextOfHandle = (handle) => handle.#context;
  }

  /** Lets the object go (it is collected once nothing else reaches it). Idempotent. */
  free(): void {
    if (this.#freed) return;
    this.#freed = true;
    if (this.#backstopped) backstop.unregister(this);
    this.#context.release(this.#slot);
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
