/**
 * One random cut tree and its anomaly score (docs/aws-behaviour.md#random-cut-forest).
 *
 * Building (Guha et al. 2016; the SageMaker guide's "How RCF works"): over the points of a node,
 * pick a dimension with probability proportional to the side of their bounding box in it, cut
 * it uniformly within that side, send points ≤ the cut left and the others right, and recurse
 * until a node's points are all equal (a leaf, whose mass counts the duplicates).
 *
 * Scoring is aws/random-cut-forest-by-aws's (CommonUtils, AbstractScalarScoreVisitor), the open
 * library of the same authors, which approximates the collusive displacement (CoDisp) of the
 * paper: descend to the leaf the point would land in, at depth d, then
 *   - if the point equals the leaf's: s = (1 − m/2M) · 1/(d + log2(m + 1))   (m leaf mass, M tree mass)
 *   - otherwise:                      s = 1/(d + 1)
 * and climb back to the root: at each ancestor (depth e) with bounding box B, the point would be
 * cut off from B with probability p = Σ growth of B's sides to include the point / Σ sides of
 * the grown box; s ← p · 1/(e + 1) + (1 − p) · s (once p is 0 it stays 0 above: stop).
 * The tree's score is s · log2(M + 1), so that a typical point scores about 1.
 */
import type { Random } from '../random.js';

export interface RandomCutTree {
  dim: number;
  /** The sampled points, row-major; leaves refer to them. */
  points: Float64Array;
  mass: number;
  /** Per node: children (−1 for a leaf), cut, mass and (leaves) a point index. */
  left: Int32Array;
  right: Int32Array;
  cutDim: Int32Array;
  cutValue: Float64Array;
  nodeMass: Int32Array;
  leafPoint: Int32Array;
  /** Per node, dim values each: the bounding box of its points (derived, not stored). */
  boxMin: Float64Array;
  boxMax: Float64Array;
}

/** Build a tree on the `count` rows of `points`. */
export function buildTree(points: Float64Array, count: number, dim: number, random: Random): RandomCutTree {
  const cap = Math.max(1, 2 * count - 1);
  const tree: RandomCutTree = {
    dim,
    points,
    mass: count,
    left: new Int32Array(cap),
    right: new Int32Array(cap),
    cutDim: new Int32Array(cap),
    cutValue: new Float64Array(cap),
    nodeMass: new Int32Array(cap),
    leafPoint: new Int32Array(cap),
    boxMin: new Float64Array(0),
    boxMax: new Float64Array(0),
  };
  let nodes = 0;
  const lo = new Float64Array(dim);
  const hi = new Float64Array(dim);
  const build = (rows: number[]): number => {
    const node = nodes++;
    tree.nodeMass[node] = rows.length;
    lo.fill(Infinity);
    hi.fill(-Infinity);
    for (const r of rows) {
      for (let j = 0; j < dim; j++) {
        const v = points[r * dim + j]!;
        if (v < lo[j]!) lo[j] = v;
        if (v > hi[j]!) hi[j] = v;
      }
    }
    let total = 0;
    for (let j = 0; j < dim; j++) total += hi[j]! - lo[j]!;
    if (!(total > 0)) {
      tree.left[node] = tree.right[node] = -1;
      tree.leafPoint[node] = rows[0]!;
      return node;
    }
    // A dimension with probability ∝ its side, a cut uniform along it (the library's randomCut).
    let r = random.next() * total;
    let d = 0;
    while (d < dim - 1 && r >= hi[d]! - lo[d]!) {
      r -= hi[d]! - lo[d]!;
      d++;
    }
    while (hi[d]! - lo[d]! <= 0) d--; // rounding walked past the last non-flat side
    let cut = lo[d]! + r;
    if (!(cut < hi[d]!) || cut < lo[d]!) cut = lo[d]! + (hi[d]! - lo[d]!) / 2;
    const leftRows: number[] = [];
    const rightRows: number[] = [];
    for (const row of rows) (points[row * dim + d]! <= cut ? leftRows : rightRows).push(row);
    tree.cutDim[node] = d;
    tree.cutValue[node] = cut;
    tree.left[node] = build(leftRows);
    tree.right[node] = build(rightRows);
    return node;
  };
  build(Array.from({ length: count }, (_, i) => i));
  return withBoxes(shrink(tree, nodes));
}

function shrink(tree: RandomCutTree, nodes: number): RandomCutTree {
  return {
    ...tree,
    left: tree.left.slice(0, nodes),
    right: tree.right.slice(0, nodes),
    cutDim: tree.cutDim.slice(0, nodes),
    cutValue: tree.cutValue.slice(0, nodes),
    nodeMass: tree.nodeMass.slice(0, nodes),
    leafPoint: tree.leafPoint.slice(0, nodes),
  };
}

/** The bounding boxes, bottom-up: the artifact does not store them (they follow from the points). */
export function withBoxes(tree: RandomCutTree): RandomCutTree {
  const { dim, points, left, right, leafPoint } = tree;
  const n = left.length;
  const boxMin = new Float64Array(n * dim);
  const boxMax = new Float64Array(n * dim);
  // Children always have larger ids than their parent (pre-order numbering).
  for (let node = n - 1; node >= 0; node--) {
    const o = node * dim;
    if (left[node]! < 0) {
      const p = leafPoint[node]! * dim;
      for (let j = 0; j < dim; j++) boxMin[o + j] = boxMax[o + j] = points[p + j]!;
    } else {
      const a = left[node]! * dim;
      const b = right[node]! * dim;
      for (let j = 0; j < dim; j++) {
        boxMin[o + j] = Math.min(boxMin[a + j]!, boxMin[b + j]!);
        boxMax[o + j] = Math.max(boxMax[a + j]!, boxMax[b + j]!);
      }
    }
  }
  return { ...tree, boxMin, boxMax };
}

/** The tree's anomaly score of the dim values of x from `off` (see the top of this file). */
export function scoreTree(tree: RandomCutTree, x: ArrayLike<number>, off: number, path: Int32Array): number {
  const { dim, left, right, cutDim, cutValue, boxMin, boxMax } = tree;
  let node = 0;
  let depth = 0;
  while (left[node]! >= 0) {
    path[depth++] = node;
    node = x[off + cutDim[node]!]! <= cutValue[node]! ? left[node]! : right[node]!;
  }
  const leafMass = tree.nodeMass[node]!;
  let same = true;
  const lp = tree.leafPoint[node]! * dim;
  for (let j = 0; j < dim && same; j++) same = tree.points[lp + j] === x[off + j];
  let score = same ? (1 - leafMass / (2 * tree.mass)) / (depth + Math.log2(leafMass + 1)) : 1 / (depth + 1);
  if (!same) {
    for (let e = depth - 1; e >= 0; e--) {
      const o = path[e]! * dim;
      let grown = 0;
      let total = 0;
      for (let j = 0; j < dim; j++) {
        const v = x[off + j]!;
        const a = boxMin[o + j]!;
        const b = boxMax[o + j]!;
        const g = v < a ? a - v : v > b ? v - b : 0;
        grown += g;
        total += b - a + g;
      }
      if (grown <= 0) break;
      const p = grown / total;
      score = p / (e + 1) + (1 - p) * score;
    }
  }
  return score * Math.log2(tree.mass + 1);
}
