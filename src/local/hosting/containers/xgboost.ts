/**
 * The SageMaker XGBoost container's serving side (algorithm mode), natively: its model loader,
 * its request parsing and its answers, which differ between the two servers the image runs
 * (docs/aws-behaviour.md#xgboost; aws/sagemaker-xgboost-container, branch 1.7-1):
 *
 * - a single-model endpoint (and batch transform) is served by gunicorn + flask,
 *   algorithm_mode/serve.py: Accept defaults to text/csv, JSON is `{"predictions": [{"score": …}]}`,
 *   CSV one prediction a line; a transform job (SAGEMAKER_BATCH) gets one prediction a line
 *   whatever it asks for;
 * - a `Mode: MultiModel` endpoint (SAGEMAKER_MULTI_MODEL) by Multi Model Server with
 *   algorithm_mode/handler_service.py: Accept defaults to application/json, JSON is the bare
 *   array `[0.43, 0.45]` (sagemaker_inference encoder), CSV all predictions on ONE line joined
 *   by commas (its own comment: "FIXME: this is invalid CSV and is only retained for backwards
 *   compatibility").
 *
 * Errors keep the status each server answers with (ContainerFailure → ModelError):
 *   empty body 204; unsupported Content-Type 415 (flask) / 400 (MMS: the toolkit's UserError);
 *   unparsable body 415 (flask) / 503 "Prediction failed" (MMS: the handler re-raises a plain
 *   RuntimeError, which has no `.message`, so MMS's own catch-all answers);
 *   scoring failure 400 "Unable to evaluate payload provided: …"; unsupported Accept 406 (flask)
 *   / 415 (MMS); a model that does not load 500 "Unable to load model: …".
 *
 * Numbers are printed as Python prints the float32 predictions turned into Python floats
 * (`str(float)`: 0.4386190772056579, 2.0, 1e-05).
 */
import { ArtifactError } from '../../../algorithms/errors.js';
import {
  loadModel,
  modelByteSize,
  parseCsvData,
  parseLibsvmData,
  predict,
  predictWidth,
  type DenseMatrix,
  type XGBoostModel,
} from '../../../algorithms/xgboost/index.js';
import { pythonFloat } from '../../../algorithms/python-str.js';
import type { ModelFile } from '../../../formats/model-tar.js';
import { ContainerFailure } from '../errors.js';

/** Which of the image's servers answers. */
export type XGBoostServer = 'single-model' | 'multi-model' | 'batch';

export interface XGBoostServing {
  /** The boosters the loader kept: one, or an ensemble of every file. */
  readonly models: readonly XGBoostModel[];
  readonly sizeBytes: number;
  invoke(
    body: string,
    contentType: string | undefined,
    accept: string | undefined,
  ): { body: string; contentType: string };
}

/**
 * serve_utils.get_loaded_booster: every regular top-level file of the model directory, dotfiles
 * skipped; with more than one and SAGEMAKER_INFERENCE_ENSEMBLE not "false", an ensemble of all,
 * else the first (the container takes os.listdir's order; here the archive's order). Each file
 * may be a pickle, xgboost binary, JSON or UBJSON (loadModel sniffs as the container does).
 */
function loadXGBoostModels(files: readonly ModelFile[], environment: Readonly<Record<string, string>>): XGBoostModel[] {
  const candidates = files.filter((f) => !f.name.includes('/') && !f.name.startsWith('.'));
  if (candidates.length === 0)
    throw new ArtifactError(
      `Unable to load model: the model archive has no model file (files: ${files.map((f) => f.name).join(', ') || 'none'})`,
    );
  const ensemble = (environment.SAGEMAKER_INFERENCE_ENSEMBLE ?? 'true').toLowerCase() === 'true';
  const chosen = ensemble ? candidates : candidates.slice(0, 1);
  return chosen.map((f) => {
    try {
      return loadModel(f.data).model;
    } catch (err) {
      throw new ArtifactError(
        `Unable to load model: Model /opt/ml/model/${f.name} cannot be loaded: ${(err as Error).message}`,
      );
    }
  });
}

const CSV_TYPES = new Set(['csv', 'text/csv']);
const LIBSVM_TYPES = new Set(['libsvm', 'text/libsvm', 'text/x-libsvm']);
const KNOWN_UNSUPPORTED = new Set([
  'parquet',
  'application/x-parquet',
  'recordio-protobuf',
  'application/x-recordio-protobuf',
]);

