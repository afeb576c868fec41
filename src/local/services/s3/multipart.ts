/**
 * Multipart uploads: CreateMultipartUpload, UploadPart (any order, in parallel; a part number
 * uploaded again replaces the earlier one), CompleteMultipartUpload (checks in
 * store/multipart.ts), AbortMultipartUpload, ListParts, ListMultipartUploads.
 */
import { xmlOutput, type RestXmlOutput } from '../../protocols/rest-xml.js';
import { malformedXml, children, parseXmlBody, text } from './xml-body.js';
import { intParam, invalidArgument, type S3Context } from './context.js';
import { owner } from './buckets.js';
import { objectInit } from './headers.js';
import { checksumHeaders } from './objects.js';
import { readPayload } from './payload.js';

export async function createMultipartUpload(ctx: S3Context): Promise<RestXmlOutput> {
  const upload = await ctx.store.createMultipartUpload(ctx.bucket, ctx.key, objectInit(ctx.request));
  const response = xmlOutput('InitiateMultipartUploadResult', {
    Bucket: ctx.bucket,
    Key: ctx.key,
    UploadId: upload.uploadId,
  });
  const algorithm = ctx.request.headers['x-amz-checksum-algorithm'];
  if (algorithm) response.headers['x-amz-checksum-algorithm'] = algorithm;
  return response;
}

export async function uploadPart(ctx: S3Context): Promise<RestXmlOutput> {
  const message = 'Part number must be an integer between 1 and 10000, inclusive';
  const partNumber = intParam(ctx, 'partNumber', 0, 1, 10000, message);
  if (partNumber === 0) throw invalidArgument(message, 'partNumber', '');
  const payload = readPayload(ctx.request);
  const part = await ctx.store.uploadPart(ctx.bucket, ctx.key, ctx.request.query.uploadId!, partNumber, payload.data);
  return {
    status: 200,
    headers: { etag: part.etag, ...partChecksum(payload.checksums) },
  };
}

/** UploadPart echoes a part checksum without a checksum type (a part is not an object). */
function partChecksum(checksums: Record<string, string>): Record<string, string> {
  const { 'x-amz-checksum-type': _type, ...rest } = checksumHeaders(checksums);
  return rest;
}

export async function completeMultipartUpload(ctx: S3Context): Promise<RestXmlOutput> {
  const { data } = readPayload(ctx.request);
  const body = parseXmlBody(data, 'CompleteMultipartUpload');
  const parts = children(body, 'Part').map((p) => {
    const number = text(p.PartNumber)?.trim() ?? '';
    const etag = text(p.ETag);
    if (!/^\d+$/.test(number) || etag === undefined) throw malformedXml();
    return { partNumber: Number(number), etag, checksumCRC32: text(p.ChecksumCRC32)?.trim() };
  });
  const meta = await ctx.store.completeMultipartUpload(ctx.bucket, ctx.key, ctx.request.query.uploadId!, parts);
  const host = ctx.request.headers.host ?? 'localhost';
  const location = `http://${host}/${ctx.bucket}/${ctx.key.split('/').map(encodeURIComponent).join('/')}`;
  return xmlOutput('CompleteMultipartUploadResult', {
    Location: location,
    Bucket: ctx.bucket,
    Key: ctx.key,
    ETag: meta.etag,
    ChecksumCRC32: meta.crc32,
    ChecksumType: meta.crc32 && 'FULL_OBJECT',
  });
}

export async function abortMultipartUpload(ctx: S3Context): Promise<RestXmlOutput> {
  await ctx.store.abortMultipartUpload(ctx.bucket, ctx.key, ctx.request.query.uploadId!);
  return { status: 204 };
}

export async function listParts(ctx: S3Context): Promise<RestXmlOutput> {
  const maxParts = Math.min(
    1000,
    intParam(ctx, 'max-parts', 1000, 0, 2 ** 31 - 1, 'Provided max-parts not an integer or within integer range'),
  );
  const marker = intParam(
    ctx,
    'part-number-marker',
    0,
    0,
    10000,
    'Provided part-number-marker not an integer or within integer range',
  );
  const { upload, parts } = await ctx.store.listParts(ctx.bucket, ctx.key, ctx.request.query.uploadId!);
  const after = parts.filter((p) => p.partNumber > marker);
  const page = after.slice(0, maxParts);
  const truncated = after.length > page.length;
  return xmlOutput('ListPartsResult', {
    Bucket: ctx.bucket,
    Key: ctx.key,
    UploadId: upload.uploadId,
    Initiator: { ID: owner(ctx).ID, DisplayName: owner(ctx).DisplayName },
    Owner: owner(ctx),
    StorageClass: 'STANDARD',
    PartNumberMarker: marker,
    NextPartNumberMarker: page.length > 0 ? page[page.length - 1]!.partNumber : marker,
    MaxParts: maxParts,
    IsTruncated: truncated,
    Part: page.map((p) => ({
      PartNumber: p.partNumber,
      LastModified: new Date(p.lastModified),
      ETag: p.etag,
      Size: p.size,
      ChecksumCRC32: p.crc32,
    })),
  });
}

export async function listMultipartUploads(ctx: S3Context): Promise<RestXmlOutput> {
  const prefix = ctx.request.query.prefix ?? '';
  const uploads = (await ctx.store.listMultipartUploads(ctx.bucket))
    .filter((u) => u.key.startsWith(prefix))
    .sort((a, b) => (a.key === b.key ? a.initiated.localeCompare(b.initiated) : a.key < b.key ? -1 : 1));
  return xmlOutput('ListMultipartUploadsResult', {
    Bucket: ctx.bucket,
    KeyMarker: '',
    UploadIdMarker: '',
    Prefix: prefix,
    MaxUploads: 1000,
    IsTruncated: false,
    Upload: uploads.map((u) => ({
      Key: u.key,
      UploadId: u.uploadId,
      Owner: owner(ctx),
      StorageClass: 'STANDARD',
      Initiated: new Date(u.initiated),
    })),
  });
}
