// Pipeline: the workload of GHC issue #18919, on this runtime's MVars. Every
// stage is a set of threads, every stage boundary a BoundedChan of depth 1:
//
//   gunzip ──► chunks ──► N workers ──► results ──► concat ──► lines ──► consumer
//   (node:zlib,          (JSON.parse, filter;      (restores           (line by line)
//    1,000 lines each)    line by line)             chunk order)
//
// Each chunk crosses as a heap block {index, text}, each kept line as a block
// {chunk, line} and each chunk's end as {chunk, ids parsed (bytes)}, so the
// heap sees large strings, bytes and small blocks flowing through MVars whose
// queues churn constantly (the workers contend line by line), with
// a small nursery, chaos-forced collections and the sanity checker after
// every collection. The data path is pipeline-data.ts.
//
// Verified each cycle: every line was parsed exactly once (the ids), and the
// consumer's lines equal the plain-JS reference, in order. The chunks and
// lines channels end with close() and are read with for await (Note [Closing
// a channel], src/threads/chan.ts); the results channel ends with one null
// per worker, so its MVars see the same traffic as in #18919.

import { BoundedChan } from "../../threads/chan.js";
import type { Block } from "../../heap/block.js";
import type { Random } from "../../threads/random.js";
import { arrival, reseedChaos, type Runtime } from "../../runtime.js";
import type { Workload, WorkloadContext, WorkloadOutcome } from "../workload.js";
import { filterChunk, gunzipChunks, makeSource, referenceOutput, type FilteredChunk, type PipelineSource } from "./pipeline-data.js";

/** JSON bytes per cycle: several MB, as in #18919. */
export const PIPELINE_BYTES = 4 << 20;
/** The shortened form for CI and tests. */
export const PIPELINE_BYTES_SHORT = 256 << 10;
/** Parallel filter workers. */
export const PIPELINE_WORKERS = 4;
/** Depth of every channel. */
const DEPTH = 1;
/** A chunk {index, text}. */
const CHUNK_TAG = 1;
const CHUNK_INDEX = 0;
const CHUNK_TEXT = 1;
/** A kept line {chunk index, line}, and a chunk's end {chunk index, ids parsed as Int32 bytes}. */
const LINE_TAG = 2;
const END_TAG = 3;
const MESSAGE_CHUNK = 0;
const MESSAGE_PAYLOAD = 1;

/** What one pipeline run produced. */
export interface PipelineRun {
  readonly source: PipelineSource;
  readonly output: string[];
  /** How often each line id was parsed. */
  readonly parsed: Uint8Array;
  /** Channel operations performed. */
  readonly operations: number;
}

/**
 * Runs the pipeline over `source` on `rt` with `workers` workers. `trace`,
 * if given, is told each step as it happens (which thread did what to which
 * chunk): the interleaving, for the seeded-reproducibility test.
 */
