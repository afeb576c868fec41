/** The S3 service through handle(), with hand-built calls: framing, checksums, ranges, routing. */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3Service, type S3Service } from '../../src/local/services/s3/index.js';
import { crc32Base64 } from '../../src/local/store/files.js';
import { awsChunked, s3Call, send, type Authorization } from './call.js';

let dir: string;
let s3: S3Service;
const crc = (b: Buffer): string => crc32Base64(crc32(b));

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mme-s3-handler-'));
  s3 = createS3Service({ dataDir: dir });
  expect((await send(s3, s3Call('PUT', '/bkt'))).status).toBe(200);
});
afterAll(async () => {
  await s3.store.close();
  await rm(dir, { recursive: true, force: true });
});

const streamingHeaders = (
  decoded: number,
  sha = 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
  trailer = 'x-amz-checksum-crc32',
) => ({
  'content-encoding': 'aws-chunked',
  'x-amz-content-sha256': sha,
  'x-amz-decoded-content-length': String(decoded),
  ...(trailer ? { 'x-amz-trailer': trailer } : {}),
});

async function get(key: string, headers: Record<string, string> = {}) {
  return send(s3, s3Call('GET', `/bkt/${key}`, { headers }));
}

describe('aws-chunked PutObject', () => {
  const data = Buffer.concat([
    Buffer.from('0\r\n\r\nfake-trailer:1\r\n'),
    randomBytes(70_000),
    Buffer.from('\r\n0\r\n'),
  ]);

  it.each([
    ['one chunk', [data.length]],
    ['chunk boundaries inside CRLF-looking data', [1, 2, 3, 17, 65_536, data.length - 65_559]],
    ['many small chunks', Array.from({ length: 100 }, (_, i) => (i < 99 ? 700 : data.length - 99 * 700))],
  ])('stores exactly the decoded bytes: %s', async (_name, sizes) => {
    const chunks: Buffer[] = [];
    let at = 0;
    for (const n of sizes) chunks.push(data.subarray(at, (at += n)));
    const body = awsChunked(chunks, { 'x-amz-checksum-crc32': crc(data) });
    const put = await send(s3, s3Call('PUT', '/bkt/chunked', { headers: streamingHeaders(data.length), body }));
    expect(put.status).toBe(200);
    expect(put.headers.etag).toBe(`"${createHash('md5').update(data).digest('hex')}"`);
    expect(put.headers['x-amz-checksum-crc32']).toBe(crc(data));
    const got = await get('chunked', { 'x-amz-checksum-mode': 'ENABLED' });
    expect(Buffer.from(got.text, 'latin1').equals(data)).toBe(true);
    expect(got.headers['x-amz-checksum-crc32']).toBe(crc(data));
  });

  it('accepts an empty streamed body', async () => {
    const body = awsChunked([], { 'x-amz-checksum-crc32': crc(Buffer.alloc(0)) });
    expect((await send(s3, s3Call('PUT', '/bkt/empty', { headers: streamingHeaders(0), body }))).status).toBe(200);
    const got = await get('empty');
    expect(got.headers['content-length']).toBe('0');
  });

  it('strips signed-chunk extensions (STREAMING-AWS4-HMAC-SHA256-PAYLOAD) without storing them', async () => {
    const signature = (i: number) => `chunk-signature=${createHash('sha256').update(String(i)).digest('hex')}`;
    const body = awsChunked([data.subarray(0, 8192), data.subarray(8192)], {}, signature);
    const headers = {
      ...streamingHeaders(data.length, 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD', ''),
      'content-encoding': 'gzip,aws-chunked',
    };
    expect((await send(s3, s3Call('PUT', '/bkt/signed', { headers, body }))).status).toBe(200);
    const got = await get('signed');
    expect(Buffer.from(got.text, 'latin1').equals(data)).toBe(true);
    expect(got.headers['content-encoding']).toBe('gzip');
  });

  it.each([
    [
      'a wrong trailing CRC32',
      streamingHeaders(data.length),
      awsChunked([data], { 'x-amz-checksum-crc32': crc(Buffer.from('x')) }),
      'BadDigest',
    ],
    [
      'a decoded length that does not match',
      streamingHeaders(data.length + 1),
      awsChunked([data], { 'x-amz-checksum-crc32': crc(data) }),
      'IncompleteBody',
    ],
    ['a body cut short', streamingHeaders(data.length), awsChunked([data]).subarray(0, 5000), 'IncompleteBody'],
    ['a declared trailer that is missing', streamingHeaders(data.length), awsChunked([data]), 'MalformedTrailerError'],
    ['a chunk size that is not hex', streamingHeaders(3), Buffer.from('zz\r\nabc\r\n0\r\n\r\n'), 'InvalidRequest'],
    [
      'a chunk not followed by CRLF',
      streamingHeaders(3, undefined, ''),
      Buffer.from('3\r\nabcX\r\n0\r\n\r\n'),
      'InvalidRequest',
    ],
    ['no decoded length', { 'content-encoding': 'aws-chunked' }, awsChunked([data]), 'MissingContentLength'],
  ])('refuses %s', async (_name, headers, body, code) => {
    const res = await send(s3, s3Call('PUT', '/bkt/refused', { headers, body }));
    expect(res.text).toContain(`<Code>${code}</Code>`);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect((await get('refused')).status).toBe(404);
  });
});

describe('plain PutObject checksums', () => {
  const body = Buffer.from('plain body');
  it.each([
    [{ 'x-amz-checksum-crc32': crc(Buffer.from('other')) }, 'BadDigest'],
    [{ 'x-amz-checksum-crc32': 'not-base64!' }, 'InvalidRequest'],
    [{ 'content-md5': createHash('md5').update('other').digest('base64') }, 'BadDigest'],
    [{ 'content-md5': 'abc' }, 'InvalidDigest'],
    [{ 'x-amz-checksum-sha256': createHash('sha256').update('other').digest('base64') }, 'BadDigest'],
  ])('refuses %o with %s', async (headers, code) => {
    const res = await send(s3, s3Call('PUT', '/bkt/plain', { headers, body }));
    expect(res.status).toBe(400);
    expect(res.text).toContain(`<Code>${code}</Code>`);
  });

  it('accepts matching checksums and keeps metadata', async () => {
    const headers = {
      'x-amz-checksum-crc32': crc(body),
      'content-md5': createHash('md5').update(body).digest('base64'),
      'content-type': 'text/plain',
      'x-amz-meta-model': 'm1',
    };
    expect((await send(s3, s3Call('PUT', '/bkt/plain', { headers, body }))).status).toBe(200);
    const head = await send(s3, s3Call('HEAD', '/bkt/plain'));
    expect(head.headers).toMatchObject({
      'content-type': 'text/plain',
      'x-amz-meta-model': 'm1',
      'content-length': String(body.length),
    });
    expect(head.headers['x-amz-checksum-crc32']).toBeUndefined();
    expect(head.body).toBeUndefined();
  });
});

describe('GetObject ranges and conditions', () => {
  const body = Buffer.from('0123456789');
  beforeAll(async () => {
    await send(s3, s3Call('PUT', '/bkt/digits', { body }));
  });

  it.each([
    ['bytes=0-4', 206, '01234', 'bytes 0-4/10'],
    ['bytes=5-', 206, '56789', 'bytes 5-9/10'],
    ['bytes=-3', 206, '789', 'bytes 7-9/10'],
    ['bytes=8-100', 206, '89', 'bytes 8-9/10'],
    ['bytes=5-2', 200, '0123456789', undefined],
    ['items=0-1', 200, '0123456789', undefined],
  ])('%s → %i', async (range, status, text, contentRange) => {
    const res = await get('digits', { range, 'x-amz-checksum-mode': 'ENABLED' });
    expect(res.status).toBe(status);
    expect(res.text).toBe(text);
    expect(res.headers['content-range']).toBe(contentRange);
    expect(res.headers['content-length']).toBe(String(text.length));
    // A checksum only ever describes the bytes sent: never on a partial reply.
    expect(res.headers['x-amz-checksum-crc32']).toBe(status === 200 ? crc(body) : undefined);
  });

  it('answers 416 InvalidRange past the end', async () => {
    const res = await get('digits', { range: 'bytes=10-' });
    expect(res.status).toBe(416);
    expect(res.text).toContain('<Code>InvalidRange</Code>');
  });

  it('honours If-None-Match and If-Match', async () => {
    const { headers } = await get('digits');
    expect((await get('digits', { 'if-none-match': headers.etag! })).status).toBe(304);
    expect((await get('digits', { 'if-match': '"nope"' })).status).toBe(412);
    expect((await get('digits', { 'if-match': headers.etag! })).status).toBe(200);
  });
});

describe('keys and routing', () => {
  it.each([
    '/bkt/..%2Fx',
    '/bkt/a/../../etc/passwd',
    '/bkt/a%2F..%2F..%2Fetc%2Fpasswd',
    '/bkt//etc/passwd',
    '/bkt/a%00b',
    '/bkt/..',
  ])('refuses %s with 400 InvalidArgument', async (path) => {
    const res = await send(s3, s3Call('PUT', path, { body: 'x' }));
    expect(res.status).toBe(400);
    expect(res.text).toContain('<Code>InvalidArgument</Code>');
  });

  it('refuses keys over 1024 bytes with KeyTooLongError', async () => {
    const res = await send(s3, s3Call('PUT', `/bkt/${'%C3%A9'.repeat(513)}`, { body: 'x' }));
    expect(res.text).toContain('<Code>KeyTooLongError</Code>');
  });

  it('ignores x-id and decodes the path', async () => {
    expect((await send(s3, s3Call('PUT', '/bkt/with%20space%2Bplus?x-id=PutObject', { body: 'x' }))).status).toBe(200);
    const list = await send(s3, s3Call('GET', '/bkt?list-type=2&prefix=with'));
    expect(list.text).toContain('<Key>with space+plus</Key>');
  });

  it('names S3 errors as S3 does', async () => {
    const missing = await get('nope');
    expect(missing.status).toBe(404);
    expect(missing.text).toContain(
      '<Code>NoSuchKey</Code><Message>The specified key does not exist.</Message><Key>nope</Key>',
    );
    const bucket = await send(s3, s3Call('GET', '/nobucket?list-type=2'));
    expect(bucket.text).toContain(
      '<Code>NoSuchBucket</Code><Message>The specified bucket does not exist</Message><BucketName>nobucket</BucketName>',
    );
    expect((await send(s3, s3Call('PUT', '/Bad_Name'))).text).toContain('<Code>InvalidBucketName</Code>');
    expect((await send(s3, s3Call('PUT', '/bkt'))).status).toBe(409);
    expect((await send(s3, s3Call('GET', '/bkt?acl'))).text).toContain('<Code>NotImplemented</Code>');
  });

  it('asks the authorizer with the IAM action, resource and listing context', async () => {
    const authorizations: Authorization[] = [];
    await send(s3, s3Call('GET', '/bkt/digits', { authorizations }));
    await send(s3, s3Call('GET', '/bkt?list-type=2&prefix=a%2F&delimiter=%2F', { authorizations }));
    await send(s3, s3Call('DELETE', '/bkt/gone', { authorizations }));
    await send(s3, s3Call('PUT', '/bkt/copy', { headers: { 'x-amz-copy-source': '/bkt/digits' }, authorizations }));
    expect(authorizations).toEqual([
      { action: 's3:GetObject', resource: 'arn:aws:s3:::bkt/digits', context: undefined },
      {
        action: 's3:ListBucket',
        resource: 'arn:aws:s3:::bkt',
        context: { 's3:prefix': 'a/', 's3:delimiter': '/', 's3:max-keys': '1000' },
      },
      { action: 's3:DeleteObject', resource: 'arn:aws:s3:::bkt/gone', context: undefined },
      { action: 's3:GetObject', resource: 'arn:aws:s3:::bkt/digits', context: undefined },
      { action: 's3:PutObject', resource: 'arn:aws:s3:::bkt/copy', context: undefined },
    ]);
  });
});

describe('XML bodies', () => {
  it('CreateBucket reads CreateBucketConfiguration and GetBucketLocation answers as S3', async () => {
    const config = (region: string) =>
      `<CreateBucketConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><LocationConstraint>${region}</LocationConstraint></CreateBucketConfiguration>`;
    const wrong = await send(s3, s3Call('PUT', '/located', { body: config('eu-west-1') }));
    expect(wrong.text).toContain('<Code>IllegalLocationConstraintException</Code>');
    expect((await send(s3, s3Call('PUT', '/located', { body: config('us-east-1') }))).status).toBe(200);
    const location = await send(s3, s3Call('GET', '/located?location'));
    expect(location.text).toContain(
      '<LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/"></LocationConstraint>',
    );
    expect((await send(s3, s3Call('HEAD', '/located'))).headers['x-amz-bucket-region']).toBe('us-east-1');
  });

  it('DeleteObjects reports per key, quietly when asked', async () => {
    await send(s3, s3Call('PUT', '/bkt/d1', { body: '1' }));
    const xml = (quiet: boolean) =>
      `<Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Object><Key>d1</Key></Object><Object><Key>../bad</Key></Object><Object><Key>007</Key></Object>${quiet ? '<Quiet>true</Quiet>' : ''}</Delete>`;
    const loud = await send(s3, s3Call('POST', '/bkt?delete', { body: xml(false) }));
    expect(loud.text).toContain('<Deleted><Key>d1</Key></Deleted>');
    expect(loud.text).toContain('<Deleted><Key>007</Key></Deleted>');
    expect(loud.text).toContain('<Error><Key>../bad</Key><Code>InvalidArgument</Code>');
    const quiet = await send(s3, s3Call('POST', '/bkt?delete', { body: xml(true) }));
    expect(quiet.text).not.toContain('<Deleted>');
    expect((await send(s3, s3Call('POST', '/bkt?delete', { body: '<Delete><Object>' }))).text).toContain(
      '<Code>MalformedXML</Code>',
    );
  });
});
