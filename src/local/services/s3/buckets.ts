/** Bucket operations: CreateBucket, HeadBucket, ListBuckets, DeleteBucket, GetBucketLocation. */
import { createHash } from 'node:crypto';
import type { LocalResponse } from '../../http.js';
import { S3_XMLNS, s3RequestHeaders, xmlResponse } from '../../protocols/rest-xml.js';
import { escapeXml } from '../../protocols/xml.js';
import { ServiceError } from '../../service-error.js';
import { validateBucketName } from '../../store/names.js';
import { bucketArn, type S3Context } from './context.js';
import { readPayload } from './payload.js';
import { parseXmlBody, text } from './xml-body.js';

/** S3 names owners by a 64-hex canonical user id; derive a stable one from the account. */
export function owner(ctx: S3Context): { ID: string; DisplayName: string } {
  const id = createHash('sha256').update(`mme-local:${ctx.call.principal.accountId}`).digest('hex');
  return { ID: id, DisplayName: 'local' };
}

export async function createBucket(ctx: S3Context): Promise<LocalResponse> {
  ctx.call.authorize('s3:CreateBucket', bucketArn(ctx.bucket));
  validateBucketName(ctx.bucket);
  const { data } = readPayload(ctx.request);
  let constraint: string | undefined;
  if (data.length > 0)
    constraint = text(parseXmlBody(data, 'CreateBucketConfiguration').LocationConstraint) || undefined;
  // S3 refuses a location constraint that differs from the regional endpoint's region. With no
  // constraint S3 means us-east-1; the local cloud means the region the request was signed for,
  // which is what a user of one local region expects (the JS SDK never sends a constraint).
  if (constraint && constraint !== ctx.call.region) {
    throw new ServiceError(
      'IllegalLocationConstraintException',
      `The ${constraint} location constraint is incompatible for the region specific endpoint this request was sent to.`,
      400,
    );
  }
  await ctx.store.createBucket(ctx.bucket, { region: constraint ?? ctx.call.region });
  return { status: 200, headers: { ...s3RequestHeaders(ctx.requestId), location: `/${ctx.bucket}` } };
}

export async function headBucket(ctx: S3Context): Promise<LocalResponse> {
  ctx.call.authorize('s3:ListBucket', bucketArn(ctx.bucket));
  const info = await ctx.store.getBucket(ctx.bucket);
  return {
    status: 200,
    headers: {
      ...s3RequestHeaders(ctx.requestId),
      'x-amz-bucket-region': info.region,
      'x-amz-access-point-alias': 'false',
    },
  };
}

export async function listBuckets(ctx: S3Context): Promise<LocalResponse> {
  ctx.call.authorize('s3:ListAllMyBuckets', '*');
  const prefix = ctx.request.query.prefix ?? '';
  const buckets = (await ctx.store.listBuckets()).filter((b) => b.name.startsWith(prefix));
  return xmlResponse(
    200,
    'ListAllMyBucketsResult',
    {
      Owner: owner(ctx),
      Buckets: { Bucket: buckets.map((b) => ({ Name: b.name, CreationDate: b.creationDate, BucketRegion: b.region })) },
      Prefix: ctx.request.query.prefix,
    },
    ctx.requestId,
  );
}

export async function deleteBucket(ctx: S3Context): Promise<LocalResponse> {
  ctx.call.authorize('s3:DeleteBucket', bucketArn(ctx.bucket));
  await ctx.store.deleteBucket(ctx.bucket);
  return { status: 204, headers: s3RequestHeaders(ctx.requestId) };
}

/** S3 writes us-east-1 as an empty LocationConstraint (a quirk SDKs and the CLI expect). */
export async function getBucketLocation(ctx: S3Context): Promise<LocalResponse> {
  ctx.call.authorize('s3:GetBucketLocation', bucketArn(ctx.bucket));
  const { region } = await ctx.store.getBucket(ctx.bucket);
  const value = region === 'us-east-1' ? '' : escapeXml(region);
  return {
    status: 200,
    headers: { 'content-type': 'application/xml', ...s3RequestHeaders(ctx.requestId) },
    body: `<?xml version="1.0" encoding="UTF-8"?><LocationConstraint xmlns="${S3_XMLNS}">${value}</LocationConstraint>`,
  };
}
