/** ObjectStore without HTTP: crash safety, restart, key safety, listing, multipart. */
import { createHash, randomBytes } from 'node:crypto';
import { appendFile, mkdtemp, readdir, rm, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ObjectStore, type RequestedPart } from '../../src/local/store/object-store.js';
import { compareKeys } from '../../src/local/store/key-order.js';

let dir: string;
let store: ObjectStore;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mme-store-'));
  store = new ObjectStore(dir, { minPartSize: 10 });
  await store.createBucket('models');
});

afterEach(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

async function reopen(): Promise<ObjectStore> {
  await store.close();
  store = new ObjectStore(dir, { minPartSize: 10 });
  await store.open();
  return store;
}

const md5 = (b: Buffer): string => `"${createHash('md5').update(b).digest('hex')}"`;

describe('ObjectStore', () => {
  it('stores, reads and describes an object', async () => {
    const data = Buffer.from('hello, world');
    const meta = await store.putObject('models', 'a/b.txt', data, {
      contentType: 'text/plain',
      metadata: { owner: 'me' },
    });
    expect(meta).toMatchObject({
      size: 12,
      etag: md5(data),
      contentType: 'text/plain',
      metadata: { owner: 'me' },
      crc32: '/6tyOg==',
    });
    const read = await store.readObject('models', 'a/b.txt');
    expect(read.data).toEqual(data);
    expect(await store.headObject('models', 'missing')).toBeUndefined();
    await expect(store.readObject('models', 'missing')).rejects.toMatchObject({ code: 'NoSuchKey', status: 404 });
    await expect(store.putObject('nope', 'k', data)).rejects.toMatchObject({ code: 'NoSuchBucket' });
  });

  it('accepts streams and defaults the content type as S3 does', async () => {
    const meta = await store.putObject('models', 'stream', Readable.from([Buffer.from('ab'), Buffer.from('cd')]));
    expect(meta.contentType).toBe('binary/octet-stream');
    expect((await store.readObject('models', 'stream')).data.toString()).toBe('abcd');
  });

  it('keeps objects, metadata and buckets across a restart', async () => {
    await store.putObject('models', 'x', Buffer.from('1'), { metadata: { k: 'v' }, contentType: 'text/csv' });
    await store.putObject('models', 'y', Buffer.from('2'));
    await store.deleteObject('models', 'y');
    await store.createBucket('other', { region: 'eu-west-1' });
    await reopen();
    expect((await store.listBuckets()).map((b) => [b.name, b.region])).toEqual([
      ['models', 'us-east-1'],
      ['other', 'eu-west-1'],
    ]);
    const meta = await store.headObject('models', 'x');
    expect(meta).toMatchObject({ metadata: { k: 'v' }, contentType: 'text/csv', size: 1 });
    expect(await store.headObject('models', 'y')).toBeUndefined();
  });

  it('never shows a half-written object after a crash, and sweeps the leftovers', async () => {
    await store.putObject('models', 'keep', Buffer.from('kept'));
    await store.close();
    // What a crash mid-PUT leaves: a temp data file, an unreferenced data file (renamed but not
    // yet journalled), a torn journal line.
    const data = join(dir, 'buckets', 'models', 'data');
    await writeFile(join(data, '.tmp-crashed'), 'partial');
    await writeFile(join(data, '0f0f0f0f-orphan'), 'never committed');
    await appendFile(join(dir, 'buckets', 'models', 'journal.log'), '{"op":"put","object":{"key":"torn"');
    await reopen();
    expect(await store.headObject('models', 'torn')).toBeUndefined();
    expect((await store.readObject('models', 'keep')).data.toString()).toBe('kept');
    const files = await readdir(data);
    expect(files).toHaveLength(1);
    expect(files.some((f) => f.startsWith('.tmp-') || f.includes('orphan'))).toBe(false);
  });

  it('replays the journal over a snapshot that already holds it (crash during compaction)', async () => {
    await store.putObject('models', 'a', Buffer.from('1'));
    await store.putObject('models', 'b', Buffer.from('2'));
    await store.deleteObject('models', 'a');
    await store.close();
    const journal = await readFile(join(dir, 'buckets', 'models', 'journal.log'), 'utf8');
    await reopen(); // folds the journal into index.json
    await store.close();
    await writeFile(join(dir, 'buckets', 'models', 'journal.log'), journal); // as if truncation never happened
    await reopen();
    expect((await store.listObjects('models')).objects.map((o) => o.key)).toEqual(['b']);
  });

  it('refuses keys that could escape the store, and writes nothing', async () => {
    for (const key of ['../x', 'a/../../etc/passwd', '/etc/passwd', 'a\0b', '..', 'a/..']) {
      await expect(store.putObject('models', key, Buffer.from('x'))).rejects.toMatchObject({
        code: 'InvalidArgument',
        status: 400,
      });
    }
    await expect(store.putObject('models', 'k'.repeat(1025), Buffer.from('x'))).rejects.toMatchObject({
      code: 'KeyTooLongError',
    });
    expect((await store.listObjects('models')).objects).toHaveLength(0);
    expect(await readdir(join(dir, 'buckets', 'models', 'data'))).toHaveLength(0);
    // S3 allows dots that are not a whole segment.
    await store.putObject('models', 'a/..b/.c/...', Buffer.from('ok'));
    await expect(store.createBucket('../evil')).rejects.toMatchObject({ code: 'InvalidBucketName' });
  });

  it('last writer wins on concurrent PUTs to one key, and no bytes are torn or leaked', async () => {
    const bodies = Array.from({ length: 20 }, (_, i) => Buffer.alloc(64 * 1024, i));
    const results = await Promise.all(bodies.map((b) => store.putObject('models', 'same', b)));
    const { meta, data } = await store.readObject('models', 'same');
    expect(results.map((r) => r.etag)).toContain(meta.etag);
    expect(bodies.some((b) => b.equals(data))).toBe(true);
    expect(meta.etag).toBe(md5(data));
    expect(await readdir(join(dir, 'buckets', 'models', 'data'))).toHaveLength(1);
  });

  it('a reader keeps the version it opened while the key is overwritten', async () => {
    await store.putObject('models', 'k', Buffer.alloc(200_000, 1));
    const { body } = await store.getObject('models', 'k');
    await store.putObject('models', 'k', Buffer.alloc(10, 2));
    const chunks: Buffer[] = [];
    for await (const c of body) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).equals(Buffer.alloc(200_000, 1))).toBe(true);
  });

  it('lists in UTF-8 order with prefixes, delimiters and markers over 10,000 keys', async () => {
    const keys: string[] = [];
    for (let i = 0; i < 10_000; i++) keys.push(`d${i % 10}/k${String(i).padStart(5, '0')}`);
    await Promise.all(keys.map((k) => store.putObject('models', k, Buffer.from(k))));
    const started = performance.now();
    const top = await store.listObjects('models', '', { delimiter: '/' });
    expect(top.commonPrefixes).toEqual(Array.from({ length: 10 }, (_, i) => `d${i}/`));
    const page = await store.listObjects('models', 'd3/', { maxKeys: 100, startAfter: 'd3/k05000' });
    expect(performance.now() - started).toBeLessThan(200);
    expect(page.objects).toHaveLength(100);
    expect(page.objects[0]!.key).toBe('d3/k05003');
    expect(page.isTruncated).toBe(true);
    await reopen();
    expect((await store.listObjects('models', 'd9/')).objects).toHaveLength(1000);
  }, 60_000);

  it('orders keys by UTF-8 bytes, not UTF-16 units', () => {
    const keys = ['\u{1F600}', '\uFF21', 'a', '\u00e9'];
    const byBytes = [...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    expect([...keys].sort(compareKeys)).toEqual(byBytes);
  });

  it('assembles multipart uploads, survives a restart mid-upload, and validates the part list', async () => {
    const upload = await store.createMultipartUpload('models', 'big', { contentType: 'application/x-tar' });
    const p1 = randomBytes(16);
    const p2 = randomBytes(5);
    const part2 = await store.uploadPart('models', 'big', upload.uploadId, 2, p2);
    const part1 = await store.uploadPart('models', 'big', upload.uploadId, 1, p1);
    await reopen();
    expect((await store.listParts('models', 'big', upload.uploadId)).parts.map((p) => p.partNumber)).toEqual([1, 2]);
    const complete = (parts: RequestedPart[]) => store.completeMultipartUpload('models', 'big', upload.uploadId, parts);
    await expect(
      complete([
        { partNumber: 2, etag: part2.etag },
        { partNumber: 1, etag: part1.etag },
      ]),
    ).rejects.toMatchObject({ code: 'InvalidPartOrder' });
    await expect(complete([{ partNumber: 1, etag: '"00"' }])).rejects.toMatchObject({ code: 'InvalidPart' });
    await expect(
      complete([
        { partNumber: 2, etag: part2.etag },
        { partNumber: 3, etag: part1.etag },
      ]),
    ).rejects.toMatchObject({ code: 'InvalidPart' });
    await expect(complete([{ partNumber: 1, etag: part1.etag, checksumCRC32: part2.crc32 }])).rejects.toMatchObject({
      code: 'InvalidPart',
    });
    const meta = await complete([
      { partNumber: 1, etag: part1.etag, checksumCRC32: part1.crc32 },
      { partNumber: 2, etag: part2.etag.replace(/"/g, '') },
    ]);
    const expected = createHash('md5')
      .update(Buffer.concat([createHash('md5').update(p1).digest(), createHash('md5').update(p2).digest()]))
      .digest('hex');
    expect(meta.etag).toBe(`"${expected}-2"`);
    expect(meta.contentType).toBe('application/x-tar');
    expect((await store.readObject('models', 'big')).data.equals(Buffer.concat([p1, p2]))).toBe(true);
    await expect(store.listParts('models', 'big', upload.uploadId)).rejects.toMatchObject({ code: 'NoSuchUpload' });
  });

  it('refuses parts below the minimum size except the last', async () => {
    const upload = await store.createMultipartUpload('models', 'small');
    const a = await store.uploadPart('models', 'small', upload.uploadId, 1, Buffer.alloc(5));
    const b = await store.uploadPart('models', 'small', upload.uploadId, 2, Buffer.alloc(5));
    await expect(
      store.completeMultipartUpload('models', 'small', upload.uploadId, [
        { partNumber: 1, etag: a.etag },
        { partNumber: 2, etag: b.etag },
      ]),
    ).rejects.toMatchObject({ code: 'EntityTooSmall' });
    await store.abortMultipartUpload('models', 'small', upload.uploadId);
    await expect(store.abortMultipartUpload('models', 'small', upload.uploadId)).rejects.toMatchObject({
      code: 'NoSuchUpload',
    });
  });

  it('deletes only empty buckets', async () => {
    await store.putObject('models', 'x', Buffer.from('1'));
    await expect(store.deleteBucket('models')).rejects.toMatchObject({ code: 'BucketNotEmpty', status: 409 });
    await store.deleteObject('models', 'x');
    await store.deleteBucket('models');
    expect(await store.bucketExists('models')).toBe(false);
    await reopen();
    expect(await store.bucketExists('models')).toBe(false);
    await expect(store.createBucket('other')).resolves.toMatchObject({ name: 'other' });
    await expect(store.createBucket('other')).rejects.toMatchObject({ code: 'BucketAlreadyOwnedByYou', status: 409 });
  });
});
