/**
 * ListObjectsV2 and ListObjects (v1). Keys come in UTF-8 binary order from the store's sorted
 * index; `delimiter` rolls keys up into CommonPrefixes, each counting once toward max-keys
 * (default and ceiling 1,000, as on S3). The v2 continuation token is opaque to clients: here
 * it is the base64 of the last key or common prefix returned.
 */
import { xmlOutput, type RestXmlOutput } from '../../protocols/rest-xml.js';
import type { XmlNode } from '../../protocols/xml.js';
import type { ListResult, ObjectMeta } from '../../store/object-store.js';
import { bucketArn, intParam, invalidArgument, type S3Context } from './context.js';
import { owner } from './buckets.js';

const TOKEN_PREFIX = 'mme1:';

function encodeToken(marker: string): string {
  return Buffer.from(TOKEN_PREFIX + marker, 'utf8').toString('base64');
}

function decodeToken(token: string): string {
  const decoded = Buffer.from(token, 'base64').toString('utf8');
  if (!decoded.startsWith(TOKEN_PREFIX))
    throw invalidArgument('The continuation token provided is incorrect', 'continuation-token', token);
  return decoded.slice(TOKEN_PREFIX.length);
}

interface ListParams {
  prefix: string;
  delimiter: string;
  maxKeys: number;
  /** With encoding-type=url, S3 URL-encodes keys and prefixes so any byte survives XML. */
  encode: (value: string) => string;
  encodingType?: string;
}

async function list(ctx: S3Context, marker: string): Promise<{ params: ListParams; page: ListResult }> {
  const q = ctx.request.query;
  const prefix = q.prefix ?? '';
  const delimiter = q.delimiter ?? '';
  const maxKeys = Math.min(
    1000,
    intParam(ctx, 'max-keys', 1000, 0, 2 ** 31 - 1, 'Provided max-keys not an integer or within integer range'),
  );
  const encodingType = q['encoding-type'] || undefined;
  if (encodingType !== undefined && encodingType !== 'url')
    throw invalidArgument('Invalid Encoding Method specified in Request', 'encoding-type', encodingType);
  // IAM condition keys of s3:ListBucket (s3:prefix, s3:delimiter, s3:max-keys).
  ctx.call.authorizeOperation(bucketArn(ctx.bucket), {
    's3:prefix': prefix,
    's3:delimiter': delimiter || undefined,
    's3:max-keys': String(maxKeys),
  });
  // '/' stays readable; decodeURIComponent and Python's unquote_plus (boto3) both undo the rest.
  const encode = encodingType ? (v: string) => encodeURIComponent(v).replace(/%2F/g, '/') : (v: string) => v;
  const page = await ctx.store.listObjects(ctx.bucket, prefix, { delimiter, startAfter: marker, maxKeys });
  return { params: { prefix, delimiter, maxKeys, encode, encodingType }, page };
}

function contents(ctx: S3Context, objects: ObjectMeta[], encode: (v: string) => string, withOwner: boolean): XmlNode[] {
  return objects.map((o) => ({
    Key: encode(o.key),
    LastModified: o.lastModified,
    ETag: o.etag,
    ChecksumAlgorithm: o.crc32 ? 'CRC32' : undefined,
    ChecksumType: o.crc32 ? 'FULL_OBJECT' : undefined,
    Size: o.size,
    Owner: withOwner ? owner(ctx) : undefined,
    StorageClass: 'STANDARD',
  }));
}

export async function listObjectsV2(ctx: S3Context): Promise<RestXmlOutput> {
  const q = ctx.request.query;
  const token = q['continuation-token'] || undefined;
  const startAfter = q['start-after'] || undefined;
  // S3 ignores start-after once a continuation token is given.
  const marker = token !== undefined ? decodeToken(token) : (startAfter ?? '');
  const { params, page } = await list(ctx, marker);
  const { encode } = params;
  const keyCount = page.objects.length + page.commonPrefixes.length;
  return xmlOutput('ListBucketResult', {
    Name: ctx.bucket,
    Prefix: encode(params.prefix),
    Delimiter: params.delimiter ? encode(params.delimiter) : undefined,
    MaxKeys: params.maxKeys,
    EncodingType: params.encodingType,
    KeyCount: keyCount,
    IsTruncated: page.isTruncated,
    ContinuationToken: token,
    NextContinuationToken: page.isTruncated && page.last !== undefined ? encodeToken(page.last) : undefined,
    StartAfter: startAfter !== undefined ? encode(startAfter) : undefined,
    Contents: contents(ctx, page.objects, encode, q['fetch-owner'] === 'true'),
    CommonPrefixes: page.commonPrefixes.map((p) => ({ Prefix: encode(p) })),
  });
}

/** v1 pages by `marker`; NextMarker is the last key or common prefix returned. */
export async function listObjectsV1(ctx: S3Context): Promise<RestXmlOutput> {
  const marker = ctx.request.query.marker ?? '';
  const { params, page } = await list(ctx, marker);
  const { encode } = params;
  return xmlOutput('ListBucketResult', {
    Name: ctx.bucket,
    Prefix: encode(params.prefix),
    Marker: encode(marker),
    NextMarker: page.isTruncated && page.last !== undefined ? encode(page.last) : undefined,
    MaxKeys: params.maxKeys,
    Delimiter: params.delimiter ? encode(params.delimiter) : undefined,
    EncodingType: params.encodingType,
    IsTruncated: page.isTruncated,
    Contents: contents(ctx, page.objects, encode, true),
    CommonPrefixes: page.commonPrefixes.map((p) => ({ Prefix: encode(p) })),
  });
}
