// A weak hash table, after OCaml's Ephemeron.K1.Make: each entry is an
// ephemeron (ephemeron.ts) from its key to its value, so an entry vanishes
// when its key dies, and a value that mentions its own key (or another
// entry's) keeps no key alive: the memo-table use case. `rt.weakTable({ hash,
// equal? })`.
//
// Note [A weak table hashes what the caller says]
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
// Heap objects move, so an address is no hash, and the header has no room
// for a stable one. As OCaml's functor asks for a HashedType, the table asks
// for `hash(key)` (a number or string computed from what the key holds, the
// same for equal keys) and optionally `equal(a, b)`; without it two keys are
// equal when they are the same heap object. Buckets are a JS Map from hash to
// entries; each entry is an Ephemeron handle (a root for the ephemeron, never
// for its key). Dead entries are dropped when a lookup meets them and, all
// at once, when `size` or `clean()` finds that collections have emptied
// ephemerons since the last sweep (the core counts them).

import { ArgumentError, StaleHandleError } from "../core/errors.js";
import { describe } from "../core/options.js";
import { type Handle, handleSlot, isHandle, type HeapContext } from "../heap/handles.js";
import { snapshotOptions } from "../core/user.js";
import { decode } from "../heap/values.js";
import { Ephemeron, ephemeronKeyIs, makeEphemeron } from "./ephemeron.js";

/** rt.weakTable's options. */
export interface WeakTableOptions<K extends Handle> {
  /** The hash of a key: a number or string, equal for equal keys. Required. */
  readonly hash: (key: K) => number | string;
  /** Whether two keys are equal; default: the same heap object. */
  readonly equal?: (a: K, b: K) => boolean;
}

const knownOptions: ReadonlySet<string> = new Set(["hash", "equal"]);

/** A hash table whose entries vanish when their key dies. */
export class WeakTable<K extends Handle, V> {
  readonly #context: HeapContext;
  readonly #hash: (key: K) => number | string;
  readonly #equal: ((a: K, b: K) => boolean) | undefined;
  readonly #buckets = new Map<number | string, Ephemeron<V>[]>();
  #entries = 0;
  /** The core's count of emptied ephemerons at the last sweep. */
  #swept = 0;
  #freed = false;

  /** @internal Made by rt.weakTable. */
  constructor(context: HeapContext, options: unknown) {
    const operation = "Runtime.weakTable";
    if (options === undefined) throw new ArgumentError(`${operation}: options must be an object like { hash, equal? }, got undefined`);
    // Read once: src/core/user.ts.
    const { hash, equal } = snapshotOptions(operation, options, knownOptions, "{ hash, equal? }") as Partial<WeakTableOptions<K>>;
    if (typeof hash !== "function") throw new ArgumentError(`${operation}: options.hash must be a function (key) => number | string, got ${describe(hash)}`);
    if (equal !== undefined && typeof equal !== "function") throw new ArgumentError(`${operation}: options.equal must be a function (a, b) => boolean, got ${describe(equal)}`);
    this.#context = context;
    this.#hash = hash;
    this.#equal = equal;
    this.#swept = context.run(operation, (core) => core.ephemeron_cleared());
  }

