// The public API of unloadable: named re-exports only.

export { Runtime } from "./runtime.js";
export { Block } from "./block.js";
export { Handle } from "./handles.js";
export { Custom } from "./custom.js";
export { Weak } from "./weak.js";
export type { CustomFinaliser } from "./custom.js";
export { Library, LibraryFinaliser } from "./library.js";
export type { LibrarySource, LibraryImports, LoadLibraryOptions } from "./library.js";
export type { FinaliserStats, FinaliserFailure } from "./finalisers.js";
export { MVar } from "./mvar.js";
export { Chan, BoundedChan } from "./chan.js";
export type { BlockingOptions } from "./threads.js";
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
  FinaliserError,
  FinaliserCallError,
  LibraryError,
  ShutdownCheckError,
  BlockedIndefinitelyError,
} from "./errors.js";
export type { SanityDetail, StaleReason, FinaliserPhase } from "./errors.js";
