/**
 * Linear learner inference, as the built-in container answers ("Linear learner response
 * formats" in the SageMaker guide):
 *   regressor              {"predictions":[{"score":439972.62}]}
 *   binary_classifier      {"predictions":[{"score":0.93,"predicted_label":1}]}   score = P(label 1)
 *   multiclass_classifier  {"predictions":[{"score":[0.1,0.2,0.7],"predicted_label":2}]}
 * application/jsonlines puts one prediction object a line. Input formats: see data.ts.
 */
import { negotiateAccept } from '../content-types.js';
import { parseInferenceRequest, readInferenceJsonFast, type Dataset } from '../first-party/data.js';
import { scoreRow, sigmoid, type LinearLearnerModel } from './model.js';

export interface Prediction {
  score: number | number[];
  predicted_label?: number;
}

export function predict(model: LinearLearnerModel, data: Dataset): Prediction[] {
  const out: Prediction[] = [];
  for (let i = 0; i < data.rows; i++) {
    const score = scoreRow(model, data.features, i * model.featureDim);
    if (typeof score === 'number') {
      if (model.predictorType === 'regressor') out.push({ score });
      else out.push({ score, predicted_label: score >= model.threshold ? 1 : 0 });
    } else {
      let label = 0;
      for (let c = 1; c < score.length; c++) if (score[c]! > score[label]!) label = c;
      out.push({ score: Array.from(score), predicted_label: label });
    }
  }
  return out;
}

export type LinearLearnerAccept = 'application/json' | 'application/jsonlines';
export const LINEAR_LEARNER_DEFAULT_ACCEPT: LinearLearnerAccept = 'application/json';

/** One invocation of the linear learner container: parse, predict, format. Throws InferenceError. */
export function invokeLinearLearner(
  model: LinearLearnerModel,
  body: string,
  contentType: string | undefined,
  accept: string | undefined,
): { body: string; contentType: LinearLearnerAccept } {
  return (
    invokeLinearLearnerFast(model, body, contentType, accept) ??
    invokeLinearLearnerGeneric(model, body, contentType, accept)
  );
}

/**
 * The hot case of `invokeLinearLearner`: exactly `application/json` in (the preprocessor's
 * `{"instances":[{"features":[…]}]}` text, data.ts readInferenceJsonFast) and an exact or absent
 * Accept; the answer's JSON written by hand. Undefined for anything else, and whenever the fast
 * reader declines: the caller runs the generic path. Byte-identical answers:
 * test/algorithms/fast-path-differential.test.ts.
 */
export function invokeLinearLearnerFast(
  model: LinearLearnerModel,
  body: string,
  contentType: string | undefined,
  accept: string | undefined,
): { body: string; contentType: LinearLearnerAccept } | undefined {
  if (contentType !== 'application/json') return undefined;
  const lines = accept === 'application/jsonlines';
  if (!lines && accept !== undefined && accept !== 'application/json') return undefined;
  const rows = readInferenceJsonFast(body, model.featureDim);
  if (rows === undefined) return undefined;
  let out = lines ? '' : '{"predictions":[';
  for (let i = 0; i < rows.length; i++) {
    const text = predictionJson(
      model.predictorType === 'multiclass_classifier'
        ? predictMulticlass(model, rows[i]!)
        : predictOne(model, rows[i]!),
    );
    out += lines ? `${text}\n` : (i === 0 ? '' : ',') + text;
  }
  if (lines) return { body: out, contentType: 'application/jsonlines' };
  return { body: `${out}]}`, contentType: 'application/json' };
}

/**
 * `predict` of one row for a one-output model, as scoreRow computes it (same sums, same order),
 * without its typed arrays.
 */
function predictOne(model: LinearLearnerModel, x: readonly number[]): Prediction {
  const w = model.weights;
  let s = model.bias[0]!;
  for (let j = 0; j < model.featureDim; j++) s += w[j]! * x[j]!;
  if (model.predictorType === 'regressor') return { score: s };
  const score = model.loss === 'hinge_loss' ? s : sigmoid(s);
  return { score, predicted_label: score >= model.threshold ? 1 : 0 };
}

function predictMulticlass(model: LinearLearnerModel, x: readonly number[]): Prediction {
  return predict(model, {
    rows: 1,
    featureDim: model.featureDim,
    features: Float64Array.from(x),
    labels: new Float64Array(0),
  })[0]!;
}

/** `invokeLinearLearner` through JSON.parse/JSON.stringify and the general readers; the reference for the fast path. */
export function invokeLinearLearnerGeneric(
  model: LinearLearnerModel,
  body: string,
  contentType: string | undefined,
  accept: string | undefined,
): { body: string; contentType: LinearLearnerAccept } {
  const responseType = negotiateAccept<LinearLearnerAccept>(
    accept,
    ['application/json', 'application/jsonlines'],
    LINEAR_LEARNER_DEFAULT_ACCEPT,
  );
  const predictions = predict(model, parseInferenceRequest(body, contentType, model.featureDim));
  if (responseType === 'application/jsonlines') {
    return { body: predictions.map((p) => JSON.stringify(p)).join('\n') + '\n', contentType: responseType };
  }
  return { body: JSON.stringify({ predictions }), contentType: responseType };
}

/** JSON.stringify of a number: its shortest round-trip spelling, `null` when not finite. */
const jsonNumber = (x: number): string => (Number.isFinite(x) ? String(x) : 'null');

/** `JSON.stringify(p)` for a Prediction as `predict` makes it (score first, predicted_label if set). */
function predictionJson(p: Prediction): string {
  let score: string;
  if (typeof p.score === 'number') score = jsonNumber(p.score);
  else {
    score = '[';
    for (let i = 0; i < p.score.length; i++) score += (i === 0 ? '' : ',') + jsonNumber(p.score[i]!);
    score += ']';
  }
  return p.predicted_label === undefined
    ? `{"score":${score}}`
    : `{"score":${score},"predicted_label":${jsonNumber(p.predicted_label)}}`;
}
