/**
 * Scoring exactly as xgboost 1.7's CPU predictor (src/predictor/cpu_predictor.cc,
 * predict_fn.h; docs/aws-behaviour.md#xgboost):
 *
 * - the input is float32 (a DMatrix stores float), compared with the float32 split condition:
 *   `x < split` goes left, anything else right;
 * - a missing value (NaN) follows the node's default direction;
 * - each row's margin starts at the base margin (ProbToMargin(base_score)) and adds the leaf of
 *   every tree in model order, in float32;
 * - then the objective's transform.
 *
 * `rounds` limits scoring to the first rounds (iteration_range); by default the container's
 * choice: best_ntree_limit when early stopping recorded it.
 */
import { containerRounds, outputGroups, type Tree, type XGBoostModel } from './model.js';
import { predictionWidth, probToMargin, transform } from './objectives.js';

/** Rows × columns of float32 features, NaN for missing, row-major. */
export interface DenseMatrix {
  readonly rows: number;
  readonly cols: number;
  readonly values: Float32Array;
}

/** Rows given as arrays (NaN, null or undefined = missing) → a DenseMatrix. */
export function toMatrix(rows: ReadonlyArray<ArrayLike<number | null | undefined>>, cols?: number): DenseMatrix {
  const width = cols ?? rows.reduce((m, r) => Math.max(m, r.length), 0);
  const values = new Float32Array(rows.length * width).fill(Number.NaN);
  rows.forEach((r, i) => {
    for (let j = 0; j < Math.min(width, r.length); j++) {
      const v = r[j];
      if (v !== null && v !== undefined) values[i * width + j] = v;
    }
  });
  return { rows: rows.length, cols: width, values };
}

export interface PredictOptions {
  /** Score with the first `rounds` boosting rounds only (0 or absent: the container's choice). */
  rounds?: number;
  /** Return margins, not transformed predictions (xgboost's output_margin=True). */
  outputMargin?: boolean;
}

/** Leaf value of one tree for row `r` of `x`. */
export function leafValue(tree: Tree, x: Float32Array, offset: number, cols: number): number {
  const { left, right, splitIndex, splitCondition, defaultLeft } = tree;
  let n = 0;
  while (left[n]! !== -1) {
    const feature = splitIndex[n]!;
    const v = feature < cols ? x[offset + feature]! : Number.NaN;
    if (v !== v) n = defaultLeft[n] ? left[n]! : right[n]!;
    else n = v < splitCondition[n]! ? left[n]! : right[n]!;
  }
  return splitCondition[n]!;
}

/**
 * Every tree's nodes packed into four flat arrays (absolute child indices), built once per
 * model: scoring a row then walks one contiguous structure instead of nine arrays per tree.
 */
interface Forest {
  /** first node of each tree */
  readonly root: Int32Array;
  /** absolute left child, -1 for a leaf */
  readonly left: Int32Array;
  readonly right: Int32Array;
  /** feature index, bit 31 = missing goes left */
  readonly feature: Uint32Array;
  /** split threshold, or the leaf value */
  readonly value: Float32Array;
}

const forests = new WeakMap<XGBoostModel, Forest>();

function forestOf(model: XGBoostModel): Forest {
  let forest = forests.get(model);
  if (forest) return forest;
  let total = 0;
  for (const t of model.trees) total += t.left.length;
  const root = new Int32Array(model.trees.length);
  const left = new Int32Array(total);
  const right = new Int32Array(total);
  const feature = new Uint32Array(total);
  const value = new Float32Array(total);
  let o = 0;
  model.trees.forEach((t, i) => {
    root[i] = o;
    for (let n = 0; n < t.left.length; n++) {
      const leaf = t.left[n]! === -1;
      left[o + n] = leaf ? -1 : o + t.left[n]!;
      right[o + n] = leaf ? -1 : o + t.right[n]!;
      feature[o + n] = ((t.splitIndex[n]! & 0x7fffffff) | (t.defaultLeft[n] ? 0x80000000 : 0)) >>> 0;
      value[o + n] = t.splitCondition[n]!;
    }
    o += t.left.length;
  });
  forest = { root, left, right, feature, value };
  forests.set(model, forest);
  return forest;
}

/** Margins, rows × groups, float32. */
export function predictMargin(model: XGBoostModel, x: DenseMatrix, rounds?: number): Float32Array {
  const groups = outputGroups(model);
  const perRound = groups * Math.max(1, model.numParallelTree);
  const use =
    rounds && rounds > 0 ? Math.min(rounds, Math.floor(model.trees.length / perRound)) : containerRounds(model);
  const nTrees = Math.min(model.trees.length, use * perRound);
  const out = new Float32Array(x.rows * groups).fill(probToMargin(model.objective, model.baseScore));
  const { values, cols } = x;
  const { root, left, right, feature, value } = forestOf(model);
  const treeInfo = model.treeInfo;
  const f = Math.fround;
  for (let r = 0, o = 0; r < x.rows; r++, o += cols) {
    const base = r * groups;
    for (let t = 0; t < nTrees; t++) {
      let n = root[t]!;
      while (left[n]! !== -1) {
        const s = feature[n]!;
        const j = s & 0x7fffffff;
        const v = j < cols ? values[o + j]! : Number.NaN;
        if (v !== v) n = s >>> 31 ? left[n]! : right[n]!;
        else n = v < value[n]! ? left[n]! : right[n]!;
      }
      // trees are added in model order, per row: the same float32 sums as xgboost
      const i = base + treeInfo[t]!;
      out[i] = f(out[i]! + value[n]!);
    }
  }
  return out;
}

/**
 * Predictions: Float32Array of rows × width, width = num_class for multi:softprob, else 1 —
 * the array xgboost's Booster.predict returns, flattened.
 */
export function predict(model: XGBoostModel, x: DenseMatrix, options: PredictOptions = {}): Float32Array {
  const margins = predictMargin(model, x, options.rounds);
  if (options.outputMargin) return margins;
  return transform(model.objective, margins, outputGroups(model));
}

/** Values per row of predict()'s output. */
export function predictWidth(model: XGBoostModel): number {
  return predictionWidth(model.objective, outputGroups(model));
}
