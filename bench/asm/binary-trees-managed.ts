// The AssemblyScript peer of binary-trees: the same program as the heap's
// kernel (bench/plugins/heap-kernels.ts) and the plain-JS peer
// (bench/peers/binary-trees-js.ts), on AssemblyScript's own managed classes
// under its default incremental runtime (ITCMS over TLSF, with the shadow
// stack the compiler adds for it). It is its own module, built by
// `npm run asbuild:bench` into build/bench/binary-trees-managed.wasm, and knows
// nothing of the unloadable core.
//
// Recursion is over the tree's depth (at most TREE_DEPTH_MAX frames), as in
// the kernel: see Note [Recursion over tree depth] in bench/plugins/heap-kernels.ts.

/** The Benchmarks Game's shallowest tree of the iteration phase. */
const TREE_MIN_DEPTH: i32 = 4;
/** Deepest tree built (the stretch tree, n + 1). */
const TREE_DEPTH_MAX: i32 = 20;
/** Most lines a run writes: stretch, one per even depth from 4, long-lived. */
const LINES_MAX: i32 = 2 + (TREE_DEPTH_MAX - TREE_MIN_DEPTH) / 2 + 1;

class TreeNode {
  constructor(public left: TreeNode | null, public right: TreeNode | null) {}
}

function bottomUpTree(depth: i32): TreeNode {
  if (depth <= 0) return new TreeNode(null, null);
  let left = bottomUpTree(depth - 1);
  return new TreeNode(left, bottomUpTree(depth - 1));
}

function itemCheck(tree: TreeNode): u32 {
  let left = tree.left;
  if (left === null) return 1;
  return 1 + itemCheck(left) + itemCheck(tree.right!);
}

const checks = new StaticArray<u32>(LINES_MAX);

/** Checks of the last run, one per line: stretch, each iteration depth, long-lived. */
export function lineCheck(line: i32): u32 {
  if (line < 0 || line >= LINES_MAX) abort("lineCheck: line out of range");
  return checks[line];
}

/**
 * binary-trees for maximum depth n; returns the number of lines written
 * (read them with lineCheck).
 */
export function binaryTrees(n: i32): i32 {
  let maxDepth = max(TREE_MIN_DEPTH + 2, n);
  if (n < 0 || maxDepth + 1 > TREE_DEPTH_MAX) abort("binaryTrees: depth out of range");
  let line = 0;
  checks[line] = itemCheck(bottomUpTree(maxDepth + 1));
  line++;
  let longLived = bottomUpTree(maxDepth);
  for (let d = TREE_MIN_DEPTH; d <= maxDepth; d += 2) {
    let iterations = 1 << (maxDepth - d + TREE_MIN_DEPTH);
    let check: u32 = 0;
    for (let i = 0; i < iterations; i++) check += itemCheck(bottomUpTree(d));
    checks[line] = check;
    line++;
  }
  checks[line] = itemCheck(longLived);
  return line + 1;
}
