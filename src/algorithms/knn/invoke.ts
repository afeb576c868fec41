/**
 * One invocation of the k-NN container ("k-NN request and response formats";
 * docs/aws-behaviour.md#k-nn). Requests: text/csv (features only), application/json
 * (`{"instances":[{"features":[…]}]}` or the `{"data":{"features":{"values":[…]}}}` form),
 * application/jsonlines; read by the first-party reader the linear learner shares, with its
 * "Feature size … is not consistent" error. Answers:
 *   application/json       {"predictions":[{"predicted_label":0.0}, …]}
 *   application/jsonlines  {"predicted_label":0.0} a line
 * and with `; verbose=true` on the Accept type each prediction also carries the neighbours'
 * `distances` (best first, faiss.ts) and their `labels`.
 */
import { negotiateAccept, parseMediaType } from '../content-types.js';
import type { InvocationResponse } from '../preprocessor.js';
import { parseInferenceRequest } from '../first-party/data.js';
import { predictKnn, type KnnModel } from './model.js';

const ACCEPTS = ['application/json', 'application/jsonlines'] as const;
export const KNN_DEFAULT_ACCEPT = 'application/json';

export function invokeKnn(
  model: KnnModel,
  body: string,
  contentType: string | undefined,
  accept: string | undefined,
): InvocationResponse {
  const responseType = negotiateAccept(accept, ACCEPTS, KNN_DEFAULT_ACCEPT);
  const data = parseInferenceRequest(body, contentType, model.meta.feature_dim);
  const predictions = predictKnn(model, data.features, data.rows, verbose(accept, responseType));
  if (responseType === 'application/jsonlines') {
    return { body: predictions.map((p) => JSON.stringify(p)).join('\n') + '\n', contentType: responseType };
  }
  return { body: JSON.stringify({ predictions }), contentType: responseType };
}

/** Whether the Accept entry that chose `type` says `verbose=true`. */
function verbose(accept: string | undefined, type: string): boolean {
  for (const part of (accept ?? '').split(',')) {
    const media = parseMediaType(part);
    if (media.essence === type || media.essence === '*/*') return media.params.verbose?.toLowerCase() === 'true';
  }
  return false;
}