/** data_utils.INVALID_CONTENT_TYPE_ERROR, as get_content_type raises it. */
const invalidContentType = (ct: string) =>
  `${ct} is not an accepted ContentType: csv, libsvm, parquet, recordio-protobuf, text/csv, text/libsvm, text/x-libsvm, application/x-parquet, application/x-recordio-protobuf.`;

function fail(status: number, message: string): never {
  throw new ContainerFailure(status, message);
}

/** Content-Type → rows (get_content_type + parse_content_data). No Content-Type reads as libsvm. */
function parseBody(body: string, contentType: string | undefined, server: XGBoostServer): DenseMatrix {
  const mms = server === 'multi-model';
  const [essence = '', ...params] = (contentType ?? '')
    .toLowerCase()
    .split(';')
    .map((s) => s.trim());
  let format: 'csv' | 'libsvm';
  if (contentType === undefined || CSV_TYPES.has(essence) || LIBSVM_TYPES.has(essence)) {
    format = contentType !== undefined && CSV_TYPES.has(essence) ? 'csv' : 'libsvm';
    const labelSize = params.find((p) => p.startsWith('label_size='))?.slice('label_size='.length);
    if (format === 'csv' && labelSize !== undefined && labelSize !== '1')
      fail(
        mms ? 400 : 415,
        `${contentType} is not an accepted csv ContentType. Optional parameter label_size must be equal to 1`,
      );
  } else if (KNOWN_UNSUPPORTED.has(essence)) {
    // Parquet and recordio-protobuf pass get_content_type; parquet is then refused by
    // parse_content_data, recordio-protobuf the local cloud does not read (README).
    if (mms) fail(503, 'Prediction failed');
    return fail(415, `Content-type ${contentType} is not supported.`);
  } else {
    return fail(mms ? 400 : 415, invalidContentType(contentType));
  }
  try {
    const text = body.trim();
    return format === 'csv' ? parseCsvData(text, { labeled: false }).x : parseLibsvmData(text, { labeled: false }).x;
  } catch (err) {
    if (mms) fail(503, 'Prediction failed');
    const detail = (err as Error).message;
    return fail(
      415,
      format === 'csv'
        ? `Loading csv data failed with Exception, please ensure data is in csv format:\n <class 'ValueError'>\n ${detail}`
        : `Loading libsvm data failed with Exception, please ensure data is in libsvm format:\n <class 'ValueError'>\n ${detail}`,
    );
  }
}

/** serve_utils.predict: one booster, or the ensemble's mean (vote for multi:softmax). */
function score(models: readonly XGBoostModel[], x: DenseMatrix): { values: Float32Array; width: number } {
  const first = models[0]!;
  for (const m of models) {
    // xgboost 1.7 Learner::ValidateDMatrix: more columns than the model knows is an error.
    if (x.cols > m.numFeature && m.numFeature > 0)
      fail(
        400,
        `Unable to evaluate payload provided: Check failed: learner_model_param_.num_feature >= p_fmat->Info().num_col_ (${m.numFeature} vs. ${x.cols}) : Number of columns does not match number of features in booster.`,
      );
  }
  const width = predictWidth(first);
  if (models.length === 1) return { values: predict(first, x), width };
  const all = models.map((m) => predict(m, x));
  const out = new Float32Array(all[0]!.length);
  if (first.objective === 'multi:softmax') {
    // scipy.stats.mode: the most frequent value, the smallest on a tie.
    for (let i = 0; i < out.length; i++) {
      const counts = new Map<number, number>();
      for (const p of all) counts.set(p[i]!, (counts.get(p[i]!) ?? 0) + 1);
      let best = Number.POSITIVE_INFINITY;
      let bestCount = 0;
      for (const [v, c] of counts) if (c > bestCount || (c === bestCount && v < best)) [best, bestCount] = [v, c];
      out[i] = best;
    }
  } else {
    // np.mean over float32 arrays: float32 result (pairwise sum; exact for the few models an archive holds).
    for (let i = 0; i < out.length; i++) {
      let sum = 0;
      for (const p of all) sum = Math.fround(sum + p[i]!);
      out[i] = Math.fround(sum / all.length);
    }
  }
  return { values: out, width };
}

/**
 * prediction.tolist(): numbers, or per-row lists when the model predicts several values. Plain
 * loops: Array.from on a typed array goes through its iterator, which the warm path's profile
 * showed costing more than scoring the row.
 */
