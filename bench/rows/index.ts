// Every benchmark row, in the order they run and print. A new row is one file
// in this folder and one line here.

import type { Row } from "../row.js";
import { poolRow } from "./pool.js";
import { cycleRow, restartRow } from "./lifecycle.js";

export const rows: readonly Row[] = [
  poolRow,
  cycleRow,
  restartRow,
];
