/**
 * CloudWatch's two wire protocols, decided per request as CloudWatch itself does:
 * - JSON 1.0 "query-compatible" (JS SDK ≥ 3.949, recent botocore): `X-Amz-Target:
 *   GraniteServiceVersion20100801.<Op>`, `x-amzn-query-mode: true`, JSON in and out, timestamps
 *   as epoch seconds; errors carry the Query code in `x-amzn-query-error`.
 * - Query (older SDKs and CLIs): form `Action=<Op>&Version=2010-08-01&…`, answered by
 *   `<OpResponse xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/"><OpResult>…`, lists as
 *   `<member>`, maps (ExtendedStatistics) as `<entry><key/><value/></entry>`.
 * Operations take one input shape and return one plain result; these two protocols decode and
 * encode them, each the kit's JSON or Query protocol with CloudWatch's request compression.
 */
import { gunzipSync } from 'node:zlib';
import type { LocalRequest } from '../../http.js';
import { jsonProtocol, parseJsonBody } from '../../protocols/json.js';
import { CLOUDWATCH_XMLNS } from '../../protocols/index.js';
import type { Protocol } from '../../protocols/operations.js';
import { parseQueryParams, queryAction, queryProtocol } from '../../protocols/query.js';
import type { XmlNode, XmlValue } from '../../protocols/xml.js';
import { ServiceError } from '../../service-error.js';
import { decodeQueryParams, type Input } from './wire.js';

const JSON_TARGET_PREFIX = 'GraniteServiceVersion20100801';
const API_VERSION = '2010-08-01';
/** PutMetricData's request limit is 1 MB; a gzip body may not inflate past a little more. */
const MAX_INFLATED_BYTES = 2 * 1024 * 1024;

const json = jsonProtocol('1.0', { target: JSON_TARGET_PREFIX, queryCompatibleNamespace: 'com.amazonaws.cloudwatch' });
const query = queryProtocol(CLOUDWATCH_XMLNS);

/** JSON 1.0: the JSON object is the operations' input, their result the JSON answer. */
const cloudWatchJson: Protocol<Input, object> = {
  formatError: (err, requestId, request) => json.formatError(err, requestId, request),
  operationOf: (request) => json.operationOf(inflated(request), {}),
  inputOf: (request) => parseJsonBody(inflated(request)),
  encode: json.encode,
};

/** Query: the form's flat keys in the JSON input's shape (wire.ts), the result written as Query XML. */
const cloudWatchQuery: Protocol<Input, object> = {
  formatError: (err, requestId, request) => query.formatError(err, requestId, request),
  operationOf(request) {
    const params = parseQueryParams(inflated(request));
    const operation = queryAction(params);
    if (params.Version !== undefined && params.Version !== API_VERSION) {
      throw new ServiceError(
        'InvalidParameterValue',
        `The value ${params.Version} for parameter Version is invalid: CloudWatch's API version is ${API_VERSION}.`,
      );
    }
    return operation;
  },
  inputOf: (request) => decodeQueryParams(parseQueryParams(inflated(request))),
  encode(operation, result, call) {
    const node = toXml(result) as XmlNode;
    return query.encode(operation, Object.keys(node).length > 0 ? node : undefined, call);
  },
};

/** The request's protocol: JSON when X-Amz-Target is present, Query otherwise. */
export function cloudWatchProtocol(request: LocalRequest): Protocol<Input, object> {
  return request.headers['x-amz-target'] !== undefined ? cloudWatchJson : cloudWatchQuery;
}

/** The request with its body inflated, once per request (both the operation and its input read it). */
const INFLATED = new WeakMap<LocalRequest, LocalRequest>();
function inflated(request: LocalRequest): LocalRequest {
  let plain = INFLATED.get(request);
  if (!plain) {
    const body = inflate(request);
    plain = body === request.body ? request : { ...request, body };
    INFLATED.set(request, plain);
  }
  return plain;
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
