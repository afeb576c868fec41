/**
 * AWS JSON 1.0 / 1.1: `POST /`, operation in `X-Amz-Target: Prefix.Operation`, JSON in and out.
 * SageMaker speaks 1.1; CloudWatch speaks 1.0 in "query-compatible" mode since client 3.949.
 */
import type { LocalRequest, LocalResponse } from '../http.js';
import { ServiceError } from '../service-error.js';
import type { Protocol } from './operations.js';

function operationFromTarget(request: LocalRequest, prefix: string): string {
  const target = request.headers['x-amz-target'] ?? '';
  const dot = target.lastIndexOf('.');
  if (dot < 0 || target.slice(0, dot) !== prefix) {
    throw new ServiceError('UnknownOperationException', `Unknown operation ${target || '(no X-Amz-Target)'}`);
  }
  return target.slice(dot + 1);
}

export function parseJsonBody(request: LocalRequest): Record<string, unknown> {
  if (request.body.length === 0) return {};
  try {
    const value: unknown = JSON.parse(request.body.toString('utf8'));
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // fall through to the AWS error below
  }
  throw new ServiceError('SerializationException', 'Start of structure or map found where not expected.');
}

/** Dates go out as epoch seconds (with fractions), as the JSON protocols encode timestamps. */
function replacer(this: unknown, key: string, value: unknown): unknown {
  const raw = (this as Record<string, unknown>)[key];
  return raw instanceof Date ? raw.getTime() / 1000 : value;
}

function jsonResponse(version: '1.0' | '1.1', body: unknown, requestId: string, status = 200): LocalResponse {
  return {
    status,
    headers: { 'content-type': `application/x-amz-json-${version}`, 'x-amzn-requestid': requestId },
    body: JSON.stringify(body ?? {}, replacer),
  };
}

/**
 * AWS JSON of one API: the operation named by `X-Amz-Target: {target}.{Operation}`, the input the
 * body's JSON object, the output a JSON object (dates as epoch seconds).
 */
export function jsonProtocol(
  version: '1.0' | '1.1',
  options: { target?: string; queryCompatibleNamespace?: string } = {},
): Protocol<Record<string, unknown>, unknown> {
  return {
    operationOf: (request) => operationFromTarget(request, options.target ?? ''),
    inputOf: (request) => parseJsonBody(request),
    encode: (_operation, output, call) => jsonResponse(version, output, call.requestId),
    formatError(err, requestId) {
      const headers: Record<string, string> = {
        'content-type': `application/x-amz-json-${version}`,
        'x-amzn-requestid': requestId,
      };
      let type = err.code;
      if (options.queryCompatibleNamespace) {
        // Query-compatible services (CloudWatch) carry the Query error code in a header and a
        // namespaced shape name in the body; the SDK reads the header to name the exception.
        headers['x-amzn-query-error'] = `${err.code};${err.fault}`;
        type = `${options.queryCompatibleNamespace}#${queryCompatibleShape(err.code)}`;
      }
      return {
        status: err.status,
        headers,
        body: JSON.stringify({ __type: type, message: err.message, ...err.extra }),
      };
    },
  };
}

/**
 * The modelled shape name behind a Query error code, as query-compatible services write it in
 * `__type` (InvalidParameterValue → InvalidParameterValueException). CloudWatch's one irregular
 * name is MissingParameter, modelled as MissingRequiredParameterException.
 */
function queryCompatibleShape(code: string): string {
  if (code === 'MissingParameter') return 'MissingRequiredParameterException';
  return code.endsWith('Exception') ? code : `${code}Exception`;
}
