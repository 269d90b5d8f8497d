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
