// Pause times of collections: the last one, and a log-linear histogram per
// collection kind for percentiles over the run, in static memory so recording
// never allocates.
//
//   bucket of a pause of t ns:  t < 16: t;  else, with e = ⌊log2 t⌋,
//     (e - 3) · 16 + (the 4 bits of t below its top bit)
//   16 buckets per octave: a percentile is reported within 1/16 (6 %).

@inline const SUB_BITS: u32 = 4;
@inline const SUB: u32 = 1 << SUB_BITS;
@inline const BUCKETS: u32 = (32 - SUB_BITS + 1) * SUB;
@inline const BUCKET_SIZE: usize = sizeof<u32>();
@inline const HIST_BYTES: usize = <usize>BUCKETS * BUCKET_SIZE;
@inline const NS_PER_MS: f64 = 1e6;

/** Which histogram: minor collections, major ones. */
@inline export const PAUSE_MINOR: i32 = 0;
@inline export const PAUSE_MAJOR: i32 = 1;
@inline const KINDS: usize = <usize>(PAUSE_MAJOR + 1);
/** Query both kinds at once. */
@inline export const PAUSE_ALL: i32 = PAUSE_MAJOR + 1;

const hist: usize = memory.data(<i32>(HIST_BYTES * KINDS), 16);
@inline const COUNTS_BYTES: usize = sizeof<u32>() * KINDS;
const counts: usize = memory.data(<i32>COUNTS_BYTES, 16);
let lastMs: f64 = 0;
let maxMs: f64 = 0;
let totalMs: f64 = 0;

// The pause log (benchmarks: bench/rows/minor-pause.ts): every pause, in order,
// into a buffer the host owns, so a workload that collects many times inside
// one call (a mutator in the core) still yields one figure per collection.
//   log ┌──────────┬──────────┬──────────┬──────────┬─────┐
//       │ kind f64 │ ms f64   │ kind f64 │ ms f64   │ …   │   LOG_ENTRY bytes each
//       └──────────┴──────────┴──────────┴──────────┴─────┘
@inline const LOG_KIND: usize = 0;
@inline const LOG_MS: usize = LOG_KIND + sizeof<f64>();
@inline export const LOG_ENTRY: usize = LOG_MS + sizeof<f64>();
let logBuffer: usize = 0;
let logCapacity: u32 = 0;
let logLength: u32 = 0;
let logDropped: u32 = 0;

/** Logs every pause from now on into `buffer` (capacity entries; 0: stop logging), from its start. */
export function pauseLogStart(buffer: usize, capacity: u32): void {
  logBuffer = buffer;
  logCapacity = buffer == 0 ? 0 : capacity;
  logLength = 0;
  logDropped = 0;
}
export function pauseLogLength(): u32 { return logLength; }
/** Pauses that found the log full. */
export function pauseLogDropped(): u32 { return logDropped; }

function bucketOf(ns: u32): u32 {
  if (ns < SUB) return ns;
  let e = 31 - clz(ns);
  return (e - (SUB_BITS - 1)) * SUB + ((ns >> (e - SUB_BITS)) & (SUB - 1));
}

/** Upper bound of a bucket, in ns. */
function bucketTop(b: u32): f64 {
  if (b < SUB) return <f64>(b + 1);
  let e = b / SUB + (SUB_BITS - 1);
  let m = b % SUB;
  return <f64>((<u64>(SUB + m + 1)) << (e - SUB_BITS));
}

@inline function cell(kind: i32, b: u32): usize { return hist + <usize>kind * HIST_BYTES + <usize>b * BUCKET_SIZE; }

export function pauseRecord(kind: i32, ms: f64): void {
  let ns = ms * NS_PER_MS;
  let clamped: u32 = ns >= <f64>u32.MAX_VALUE ? u32.MAX_VALUE : (ns <= 0 ? 0 : <u32>ns);
  let c = cell(kind, bucketOf(clamped));
  store<u32>(c, load<u32>(c) + 1);
  let k = counts + <usize>kind * sizeof<u32>();
  store<u32>(k, load<u32>(k) + 1);
  lastMs = ms;
  if (ms > maxMs) maxMs = ms;
  totalMs += ms;
  if (logLength < logCapacity) {
    let e = logBuffer + <usize>logLength * LOG_ENTRY;
    store<f64>(e, <f64>kind, LOG_KIND);
    store<f64>(e, ms, LOG_MS);
    logLength++;
  } else if (logBuffer != 0) {
    logDropped++;
  }
}

function countOf(kind: i32): u32 {
  if (kind == PAUSE_ALL) return countOf(PAUSE_MINOR) + countOf(PAUSE_MAJOR);
  return load<u32>(counts + <usize>kind * sizeof<u32>());
}

function bucketCount(kind: i32, b: u32): u32 {
  if (kind == PAUSE_ALL) return load<u32>(cell(PAUSE_MINOR, b)) + load<u32>(cell(PAUSE_MAJOR, b));
  return load<u32>(cell(kind, b));
}

/** The q-quantile (0 < q ≤ 1) of pauses of `kind`, in ms (bucket upper bound); 0 if none. */
export function pausePercentile(kind: i32, q: f64): f64 {
  let n = countOf(kind);
  if (n == 0) return 0;
  let target = <u32>Math.ceil(q * <f64>n);
  if (target < 1) target = 1;
  let seen: u32 = 0;
  for (let b: u32 = 0; b < BUCKETS; b++) {
    seen += bucketCount(kind, b);
    if (seen >= target) return bucketTop(b) / NS_PER_MS;
  }
  return maxMs;
}

export function pauseCount(kind: i32): u32 { return countOf(kind); }
export function pauseLastMs(): f64 { return lastMs; }
export function pauseMaxMs(): f64 { return maxMs; }
export function pauseTotalMs(): f64 { return totalMs; }

export function pausesReset(): void {
  memory.fill(hist, 0, HIST_BYTES * KINDS);
  memory.fill(counts, 0, COUNTS_BYTES);
  lastMs = 0;
  maxMs = 0;
  totalMs = 0;
  pauseLogStart(0, 0); // the host's buffer is not this cycle's to write
}
