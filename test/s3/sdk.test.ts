/** The real @aws-sdk/client-s3 and lib-storage against the running local cloud. */
import { createHash, randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { existsSync } from 'node:fs';
import { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListObjectsCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  PutObjectCommand,
  UploadPartCommand,
  paginateListObjectsV2,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCloud, type TestCloud } from '../helpers/local-cloud.js';
import { sdkFailure as failure } from '../helpers/rejection.js';

let cloud: TestCloud;
let s3: S3Client;
const md5 = (b: Buffer): string => createHash('md5').update(b).digest('hex');

beforeAll(async () => {
  cloud = await startTestCloud();
  s3 = cloud.s3();
  await s3.send(new CreateBucketCommand({ Bucket: 'data' }));
});
afterAll(async () => {
  await cloud?.stop();
});

async function bytes(key: string, bucket = 'data'): Promise<Buffer> {
  const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(await out.Body!.transformToByteArray());
}

describe('buckets', () => {
  it('creates, heads, lists and deletes buckets with S3 errors', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'scratch' }));
    expect(await failure(s3.send(new CreateBucketCommand({ Bucket: 'scratch' })))).toEqual({
      name: 'BucketAlreadyOwnedByYou',
      status: 409,
    });
    expect(await failure(s3.send(new CreateBucketCommand({ Bucket: 'No_Good' })))).toMatchObject({
      name: 'InvalidBucketName',
      status: 400,
    });
    const head = await s3.send(new HeadBucketCommand({ Bucket: 'scratch' }));
    expect(head.BucketRegion).toBe(cloud.region);
    const list = await s3.send(new ListBucketsCommand({}));
    expect(list.Buckets?.map((b) => b.Name)).toEqual(expect.arrayContaining(['data', 'scratch']));
    expect(list.Buckets?.[0]?.CreationDate).toBeInstanceOf(Date);
    await s3.send(new PutObjectCommand({ Bucket: 'scratch', Key: 'x', Body: 'x' }));
    expect(await failure(s3.send(new DeleteBucketCommand({ Bucket: 'scratch' })))).toEqual({
      name: 'BucketNotEmpty',
      status: 409,
    });
    await s3.send(new DeleteObjectCommand({ Bucket: 'scratch', Key: 'x' }));
    await s3.send(new DeleteBucketCommand({ Bucket: 'scratch' }));
    expect(await failure(s3.send(new HeadBucketCommand({ Bucket: 'scratch' })))).toMatchObject({
      name: 'NotFound',
      status: 404,
    });
    expect(await failure(s3.send(new ListObjectsV2Command({ Bucket: 'scratch' })))).toMatchObject({
      name: 'NoSuchBucket',
      status: 404,
    });
  });
});

