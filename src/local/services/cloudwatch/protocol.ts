/**
 * CloudWatch's two wire protocols, decided per request as CloudWatch itself does:
 * - JSON 1.0 "query-compatible" (JS SDK ≥ 3.949, recent botocore): `X-Amz-Target:
 *   GraniteServiceVersion20100801.<Op>`, `x-amzn-query-mode: true`, JSON in and out, timestamps
 *   as epoch seconds; errors carry the Query code in `x-amzn-query-error`.
 * - Query (older SDKs and CLIs): form `Action=<Op>&Version=2010-08-01&…`, answered by
 *   `<OpResponse xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/"><OpResult>…`, lists as
 *   `<member>`, maps (ExtendedStatistics) as `<entry><key/><value/></entry>`.
 * Operations return one plain result; this module writes it in the request's protocol.
 */
import { gunzipSync } from 'node:zlib';
import type { LocalRequest, LocalResponse } from '../../http.js';
import { jsonResponse, operationFromTarget, parseJsonBody } from '../../protocols/json.js';
import { CLOUDWATCH_XMLNS, errorFormatterFor } from '../../protocols/index.js';
import { parseQueryParams, queryAction, queryResponse } from '../../protocols/query.js';
import type { XmlNode, XmlValue } from '../../protocols/xml.js';
import { ServiceError } from '../../service-error.js';
import type { ErrorFormatter } from '../../service.js';
import { decodeQueryParams, type Input } from './wire.js';

const JSON_TARGET_PREFIX = 'GraniteServiceVersion20100801';
const API_VERSION = '2010-08-01';
/** PutMetricData's request limit is 1 MB; a gzip body may not inflate past a little more. */
const MAX_INFLATED_BYTES = 2 * 1024 * 1024;

export type WireProtocol = 'json' | 'query';

export interface DecodedRequest {
  protocol: WireProtocol;
  operation: string;
  input: Input;
}

/** The per-request error formatter: JSON when X-Amz-Target is present, Query otherwise. */
export const cloudWatchProtocol: ErrorFormatter = {
  formatError(err, requestId, request) {
    return errorFormatterFor('monitoring', request).formatError(err, requestId, request);
  },
};

export function decodeRequest(request: LocalRequest): DecodedRequest {
  const body = inflate(request);
  const plain: LocalRequest = { ...request, body };
  if (request.headers['x-amz-target'] !== undefined) {
    return { protocol: 'json', operation: operationFromTarget(plain, JSON_TARGET_PREFIX), input: parseJsonBody(plain) };
  }
  const params = parseQueryParams(plain);
  const operation = queryAction(params);
  if (params.Version !== undefined && params.Version !== API_VERSION) {
    throw new ServiceError(
      'InvalidParameterValue',
      `The value ${params.Version} for parameter Version is invalid: CloudWatch's API version is ${API_VERSION}.`,
    );
  }
  return { protocol: 'query', operation, input: decodeQueryParams(params) };
}

export function encodeResponse(
  protocol: WireProtocol,
  operation: string,
  result: object,
  requestId: string,
): LocalResponse {
  if (protocol === 'json') return jsonResponse('1.0', result, requestId);
  const node = toXml(result) as XmlNode;
  return queryResponse(operation, Object.keys(node).length > 0 ? node : undefined, CLOUDWATCH_XMLNS, requestId);
}

/**
 * The SDKs gzip PutMetricData bodies of 10 KB and more (`Content-Encoding: gzip`, the
 * requestCompression trait); the signature covers the compressed bytes, so inflate only here.
 */
function inflate(request: LocalRequest): Buffer {
  const encoding = (request.headers['content-encoding'] ?? '').toLowerCase();
  if (!encoding.split(',').some((e) => e.trim() === 'gzip')) return request.body;
  try {
    return gunzipSync(request.body, { maxOutputLength: MAX_INFLATED_BYTES });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new ServiceError('RequestEntityTooLarge', 'Request size exceeded 1048576 bytes', 413);
    }
    throw new ServiceError('InvalidParameterValue', 'The request body is not valid gzip data.');
  }
}

/** Plain result → Query XML children: lists as <member>, the ExtendedStatistics map as <entry>. */
function toXml(value: unknown, key = ''): XmlValue {
  if (value === undefined || value === null) return undefined;
  if (value instanceof Date || typeof value !== 'object') return value as XmlValue;
  if (Array.isArray(value)) return { member: value.map((v) => toXml(v)) };
  if (key === 'ExtendedStatistics') {
    return { entry: Object.entries(value as Record<string, number>).map(([k, v]) => ({ key: k, value: v })) };
  }
  const node: XmlNode = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) node[k] = toXml(v, k);
  return node;
}
