// After any core call that may have collected: release the host references
// whose objects died, run the finalisers a collection found due (dead custom
// blocks; finalise, finaliseLast and weak functions), and surface a
// sanity verdict the collector recorded (option `sanity`) as a SanityError.

import type { CoreExports } from "../core/exports.js";
import type { HeapContext } from "./handles.js";
import { sanityErrorFrom } from "./sanity.js";

const POLL_DEAD_HOSTREFS = 1;
const POLL_FAILURE = 2;
const POLL_WOKEN = 4;
const POLL_CHAOS = 8;
const POLL_DEAD_CUSTOMS = 16;
const POLL_FINALISERS = 32;

export function afterAllocation(context: HeapContext, core: CoreExports): void {
  const pending = core.heap_poll();
  if ((pending & (POLL_WOKEN | POLL_CHAOS)) !== 0) {
    // Threads and finalisers live above the heap (Note [The heap calls up through its context], handles.ts).
    const events = context.events;
    if ((pending & POLL_WOKEN) !== 0) events.threadsWoken(core);
    if ((pending & POLL_CHAOS) !== 0) events.chaosFired(core);
  }
  if ((pending & POLL_DEAD_HOSTREFS) !== 0) drainDeadHostRefs(context, core);
  // Runs their finalisers now, after the collection (Note [The finaliser queue]).
  if ((pending & (POLL_DEAD_CUSTOMS | POLL_FINALISERS)) !== 0) context.events.finalisersDue(core);
  if ((pending & POLL_FAILURE) !== 0) throw sanityErrorFrom(core);
}

/**
 * afterAllocation for a core call that left its poll bits in the mailbox
 * (heap_set_new_string): nothing to do, and no heap_poll call, while they are 0.
 */
export function afterPublished(context: HeapContext, core: CoreExports): void {
  if (context.views(core).words[context.pollWordAt(core)] !== 0) afterAllocation(context, core);
}

function drainDeadHostRefs(context: HeapContext, core: CoreExports): void {
  const count = core.hostref_dead_length() >>> 0;
  // An indexed loop over the cycle's memory view: a typed array and its
  // iterator per drain were 14 % of an object tryPut+tryTake (issue 18's profile).
  const words = context.views(core).words;
  const start = core.hostref_dead_queue() >>> 2;
  const hostRefs = context.hostRefs;
  for (let i = 0; i < count; i++) hostRefs.release(words[start + i]!);
  core.hostref_dead_clear();
  // The collection made every cached word stale: let go of the objects now, not at the next crossing.
  context.words.clear();
}