  /** Binds `key` to `value`, replacing the entry of an equal key. The value is reachable only while the key is. */
  set(key: K, value: V): void {
    const operation = "WeakTable.set";
    const hash = this.#hashOf(key, operation);
    const bucket = this.#buckets.get(hash);
    const entry = makeEphemeron<V>(this.#context, operation, key, value);
    if (bucket === undefined) {
      this.#buckets.set(hash, [entry]);
      this.#entries++;
      return;
    }
    const at = this.#find(bucket, key, operation);
    if (at >= 0) {
      bucket[at]!.free();
      bucket[at] = entry;
    } else {
      bucket.push(entry);
      this.#entries++;
    }
  }

  /** The value bound to a key equal to `key`, or undefined. */
  get(key: K): V | undefined {
    const operation = "WeakTable.get";
    const bucket = this.#buckets.get(this.#hashOf(key, operation));
    if (bucket === undefined) return undefined;
    const at = this.#find(bucket, key, operation);
    return at < 0 ? undefined : bucket[at]!.deref();
  }

  /** True when a key equal to `key` is bound. */
  has(key: K): boolean {
    const operation = "WeakTable.has";
    const bucket = this.#buckets.get(this.#hashOf(key, operation));
    return bucket !== undefined && this.#find(bucket, key, operation) >= 0;
  }

  /** Removes the entry of a key equal to `key`; true if there was one. */
  delete(key: K): boolean {
    const operation = "WeakTable.delete";
    const hash = this.#hashOf(key, operation);
    const bucket = this.#buckets.get(hash);
    if (bucket === undefined) return false;
    const at = this.#find(bucket, key, operation);
    if (at < 0) return false;
    this.#drop(hash, bucket, at);
    return true;
  }

  /** Live entries: dead ones are swept first if collections emptied any ephemeron since the last sweep. */
  get size(): number {
    this.#live("WeakTable.size");
    this.clean();
    return this.#entries;
  }

  /** Drops every entry whose key died; returns how many. O(entries) when collections emptied ephemerons since the last sweep, O(1) otherwise. */
  clean(): number {
    const operation = "WeakTable.clean";
    this.#live(operation);
    const context = this.#context;
    return context.run(operation, (core) => {
      const cleared = core.ephemeron_cleared();
      if (cleared === this.#swept) return 0;
      this.#swept = cleared;
      let dropped = 0;
      for (const [hash, bucket] of this.#buckets) {
        let kept = 0;
        for (const entry of bucket) {
          if (core.ephemeron_is_dead(core.handle_get(handleSlot(entry, operation, context)) >>> 0) !== 0) {
            entry.free();
            dropped++;
          } else {
            bucket[kept++] = entry;
          }
        }
        bucket.length = kept;
        if (kept === 0) this.#buckets.delete(hash);
      }
      this.#entries -= dropped;
      return dropped;
    });
  }

  /** Removes every entry. */
  clear(): void {
    this.#live("WeakTable.clear");
    for (const bucket of this.#buckets.values()) for (const entry of bucket) entry.free();
    this.#buckets.clear();
    this.#entries = 0;
  }

  /** Lets every entry go; the table cannot be used after. */
  free(): void {
    if (this.#freed) return;
    if (this.#context.ended === undefined) this.clear();
    this.#freed = true;
  }

  [Symbol.dispose](): void {
    this.free();
  }

  #live(operation: string): void {
    if (this.#freed) throw new StaleHandleError(operation, "freed");
  }

  #hashOf(key: K, operation: string): number | string {
    this.#live(operation);
    if (!isHandle(key)) throw new ArgumentError(`${operation}: the key must be a heap object held by a handle, got ${describe(key)}`);
    handleSlot(key, operation, this.#context);
    const hash = this.#hash(key);
    if (typeof hash !== "string" && (typeof hash !== "number" || Number.isNaN(hash))) {
      throw new ArgumentError(`${operation}: options.hash returned ${describe(hash)}; it must return a number (not NaN) or a string`);
    }
    return hash;
  }

  /** Index in `bucket` of the live entry whose key equals `key`, or -1; drops dead entries it meets. */
  #find(bucket: Ephemeron<V>[], key: K, operation: string): number {
    const context = this.#context;
    const equal = this.#equal;
    const keySlot = handleSlot(key, operation, context);
    for (let i = 0; i < bucket.length; i++) {
      const entry = bucket[i]!;
      const slot = handleSlot(entry, operation, context);
      const found = context.run(operation, (core) => {
        const p = core.handle_get(slot) >>> 0;
        if (core.ephemeron_is_dead(p) !== 0) return undefined;
        if (equal === undefined) return ephemeronKeyIs(core, slot, keySlot);
        const other = decode(context, core, core.ephemeron_key(p, 0)) as K;
        try {
          return equal(key, other) === true;
        } finally {
          other.free();
        }
      });
      if (found === undefined) {
        entry.free();
        bucket.splice(i--, 1);
        this.#entries--;
      } else if (found) {
        return i;
      }
    }
    return -1;
  }

  #drop(hash: number | string, bucket: Ephemeron<V>[], at: number): void {
    bucket[at]!.free();
    bucket.splice(at, 1);
    if (bucket.length === 0) this.#buckets.delete(hash);
    this.#entries--;
  }
}
