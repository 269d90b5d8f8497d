// `npm run bench`: the command line of runBench (bench/runner.ts).
//
//   node --expose-gc dist/bench/run.js [--processes N] [--quick] [--filter NAME]…
//                                       [--time MS] [--rounds N] [--seed N] [--json FILE]

import { parseArgs } from "node:util";
import { ArgumentError } from "../src/core/errors.js";
import { runBenchProcesses } from "./processes.js";
import { runBench } from "./runner.js";

const USAGE = `usage: node --expose-gc dist/bench/run.js [options]

Runs every benchmark row side by side with its peers, prints a table per row
with the ratio and its target, and writes the figures as JSON.

options:
  --processes N    run each case of each row in N fresh processes (N ≥ 2; publish from ≥ 10) and
                   report per case the median of the per-process paired ratios with a
                   bootstrap 95 % interval, the load average and each side's CPU time;
                   a target is met when the interval's upper end is under it
  --quick          a short smoke run of every row (tiny batches, ~30 ms per task)
  --filter NAME    only rows whose name contains NAME (repeatable, or NAME,NAME)
  --time MS        measured time per task per case, in ms (default 2000; quick 30)
  --rounds N       interleaved slices per task (default 10; quick 2)
  --seed N         seed for the rows' random inputs (default 24301)
  --json FILE      where to write the results (default bench-results.json)
  --row NAME       only the row of exactly this name (what a --processes child runs)
  --case N         with --row: only its case N, counting from 0 in grid order (likewise)
  --help           this text`;

function wholeNumber(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) throw new ArgumentError(`${flag} takes a whole number, got '${text}'`);
  return Number(text);
}

async function main(argv: readonly string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        quick: { type: "boolean" },
        processes: { type: "string" },
        row: { type: "string" },
        case: { type: "string" },
        filter: { type: "string", multiple: true },
        time: { type: "string" },
        rounds: { type: "string" },
        seed: { type: "string" },
        json: { type: "string" },
        help: { type: "boolean" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help === true) {
    console.log(USAGE);
    return 0;
  }
  try {
    const common = {
      quick: values.quick ?? false,
      filter: (values.filter ?? []).flatMap((f) => f.split(",")).filter((f) => f.length > 0),
      ...(values.time === undefined ? {} : { timeMs: wholeNumber("--time", values.time) }),
      ...(values.rounds === undefined ? {} : { rounds: wholeNumber("--rounds", values.rounds) }),
      ...(values.seed === undefined ? {} : { seed: wholeNumber("--seed", values.seed) }),
      ...(values.json === undefined ? {} : { json: values.json }),
    };
    const processes = wholeNumber("--processes", values.processes);
    if (processes !== undefined && processes > 1) {
      if (values.row !== undefined || values.case !== undefined) throw new ArgumentError("--row and --case are for a child of a --processes run; use --filter");
      await runBenchProcesses({ processes, ...common });
      return 0;
    }
    await runBench({
      ...(values.row === undefined ? {} : { row: values.row }),
      ...(values.case === undefined ? {} : { case: wholeNumber("--case", values.case) }),
      ...common,
    });
    return 0;
  } catch (error) {
    if (error instanceof ArgumentError) {
      console.error(`${error.message}\n\n${USAGE}`);
      return 2;
    }
    throw error;
  }
}

process.exitCode = await main(process.argv.slice(2));
