// A small Scheme on the unloadable heap: the plugin's entry. It re-exports
// the core's ABI (the one line every plugin has) and adds its own exports,
// `run` and `demo` (run.ts). examples/scheme/README.md describes the
// language and how to run it.
export * from "../../assembly/index";
export { run, demo } from "./run";
