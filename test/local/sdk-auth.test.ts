/** Authentication failures as the real S3 client meets them (names as the SDK reports them). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListBucketsCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { startTestCloud, type TestCloud } from '../helpers/local-cloud.js';
import { sdkFailure as failure } from '../helpers/rejection.js';

describe('S3 client authentication against the local cloud', () => {
  let cloud: TestCloud;
  let s3: S3Client;

  beforeAll(async () => {
    cloud = await startTestCloud();
    s3 = cloud.s3();
    await s3.send(new CreateBucketCommand({ Bucket: 'auth' }));
    await s3.send(new PutObjectCommand({ Bucket: 'auth', Key: 'k', Body: 'original' }));
  });
  afterAll(() => cloud.stop());

  it('refuses a wrong secret', async () => {
    const wrong = cloud.s3({
      credentials: { accessKeyId: cloud.credentials.accessKeyId, secretAccessKey: 'x'.repeat(40) },
    });
    expect(await failure(wrong.send(new ListBucketsCommand({})))).toEqual({
      name: 'SignatureDoesNotMatch',
      status: 403,
    });
  });

  it('refuses an unknown access key', async () => {
    const unknown = cloud.s3({
      credentials: { accessKeyId: 'AKIAAAAAAAAAAAAAAAAA', secretAccessKey: cloud.credentials.secretAccessKey },
    });
    expect(await failure(unknown.send(new ListBucketsCommand({})))).toEqual({
      name: 'InvalidAccessKeyId',
      status: 403,
    });
  });

  it('refuses a body changed after signing, and stores nothing', async () => {
    const tampering = cloud.s3();
    type Middleware = Parameters<typeof tampering.middlewareStack.addRelativeTo>[0];
    const tamper =
      (next: (args: { request: { body?: unknown } }) => Promise<unknown>) =>
      async (args: { request: { body?: unknown } }) => {
        args.request.body = 'tampered!!!'; // as long as 'replacement': only the bytes differ
        return next(args);
      };
    // Runs after signing, on the wire request: the SDK's middleware types do not narrow to that.
    tampering.middlewareStack.addRelativeTo(tamper as unknown as Middleware, {
      relation: 'after',
      toMiddleware: 'httpSigningMiddleware',
      name: 'tamper',
    });
    const result = await failure(
      tampering.send(new PutObjectCommand({ Bucket: 'auth', Key: 'k', Body: 'replacement' })),
    );
    expect(result.status).toBe(400);
    expect(['XAmzContentSHA256Mismatch', 'BadDigest']).toContain(result.name);
    const kept = await s3.send(new GetObjectCommand({ Bucket: 'auth', Key: 'k' }));
    expect(await kept.Body!.transformToString()).toBe('original');
  });
});
