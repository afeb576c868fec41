/**
 * A trained k-NN model and its predictions (docs/aws-behaviour.md#k-nn). `meta` is the
 * artifact's editable `model_algo-1.json`: the guide's keys (k, predictor_type,
 * dimension_reduction, normalize, version) and mme's (feature_dim, index_type, index_metric),
 * read again at every prediction so that an edited k or predictor_type takes effect, as the
 * guide promises.
 *
 * A query goes through what the stored points went through at training: dimension reduction,
 * then (COSINE) normalisation to unit length, then zero padding to the index's dimension
 * (IVFPQ's faiss_index_pq_m must divide it), then the index search.
 * - regressor: the mean of the k neighbours' labels;
 * - classifier: the most frequent label among them; a tie goes to the smallest tied label, as
 *   scikit-learn's KNeighborsClassifier (scipy.stats.mode) breaks it: SageMaker does not say.
 */
import { search, type VectorIndex } from './faiss.js';
import type { KnnIndexType, KnnMetric, KnnPredictorType } from './hyperparameters.js';
import { makeReducer, type DimensionReduction, type Reducer } from './reduction.js';

export interface KnnMetadata {
  k: number;
  predictor_type: KnnPredictorType;
  dimension_reduction?: DimensionReduction;
  normalize: boolean;
  version: '1.0';
  feature_dim: number;
  index_type: KnnIndexType;
  index_metric: KnnMetric;
}

export interface KnnModel {
  meta: KnnMetadata;
  index: VectorIndex;
  /** Label of each indexed point, by id (float32, as the artifact stores them). */
  labels: Float32Array;
}

export interface KnnPrediction {
  predicted_label: number;
  distances?: number[];
  labels?: number[];
}

/** Turns raw feature rows into the index's vectors. */
export function vectorizer(meta: KnnMetadata, indexDim: number): (x: ArrayLike<number>, off: number) => Float64Array {
  const reducer: Reducer | undefined = meta.dimension_reduction && makeReducer(meta.dimension_reduction);
  const reducedDim = meta.dimension_reduction?.target_dim ?? meta.feature_dim;
  const reduced = new Float64Array(reducedDim);
  return (x, off) => {
    const out = new Float64Array(indexDim);
    if (reducer) reducer(x, off, reduced);
    else for (let j = 0; j < reducedDim; j++) reduced[j] = x[off + j]!;
    let scale = 1;
    if (meta.normalize) {
      let norm = 0;
      for (let j = 0; j < reducedDim; j++) norm += reduced[j]! * reduced[j]!;
      scale = norm > 0 ? 1 / Math.sqrt(norm) : 1;
    }
    // Rounded to float32: faiss compares float32 vectors.
    for (let j = 0; j < reducedDim; j++) out[j] = Math.fround(reduced[j]! * scale);
    return out;
  };
}

/** Predictions for `rows` rows of meta.feature_dim features (row-major). */
export function predictKnn(
  model: KnnModel,
  features: ArrayLike<number>,
  rows: number,
  verbose = false,
): KnnPrediction[] {
  const { meta, index, labels } = model;
  const toVector = vectorizer(meta, index.dim);
  const out: KnnPrediction[] = [];
  for (let i = 0; i < rows; i++) {
    const { distances, ids } = search(index, toVector(features, i * meta.feature_dim), 0, meta.k);
    const neighbourLabels = ids.map((id) => labels[id]!);
    const predicted_label = meta.predictor_type === 'regressor' ? mean(neighbourLabels) : mode(neighbourLabels);
    out.push(verbose ? { predicted_label, distances, labels: neighbourLabels } : { predicted_label });
  }
  return out;
}

function mean(values: number[]): number {
  let s = 0;
  for (const v of values) s += v;
  return s / values.length;
}

function mode(values: number[]): number {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best = NaN;
  let bestCount = 0;
  for (const [v, c] of counts) {
    if (c > bestCount || (c === bestCount && v < best)) {
      best = v;
      bestCount = c;
    }
  }
  return best;
}
