/**
 * The in-memory XGBoost model: a gbtree ensemble as xgboost 1.7 holds it (RegTree nodes in
 * struct-of-arrays form), independent of the file format it came from or goes to.
 *
 * Only `gbtree` is supported. `gblinear` and `dart` models are refused with a clear error by
 * every reader (docs/aws-behaviour.md#xgboost): the SageMaker container trains gbtree unless
 * the user asks otherwise, and mme trains gbtree only.
 *
 * Every tree value is a float32, as in xgboost's RegTree (Node::info_ is a float union of
 * leaf_value and split_cond), so predictions are bit-for-bit those of the library.
 */
import type { ObjectiveName } from './objectives.js';

export interface Tree {
  /** left child per node, -1 for a leaf. */
  readonly left: Int32Array;
  readonly right: Int32Array;
  /** parent per node, -1 for the root (xgboost's kInvalidNodeId). */
  readonly parent: Int32Array;
  /** feature index of a split node (0 for leaves). */
  readonly splitIndex: Uint32Array;
  /** split condition of a split node, the leaf value of a leaf: one float32 either way. */
  readonly splitCondition: Float32Array;
  /** 1 when a missing value goes to the left child. */
  readonly defaultLeft: Uint8Array;
  /** Node statistics, kept so that a model written back out carries what xgboost wrote. */
  readonly baseWeight: Float32Array;
  readonly lossChange: Float32Array;
  readonly sumHessian: Float32Array;
  readonly numFeature: number;
}

export interface XGBoostModel {
  readonly objective: ObjectiveName;
  /** 0 unless multi:softmax / multi:softprob. */
  readonly numClass: number;
  readonly numFeature: number;
  /** The user-facing base_score (probability space for logistic objectives), a float32. */
  readonly baseScore: number;
  readonly trees: readonly Tree[];
  /** Output group (class) of each tree. */
  readonly treeInfo: Int32Array;
  readonly numParallelTree: number;
  /** The learner's string attributes: best_iteration, best_ntree_limit, best_score, ... */
  readonly attributes: Readonly<Record<string, string>>;
  /** Objective parameters that travel with the model (scale_pos_weight, max_delta_step). */
  readonly objectiveParams: Readonly<Record<string, string>>;
  readonly featureNames: readonly string[];
  readonly featureTypes: readonly string[];
  /** xgboost version that wrote the model, [major, minor, patch]. */
  readonly version: readonly [number, number, number];
}

/** The xgboost version mme's writers claim: the library inside the 1.7-1 image. */
export const WRITER_VERSION: readonly [number, number, number] = [1, 7, 4];

/** Number of output groups (margins per row): num_class for multi-class, else 1. */
export function outputGroups(model: Pick<XGBoostModel, 'numClass'>): number {
  return model.numClass > 1 ? model.numClass : 1;
}

/** Boosting rounds in the model: trees / (groups × num_parallel_tree). */
export function boostedRounds(model: XGBoostModel): number {
  return Math.floor(model.trees.length / (outputGroups(model) * Math.max(1, model.numParallelTree)));
}

/**
 * How many rounds the SageMaker container scores with: it passes
 * `ntree_limit=best_ntree_limit` when the booster has that attribute (set by early stopping),
 * which xgboost 1.7 turns into iteration_range (0, ntree_limit // num_parallel_tree); 0 or
 * absent means every round (docs/aws-behaviour.md#xgboost).
 */
export function containerRounds(model: XGBoostModel): number {
  const all = boostedRounds(model);
  const limit = Number.parseInt(model.attributes.best_ntree_limit ?? '', 10);
  if (!Number.isFinite(limit) || limit <= 0) return all;
  const rounds = Math.floor(limit / Math.max(1, model.numParallelTree));
  return rounds > 0 && rounds < all ? rounds : all;
}

/**
 * Bytes the model's typed arrays hold — the part of its footprint that grows with the trees —
 * including the packed copy predict() builds on first use (16 bytes a node, 4 a tree).
 */
export function modelByteSize(model: XGBoostModel): number {
  let bytes = model.treeInfo.byteLength + 4 * model.trees.length;
  for (const t of model.trees) {
    bytes +=
      t.left.byteLength +
      t.right.byteLength +
      t.parent.byteLength +
      t.splitIndex.byteLength +
      t.splitCondition.byteLength +
      t.defaultLeft.byteLength +
      t.baseWeight.byteLength +
      t.lossChange.byteLength +
      t.sumHessian.byteLength +
      16 * t.left.length;
  }
  return bytes;
}