function rowsOf(values: Float32Array, width: number): (number | number[])[] {
  const rows: (number | number[])[] = new Array<number | number[]>(values.length / width);
  if (width === 1) {
    for (let r = 0; r < rows.length; r++) rows[r] = values[r]!;
    return rows;
  }
  for (let r = 0; r < rows.length; r++) {
    const row = new Array<number>(width);
    for (let j = 0; j < width; j++) row[j] = values[r * width + j]!;
    rows[r] = row;
  }
  return rows;
}

/** Python's str() of a tolist() item. */
const pyStr = (v: number | number[]) => (Array.isArray(v) ? `[${v.map(pythonFloat).join(', ')}]` : pythonFloat(v));

/** json.dumps of a number: NaN and ±Infinity as Python's json writes them. */
const pyJsonNumber = (v: number) =>
  Number.isFinite(v) ? pythonFloat(v) : Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';

/** json.dumps of numbers and lists (", " and ": " separators). */
const pyJson = (v: number | number[]) => (Array.isArray(v) ? `[${v.map(pyJsonNumber).join(', ')}]` : pyJsonNumber(v));

const SINGLE_MODEL_ACCEPTS = [
  'application/json',
  'application/jsonlines',
  'application/x-recordio-protobuf',
  'text/csv',
];

function formatSingleModel(
  rows: (number | number[])[],
  accept: string | undefined,
  environment: Readonly<Record<string, string>>,
) {
  const parsed = (accept ?? '').split(';')[0]!.trim();
  let type =
    !parsed || parsed === '*/*'
      ? (environment.SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT ?? 'text/csv')
      : parsed.toLowerCase();
  if (parsed && parsed !== '*/*' && !SINGLE_MODEL_ACCEPTS.includes(type))
    fail(
      406,
      `Accept type ${accept} is not supported. Please use supported accept types: ['${SINGLE_MODEL_ACCEPTS.join("', '")}'].`,
    );
  if (type === 'application/json')
    return { body: `{"predictions": [${rows.map((r) => `{"score": ${pyJson(r)}}`).join(', ')}]}`, contentType: type };
  if (type === 'text/csv')
    // sagemaker_containers' array_to_csv: np.savetxt(delimiter=',', fmt='%s'), one row a line.
    return {
      body: rows.map((r) => (Array.isArray(r) ? r.map(pythonFloat).join(',') : pythonFloat(r))).join('\n') + '\n',
      contentType: type,
    };
  type = type || 'text/csv';
  return fail(
    406,
    `Accept type ${type} is not supported by the mme local cloud's XGBoost container (use text/csv or application/json).`,
  );
}

function formatMultiModel(
  rows: (number | number[])[],
  accept: string | undefined,
  environment: Readonly<Record<string, string>>,
) {
  const given = accept?.trim();
  const type =
    !given || given === '*/*' ? (environment.SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT ?? 'application/json') : given;
  const lower = type.toLowerCase();
  if (lower === 'text/csv' || lower === 'csv') return { body: rows.map(pyStr).join(','), contentType: type };
  if (lower === 'application/json' || lower === 'json')
    return { body: `[${rows.map(pyJson).join(', ')}]`, contentType: type };
  return fail(
    415,
    `Encoding to accept type ${type} failed with exception: ${type} is not an accepted Accept type. Please choose one of the following: ['text/csv', 'application/json'].`,
  );
}

/** A loaded XGBoost model as one of the image's servers answers with it. */
export function serveXGBoost(
  files: readonly ModelFile[],
  server: XGBoostServer,
  environment: Readonly<Record<string, string>>,
): XGBoostServing {
  const models = loadXGBoostModels(files, environment);
  const sizeBytes = models.reduce((n, m) => n + modelByteSize(m), 0);
  return {
    models,
    sizeBytes,
    invoke(body, contentType, accept) {
      // Both servers answer an empty body with 204 No Content before anything else.
      if (body.length === 0) fail(204, '');
      const x = parseBody(body, contentType, server);
      const { values, width } = score(models, x);
      const rows = rowsOf(values, width);
      if (server === 'batch') return { body: rows.map(pyStr).join('\n') + '\n', contentType: accept ?? 'text/csv' };
      return server === 'multi-model'
        ? formatMultiModel(rows, accept, environment)
        : formatSingleModel(rows, accept, environment);
    },
  };
}
