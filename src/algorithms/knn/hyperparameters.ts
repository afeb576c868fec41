/**
 * k-NN hyperparameters as the SageMaker developer guide lists them ("k-NN Hyperparameters";
 * docs/aws-behaviour.md#k-nn), validated with the first-party framework's messages
 * (first-party/hyperparameters.ts). Rules beyond single values, each with the guide's words:
 * - dimension_reduction_target is "Required when you specify the dimension_reduction_type
 *   parameter" and must be "greater than 0 and less than feature_dim";
 * - "the INNER_PRODUCT distance and COSINE similarity are not supported" with faiss.IVFPQ;
 * - faiss_index_pq_m is one of 1, 2, 3, 4, 8, …, 96; a data dimension it does not divide is
 *   zero-padded (no reduction) or the reduction target raised to the next multiple;
 * - faiss_index_ivf_nlists "auto" "resolves to sqrt(sample_size)".
 * k larger than sample_size is refused too: the index could never return k neighbours.
 */
import { hyperparameterValidationError } from '../errors.js';
import { parseFirstPartyHyperparameters, requiredError, type Spec } from '../first-party/hyperparameters.js';

export type KnnPredictorType = 'classifier' | 'regressor';
export type KnnIndexType = 'faiss.Flat' | 'faiss.IVFFlat' | 'faiss.IVFPQ';
export type KnnMetric = 'L2' | 'INNER_PRODUCT' | 'COSINE';
export type DimensionReductionType = 'sign' | 'fjlt';

const PQ_M_VALUES = [1, 2, 3, 4, 8, 12, 16, 20, 24, 28, 32, 40, 48, 56, 64, 96] as const;

export interface KnnHyperparameters {
  featureDim: number;
  k: number;
  predictorType: KnnPredictorType;
  sampleSize: number;
  indexType: KnnIndexType;
  indexMetric: KnnMetric;
  /** Resolved: sqrt(sample_size) rounded, at least 1, for "auto". */
  ivfNlists: number;
  /** IVFPQ's number of sub-quantizers; undefined when not IVFPQ. */
  pqM?: number;
  dimensionReduction?: { type: DimensionReductionType; target: number };
  miniBatchSize: number;
}

const positive: Spec = { type: 'integer', min: 1, default: '' };
const SPECS: Record<string, Spec> = {
  feature_dim: positive,
  k: positive,
  predictor_type: { type: 'enum', values: ['classifier', 'regressor'], default: '' },
  sample_size: positive,
  dimension_reduction_type: { type: 'enum', values: ['sign', 'fjlt'], default: '' },
  dimension_reduction_target: positive,
  index_type: { type: 'enum', values: ['faiss.Flat', 'faiss.IVFFlat', 'faiss.IVFPQ'], default: 'faiss.Flat' },
  index_metric: { type: 'enum', values: ['L2', 'INNER_PRODUCT', 'COSINE'], default: 'L2' },
  faiss_index_ivf_nlists: { type: 'integer', min: 1, words: ['auto'], default: 'auto' },
  faiss_index_pq_m: { type: 'enum', values: PQ_M_VALUES.map(String), default: '' },
  mini_batch_size: { type: 'integer', min: 1, default: 5000 },
};

const REQUIRED = ['feature_dim', 'k', 'predictor_type', 'sample_size'];

export function parseKnnHyperparameters(input: Record<string, string>): KnnHyperparameters {
  const v = parseFirstPartyHyperparameters(input, SPECS, REQUIRED);
  const featureDim = v.feature_dim as number;
  const k = v.k as number;
  const sampleSize = v.sample_size as number;
  const indexType = v.index_type as KnnIndexType;
  const indexMetric = v.index_metric as KnnMetric;

  let dimensionReduction: KnnHyperparameters['dimensionReduction'];
  if (v.dimension_reduction_type !== undefined) {
    if (v.dimension_reduction_target === undefined) requiredError(['dimension_reduction_target']);
    const target = v.dimension_reduction_target as number;
    if (target >= featureDim) {
      throw hyperparameterValidationError(
        `The value '${target}' is not valid for the 'dimension_reduction_target' hyperparameter which expects ` +
          `one of the following: an integer greater than 0 and less than feature_dim (${featureDim})`,
      );
    }
    dimensionReduction = { type: v.dimension_reduction_type as DimensionReductionType, target };
  }
  if (indexType === 'faiss.IVFPQ' && indexMetric !== 'L2') {
    throw hyperparameterValidationError(
      `The value '${indexMetric}' is not valid for the 'index_metric' hyperparameter when 'index_type' is ` +
        `'faiss.IVFPQ': the INNER_PRODUCT distance and COSINE similarity are not supported with faiss.IVFPQ`,
    );
  }
  if (k > sampleSize) {
    throw hyperparameterValidationError(
      `The value '${k}' is not valid for the 'k' hyperparameter: k must not be greater than sample_size (${sampleSize})`,
    );
  }
  const nlists = v.faiss_index_ivf_nlists;
  const ivfNlists = nlists === 'auto' ? Math.max(1, Math.round(Math.sqrt(sampleSize))) : (nlists as number);
  let pqM: number | undefined;
  if (indexType === 'faiss.IVFPQ') {
    const reducedDim = dimensionReduction?.target ?? featureDim;
    pqM = v.faiss_index_pq_m === undefined ? defaultPqM(reducedDim) : Number(v.faiss_index_pq_m);
    // "If dimension reduction is applied, the algorithm increases the value of the
    // dimension_reduction_target hyperparameter" to a multiple of faiss_index_pq_m.
    if (dimensionReduction) dimensionReduction.target = Math.ceil(dimensionReduction.target / pqM) * pqM;
  }
  return {
    featureDim,
    k,
    predictorType: v.predictor_type as KnnPredictorType,
    sampleSize,
    indexType,
    indexMetric,
    ivfNlists,
    ...(pqM !== undefined && { pqM }),
    ...(dimensionReduction && { dimensionReduction }),
    miniBatchSize: v.mini_batch_size as number,
  };
}

/**
 * The guide gives no default for faiss_index_pq_m. mme's: the smallest allowed value that cuts
 * the vector into sub-vectors of at most 4 components (faiss's usual 8-bit codes stay accurate).
 */
function defaultPqM(dim: number): number {
  return PQ_M_VALUES.find((m) => m >= dim / 4) ?? PQ_M_VALUES[PQ_M_VALUES.length - 1];
}
