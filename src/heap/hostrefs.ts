// The host side of host references: the JS values that heap objects of kind
// `hostref` stand for. The heap object holds an index into this table; the
// core reports the indices whose objects died after each collection
// (assembly/heap/hostrefs.ts) and the runtime releases them here, so the JS
// value becomes collectable by V8. At shutdown every entry is released.

/** Table of JS values referenced from one runtime cycle's heap. */
export class HostRefTable {
  /** Index → value; `undefined` marks a free index (undefined never crosses). */
  #values: unknown[] = [];
  #free: number[] = [];
  #live = 0;
  #released = 0;

  /** Stores `value` and returns its index. */
  add(value: unknown): number {
    const index = this.#free.pop() ?? this.#values.length;
    this.#values[index] = value;
    this.#live++;
    return index;
  }

  /** The value at a live index. */
  get(index: number): unknown {
    const value = this.#values[index];
    if (value === undefined) throw new Error(`HostRefTable.get: index ${index} is not live (the core and the host disagree about a host reference)`);
    return value;
  }

  /** Lets the value at `index` go; the index may be reused. */
  release(index: number): void {
    if (this.#values[index] === undefined) throw new Error(`HostRefTable.release: index ${index} is not live (released twice?)`);
    this.#values[index] = undefined;
    this.#free.push(index);
    this.#live--;
    this.#released++;
  }

  /** Releases every value (shutdown); returns how many were live. */
  releaseAll(): number {
    const count = this.#live;
    this.#values = [];
    this.#free = [];
    this.#live = 0;
    this.#released += count;
    return count;
  }

  /** Values held. */
  get live(): number {
    return this.#live;
  }

  /** Values released so far (dead heap objects and shutdown). */
  get released(): number {
    return this.#released;
  }
}
