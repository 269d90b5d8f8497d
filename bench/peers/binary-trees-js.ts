// The plain-JS peer of binary-trees: the Benchmarks Game's program on JS
// class instances, V8's generational GC underneath. The same algorithm, in
// the same order, as the heap's kernel (bench/plugins/heap-kernels.ts) and the
// AssemblyScript peer (bench/asm/binary-trees-managed.ts); recursion is over
// the tree's depth only (Note [Recursion over tree depth], heap-kernels.ts).

import { TREE_DEPTH_MAX, TREE_MIN_DEPTH } from "../binary-trees.js";

class TreeNode {
  constructor(
    readonly left: TreeNode | null,
    readonly right: TreeNode | null,
  ) {}
}

function bottomUpTree(depth: number): TreeNode {
  if (depth <= 0) return new TreeNode(null, null);
  const left = bottomUpTree(depth - 1);
  return new TreeNode(left, bottomUpTree(depth - 1));
}

function itemCheck(tree: TreeNode): number {
  const left = tree.left;
  if (left === null) return 1;
  return 1 + itemCheck(left) + itemCheck(tree.right!);
}

/**
 * binary-trees for maximum depth n: the check (node count) of each line,
 * stretch tree first, then each iteration depth, then the long-lived tree.
 */
export function binaryTreesJs(n: number): number[] {
  const maxDepth = Math.max(TREE_MIN_DEPTH + 2, n);
  if (!Number.isInteger(n) || n < 0 || maxDepth + 1 > TREE_DEPTH_MAX) {
    throw new RangeError(`binaryTreesJs: depth must be a whole number from 0 to ${TREE_DEPTH_MAX - 1}, got ${n}`);
  }
  const checks = [itemCheck(bottomUpTree(maxDepth + 1))];
  const longLived = bottomUpTree(maxDepth);
  for (let d = TREE_MIN_DEPTH; d <= maxDepth; d += 2) {
    const iterations = 1 << (maxDepth - d + TREE_MIN_DEPTH);
    let check = 0;
    for (let i = 0; i < iterations; i++) check += itemCheck(bottomUpTree(d));
    checks.push(check);
  }
  checks.push(itemCheck(longLived));
  return checks;
}
