/**
 * Object metadata to and from HTTP headers, Range and conditional requests, as S3 does them.
 */
import type { LocalRequest, LocalResponse } from '../../http.js';
import { ServiceError } from '../../service-error.js';
import type { ObjectInit, ObjectMeta } from '../../store/object-store.js';

/** S3: user-defined metadata is limited to 2 KB (names + values, UTF-8). */
const MAX_USER_METADATA = 2048;

/** The metadata a PutObject / CreateMultipartUpload / CopyObject (REPLACE) request sets. */
export function objectInit(request: LocalRequest): ObjectInit {
  const h = request.headers;
  const metadata: Record<string, string> = {};
  let size = 0;
  for (const [name, value] of Object.entries(h)) {
    if (!name.startsWith('x-amz-meta-')) continue;
    const short = name.slice('x-amz-meta-'.length);
    metadata[short] = value;
    size += Buffer.byteLength(short) + Buffer.byteLength(value);
  }
  if (size > MAX_USER_METADATA) {
    throw new ServiceError('MetadataTooLarge', 'Your metadata headers exceed the maximum allowed metadata size.', 400, {
      Size: size,
      MaxSizeAllowed: MAX_USER_METADATA,
    });
  }
  // aws-chunked is transport framing, not a property of the object (S3 strips it too).
  const encoding = (h['content-encoding'] ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e && e !== 'aws-chunked')
    .join(', ');
  return {
    contentType: h['content-type'],
    metadata,
    contentEncoding: encoding || undefined,
    contentDisposition: h['content-disposition'],
    contentLanguage: h['content-language'],
    cacheControl: h['cache-control'],
    expires: h['expires'],
  };
}

/** Headers GetObject/HeadObject answer with (content-length is the caller's: ranges change it). */
export function objectHeaders(meta: ObjectMeta, request: LocalRequest): Record<string, string> {
  const q = request.query;
  const headers: Record<string, string> = {
    'accept-ranges': 'bytes',
    'content-type': q['response-content-type'] ?? meta.contentType,
    etag: meta.etag,
    // HTTP dates have whole seconds (RFC 7231 IMF-fixdate, which toUTCString writes).
    'last-modified': meta.lastModified.toUTCString(),
  };
  const optional: [string, string | undefined][] = [
    ['content-encoding', q['response-content-encoding'] ?? meta.contentEncoding],
    ['content-disposition', q['response-content-disposition'] ?? meta.contentDisposition],
    ['content-language', q['response-content-language'] ?? meta.contentLanguage],
    ['cache-control', q['response-cache-control'] ?? meta.cacheControl],
    ['expires', q['response-expires'] ?? meta.expires],
  ];
  for (const [name, value] of optional) if (value) headers[name] = value;
  for (const [name, value] of Object.entries(meta.metadata)) headers[`x-amz-meta-${name}`] = value;
  return headers;
}

export interface ByteRange {
  start: number;
  /** Inclusive. */
  end: number;
}

/**
 * `Range: bytes=a-b | a- | -n`. Like S3, a header that does not parse (or asks for several
 * ranges) is ignored and the whole object is returned; a range that starts past the end, or an
 * empty suffix, is 416 InvalidRange.
 */
export function parseRange(header: string | undefined, size: number): ByteRange | undefined {
  if (!header) return undefined;
  const m = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/.exec(header);
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  const unsatisfiable = (): ServiceError =>
    new ServiceError('InvalidRange', 'The requested range is not satisfiable', 416, {
      RangeRequested: header,
      ActualObjectSize: size,
    });
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0 || size === 0) throw unsatisfiable();
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  if (m[2] !== '' && Number(m[2]) < start) return undefined; // syntactically invalid: ignored
  if (start >= size) throw unsatisfiable();
  return { start, end: m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1) };
}

const etagList = (header: string): string[] => header.split(',').map((e) => e.trim().replace(/^W\//, ''));
const seconds = (d: Date): number => Math.floor(d.getTime() / 1000);

function preconditionFailed(condition: string): ServiceError {
  return new ServiceError('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', 412, {
    Condition: condition,
  });
}

/**
 * RFC 7232 as S3 applies it to GET/HEAD: If-Match / If-Unmodified-Since fail with 412,
 * If-None-Match / If-Modified-Since answer 304. `prefix` reads the x-amz-copy-source-if-* forms,
 * where S3 answers 412 for all four.
 */
export function checkConditions(h: Record<string, string>, meta: ObjectMeta, prefix = ''): LocalResponse | undefined {
  const ifMatch = h[`${prefix}if-match`];
  const ifNoneMatch = h[`${prefix}if-none-match`];
  const ifModifiedSince = h[`${prefix}if-modified-since`];
  const ifUnmodifiedSince = h[`${prefix}if-unmodified-since`];
  const modified = seconds(meta.lastModified);
  const notModified = (condition: string): LocalResponse => {
    if (prefix) throw preconditionFailed(condition);
    return { status: 304, headers: { etag: meta.etag, 'last-modified': meta.lastModified.toUTCString() } };
  };
  if (ifMatch !== undefined && !etagList(ifMatch).some((e) => e === '*' || e === meta.etag || `"${e}"` === meta.etag)) {
    throw preconditionFailed('If-Match');
  }
  if (ifMatch === undefined && ifUnmodifiedSince !== undefined) {
    const since = new Date(ifUnmodifiedSince);
    if (!Number.isNaN(since.getTime()) && modified > seconds(since)) throw preconditionFailed('If-Unmodified-Since');
  }
  if (ifNoneMatch !== undefined) {
    if (etagList(ifNoneMatch).some((e) => e === '*' || e === meta.etag || `"${e}"` === meta.etag))
      return notModified('If-None-Match');
  } else if (ifModifiedSince !== undefined) {
    const since = new Date(ifModifiedSince);
    if (!Number.isNaN(since.getTime()) && modified <= seconds(since)) return notModified('If-Modified-Since');
  }
  return undefined;
}
