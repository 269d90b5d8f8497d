// The public API of unloadable: named re-exports only.

export { Runtime } from "./runtime.js";
export { Block } from "./block.js";
export { Handle } from "./handles.js";
export type { RuntimeState } from "./runtime.js";
export type { RuntimeOptions, HeapFaults } from "./options.js";
export type { HeapStats, GenerationStats, PauseStats } from "./heap-stats.js";
export type { PoolStats, RuntimeStats, ShutdownReport } from "./report.js";
export {
  UnloadableError,
  ArgumentError,
  ShutdownError,
  CoreTrapError,
  LifecycleError,
  SanityError,
  LeakError,
  OutOfMemoryError,
  StaleHandleError,
  ForeignHandleError,
  UnrepresentableValueError,
} from "./errors.js";
export type { SanityDetail, StaleReason } from "./errors.js";
