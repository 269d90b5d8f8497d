// binary-trees, the Benchmarks Game's allocation benchmark, shared by its three
// implementations (the heap's kernel in bench/plugins/heap-kernels.ts, the peers in
// bench/peers/ and bench/asm/) and the row that compares them: the constants
// and the checks a correct run must produce.
//
// For maximum depth n (N = max(TREE_MIN_DEPTH + 2, n)) the program prints:
//   stretch tree of depth N + 1          check 2^(N+2) - 1
//   2^(N-d+4) trees of depth d, d = 4, 6, …, N   check 2^(N-d+4) × (2^(d+1) - 1)
//   long lived tree of depth N           check 2^(N+1) - 1
// A tree of depth d has 2^(d+1) - 1 nodes, and a check is a node count.

/** Shallowest tree of the iteration phase. */
export const TREE_MIN_DEPTH = 4;
/** Deepest tree any implementation builds (TREE_DEPTH_MAX in bench/plugins/heap-kernels.ts). */
export const TREE_DEPTH_MAX = 20;

/** Nodes in a complete binary tree of depth d. */
function nodes(d: number): number {
  return 2 ** (d + 1) - 1;
}

/** The checks a correct run for maximum depth n produces, line by line. */
export function expectedChecks(n: number): number[] {
  const maxDepth = Math.max(TREE_MIN_DEPTH + 2, n);
  const checks = [nodes(maxDepth + 1)];
  for (let d = TREE_MIN_DEPTH; d <= maxDepth; d += 2) checks.push(2 ** (maxDepth - d + TREE_MIN_DEPTH) * nodes(d));
  checks.push(nodes(maxDepth));
  return checks;
}

/** Throws unless a run's checks are exactly the expected ones. */
export function verifyChecks(who: string, n: number, checks: readonly number[]): void {
  const expected = expectedChecks(n);
  if (checks.length !== expected.length || checks.some((c, i) => c !== expected[i])) {
    throw new Error(`bench binary-trees: ${who} at depth ${n} produced checks [${checks.join(", ")}]; expected [${expected.join(", ")}]`);
  }
}
