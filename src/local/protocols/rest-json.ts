/**
 * REST-JSON, the protocol of SageMaker Runtime: raw payloads in and out, errors named by the
 * `x-amzn-errortype` header with a JSON body.
 */
import type { ErrorFormatter } from '../service.js';

export const restJson: ErrorFormatter = {
  formatError(err, requestId) {
    return {
      status: err.status,
      headers: { 'content-type': 'application/json', 'x-amzn-requestid': requestId, 'x-amzn-errortype': err.code },
      body: JSON.stringify({ message: err.message, ...err.extra }),
    };
  },
};