export async function runPipeline(rt: Runtime, source: PipelineSource, workers: number, trace?: (step: string) => void): Promise<PipelineRun> {
  const chunks = new BoundedChan<Block>(rt, DEPTH);
  const results = new BoundedChan<Block | null>(rt, DEPTH);
  const lines = new BoundedChan<string>(rt, DEPTH);
  const parsed = new Uint8Array(source.lines);
  const output: string[] = [];
  let operations = 0;

  const reader = (async () => {
    let index = 0;
    // Each chunk's arrival from gunzip (libuv's thread pool) is a seeded
    // wake-up, so the seed fixes the interleaving: Note [Arrivals from
    // outside] in src/threads/scheduler.ts.
    const texts = gunzipChunks(source.gz);
    try {
      for (let next = await arrival(rt, texts.next()); next.done !== true; next = await arrival(rt, texts.next())) {
        const chunk = rt.block(CHUNK_TAG, [index++, next.value]);
        try {
          await chunks.write(chunk);
        } finally {
          chunk.free();
        }
        trace?.(`r${index - 1}`);
        operations++;
      }
    } finally {
      // As for-await would: a failed write closes the gunzip stream.
      await texts.return(undefined);
    }
    // The workers' for-await loops end once they have drained the channel.
    await chunks.close();
  })();

  // Each kept line is its own message {chunk, line}, and each chunk ends with
  // {chunk, ids parsed}: the workers contend for the results channel line by
  // line, so its MVars' queues are long and churn between collections.
  const send = async (tag: number, chunk: unknown, payload: unknown): Promise<void> => {
    const message = rt.block(tag, [chunk, payload]);
    try {
      await results.write(message);
    } finally {
      message.free();
    }
    operations++;
  };

  const worker = async (_: unknown, w: number): Promise<void> => {
    for await (const chunk of chunks) {
      operations++;
      let index: unknown;
      let filtered: FilteredChunk;
      try {
        index = chunk.get(CHUNK_INDEX);
        trace?.(`w${w}<${index as number}`);
        filtered = filterChunk(chunk.get(CHUNK_TEXT) as string);
      } finally {
        chunk.free();
      }
      for (const line of filtered.kept) await send(LINE_TAG, index, line);
      await send(END_TAG, index, new Uint8Array(filtered.ids.buffer));
    }
    await results.write(null);
  };

  const concat = (async () => {
    // Chunks complete out of order; they are released in index order.
    const pending = new Map<number, string[]>();
    const complete = new Set<number>();
    let next = 0;
    let ended = 0;
    while (ended < workers) {
      const message = await results.read();
      operations++;
      if (message === null) {
        ended++;
        continue;
      }
      let index: number;
      try {
        index = message.get(MESSAGE_CHUNK) as number;
        trace?.(`c${message.tag}:${index}`);
        const payload = message.get(MESSAGE_PAYLOAD);
        if (message.tag === LINE_TAG) {
          let kept = pending.get(index);
          if (kept === undefined) pending.set(index, (kept = []));
          kept.push(payload as string);
        } else {
          for (const id of new Int32Array((payload as Uint8Array).buffer)) parsed[id]!++;
          complete.add(index);
        }
      } finally {
        message.free();
      }
      while (complete.delete(next)) {
        for (const line of pending.get(next) ?? []) await lines.write(line);
        pending.delete(next++);
      }
    }
    await lines.close();
  })();

  const consumer = (async () => {
    for await (const line of lines) {
      operations++;
      output.push(line);
    }
  })();

  try {
    await Promise.all([reader, ...Array.from({ length: workers }, worker), concat, consumer]);
  } finally {
    chunks.free();
    results.free();
    lines.free();
  }
  return { source, output, parsed, operations };
}

/** The first way `run` differs from the reference, or undefined. */
export function verifyPipeline(run: PipelineRun): string | undefined {
  for (let id = 0; id < run.parsed.length; id++) {
    if (run.parsed[id] !== 1) return `line ${id} was parsed ${run.parsed[id]} times, not once`;
  }
  const expected = referenceOutput(run.source);
  if (run.output.length !== expected.length) return `the pipeline emitted ${run.output.length} lines, the reference ${expected.length}`;
  for (let i = 0; i < expected.length; i++) {
    if (run.output[i] !== expected[i]) return `output line ${i} is ${JSON.stringify(run.output[i])}, the reference has ${JSON.stringify(expected[i])}`;
  }
  return undefined;
}

/** The workload, with `bytes` of JSON per cycle. */
export function pipelineWorkload(name: string, bytes: number): Workload {
  return {
    name,
    summary: `GHC #18919's pipeline: ${bytes >> 10} KiB of gzipped JSON lines → gunzip → ${PIPELINE_WORKERS} workers → concat → consumer, BoundedChan(1) between stages, 128 KiB nursery, sanity on, chaos`,
    runtimeOptions: { nursery: 128 << 10, sanity: true },
    async run({ runtime, random }: WorkloadContext): Promise<WorkloadOutcome> {
      reseedChaos(runtime, random.nextU32());
      const source = makeSource(random as Random, bytes);
      const run = await runPipeline(runtime, source, PIPELINE_WORKERS);
      const violation = verifyPipeline(run);
      return {
        operations: run.operations,
        verifications: source.lines + run.output.length,
        ...(violation === undefined ? {} : { violation }),
        blocksLeft: 0,
        bytesLeft: 0,
      };
    },
  };
}

export const pipeline = pipelineWorkload("pipeline", PIPELINE_BYTES);
export const pipelineShort = pipelineWorkload("pipeline-short", PIPELINE_BYTES_SHORT);
