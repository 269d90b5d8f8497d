// After any core call that may have collected: release the host references
// whose objects died, and surface a sanity verdict the collector recorded
// (option `sanity`) as a SanityError.

import type { CoreExports } from "./core.js";
import type { HeapContext } from "./handles.js";
import { sanityErrorFrom } from "./sanity.js";

const POLL_DEAD_HOSTREFS = 1;
const POLL_FAILURE = 2;

export function afterAllocation(context: HeapContext, core: CoreExports): void {
  const pending = core.heap_poll();
  if ((pending & POLL_DEAD_HOSTREFS) !== 0) drainDeadHostRefs(context, core);
  if ((pending & POLL_FAILURE) !== 0) throw sanityErrorFrom(core);
}

function drainDeadHostRefs(context: HeapContext, core: CoreExports): void {
  const count = core.hostref_dead_length() >>> 0;
  const queue = new Uint32Array(core.memory.buffer, core.hostref_dead_queue() >>> 0, count);
  for (const index of queue) context.hostRefs.release(index);
  core.hostref_dead_clear();
}