describe('objects', () => {
  it('puts and gets a buffer with metadata, ETag and a checksum the SDK validates', async () => {
    const body = Buffer.from('id,price\n1,2\n');
    const put = await s3.send(
      new PutObjectCommand({
        Bucket: 'data',
        Key: 'train/a.csv',
        Body: body,
        ContentType: 'text/csv',
        Metadata: { model: 'm-1' },
      }),
    );
    expect(put.ETag).toBe(`"${md5(body)}"`);
    const got = await s3.send(new GetObjectCommand({ Bucket: 'data', Key: 'train/a.csv', ChecksumMode: 'ENABLED' }));
    expect(got).toMatchObject({
      ContentType: 'text/csv',
      ContentLength: body.length,
      ETag: put.ETag,
      Metadata: { model: 'm-1' },
    });
    expect(got.LastModified).toBeInstanceOf(Date);
    expect(got.ChecksumCRC32).toBeDefined();
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(body)).toBe(true);
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'data', Key: 'train/a.csv' }));
    expect(head).toMatchObject({ ContentLength: body.length, ETag: put.ETag, Metadata: { model: 'm-1' } });
    expect(await failure(s3.send(new HeadObjectCommand({ Bucket: 'data', Key: 'nope' })))).toMatchObject({
      name: 'NotFound',
      status: 404,
    });
    expect(await failure(s3.send(new GetObjectCommand({ Bucket: 'data', Key: 'nope' })))).toMatchObject({
      name: 'NoSuchKey',
      status: 404,
    });
  });

  it('streams a Readable body (aws-chunked with a CRC32 trailer) and gets back the same bytes', async () => {
    const data = randomBytes(3 * 1024 * 1024 + 17);
    const chunks = Array.from({ length: 13 }, (_, i) =>
      data.subarray(Math.floor((i * data.length) / 13), Math.floor(((i + 1) * data.length) / 13)),
    );
    await s3.send(
      new PutObjectCommand({
        Bucket: 'data',
        Key: 'stream.bin',
        Body: Readable.from(chunks),
        ContentLength: data.length,
      }),
    );
    const back = await bytes('stream.bin');
    expect(back.length).toBe(data.length);
    expect(back.equals(data)).toBe(true);
    // The framing is never stored: the data file is exactly the object.
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'data', Key: 'stream.bin' }));
    expect(head.ETag).toBe(`"${md5(data)}"`);
  });

  it('serves ranges', async () => {
    await s3.send(new PutObjectCommand({ Bucket: 'data', Key: 'digits', Body: '0123456789' }));
    const part = await s3.send(new GetObjectCommand({ Bucket: 'data', Key: 'digits', Range: 'bytes=2-5' }));
    expect(part.ContentRange).toBe('bytes 2-5/10');
    expect(await part.Body!.transformToString()).toBe('2345');
    const tail = await s3.send(
      new GetObjectCommand({ Bucket: 'data', Key: 'digits', Range: 'bytes=-3', ChecksumMode: 'ENABLED' }),
    );
    expect(await tail.Body!.transformToString()).toBe('789');
    expect(
      await failure(s3.send(new GetObjectCommand({ Bucket: 'data', Key: 'digits', Range: 'bytes=20-' }))),
    ).toMatchObject({ name: 'InvalidRange', status: 416 });
  });

  it('copies with COPY and REPLACE metadata directives', async () => {
    await s3.send(
      new PutObjectCommand({
        Bucket: 'data',
        Key: 'src/model tar.gz',
        Body: 'model',
        ContentType: 'application/gzip',
        Metadata: { a: '1' },
      }),
    );
    const copy = await s3.send(
      new CopyObjectCommand({
        Bucket: 'data',
        Key: 'dst/copy',
        CopySource: `data/${encodeURIComponent('src/model tar.gz')}`,
      }),
    );
    expect(copy.CopyObjectResult?.ETag).toBe(`"${md5(Buffer.from('model'))}"`);
    expect(await s3.send(new HeadObjectCommand({ Bucket: 'data', Key: 'dst/copy' }))).toMatchObject({
      ContentType: 'application/gzip',
      Metadata: { a: '1' },
    });
    await s3.send(
      new CopyObjectCommand({
        Bucket: 'data',
        Key: 'dst/copy',
        CopySource: '/data/src/model%20tar.gz',
        MetadataDirective: 'REPLACE',
        Metadata: { b: '2' },
        ContentType: 'text/plain',
      }),
    );
    expect(await s3.send(new HeadObjectCommand({ Bucket: 'data', Key: 'dst/copy' }))).toMatchObject({
      ContentType: 'text/plain',
      Metadata: { b: '2' },
    });
    expect(
      await failure(s3.send(new CopyObjectCommand({ Bucket: 'data', Key: 'dst/copy', CopySource: 'data/dst/copy' }))),
    ).toMatchObject({ name: 'InvalidRequest' });
    expect(
      await failure(s3.send(new CopyObjectCommand({ Bucket: 'data', Key: 'dst/x', CopySource: 'data/none' }))),
    ).toMatchObject({ name: 'NoSuchKey' });
  });

  it('deletes idempotently, one by one and in bulk', async () => {
    await s3.send(new DeleteObjectCommand({ Bucket: 'data', Key: 'never-existed' }));
    for (const k of ['del/1', 'del/2', 'del/3'])
      await s3.send(new PutObjectCommand({ Bucket: 'data', Key: k, Body: k }));
    await s3.send(new DeleteObjectCommand({ Bucket: 'data', Key: 'del/1' }));
    const out = await s3.send(
      new DeleteObjectsCommand({
        Bucket: 'data',
        Delete: { Objects: [{ Key: 'del/2' }, { Key: 'del/3' }, { Key: 'del/none' }] },
      }),
    );
    expect(out.Deleted?.map((d) => d.Key).sort()).toEqual(['del/2', 'del/3', 'del/none']);
    const quiet = await s3.send(
      new DeleteObjectsCommand({ Bucket: 'data', Delete: { Quiet: true, Objects: [{ Key: 'del/2' }] } }),
    );
    expect(quiet.Deleted ?? []).toEqual([]);
    expect((await s3.send(new ListObjectsV2Command({ Bucket: 'data', Prefix: 'del/' }))).KeyCount).toBe(0);
  });

  it('refuses traversal keys with 400 and writes nothing outside the store', async () => {
    const names = ['passwd', 'x', 'mme-escaped'];
    for (const Key of ['a/../../etc/passwd', '../x', `../../../../../../../../tmp/${names[2]}`]) {
      expect(await failure(s3.send(new PutObjectCommand({ Bucket: 'data', Key, Body: 'x' })))).toMatchObject({
        name: 'InvalidArgument',
        status: 400,
      });
    }
    const everything = await readdir(cloud.stateDir, { recursive: true });
    expect(everything.filter((f) => names.includes(basename(f)))).toEqual([]);
    expect(existsSync(`/tmp/${names[2]}`)).toBe(false);
    expect(await readdir(join(cloud.stateDir, 's3'))).toEqual(['buckets']);
  });
});

