// What the library reads from its host environment, in one place, so that
// the same code runs in Node and in a browser page. Nothing here imports a
// `node:` module or names `process` as a global: Node's process object is
// looked up on globalThis and may be missing (a browser, a worker, an edge
// runtime), and every reader has an answer for that case. See
// docs/decisions.md, "One library for Node and browsers".

/** The few members of Node's `process` the library uses, typed here so the
 *  package's declarations need no @types/node. */
interface NodeProcess {
  readonly env?: Record<string, string | undefined>;
  readonly versions?: { readonly node?: string };
  emitWarning?(warning: Error): void;
  getBuiltinModule?(id: string): unknown;
}

function nodeProcess(): NodeProcess | undefined {
  return (globalThis as { process?: NodeProcess }).process;
}

/** An environment variable where there is an environment (Node), else undefined. */
export function environmentVariable(name: string): string | undefined {
  return nodeProcess()?.env?.[name];
}

/** Reports an error nobody is waiting for: Node's process warning (printed
 *  once, observable with `process.on("warning")`), else the console. */
export function emitWarning(warning: Error): void {
  const process = nodeProcess();
  if (typeof process?.emitWarning === "function") process.emitWarning(warning);
  else console.warn(warning);
}

/** Node's built-in module `id` (e.g. "node:fs"), or undefined outside Node.
 *  process.getBuiltinModule (Node ≥ 20.16) gives it without an import, so a
 *  bundler for the browser sees no `node:` specifier to resolve or shim. */
export function nodeBuiltin<T>(id: string): T | undefined {
  const process = nodeProcess();
  if (typeof process?.getBuiltinModule !== "function") return undefined;
  return process.getBuiltinModule(id) as T | undefined;
}

/** Node's version string ("20.20.2"), or undefined outside Node. */
export function nodeVersion(): string | undefined {
  return nodeProcess()?.versions?.node;
}

/** A callback waiting for the next turn; see nextTurn. */
type TurnCallback = () => void;

interface TurnHost {
  setImmediate?: (callback: TurnCallback) => unknown;
  MessageChannel?: new () => { port1: { onmessage: (() => void) | null }; port2: { postMessage(message: unknown): void } };
}

function chooseNextTurn(): (callback: TurnCallback) => void {
  const host = globalThis as TurnHost;
  const setImmediate = host.setImmediate;
  if (typeof setImmediate === "function") return (callback) => void setImmediate(callback);
  if (typeof host.MessageChannel === "function") {
    const queued: TurnCallback[] = [];
    const channel = new host.MessageChannel();
    channel.port1.onmessage = () => queued.shift()!();
    return (callback) => {
      queued.push(callback);
      channel.port2.postMessage(undefined);
    };
  }
  return (callback) => void setTimeout(callback, 0);
}

/**
 * Runs a callback in a later turn of the event loop, after every microtask
 * queued before it: Node's setImmediate where there is one (the scheduler's
 * and the deadlock check's turns are defined as its callbacks), else a
 * MessageChannel message (a browser: a task, not clamped to 4 ms as nested
 * setTimeouts are), else setTimeout. Callbacks queued in one turn run in the
 * order they were queued, as with setImmediate. Chosen once, at load.
 */
export const nextTurn: (callback: TurnCallback) => void = chooseNextTurn();
