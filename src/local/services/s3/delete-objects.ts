/**
 * DeleteObjects (`POST /{bucket}?delete`): up to 1,000 keys in one XML body. Each key succeeds
 * or fails on its own (an <Error> entry, e.g. AccessDenied), as on S3; `<Quiet>true</Quiet>`
 * reports only the failures. S3 requires Content-MD5 or an x-amz-checksum header on this call;
 * current SDKs always send one and readPayload verifies it, but a body without one is accepted.
 */
import { xmlOutput, type RestXmlOutput } from '../../protocols/rest-xml.js';
import { ServiceError } from '../../service-error.js';
import { validateObjectKey } from '../../store/names.js';
import { noSuchBucket } from '../../store/object-store.js';
import { objectArn, type S3Context } from './context.js';
import { readPayload } from './payload.js';
import { children, malformedXml, parseXmlBody, text } from './xml-body.js';

const MAX_KEYS = 1000;

export async function deleteObjects(ctx: S3Context): Promise<RestXmlOutput> {
  const { data } = readPayload(ctx.request);
  const body = parseXmlBody(data, 'Delete');
  const entries = children(body, 'Object').map((o) => text(o.Key));
  if (entries.length === 0 || entries.length > MAX_KEYS || entries.some((k) => k === undefined)) throw malformedXml();
  const quiet = text(body.Quiet)?.trim().toLowerCase() === 'true';
  if (!(await ctx.store.bucketExists(ctx.bucket))) throw noSuchBucket(ctx.bucket);
  const deleted: { Key: string }[] = [];
  const errors: { Key: string; Code: string; Message: string }[] = [];
  for (const key of entries as string[]) {
    try {
      validateObjectKey(key);
      ctx.call.authorizeOperation(objectArn(ctx.bucket, key));
      await ctx.store.deleteObject(ctx.bucket, key);
      deleted.push({ Key: key });
    } catch (err) {
      if (!(err instanceof ServiceError)) throw err;
      errors.push({ Key: key, Code: err.code, Message: err.message });
    }
  }
  return xmlOutput('DeleteResult', { Deleted: quiet ? undefined : deleted, Error: errors });
}
