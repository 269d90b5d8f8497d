// The data path of the `pipeline` workload (the shape of GHC issue #18919's
// program): a seeded source of JSON lines, gzipped; a stream that gunzips it
// through node:zlib and groups the lines into chunks; the filter each worker
// applies to a chunk; and the plain-JS reference: the same filter over the
// same lines in one loop, which the pipeline's output must equal exactly.
//
// A line, about LINE_BYTES bytes:
//   {"id":17,"user":"u0042","score":731,"tags":["blue","red"],"text":"…"}
// The filter keeps lines with score ≥ SCORE_THRESHOLD and the tag KEEP_TAG,
// and emits "id:user:score" for each; roughly one line in eight survives.

import { Readable } from "node:stream";
import { createGunzip, gunzipSync, gzipSync } from "node:zlib";
import type { Random } from "../../threads/random.js";

/** Lines per chunk, as GHC #18919's program grouped them. */
export const CHUNK_LINES = 1000;
/** Bytes of gzip fed to gunzip at a time, so it really streams. */
export const FEED_BYTES = 16 << 10;
/** Scores are drawn from [0, SCORE_RANGE). */
const SCORE_RANGE = 1000;
/** Kept lines score at least this. */
export const SCORE_THRESHOLD = 500;
/** Kept lines carry this tag. */
export const KEEP_TAG = "red";
const TAGS = ["red", "green", "blue", "amber", "violet"] as const;
const USERS = 5000;
/** Words of filler text per line, at most. */
const TEXT_WORDS = 12;
const WORDS = ["lorem", "ipsum", "dolor", "sit", "amet", "consectetur", "adipiscing", "elit", "sed", "do"] as const;

/** The source: gzipped JSON lines and what went into it. */
export interface PipelineSource {
  /** The gzip stream of every line, each followed by "\n". */
  readonly gz: Uint8Array;
  /** Lines in it; ids run from 0 to lines - 1. */
  readonly lines: number;
  /** Bytes of JSON before compression. */
  readonly bytes: number;
}

/** One line of the source, a function of the generator only. */
function makeLine(random: Random, id: number): string {
  const tags: string[] = [];
  for (const tag of TAGS) if (random.chance(0.3)) tags.push(tag);
  const words: string[] = [];
  const n = random.nextInt(TEXT_WORDS + 1);
  for (let i = 0; i < n; i++) words.push(random.pick(WORDS));
  return JSON.stringify({
    id,
    user: `u${String(random.nextInt(USERS)).padStart(4, "0")}`,
    score: random.nextInt(SCORE_RANGE),
    tags,
    text: words.join(" "),
  });
}

/** Lines until at least `targetBytes` of JSON, gzipped. */
export function makeSource(random: Random, targetBytes: number): PipelineSource {
  const parts: string[] = [];
  let bytes = 0;
  let lines = 0;
  while (bytes < targetBytes) {
    const line = makeLine(random, lines++) + "\n";
    parts.push(line);
    bytes += line.length;
  }
  return { gz: gzipSync(parts.join("")), lines, bytes };
}

/**
 * Streams the source through node:zlib's gunzip, FEED_BYTES at a time, and
 * yields its lines in chunks of CHUNK_LINES (the last one shorter), each as
 * one string of lines joined by "\n".
 */
export async function* gunzipChunks(gz: Uint8Array): AsyncGenerator<string> {
  const feed = Readable.from(feedPieces(gz), { objectMode: false });
  const gunzip = feed.pipe(createGunzip());
  const decoder = new TextDecoder("utf-8");
  let partial = "";
  let chunk: string[] = [];
  for await (const piece of gunzip as AsyncIterable<Buffer>) {
    const text = partial + decoder.decode(piece, { stream: true });
    const lines = text.split("\n");
    partial = lines.pop()!;
    for (const line of lines) {
      chunk.push(line);
      if (chunk.length === CHUNK_LINES) {
        yield chunk.join("\n");
        chunk = [];
      }
    }
  }
  partial += decoder.decode();
  if (partial.length !== 0) chunk.push(partial);
  if (chunk.length !== 0) yield chunk.join("\n");
}

function* feedPieces(gz: Uint8Array): Generator<Buffer> {
  for (let at = 0; at < gz.length; at += FEED_BYTES) yield Buffer.from(gz.buffer, gz.byteOffset + at, Math.min(FEED_BYTES, gz.length - at));
}

/** What a worker makes of one chunk. */
export interface FilteredChunk {
  /** Ids of every line parsed, in order. */
  readonly ids: Int32Array;
  /** "id:user:score" of every kept line. */
  readonly kept: string[];
}

interface Line {
  id: number;
  user: string;
  score: number;
  tags: string[];
}

/** The filter, over one chunk's text. */
export function filterChunk(text: string): FilteredChunk {
  const lines = text.split("\n");
  const ids = new Int32Array(lines.length);
  const kept: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = JSON.parse(lines[i]!) as Line;
    ids[i] = line.id;
    if (keeps(line)) kept.push(`${line.id}:${line.user}:${line.score}`);
  }
  return { ids, kept };
}

function keeps(line: Line): boolean {
  return line.score >= SCORE_THRESHOLD && line.tags.includes(KEEP_TAG);
}

/** The reference: the same filter over every line, in one plain loop. */
export function referenceOutput(source: PipelineSource): string[] {
  const out: string[] = [];
  for (const text of gunzipSync(source.gz).toString("utf-8").split("\n")) {
    if (text.length === 0) continue;
    const line = JSON.parse(text) as Line;
    if (keeps(line)) out.push(`${line.id}:${line.user}:${line.score}`);
  }
  return out;
}
