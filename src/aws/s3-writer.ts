/**
 * Adapts an @aws-sdk/client-s3 S3Client (real AWS or the local cloud) to the narrow S3Writer the
 * data step needs. The only file of the data step that loads the SDK, so `mme --help` stays fast.
 */
import {
  CreateBucketCommand,
  HeadBucketCommand,
  PutObjectCommand,
  type BucketLocationConstraint,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { S3Writer } from '../workflow/data.js';

export function s3WriterFromClient(client: S3Client): S3Writer {
  return {
    async bucketExists(bucket) {
      try {
        await client.send(new HeadBucketCommand({ Bucket: bucket }));
        return true;
      } catch (err) {
        // HeadBucket has no body, so the SDK names the error from the status: NotFound / 404.
        if (isNotFound(err)) return false;
        throw err;
      }
    },

    async createBucket(bucket) {
      // Outside us-east-1, S3 requires the region as LocationConstraint (and rejects it inside).
      const region = await client.config.region();
      const config =
        region && region !== 'us-east-1' ? { LocationConstraint: region as BucketLocationConstraint } : undefined;
      try {
        await client.send(new CreateBucketCommand({ Bucket: bucket, CreateBucketConfiguration: config }));
      } catch (err) {
        // Someone (or an earlier run) created it in between: that is what we wanted.
        if ((err as { name?: string })?.name === 'BucketAlreadyOwnedByYou') return;
        throw err;
      }
    },

    async putObject(bucket, key, body, contentType) {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }));
    },
  };
}

function isNotFound(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NotFound' || e?.name === 'NoSuchBucket' || e?.$metadata?.httpStatusCode === 404;
}
