// Every benchmark row, in the order they run and print. A new row is one file
// in this folder and one line here.

import type { Row } from "../row.js";
import { poolRow } from "./pool.js";
import { cycleRow, restartRow } from "./lifecycle.js";
import { binaryTreesRow } from "./binary-trees.js";
import { nurseryAllocRow } from "./nursery.js";
import { minorPauseRow } from "./minor-pause.js";
import { lruRow } from "./lru.js";
import { pingPongRow, pipelineRow, takePutRow } from "./mvar.js";
import { forAwaitRow, modifyRow } from "./combinators.js";
import { customFinaliserRow, functionsRow, shutdownRow } from "./finalise.js";
import { deepTracesRow } from "./deep-traces.js";
import { schemeRow } from "./scheme.js";
import { blockRow, getSetRow, tryPutTakeRow } from "./host.js";

export const rows: readonly Row[] = [
  poolRow,
  cycleRow,
  restartRow,
  binaryTreesRow,
  nurseryAllocRow,
  minorPauseRow,
  lruRow,
  pingPongRow,
  pipelineRow,
  takePutRow,
  blockRow,
  getSetRow,
  tryPutTakeRow,
  modifyRow,
  forAwaitRow,
  customFinaliserRow,
  functionsRow,
  shutdownRow,
  deepTracesRow,
  schemeRow,
];
