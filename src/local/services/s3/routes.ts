/**
 * S3 REST routing, path-style only: `/` (ListBuckets), `/{bucket}`, `/{bucket}/{key…}`. The
 * operation is named by method + subresource query parameters, as in S3's API reference;
 * `x-id` (which SDKs add) is ignored.
 */
import type { LocalResponse } from '../../http.js';
import { ServiceError } from '../../service-error.js';
import { validateObjectKey } from '../../store/names.js';
import * as buckets from './buckets.js';
import type { S3Context } from './context.js';
import { deleteObjects } from './delete-objects.js';
import { listObjectsV1, listObjectsV2 } from './list.js';
import * as multipart from './multipart.js';
import * as objects from './objects.js';

/** Subresources this local S3 does not implement (rather than mistaking them for a listing). */
const UNSUPPORTED = [
  'accelerate',
  'acl',
  'analytics',
  'attributes',
  'cors',
  'encryption',
  'intelligent-tiering',
  'inventory',
  'legal-hold',
  'lifecycle',
  'logging',
  'metadataConfiguration',
  'metrics',
  'notification',
  'object-lock',
  'ownershipControls',
  'policy',
  'policyStatus',
  'publicAccessBlock',
  'replication',
  'requestPayment',
  'restore',
  'retention',
  'select',
  'tagging',
  'torrent',
  'versioning',
  'versions',
  'website',
];

/** Split the raw path into the decoded bucket and key. */
export function parsePath(rawPath: string): { bucket: string; key: string } {
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

function notAllowed(ctx: S3Context, resourceType: string): ServiceError {
  return new ServiceError('MethodNotAllowed', 'The specified method is not allowed against this resource.', 405, {
    Method: ctx.request.method,
    ResourceType: resourceType,
  });
}

export async function route(ctx: S3Context): Promise<LocalResponse> {
  const { method, query } = ctx.request;
  const has = (name: string): boolean => query[name] !== undefined;
  const unsupported = UNSUPPORTED.find(has);
  if (unsupported) {
    // S3 would say 501; a 5xx makes every SDK retry, so this says it in a 400.
    throw new ServiceError(
      'NotImplemented',
      `The '${unsupported}' subresource is not implemented by the local S3.`,
      400,
    );
  }
  if (!ctx.bucket) {
    if (method === 'GET') return buckets.listBuckets(ctx);
    throw notAllowed(ctx, 'SERVICE');
  }
  if (!ctx.key) {
    switch (method) {
      case 'PUT':
        return buckets.createBucket(ctx);
      case 'HEAD':
        return buckets.headBucket(ctx);
      case 'DELETE':
        return buckets.deleteBucket(ctx);
      case 'GET':
        if (has('location')) return buckets.getBucketLocation(ctx);
        if (has('uploads')) return multipart.listMultipartUploads(ctx);
        return query['list-type'] === '2' ? listObjectsV2(ctx) : listObjectsV1(ctx);
      case 'POST':
        if (has('delete')) return deleteObjects(ctx);
    }
    throw notAllowed(ctx, 'BUCKET');
  }
  validateObjectKey(ctx.key);
  switch (method) {
    case 'PUT':
      if (has('uploadId')) return multipart.uploadPart(ctx);
      if (ctx.request.headers['x-amz-copy-source'] !== undefined) return objects.copyObject(ctx);
      return objects.putObject(ctx);
    case 'GET':
      return has('uploadId') ? multipart.listParts(ctx) : objects.getObject(ctx, false);
    case 'HEAD':
      return objects.getObject(ctx, true);
    case 'DELETE':
      return has('uploadId') ? multipart.abortMultipartUpload(ctx) : objects.deleteObject(ctx);
    case 'POST':
      if (has('uploads')) return multipart.createMultipartUpload(ctx);
      if (has('uploadId')) return multipart.completeMultipartUpload(ctx);
  }
  throw notAllowed(ctx, 'OBJECT');
}
