/**
 * Linear learner inference, as the built-in container answers ("Linear learner response
 * formats" in the SageMaker guide):
 *   regressor              {"predictions":[{"score":439972.62}]}
 *   binary_classifier      {"predictions":[{"score":0.93,"predicted_label":1}]}   score = P(label 1)
 *   multiclass_classifier  {"predictions":[{"score":[0.1,0.2,0.7],"predicted_label":2}]}
 * application/jsonlines puts one prediction object a line. Input formats: see data.ts.
 */
import { negotiateAccept } from '../content-types.js';
import { parseInferenceRequest, type Dataset } from './data.js';
import { scoreRow, type LinearLearnerModel } from './model.js';

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
  const responseType = negotiateAccept<LinearLearnerAccept>(
    accept, ['application/json', 'application/jsonlines'], LINEAR_LEARNER_DEFAULT_ACCEPT,
  );
  const predictions = predict(model, parseInferenceRequest(body, contentType, model.featureDim));
  if (responseType === 'application/jsonlines') {
    return { body: predictions.map((p) => JSON.stringify(p)).join('\n') + '\n', contentType: responseType };
  }
  return { body: JSON.stringify({ predictions }), contentType: responseType };
}
