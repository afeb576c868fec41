/**
 * A random cut forest: `num_trees` trees, each built on its own seeded reservoir sample of
 * `num_samples_per_tree` training rows (all rows when there are fewer); a point's anomaly score
 * is the mean of the trees' scores (tree.ts). docs/aws-behaviour.md#random-cut-forest.
 */
import { createRandom } from '../random.js';
import { reservoirSample } from '../reservoir.js';
import { buildTree, scoreTree, type RandomCutTree } from './tree.js';

export interface RandomCutForest {
  featureDim: number;
  trees: RandomCutTree[];
}

export function buildForest(
  features: Float64Array,
  rows: number,
  featureDim: number,
  numTrees: number,
  samplesPerTree: number,
  seed: number,
): RandomCutForest {
  const random = createRandom(seed);
  const trees: RandomCutTree[] = [];
  for (let t = 0; t < numTrees; t++) {
    const sample = reservoirSample(rows, samplesPerTree, random);
    const points = new Float64Array(sample.length * featureDim);
    sample.forEach((row, i) =>
      points.set(features.subarray(row * featureDim, row * featureDim + featureDim), i * featureDim),
    );
    trees.push(buildTree(points, sample.length, featureDim, random));
  }
  return { featureDim, trees };
}

/** Scores of the `rows` rows of `features` (row-major, featureDim wide). */
export function scoreForest(forest: RandomCutForest, features: ArrayLike<number>, rows: number): Float64Array {
  const out = new Float64Array(rows);
  let deepest = 0;
  for (const tree of forest.trees) deepest = Math.max(deepest, tree.left.length);
  const path = new Int32Array(deepest + 1);
  for (let i = 0; i < rows; i++) {
    let s = 0;
    for (const tree of forest.trees) s += scoreTree(tree, features, i * forest.featureDim, path);
    out[i] = s / forest.trees.length;
  }
  return out;
}
