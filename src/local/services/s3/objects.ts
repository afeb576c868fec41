/** Object operations: PutObject, GetObject, HeadObject, CopyObject, DeleteObject. */
import { xmlOutput, type RestXmlOutput } from '../../protocols/rest-xml.js';
import { ServiceError } from '../../service-error.js';
import { validateObjectKey } from '../../store/names.js';
import { noSuchBucket, noSuchKey } from '../../store/object-store.js';
import { invalidArgument, objectArn, type S3Context } from './context.js';
import { checkConditions, objectHeaders, objectInit, parseRange } from './headers.js';
import { readPayload } from './payload.js';

/** Objects up to this size are answered from memory; larger ones stream from their file. */
const STREAM_THRESHOLD = 1024 * 1024;

/** Echo the checksums the client sent and we verified, as S3 does in PutObject/UploadPart replies. */
export function checksumHeaders(checksums: Record<string, string>): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [algorithm, value] of Object.entries(checksums)) headers[`x-amz-checksum-${algorithm}`] = value;
  if (Object.keys(headers).length > 0) headers['x-amz-checksum-type'] = 'FULL_OBJECT';
  return headers;
}

export async function putObject(ctx: S3Context): Promise<RestXmlOutput> {
  if (!(await ctx.store.bucketExists(ctx.bucket))) throw noSuchBucket(ctx.bucket);
  const payload = readPayload(ctx.request);
  const meta = await ctx.store.putObject(ctx.bucket, ctx.key, payload.data, objectInit(ctx.request));
  return {
    status: 200,
    headers: { etag: meta.etag, ...checksumHeaders(payload.checksums) },
  };
}

/** GetObject and HeadObject: the same headers, ranges and conditions; HEAD without the body. */
export async function getObject(ctx: S3Context, head: boolean): Promise<RestXmlOutput> {
  const { meta, handle } = await ctx.store.openObject(ctx.bucket, ctx.key);
  let streaming = false;
  try {
    const notModified = checkConditions(ctx.request.headers, meta);
    if (notModified) return notModified;
    const range = parseRange(ctx.request.headers.range, meta.size);
    const headers = objectHeaders(meta, ctx.request);
    if (meta.partsCount) headers['x-amz-mp-parts-count'] = String(meta.partsCount);
    const start = range?.start ?? 0;
    const length = range ? range.end - range.start + 1 : meta.size;
    headers['content-length'] = String(length);
    if (range) headers['content-range'] = `bytes ${range.start}-${range.end}/${meta.size}`;
    // Only a full-object checksum of the bytes sent: a ranged reply carries none (as on S3), so
    // the SDK never validates a part against the whole.
    if (!range && meta.crc32 && ctx.request.headers['x-amz-checksum-mode']?.toUpperCase() === 'ENABLED') {
      headers['x-amz-checksum-crc32'] = meta.crc32;
      headers['x-amz-checksum-type'] = 'FULL_OBJECT';
    }
    const status = range ? 206 : 200;
    if (head) return { status, headers };
    if (length > STREAM_THRESHOLD) {
      streaming = true;
      return { status, headers, body: handle.createReadStream({ start, end: start + length - 1, autoClose: true }) };
    }
    const body = Buffer.alloc(length);
    let read = 0;
    while (read < length) {
      const { bytesRead } = await handle.read(body, read, length - read, start + read);
      if (bytesRead === 0) break;
      read += bytesRead;
    }
    return { status, headers, body };
  } finally {
    if (!streaming) await handle.close();
  }
}

/** `x-amz-copy-source`: URL-encoded `bucket/key` or `/bucket/key`, maybe `?versionId=`. */
function copySource(header: string): { bucket: string; key: string } {
  const raw = header.split('?', 1)[0]!;
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    throw invalidArgument('Invalid copy source encoding', 'x-amz-copy-source', header);
  }
  const path = decoded.startsWith('/') ? decoded.slice(1) : decoded;
  const slash = path.indexOf('/');
  if (slash <= 0 || slash === path.length - 1) {
    throw invalidArgument(
      'Copy Source must mention the source bucket and key: sourcebucket/sourcekey',
      'x-amz-copy-source',
      header,
    );
  }
  return { bucket: path.slice(0, slash), key: path.slice(slash + 1) };
}

export async function copyObject(ctx: S3Context): Promise<RestXmlOutput> {
  const h = ctx.request.headers;
  const source = copySource(h['x-amz-copy-source']!);
  validateObjectKey(source.key);
  ctx.call.authorize('s3:GetObject', objectArn(source.bucket, source.key));
  ctx.call.authorizeOperation(objectArn(ctx.bucket, ctx.key));
  const directive = (h['x-amz-metadata-directive'] ?? 'COPY').toUpperCase();
  if (directive !== 'COPY' && directive !== 'REPLACE')
    throw invalidArgument('Unknown metadata directive.', 'x-amz-metadata-directive', directive);
  if (source.bucket === ctx.bucket && source.key === ctx.key && directive === 'COPY') {
    throw new ServiceError(
      'InvalidRequest',
      "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.",
      400,
    );
  }
  if (!(await ctx.store.bucketExists(ctx.bucket))) throw noSuchBucket(ctx.bucket);
  const sourceMeta = await ctx.store.headObject(source.bucket, source.key);
  if (!sourceMeta) throw noSuchKey(source.key);
  checkConditions(h, sourceMeta, 'x-amz-copy-source-');
  const meta = await ctx.store.copyObject(
    source.bucket,
    source.key,
    ctx.bucket,
    ctx.key,
    directive === 'REPLACE' ? objectInit(ctx.request) : undefined,
  );
  return xmlOutput('CopyObjectResult', {
    LastModified: meta.lastModified,
    ETag: meta.etag,
    ChecksumType: meta.crc32 && 'FULL_OBJECT',
    ChecksumCRC32: meta.crc32,
  });
}

/** S3 answers 204 whether or not the key existed; only a missing bucket is an error. */
export async function deleteObject(ctx: S3Context): Promise<RestXmlOutput> {
  await ctx.store.deleteObject(ctx.bucket, ctx.key);
  return { status: 204 };
}
