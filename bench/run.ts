// `npm run bench`: the command line of runBench (bench/runner.ts).
//
//   node --expose-gc dist/bench/run.js [--quick] [--filter NAME]… [--time MS]
//                                       [--rounds N] [--seed N] [--json FILE]

import { parseArgs } from "node:util";
import { ArgumentError } from "../src/core/errors.js";
import { runBench } from "./runner.js";

const USAGE = `usage: node --expose-gc dist/bench/run.js [options]

Runs every benchmark row side by side with its peers, prints a table per row
with the ratio and its target, and writes the figures as JSON.

options:
  --quick          a short smoke run of every row (tiny batches, ~30 ms per task)
  --filter NAME    only rows whose name contains NAME (repeatable, or NAME,NAME)
  --time MS        measured time per task per case, in ms (default 2000; quick 30)
  --rounds N       interleaved slices per task (default 10; quick 2)
  --seed N         seed for the rows' random inputs (default 24301)
  --json FILE      where to write the results (default bench-results.json)
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
    await runBench({
      quick: values.quick ?? false,
      filter: (values.filter ?? []).flatMap((f) => f.split(",")).filter((f) => f.length > 0),
      ...(values.time === undefined ? {} : { timeMs: wholeNumber("--time", values.time) }),
      ...(values.rounds === undefined ? {} : { rounds: wholeNumber("--rounds", values.rounds) }),
      ...(values.seed === undefined ? {} : { seed: wholeNumber("--seed", values.seed) }),
      ...(values.json === undefined ? {} : { json: values.json }),
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
