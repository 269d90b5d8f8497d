// Chaos: forced minor collections, one before the MVar-family allocation at
// which a countdown the host sets reaches zero.
//
// With option `seed`, the host sets a countdown of MVar allocations; when it
// reaches zero the allocation is preceded by a minor collection and the host
// draws the next countdown (src/random.ts, the one generator of a run). A
// fired countdown shows as POLL_CHAOS (mailbox.ts) until the host re-arms it.

import { allocObject } from "../heap/alloc";
import { collect } from "../heap/collect";

let chaosCountdown: u32 = 0;
let chaosFired: bool = false;

export function chaosSet(countdown: u32): void {
  chaosCountdown = countdown;
  chaosFired = false;
}
/** True when the countdown fired and the host has not re-armed it yet. */
@inline export function chaosPending(): bool { return chaosFired; }
/** True while a countdown runs: every MVar-family allocation must count down. */
@inline export function chaosArmed(): bool { return chaosCountdown != 0; }

/** Allocates a fresh MVar-family object; every object on the root stack may move. */
export function allocMVarObject(kind: u32): usize {
  if (chaosCountdown != 0 && --chaosCountdown == 0) {
    chaosFired = true;
    collect(0);
  }
  return allocObject(kind, 0, 0);
}

/** After shutdown: disarmed. */
export function chaosReset(): void {
  chaosCountdown = 0;
  chaosFired = false;
}
