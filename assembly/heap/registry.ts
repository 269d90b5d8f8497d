// The lists the heap keeps of objects it must see die (host references,
// custom blocks): after the scan of a collection, before from-space is
// freed, each entry either moved (follow it), died (hand it over and drop
// it) or lives where the collection did not reach (keep it).

import { vecLength, vecGet, vecSet, vecTruncate } from "./vec";
import { inFromSpace } from "./evacuate";
import { infoOf, isForwarded, forwardee } from "./layout";

/** Sweeps the vector `list` of object addresses; `onDead` gets each dead one, still intact. */
export function sweepRegistry(list: usize, onDead: (obj: usize) => void): void {
  let w: u32 = 0;
  for (let i: u32 = 0, n = vecLength(list); i < n; i++) {
    let obj = <usize>vecGet(list, i);
    let info = infoOf(obj);
    if (isForwarded(info)) {
      vecSet(list, w++, <u32>forwardee(info));
    } else if (inFromSpace(obj, info)) {
      onDead(obj);
    } else {
      vecSet(list, w++, <u32>obj);
    }
  }
  vecTruncate(list, w);
}
