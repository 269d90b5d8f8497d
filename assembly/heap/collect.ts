// The collector's drivers: which generations a collection includes, the order
// of its phases, its counters and its pause time; and the heap's configuration,
// startup and reset for the lifecycle.
//
// Note [Collection levels]
// ~~~~~~~~~~~~~~~~~~~~~~~~
// A collection of level N collects the nursery and generations 0..N; level 0
// is a minor collection (nursery and the aging generation 0), level
// count - 1 is a major one. When the nursery fills, the level is the oldest
// generation k whose bytes have reached its threshold, which after each
// collection of k is set to GROWTH × its live bytes (at least MIN_THRESHOLD
// nurseries): old generations are collected about as often as they double,
// as GHC's -F. Phases, in order:
//   1. detach from-space of 0..N; their remembered sets are dropped (every
//      live object in them is copied and re-examined)
//   2. roots: handles, the root stack, then the remembered sets of N+1..,
//      then the MVar wake list and, in a minor collection only, the blocked
//      threads (Note [Blocked threads are not roots], mvar/tso.ts)
//   3. the Cheney scan of to-space (scavenge.ts; a minor collection that has
//      copied 1/8 of a nursery promotes the rest in place and scans it there:
//      Note [Promoting the nursery in place], promote.ts), alternating with the trace
//      of weak pointers whose keys are alive until neither finds anything
//      new (Note [Weak fields are not scanned], weak.ts), and so does the
//      trace of ephemerons whose keys are alive (Note [Ephemeron fields are
//      not scanned], ephemeron.ts); the dead values of
//      `finalise` registrations are resurrected and queued, and the scan and
//      trace run again over them; then blocked threads a major collection
//      did not reach are woken as deadlocked (mvar/tso.ts)
//   4. weak pointers with dead keys are cleared, dead `finaliseLast` values
//      queued (Note [Finalisation in a collection], finalise.ts), ephemerons
//      with a dead key emptied (ephemeron.ts); host
//      references and custom blocks: follow the moved, queue the dead
//      (hostrefs.ts, custom.ts)
//   5. free from-space, empty the nursery, count, time, and (option sanity)
//      re-check every invariant.

import { mutatorFinalisersReset } from "./mutator-finalisers";
import { coreEnter, coreLeave } from "../core-depth";
import { poolBytes, poolLimit } from "../pool";
import { fail, failureCheck, CHECK_NONE } from "../failure";
import { remsetTruncate, remsetsReset } from "../barrier";
import { sanityCheck } from "../sanity";
import { liftLimit, restoreLimit, metaReset } from "./meta";
import { nurseryConfigure, nurseryEmpty, nurseryReset, nurserySize, NURSERY_DEFAULT } from "./nursery";
import {
  generationCount, setGenerationCount, genDetach, genFreeFrom, genMarkScanStart, genCountCollection,
  genBytes, genThreshold, genSetThreshold, genReset,
} from "./generations";
import { beginEvacuation, endEvacuation, bytesCopied } from "./evacuate";
import { promoteReset } from "./promote";
import { scavengeRememberedSets, scavengeToSpace } from "./scavenge";
import { handlesEvacuate, handlesReset } from "./handles";
import { rootsEvacuate, rootsReset } from "./roots";
import { hostrefsSweep, hostrefsReset } from "./hostrefs";
import { customSweep, customReset } from "./custom";
import { pauseRecord, pausesReset, PAUSE_MINOR, PAUSE_MAJOR } from "./pauses";
import { mvarReset } from "../mvar/mvar";
import { threadsRootsEvacuate, threadsAfterScan } from "../mvar/tso";
import { wakeRootsEvacuate } from "../mvar/wake";
import { weakBegin, weakTrace, weakReset } from "./weak";
import { ephemeronBegin, ephemeronTrace, ephemeronClear, ephemeronReset } from "./ephemeron";
import { finaliseFirst, finaliseLastAndWeaks, finaliseDueEvacuate, finaliseReset } from "./finalise";

/** Milliseconds from the host's monotonic clock (performance.now). */
@external("env", "now")
declare function now(): f64;

@inline const GROWTH: u32 = 2;
@inline const MIN_THRESHOLD_NURSERIES: u32 = 4;

let configuredNursery: usize = NURSERY_DEFAULT;
let configuredGenerations: i32 = 2;
let sanityAfterCollection = false;

/**
 * Collections since init, in static memory: the host reads it through its
 * memory view without a call before it reuses a cached word (gc_count_address;
 * Note [One word per value until a collection], src/heap/word-cache.ts).
 */
const collectionsWord: usize = memory.data(<i32>sizeof<u32>(), <i32>sizeof<u32>());
let majorCollections: u32 = 0;
/** f64: a long run copies more than 2^32 bytes. */
let copiedTotal: f64 = 0;
let largeSinceCollection: usize = 0;
let inCollection = false;

/** Set by the host before init (heap_configure); kept across restarts. */
export function heapConfigure(nursery: usize, generations: i32, sanity: bool): void {
  configuredNursery = nursery;
  configuredGenerations = generations;
  sanityAfterCollection = sanity;
}