describe('multipart', () => {
  it('uploads 12 MiB with lib-storage Upload (5 MiB parts, queue of 3) byte-identical', async () => {
    const data = randomBytes(12 * 1024 * 1024);
    const upload = new Upload({
      client: s3,
      params: { Bucket: 'data', Key: 'models/big.tar.gz', Body: Readable.from([data]) },
      partSize: 5 * 1024 * 1024,
      queueSize: 3,
    });
    const done = await upload.done();
    expect(done.ETag).toMatch(/^"[0-9a-f]{32}-3"$/);
    const got = await s3.send(
      new GetObjectCommand({ Bucket: 'data', Key: 'models/big.tar.gz', ChecksumMode: 'ENABLED' }),
    );
    expect(got.ContentLength).toBe(data.length);
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(data)).toBe(true);
  });

  it('takes parts in any order, lists them, and validates completion', async () => {
    const Bucket = 'data';
    const Key = 'mpu/manual';
    const { UploadId } = await s3.send(
      new CreateMultipartUploadCommand({ Bucket, Key, ContentType: 'application/x-tar' }),
    );
    const big = randomBytes(5 * 1024 * 1024);
    const small = randomBytes(1000);
    const p2 = await s3.send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: 2, Body: small }));
    const p1 = await s3.send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: 1, Body: big }));
    const parts = await s3.send(new ListPartsCommand({ Bucket, Key, UploadId }));
    expect(parts.Parts?.map((p) => [p.PartNumber, p.Size])).toEqual([
      [1, big.length],
      [2, 1000],
    ]);
    const complete = (Parts: { PartNumber: number; ETag?: string }[]) =>
      s3.send(new CompleteMultipartUploadCommand({ Bucket, Key, UploadId, MultipartUpload: { Parts } }));
    expect(
      await failure(
        complete([
          { PartNumber: 2, ETag: p2.ETag },
          { PartNumber: 1, ETag: p1.ETag },
        ]),
      ),
    ).toMatchObject({ name: 'InvalidPartOrder', status: 400 });
    expect(await failure(complete([{ PartNumber: 1, ETag: '"0000"' }]))).toMatchObject({
      name: 'InvalidPart',
      status: 400,
    });
    expect(
      await failure(
        complete([
          { PartNumber: 2, ETag: p2.ETag },
          { PartNumber: 3, ETag: p2.ETag },
        ]),
      ),
    ).toMatchObject({ name: 'InvalidPart' });
    const done = await complete([
      { PartNumber: 1, ETag: p1.ETag },
      { PartNumber: 2, ETag: p2.ETag },
    ]);
    const expected = md5(Buffer.concat([Buffer.from(md5(big), 'hex'), Buffer.from(md5(small), 'hex')]));
    expect(done.ETag).toBe(`"${expected}-2"`);
    expect((await bytes(Key)).equals(Buffer.concat([big, small]))).toBe(true);
    expect(await failure(s3.send(new ListPartsCommand({ Bucket, Key, UploadId })))).toMatchObject({
      name: 'NoSuchUpload',
      status: 404,
    });
  });

  it('refuses small non-final parts and aborts', async () => {
    const Bucket = 'data';
    const Key = 'mpu/small';
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key }));
    const a = await s3.send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: 1, Body: 'aaa' }));
    const b = await s3.send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: 2, Body: 'bbb' }));
    const parts = [
      { PartNumber: 1, ETag: a.ETag },
      { PartNumber: 2, ETag: b.ETag },
    ];
    expect(
      await failure(
        s3.send(new CompleteMultipartUploadCommand({ Bucket, Key, UploadId, MultipartUpload: { Parts: parts } })),
      ),
    ).toMatchObject({ name: 'EntityTooSmall' });
    await s3.send(new AbortMultipartUploadCommand({ Bucket, Key, UploadId }));
    expect(await failure(s3.send(new AbortMultipartUploadCommand({ Bucket, Key, UploadId })))).toMatchObject({
      name: 'NoSuchUpload',
    });
  });
});

