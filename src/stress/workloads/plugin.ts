// A user's plugin as a workload: each cycle runs one export of the plugin
// (`unloadable stress --module FILE.wasm --entry NAME`) in a fresh runtime
// (or a restarted one), so a plugin author can prove their plugin gives
// every byte back, with every check the harness has (docs/plugins.md,
// "Proving a plugin with the harness").
//
// The workload's own verification is the entry's answer: the same export
// with the same arguments in a freshly started (or restarted) runtime must
// answer the same every cycle, so a plugin that corrupts its heap, or that
// carries state from one cycle into the next (a global that survives a
// restart), is told apart from one that only leaks.

import type { Runtime } from "../../runtime.js";
import type { Workload, WorkloadContext, WorkloadOutcome } from "../workload.js";

/** The workload's name in reports. */
export const PLUGIN_WORKLOAD = "plugin";

/** One workload running `entry(...args)` of the plugin `module` each cycle. */
export function pluginWorkload(module: WebAssembly.Module, entry: string, args: readonly number[], label: string): Workload {
  let firstAnswer: unknown;
  let answered = false;
  return {
    name: PLUGIN_WORKLOAD,
    summary: `${label}: calls ${entry}(${args.join(", ")}) each cycle`,
    runtimeOptions: { module },
    run({ runtime }: WorkloadContext): WorkloadOutcome {
      const answer = runtime.call(entry, ...args);
      const before = collections(runtime);
      const outcome = { operations: 1, blocksLeft: 0, bytesLeft: 0, figures: { collections: before } };
      if (!answered) {
        firstAnswer = answer;
        answered = true;
        return { ...outcome, verifications: 0 };
      }
      if (!Object.is(answer, firstAnswer)) {
        return { ...outcome, verifications: 1, violation: `${entry}(${args.join(", ")}) answered ${String(answer)}, but ${String(firstAnswer)} in the first cycle: the plugin's result depends on what earlier cycles left behind` };
      }
      return { ...outcome, verifications: 1 };
    },
  };
}

function collections(runtime: Runtime): number {
  return runtime.stats().heap.collections.total;
}
