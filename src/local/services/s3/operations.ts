/**
 * S3's operations: each its HTTP binding (method, bucket or object, the query parameter or header
 * that names it), the IAM action it is authorized as, the resource (the bucket's or object's ARN)
 * and its handler. The REST-XML protocol takes the first entry that matches, so within a method an
 * entry with a query parameter or header comes before the plain one. ListObjects(V2), CopyObject and
 * DeleteObjects authorize in their handlers: their condition keys, source object and keys come
 * from the request's parameters and body.
 */
import type { Operation, OperationTable } from '../../protocols/operations.js';
import type { RestXmlBinding, RestXmlOutput, S3Path } from '../../protocols/rest-xml.js';
import * as buckets from './buckets.js';
import { bucketArn, objectArn, type S3Context } from './context.js';
import { deleteObjects } from './delete-objects.js';
import { listObjectsV1, listObjectsV2 } from './list.js';
import * as multipart from './multipart.js';
import * as objects from './objects.js';

type S3Operation = Operation<S3Context, S3Path, S3Path, RestXmlOutput, RestXmlBinding>;
type Handler = (ctx: S3Context) => Promise<RestXmlOutput>;

const bucket = (p: S3Path) => bucketArn(p.bucket);
const object = (p: S3Path) => objectArn(p.bucket, p.key);

function op(
  http: RestXmlBinding,
  action: string,
  resource: ((path: S3Path) => string) | undefined,
  run: Handler,
): S3Operation {
  return { http, action, ...(resource && { resource: (_ctx, path) => resource(path) }), run: (ctx) => run(ctx) };
}

export const S3_OPERATIONS: OperationTable<S3Context, S3Path, RestXmlOutput, RestXmlBinding> = {
  ListBuckets: op({ method: 'GET', on: 'SERVICE' }, 's3:ListAllMyBuckets', () => '*', buckets.listBuckets),

  CreateBucket: op({ method: 'PUT', on: 'BUCKET' }, 's3:CreateBucket', bucket, buckets.createBucket),
  HeadBucket: op({ method: 'HEAD', on: 'BUCKET' }, 's3:ListBucket', bucket, buckets.headBucket),
  DeleteBucket: op({ method: 'DELETE', on: 'BUCKET' }, 's3:DeleteBucket', bucket, buckets.deleteBucket),
  GetBucketLocation: op(
    { method: 'GET', on: 'BUCKET', query: 'location' },
    's3:GetBucketLocation',
    bucket,
    buckets.getBucketLocation,
  ),
  ListMultipartUploads: op(
    { method: 'GET', on: 'BUCKET', query: 'uploads' },
    's3:ListBucketMultipartUploads',
    bucket,
    multipart.listMultipartUploads,
  ),
  ListObjectsV2: op({ method: 'GET', on: 'BUCKET', query: 'list-type=2' }, 's3:ListBucket', undefined, listObjectsV2),
  ListObjects: op({ method: 'GET', on: 'BUCKET' }, 's3:ListBucket', undefined, listObjectsV1),
  DeleteObjects: op({ method: 'POST', on: 'BUCKET', query: 'delete' }, 's3:DeleteObject', undefined, deleteObjects),

  UploadPart: op({ method: 'PUT', on: 'OBJECT', query: 'uploadId' }, 's3:PutObject', object, multipart.uploadPart),
  CopyObject: op(
    { method: 'PUT', on: 'OBJECT', header: 'x-amz-copy-source' },
    's3:PutObject',
    undefined,
    objects.copyObject,
  ),
  PutObject: op({ method: 'PUT', on: 'OBJECT' }, 's3:PutObject', object, objects.putObject),
  ListParts: op(
    { method: 'GET', on: 'OBJECT', query: 'uploadId' },
    's3:ListMultipartUploadParts',
    object,
    multipart.listParts,
  ),
  GetObject: op({ method: 'GET', on: 'OBJECT' }, 's3:GetObject', object, (ctx) => objects.getObject(ctx, false)),
  HeadObject: op({ method: 'HEAD', on: 'OBJECT' }, 's3:GetObject', object, (ctx) => objects.getObject(ctx, true)),
  AbortMultipartUpload: op(
    { method: 'DELETE', on: 'OBJECT', query: 'uploadId' },
    's3:AbortMultipartUpload',
    object,
    multipart.abortMultipartUpload,
  ),
  DeleteObject: op({ method: 'DELETE', on: 'OBJECT' }, 's3:DeleteObject', object, objects.deleteObject),
  CreateMultipartUpload: op(
    { method: 'POST', on: 'OBJECT', query: 'uploads' },
    's3:PutObject',
    object,
    multipart.createMultipartUpload,
  ),
  CompleteMultipartUpload: op(
    { method: 'POST', on: 'OBJECT', query: 'uploadId' },
    's3:PutObject',
    object,
    multipart.completeMultipartUpload,
  ),
};

/** Subresources this local S3 does not implement (rather than mistaking them for a listing). */
export const UNIMPLEMENTED_SUBRESOURCES = [
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
