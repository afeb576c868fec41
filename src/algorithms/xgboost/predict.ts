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

/** Index of the leaf a row reaches (used by training to refresh leaves). */
export function leafIndex(tree: Tree, x: Float32Array, offset: number, cols: number): number {
  const { left, right, splitIndex, splitCondition, defaultLeft } = tree;
  let n = 0;
  while (left[n]! !== -1) {
    const feature = splitIndex[n]!;
    const v = feature < cols ? x[offset + feature]! : Number.NaN;
    if (v !== v) n = defaultLeft[n] ? left[n]! : right[n]!;
    else n = v < splitCondition[n]! ? left[n]! : right[n]!;
  }
  return n;
}

/** Margins, rows × groups, float32. */
export function predictMargin(model: XGBoostModel, x: DenseMatrix, rounds?: number): Float32Array {
  const groups = outputGroups(model);
  const perRound = groups * Math.max(1, model.numParallelTree);
  const use = rounds && rounds > 0 ? Math.min(rounds, Math.floor(model.trees.length / perRound)) : containerRounds(model);
  const nTrees = Math.min(model.trees.length, use * perRound);
  const out = new Float32Array(x.rows * groups).fill(probToMargin(model.objective, model.baseScore));
  const { values, cols } = x;
  const f = Math.fround;
  for (let t = 0; t < nTrees; t++) {
    const tree = model.trees[t]!;
    const g = model.treeInfo[t]!;
    for (let r = 0, o = 0; r < x.rows; r++, o += cols) {
      const i = r * groups + g;
      out[i] = f(out[i]! + leafValue(tree, values, o, cols));
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