describe('listing', () => {
  const keys: string[] = [];
  beforeAll(async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'many' }));
    for (let i = 0; i < 2500; i++)
      keys.push(`runs/${String(i % 25).padStart(2, '0')}/model-${String(i).padStart(4, '0')}.tar.gz`);
    for (let i = 0; i < 50; i++) keys.push(`top-${String(i).padStart(2, '0')}`);
    const queue = [...keys];
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        for (let k = queue.pop(); k !== undefined; k = queue.pop())
          await s3.send(new PutObjectCommand({ Bucket: 'many', Key: k, Body: k }));
      }),
    );
  }, 120_000);

  it('pages ListObjectsV2 over 2,550 keys with the SDK paginator', async () => {
    const seen: string[] = [];
    let pages = 0;
    for await (const page of paginateListObjectsV2({ client: s3, pageSize: 1000 }, { Bucket: 'many' })) {
      pages++;
      expect(page.KeyCount).toBe(page.Contents?.length ?? 0);
      seen.push(...(page.Contents ?? []).map((c) => c.Key!));
    }
    expect(pages).toBe(3);
    expect(seen).toEqual([...keys].sort());
  });

  it('rolls keys up into CommonPrefixes with a delimiter, across pages', async () => {
    const prefixes: string[] = [];
    const contents: string[] = [];
    let token: string | undefined;
    do {
      const page = await s3.send(
        new ListObjectsV2Command({
          Bucket: 'many',
          Prefix: 'runs/',
          Delimiter: '/',
          MaxKeys: 7,
          ContinuationToken: token,
        }),
      );
      expect(page.KeyCount).toBeLessThanOrEqual(7);
      prefixes.push(...(page.CommonPrefixes ?? []).map((p) => p.Prefix!));
      contents.push(...(page.Contents ?? []).map((c) => c.Key!));
      token = page.NextContinuationToken;
      expect(page.IsTruncated).toBe(token !== undefined);
    } while (token);
    expect(contents).toEqual([]);
    expect(prefixes).toEqual(Array.from({ length: 25 }, (_, i) => `runs/${String(i).padStart(2, '0')}/`));
    const top = await s3.send(new ListObjectsV2Command({ Bucket: 'many', Delimiter: '/' }));
    expect(top.CommonPrefixes).toEqual([{ Prefix: 'runs/' }]);
    expect(top.KeyCount).toBe(51);
  });

  it('supports start-after, max-keys, encoding-type=url and ListObjects v1', async () => {
    const after = await s3.send(new ListObjectsV2Command({ Bucket: 'many', StartAfter: 'top-47', MaxKeys: 10 }));
    expect(after.Contents?.map((c) => c.Key)).toEqual(['top-48', 'top-49']);
    expect(after.IsTruncated).toBe(false);
    await s3.send(new PutObjectCommand({ Bucket: 'many', Key: 'odd key+&.txt', Body: 'odd' }));
    const encoded = await s3.send(new ListObjectsV2Command({ Bucket: 'many', Prefix: 'odd', EncodingType: 'url' }));
    expect(encoded.Contents?.map((c) => decodeURIComponent(c.Key!))).toEqual(['odd key+&.txt']);
    const v1 = await s3.send(new ListObjectsCommand({ Bucket: 'many', Prefix: 'runs/', Delimiter: '/', MaxKeys: 10 }));
    expect(v1.CommonPrefixes).toHaveLength(10);
    expect(v1.IsTruncated).toBe(true);
    const v1next = await s3.send(
      new ListObjectsCommand({ Bucket: 'many', Prefix: 'runs/', Delimiter: '/', Marker: v1.NextMarker }),
    );
    expect(v1next.CommonPrefixes?.[0]?.Prefix).toBe('runs/10/');
    expect(v1next.CommonPrefixes).toHaveLength(15);
  });
});

describe('restart', () => {
  it('keeps objects, metadata and multipart uploads across a restart', async () => {
    await s3.send(
      new PutObjectCommand({ Bucket: 'data', Key: 'persist/me', Body: 'still here', Metadata: { v: '1' } }),
    );
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'data', Key: 'persist/mpu' }));
    await cloud.restart();
    const after = cloud.s3();
    const got = await after.send(new GetObjectCommand({ Bucket: 'data', Key: 'persist/me' }));
    expect(await got.Body!.transformToString()).toBe('still here');
    expect(got.Metadata).toEqual({ v: '1' });
    expect((await after.send(new ListPartsCommand({ Bucket: 'data', Key: 'persist/mpu', UploadId }))).UploadId).toBe(
      UploadId,
    );
    expect((await after.send(new ListObjectsV2Command({ Bucket: 'many', MaxKeys: 1 }))).IsTruncated).toBe(true);
    s3 = after;
  });
});
