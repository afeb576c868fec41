/** REST-XML, the protocol of S3: operations named by method + path + query, XML bodies. */
import { randomBytes } from 'node:crypto';
import type { LocalRequest, LocalResponse } from '../http.js';
import type { ServiceError } from '../service-error.js';
import type { ErrorFormatter } from '../service.js';
import { xmlDocument, type XmlNode } from './xml.js';

export const S3_XMLNS = 'http://s3.amazonaws.com/doc/2006-03-01/';

/** S3 answers every request with x-amz-request-id and x-amz-id-2; SDKs surface both. */
export function s3RequestHeaders(requestId: string): Record<string, string> {
  return { 'x-amz-request-id': requestId, 'x-amz-id-2': randomBytes(24).toString('base64') };
}

export function xmlResponse(
  status: number,
  root: string,
  body: XmlNode,
  requestId: string,
  xmlns: string | undefined = S3_XMLNS,
): LocalResponse {
  return {
    status,
    headers: { 'content-type': 'application/xml', ...s3RequestHeaders(requestId) },
    body: xmlDocument(root, body, xmlns),
  };
}

export const restXml: ErrorFormatter = {
  formatError(err: ServiceError, requestId: string, request: LocalRequest): LocalResponse {
    const headers: Record<string, string> = { ...s3RequestHeaders(requestId) };
    // HEAD responses carry no body; the SDK then names the error after the status alone
    // (NotFound, Forbidden), as it does against S3.
    if (request.method === 'HEAD') return { status: err.status, headers };
    headers['content-type'] = 'application/xml';
    return {
      status: err.status,
      headers,
      body: xmlDocument('Error', { Code: err.code, Message: err.message, ...err.extra, RequestId: requestId }),
    };
  },
};
