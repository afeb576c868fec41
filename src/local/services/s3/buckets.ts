/** Bucket operations: CreateBucket, HeadBucket, ListBuckets, DeleteBucket, GetBucketLocation. */
import { xmlOutput, S3_XMLNS, type RestXmlOutput } from '../../protocols/rest-xml.js';
import { createHash } from 'node:crypto';
import { escapeXml } from '../../protocols/xml.js';
import { ServiceError } from '../../service-error.js';
import { validateBucketName } from '../../store/names.js';
import type { S3Context } from './context.js';
import { readPayload } from './payload.js';
import { parseXmlBody, text } from './xml-body.js';

/** S3 names owners by a 64-hex canonical user id; derive a stable one from the account. */
export function owner(ctx: S3Context): { ID: string; DisplayName: string } {
  const id = createHash('sha256').update(`mme-local:${ctx.call.principal.accountId}`).digest('hex');
  return { ID: id, DisplayName: 'local' };
}

export async function createBucket(ctx: S3Context): Promise<RestXmlOutput> {
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
  return { headers: { location: `/${ctx.bucket}` } };
}

export async function headBucket(ctx: S3Context): Promise<RestXmlOutput> {
  const info = await ctx.store.getBucket(ctx.bucket);
  return {
    status: 200,
    headers: {
      'x-amz-bucket-region': info.region,
      'x-amz-access-point-alias': 'false',
    },
  };
}

export async function listBuckets(ctx: S3Context): Promise<RestXmlOutput> {
  const prefix = ctx.request.query.prefix ?? '';
  const buckets = (await ctx.store.listBuckets()).filter((b) => b.name.startsWith(prefix));
  return xmlOutput('ListAllMyBucketsResult', {
    Owner: owner(ctx),
    Buckets: { Bucket: buckets.map((b) => ({ Name: b.name, CreationDate: b.creationDate, BucketRegion: b.region })) },
    Prefix: ctx.request.query.prefix,
  });
}

export async function deleteBucket(ctx: S3Context): Promise<RestXmlOutput> {
  await ctx.store.deleteBucket(ctx.bucket);
  return { status: 204 };
}

/** S3 writes us-east-1 as an empty LocationConstraint (a quirk SDKs and the CLI expect). */
export async function getBucketLocation(ctx: S3Context): Promise<RestXmlOutput> {
  const { region } = await ctx.store.getBucket(ctx.bucket);
  const value = region === 'us-east-1' ? '' : escapeXml(region);
  return {
    status: 200,
    headers: { 'content-type': 'application/xml' },
    body: `<?xml version="1.0" encoding="UTF-8"?><LocationConstraint xmlns="${S3_XMLNS}">${value}</LocationConstraint>`,
  };
}