export function sanityEnabled(): bool { return sanityAfterCollection; }

/** Lifecycle startup: empty generations; the nursery comes with the first allocation (Note [Lazy nursery]). */
export function heapStartup(): void {
  setGenerationCount(configuredGenerations);
  nurseryConfigure(configuredNursery);
  let count = generationCount();
  for (let g = 1; g < count; g++) genSetThreshold(g, minThreshold());
}

/** Lifecycle step (5): the pool destroy freed every byte; forget the addresses. */
export function heapReset(): void {
  nurseryReset();
  genReset();
  remsetsReset();
  handlesReset();
  rootsReset();
  hostrefsReset();
  customReset();
  weakReset();
  ephemeronReset();
  finaliseReset();
  mutatorFinalisersReset();
  mvarReset();
  pausesReset();
  promoteReset();
  metaReset();
  store<u32>(collectionsWord, 0);
  majorCollections = 0;
  copiedTotal = 0;
  largeSinceCollection = 0;
  inCollection = false;
}

@inline function minThreshold(): u32 { return <u32>nurserySize() * MIN_THRESHOLD_NURSERIES; }

/** The level a collection forced by a full nursery gets. See Note [Collection levels]. */
export function policyLevel(): i32 {
  let level = 0;
  let count = generationCount();
  for (let g = 1; g < count; g++) if (genBytes(g) >= genThreshold(g)) level = g;
  return level;
}

/**
 * The nursery is full: collect at the policy's level and, if the pool is then
 * over maxHeap, majorly. False: still over, the allocation must fail
 * (Note [maxHeap and the collector]).
 */
export function collectForAllocation(): bool {
  let level = policyLevel();
  collect(level);
  let major = generationCount() - 1;
  if (poolBytes() > poolLimit() && level < major) collect(major);
  return poolBytes() <= poolLimit();
}

export function collectMajor(): void { collect(generationCount() - 1); }

/** Bytes of large objects allocated since the last collection, `bytes` included. */
export function noteLargeAllocation(bytes: usize): usize {
  largeSinceCollection += bytes;
  return largeSinceCollection;
}

/** One collection of the given level. See Note [Collection levels]. */
export function collect(level: i32): void {
  coreEnter(); // Note [Overflow inside or outside the core] (core-depth.ts)
  collectCounted(level);
  coreLeave();
}

function collectCounted(level: i32): void {
  if (inCollection) fail("collect: re-entered during a collection (an allocation inside the collector)");
  inCollection = true;
  let t0 = now();
  let count = generationCount();
  if (level >= count) level = count - 1;
  let major = level == count - 1;
  liftLimit();
  beginEvacuation(level);
  for (let g = 0; g <= level; g++) {
    genDetach(g);
    remsetTruncate(g, 0);
  }
  for (let g = 0; g < count; g++) genMarkScanStart(g);
  handlesEvacuate();
  rootsEvacuate();
  finaliseDueEvacuate();
  scavengeRememberedSets(level);
  // After the remembered sets: the wake list's values, then (a minor
  // collection only) Note [Blocked threads are not roots] (mvar/tso.ts).
  wakeRootsEvacuate();
  threadsRootsEvacuate(major);
  weakBegin();
  ephemeronBegin();
  scanAndTraceWeaks();
  if (finaliseFirst()) scanAndTraceWeaks();
  // After resurrection: a finaliser may yet put into an MVar it reaches.
  threadsAfterScan(major);
  finaliseLastAndWeaks();
  ephemeronClear();
  hostrefsSweep();
  customSweep();
  endEvacuation();
  for (let g = 0; g <= level; g++) {
    genFreeFrom(g);
    genCountCollection(g);
    if (g > 0) {
      let next = genBytes(g) * GROWTH;
      genSetThreshold(g, next > minThreshold() ? next : minThreshold());
    }
  }
  nurseryEmpty();
  largeSinceCollection = 0;
  restoreLimit();
  store<u32>(collectionsWord, load<u32>(collectionsWord) + 1);
  if (major) majorCollections++;
  copiedTotal += <f64>bytesCopied();
  pauseRecord(major ? PAUSE_MAJOR : PAUSE_MINOR, now() - t0);
  inCollection = false;
  // A verdict is left for the host (heap_poll); the first one is kept.
  if (sanityAfterCollection && failureCheck() == CHECK_NONE) sanityCheck();
}

/**
 * Step 3 of Note [Collection levels]: scan, weak trace and ephemeron trace
 * until none finds more (Note [Ephemeron fields are not scanned], ephemeron.ts).
 */
function scanAndTraceWeaks(): void {
  let more = true;
  while (more) {
    scavengeToSpace();
    more = weakTrace();
    if (ephemeronTrace()) more = true;
  }
}

export function collectionCount(): u32 { return load<u32>(collectionsWord); }
export function collectionCountAddress(): usize { return collectionsWord; }
export function majorCollectionCount(): u32 { return majorCollections; }
/** Bytes every collection since startup kept (copied, or promoted in place): bytesCopied summed. */
export function copiedTotalBytes(): f64 { return copiedTotal; }
