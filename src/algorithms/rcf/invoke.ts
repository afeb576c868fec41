/**
 * One invocation of the RCF container ("RCF response formats"; docs/aws-behaviour.md#random-cut-forest).
 * Requests: text/csv, application/json, application/jsonlines, read as k-NN and the linear
 * learner read them. Answers (note the top-level key "scores", not "predictions"):
 *   application/json       {"scores":[{"score":0.02},{"score":0.25}]}
 *   application/jsonlines  {"score":0.02} a line
 */
import { negotiateAccept } from '../content-types.js';
import { parseInferenceRequest } from '../first-party/data.js';
import type { InvocationResponse } from '../preprocessor.js';
import type { RcfModel } from './artifact.js';
import { scoreForest } from './forest.js';

const ACCEPTS = ['application/json', 'application/jsonlines'] as const;
export const RCF_DEFAULT_ACCEPT = 'application/json';

export function invokeRcf(
  model: RcfModel,
  body: string,
  contentType: string | undefined,
  accept: string | undefined,
): InvocationResponse {
  const responseType = negotiateAccept(accept, ACCEPTS, RCF_DEFAULT_ACCEPT);
  const data = parseInferenceRequest(body, contentType, model.meta.feature_dim);
  const scores = Array.from(scoreForest(model.forest, data.features, data.rows), (score) => ({ score }));
  if (responseType === 'application/jsonlines') {
    return { body: scores.map((s) => JSON.stringify(s)).join('\n') + '\n', contentType: responseType };
  }
  return { body: JSON.stringify({ scores }), contentType: responseType };
}
