// Progress of a stress run: a bar on a terminal, plain lines (one per tenth
// of the run) when the output is a file or a pipe, where a redrawn bar would
// only be noise in a log.

import cliProgress from "cli-progress";
import type { StressProgress } from "./options.js";

/** Plain-line mode prints one line each time the run crosses another tenth. */
const PLAIN_STEPS = 10;
const MIB = 1 << 20;

export interface ProgressDisplay {
  update(progress: StressProgress): void;
  /** Ends the display, leaving the cursor on a fresh line. */
  stop(): void;
}

function rssText(rss: number): string {
  return rss === 0 ? "-" : `${(rss / MIB).toFixed(1)} MiB`;
}

/** A progress display on `stream`: a bar if it is a terminal, plain lines otherwise. */
export function progressDisplay(stream: NodeJS.WriteStream = process.stderr, label = "stress"): ProgressDisplay {
  return stream.isTTY ? barDisplay(stream, label) : lineDisplay(stream, label);
}

function barDisplay(stream: NodeJS.WriteStream, label: string): ProgressDisplay {
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: `${label} |{bar}| {percentage}% | {value}/{total} cycles | {seconds}s | rss {rss}`,
      hideCursor: true,
      clearOnComplete: false,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(p) {
      const payload = { seconds: (p.elapsedMs / 1000).toFixed(1), rss: rssText(p.rss) };
      if (!started) {
        bar.start(p.cycles, p.cycle, payload);
        started = true;
      } else {
        bar.update(p.cycle, payload);
      }
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

function lineDisplay(stream: NodeJS.WriteStream, label: string): ProgressDisplay {
  let printedStep = 0;
  return {
    update(p) {
      const step = Math.floor(p.fraction * PLAIN_STEPS);
      if (step <= printedStep) return;
      printedStep = step;
      stream.write(`${label}: ${Math.round(p.fraction * 100)}% — ${p.cycle}/${p.cycles} cycles, ${(p.elapsedMs / 1000).toFixed(1)} s, rss ${rssText(p.rss)}\n`);
    },
    stop() {},
  };
}
