// The public API of unloadable: named re-exports only.

export { Runtime } from "./runtime.js";
export type { RuntimeState } from "./runtime.js";
export type { RuntimeOptions } from "./options.js";
export type { PoolStats, RuntimeStats, ShutdownReport } from "./report.js";
export {
  UnloadableError,
  ArgumentError,
  ShutdownError,
  CoreTrapError,
  LifecycleError,
  SanityError,
  LeakError,
} from "./errors.js";
