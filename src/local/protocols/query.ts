/**
 * The Query protocol of IAM, STS and (for older clients) CloudWatch: a form-encoded body with
 * `Action` and `Version`, answered by `<{Action}Response><{Action}Result>…` XML.
 */
import type { LocalRequest, LocalResponse } from '../http.js';
import { ServiceError } from '../service-error.js';
import type { ErrorFormatter } from '../service.js';
import type { Protocol } from './operations.js';
import { xmlDocument, type XmlNode } from './xml.js';

/** Form parameters from the body (POST) merged over the query string (GET works too on AWS). */
export function parseQueryParams(request: LocalRequest): Record<string, string> {
  const params: Record<string, string> = { ...request.query };
  const type = request.headers['content-type'] ?? '';
  if (request.body.length > 0 && type.startsWith('application/x-www-form-urlencoded')) {
    for (const [k, v] of new URLSearchParams(request.body.toString('utf8'))) params[k] = v;
  }
  return params;
}

/** `Tags.member.1.Key=a&Tags.member.1.Value=b` → [{Key:'a', Value:'b'}] */
export function queryList(params: Record<string, string>, prefix: string): Record<string, string>[] {
  const items = new Map<number, Record<string, string>>();
  const pattern = new RegExp(`^${prefix.replace(/\./g, '\\.')}\\.member\\.(\\d+)(?:\\.(.+))?$`);
  for (const [key, value] of Object.entries(params)) {
    const m = pattern.exec(key);
    if (!m) continue;
    const index = Number(m[1]);
    const item = items.get(index) ?? {};
    item[m[2] ?? ''] = value;
    items.set(index, item);
  }
  return [...items.entries()].sort((a, b) => a[0] - b[0]).map(([, v]) => v);
}

export function queryAction(params: Record<string, string>): string {
  const action = params.Action;
  if (!action) throw new ServiceError('MissingAction', 'Missing Action');
  return action;
}

function queryResponse(action: string, result: XmlNode | undefined, xmlns: string, requestId: string): LocalResponse {
  const body: XmlNode = {};
  if (result) body[`${action}Result`] = result;
  body.ResponseMetadata = { RequestId: requestId };
  return {
    status: 200,
    headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
    body: xmlDocument(`${action}Response`, body, xmlns),
  };
}

/** The Query protocol's error reply: `<ErrorResponse><Error><Type/><Code/><Message/>`. */
function queryErrors(xmlns: string): ErrorFormatter {
  return {
    formatError(err, requestId) {
      return {
        status: err.status,
        headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
        body: xmlDocument(
          'ErrorResponse',
          { Error: { Type: err.fault, Code: err.code, Message: err.message }, RequestId: requestId },
          xmlns,
        ),
      };
    },
  };
}

/**
 * The Query protocol of one API (its XML namespace): the operation is `Action`, the input the
 * form parameters, the output the `<{Action}Result>` children (undefined: an empty result).
 */
export function queryProtocol(xmlns: string): Protocol<Record<string, string>, XmlNode | undefined> {
  return {
    ...queryErrors(xmlns),
    operationOf: (request) => queryAction(parseQueryParams(request)),
    inputOf: (request) => parseQueryParams(request),
    encode: (operation, output, call) => queryResponse(operation, output, xmlns, call.requestId),
  };
}
