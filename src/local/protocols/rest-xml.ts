/**
 * REST-XML, the protocol of S3: operations named by method + path + query (+ a header, for
 * CopyObject), path-style only: `/` (the service), `/{bucket}`, `/{bucket}/{key…}`; XML bodies.
 * `x-id` (which SDKs add) is ignored.
 */
import { randomBytes } from 'node:crypto';
import type { LocalRequest, LocalResponse } from '../http.js';
import { ServiceError } from '../service-error.js';
import type { ErrorFormatter } from '../service.js';
import type { OperationTable, Protocol } from './operations.js';
import { xmlDocument, type XmlNode } from './xml.js';

export const S3_XMLNS = 'http://s3.amazonaws.com/doc/2006-03-01/';

/** What a path names; S3's MethodNotAllowed says which (ResourceType). */
type Target = 'SERVICE' | 'BUCKET' | 'OBJECT';

/**
 * The HTTP request that names an operation. The first entry of the table that matches wins, so
 * an entry with a query parameter or header comes before the plain one of the same method.
 */
export interface RestXmlBinding {
  method: string;
  on: Target;
  /** A query parameter the request has (`uploads`), or has with a value (`list-type=2`). */
  query?: string;
  /** A header the request has (`x-amz-copy-source`). */
  header?: string;
}

/** The path's labels, decoded: '' for ListBuckets' bucket and for bucket operations' key. */
export interface S3Path {
  bucket: string;
  key: string;
}

/** An operation's answer: headers, and either an XML document or a raw body (GetObject). */
export interface RestXmlOutput {
  status?: number;
  headers?: Record<string, string>;
  xml?: { root: string; body: XmlNode };
  body?: LocalResponse['body'];
}

/** An XML answer (200 unless said otherwise), with room for headers the handler adds. */
export function xmlOutput(root: string, body: XmlNode): RestXmlOutput & { headers: Record<string, string> } {
  return { headers: {}, xml: { root, body } };
}

/** S3 answers every request with x-amz-request-id and x-amz-id-2; SDKs surface both. */
function s3RequestHeaders(requestId: string): Record<string, string> {
  return { 'x-amz-request-id': requestId, 'x-amz-id-2': randomBytes(24).toString('base64') };
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

/** Split the raw path into the decoded bucket and key. */
function parsePath(rawPath: string): S3Path {
  const path = rawPath.startsWith('/') ? rawPath.slice(1) : rawPath;
  const slash = path.indexOf('/');
  const rawBucket = slash < 0 ? path : path.slice(0, slash);
  const rawKey = slash < 0 ? '' : path.slice(slash + 1);
  try {
    return { bucket: decodeURIComponent(rawBucket), key: decodeURIComponent(rawKey) };
  } catch {
    throw new ServiceError('InvalidURI', "Couldn't parse the specified URI.", 400);
  }
}

function matches(binding: RestXmlBinding, request: LocalRequest, on: Target): boolean {
  if (binding.on !== on || binding.method !== request.method) return false;
  if (binding.query !== undefined) {
    const eq = binding.query.indexOf('=');
    const value = request.query[eq < 0 ? binding.query : binding.query.slice(0, eq)];
    if (value === undefined || (eq >= 0 && value !== binding.query.slice(eq + 1))) return false;
  }
  return binding.header === undefined || request.headers[binding.header] !== undefined;
}

export interface RestXmlOptions {
  /** Subresources the service does not implement, answered NotImplemented rather than mistaken for a listing. */
  unimplemented: readonly string[];
  /** The key's own checks, before the operation is matched (S3 refuses a bad key whatever the method). */
  checkKey(key: string): void;
}

export function restXmlProtocol(options: RestXmlOptions): Protocol<S3Path, RestXmlOutput, RestXmlBinding> {
  return {
    ...restXml,
    operationOf(request, table: OperationTable<never, S3Path, RestXmlOutput, RestXmlBinding>) {
      const unsupported = options.unimplemented.find((name) => request.query[name] !== undefined);
      if (unsupported) {
        // S3 would say 501; a 5xx makes every SDK retry, so this says it in a 400.
        throw new ServiceError(
          'NotImplemented',
          `The '${unsupported}' subresource is not implemented by the local S3.`,
          400,
        );
      }
      const { bucket, key } = parsePath(request.rawPath);
      const on: Target = !bucket ? 'SERVICE' : !key ? 'BUCKET' : 'OBJECT';
      if (on === 'OBJECT') options.checkKey(key);
      for (const [name, op] of Object.entries(table)) if (op.http && matches(op.http, request, on)) return name;
      throw new ServiceError('MethodNotAllowed', 'The specified method is not allowed against this resource.', 405, {
        Method: request.method,
        ResourceType: on,
      });
    },
    inputOf: (request) => parsePath(request.rawPath),
    encode(_operation, output, call) {
      const id = call.requestId;
      const headers = output.xml
        ? { 'content-type': 'application/xml', ...s3RequestHeaders(id), ...output.headers }
        : { ...s3RequestHeaders(id), ...output.headers };
      const body = output.xml ? xmlDocument(output.xml.root, output.xml.body, S3_XMLNS) : output.body;
      return { status: output.status ?? 200, headers, body };
    },
  };
}
