// The public API of unloadable: named re-exports only.

export { Runtime } from "./runtime.js";
export { Block } from "./heap/block.js";
export { Handle } from "./heap/handles.js";
export { Custom } from "./final/custom.js";
export { Weak } from "./final/weak.js";
export { Ephemeron } from "./final/ephemeron.js";
export { WeakTable } from "./final/weak-table.js";
export type { WeakTableOptions } from "./final/weak-table.js";
export type { CustomFinaliser } from "./final/custom.js";
export { Library, LibraryFinaliser } from "./final/library.js";
export type { LibrarySource, LibraryImports, LoadLibraryOptions } from "./final/library.js";
export type { FinaliserStats, FinaliserFailure, FinaliserPhase } from "./core/report.js";
export { MVar } from "./threads/mvar.js";
export { Chan, BoundedChan } from "./threads/chan.js";
export type { ChannelRuntime } from "./threads/chan.js";
export type { BlockingOptions } from "./threads/threads.js";
export type { RuntimeState } from "./runtime.js";
export type { RuntimeOptions, HeapFaults } from "./core/options.js";
export type { PluginSource, PluginImports, PluginView } from "./core/plugin.js";
export type { PoolStats, RuntimeStats, ShutdownReport, HeapStats, GenerationStats, PauseStats, EphemeronStats } from "./core/report.js";
export {
  UnloadableError,
  ArgumentError,
  ShutdownError,
  CoreTrapError,
  CoreLoadError,
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
  PluginError,
  StackOverflowError,
  ChannelClosedError,
} from "./core/errors.js";
export type { SanityDetail, StaleReason, StackOverflowOutcome, StackOverflowTrace } from "./core/errors.js";
