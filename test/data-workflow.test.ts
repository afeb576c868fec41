import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateBucketCommand, HeadBucketCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import { s3WriterFromClient } from '../src/aws/s3-writer.js';
import { ExitCode, MmeError, UsageError } from '../src/errors.js';
import { generateLocationDataset, toCsv } from '../src/housing/generator.js';
import { generateData, type GenerateDataOptions, type S3Writer } from '../src/workflow/data.js';
import { recordingReporter, silentReporter } from '../src/workflow/reporter.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'mme-data-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
const run = (opts: Partial<GenerateDataOptions> = {}) =>
  generateData({ locations: 2, rows: 200, seed: 42, outDir: tempDir(), ...opts }, silentReporter);

/** An in-memory S3 for the workflow's narrow interface. */
function fakeS3(existing: string[] = []) {
  const buckets = new Set(existing);
  const objects = new Map<string, { body: Buffer; contentType: string }>();
  const writer: S3Writer = {
    bucketExists: async (bucket) => buckets.has(bucket),
    createBucket: async (bucket) => void buckets.add(bucket),
    putObject: async (bucket, key, body, contentType) => {
      if (!buckets.has(bucket))
        throw Object.assign(new Error('The specified bucket does not exist'), { name: 'NoSuchBucket' });
      objects.set(`${bucket}/${key}`, { body, contentType });
    },
  };
  return { writer, buckets, objects };
}

describe('generateData: files', () => {
  it('writes headerless train/test CSVs per location in the notebook layout', async () => {
    const result = await run({ locations: ['Chicago_IL', 'Boston_MA'], rows: 100 });
    expect(result.locations.map((l) => l.location)).toEqual(['Chicago_IL', 'Boston_MA']);
    expect(result.bucket).toBeUndefined();
    for (const loc of result.locations) {
      expect(loc.files.train).toBe(path.join(result.outDir, loc.location, 'train', 'train.csv'));
      expect(loc.files.test).toBe(path.join(result.outDir, loc.location, 'test', 'test.csv'));
      expect([loc.rows, loc.trainRows, loc.testRows]).toEqual([100, 90, 10]);
      const train = readFileSync(loc.files.train, 'utf8');
      const lines = train.split('\n');
      expect(lines.pop()).toBe(''); // ends with a newline
      expect(lines).toHaveLength(90);
      expect(lines.every((l) => /^\d{4},\d+,\d,\d\.\d,\d+\.\d{1,2},\d,[yn],[yn],\d+$/.test(l))).toBe(true);
      expect(readFileSync(loc.files.test, 'utf8').trim().split('\n')).toHaveLength(10);
      expect(loc.sha256.train).toBe(sha256(loc.files.train));
      expect(loc.sha256.test).toBe(sha256(loc.files.test));
      expect(loc.s3).toBeUndefined();
      // No temp files left beside the results.
      expect(readdirSync(path.dirname(loc.files.train))).toEqual(['train.csv']);
      expect(readdirSync(path.dirname(loc.files.test))).toEqual(['test.csv']);
    }
  });

  it('writes exactly what the pure generator produces', async () => {
    const result = await run({ locations: ['Chicago_IL'], rows: 100, seed: 42 });
    const expected = generateLocationDataset('Chicago_IL', { rows: 100, seed: 42 });
    expect(readFileSync(result.locations[0]!.files.train, 'utf8')).toBe(toCsv(expected.train));
    expect(readFileSync(result.locations[0]!.files.test, 'utf8')).toBe(toCsv(expected.test));
  });

  it('a count means the first N reference locations', async () => {
    const result = await run({ locations: 6, rows: 10 });
    expect(result.locations.map((l) => l.location)).toEqual([
      'NewYork_NY',
      'LosAngeles_CA',
      'Chicago_IL',
      'Houston_TX',
      'Dallas_TX',
      'Phoenix_AZ',
    ]);
    expect(result.locations.every((l) => l.trainRows === 9 && l.testRows === 1)).toBe(true);
  });

  it('the same seed gives byte-identical files in two directories', async () => {
    const a = await run({ seed: 7 });
    const b = await run({ seed: 7 });
    expect(a.outDir).not.toBe(b.outDir);
    expect(b.locations.map((l) => l.sha256)).toEqual(a.locations.map((l) => l.sha256));
    for (const [i, loc] of a.locations.entries()) {
      expect(readFileSync(loc.files.train).equals(readFileSync(b.locations[i]!.files.train))).toBe(true);
    }
  });

  it('a different seed gives different files', async () => {
    const a = await run({ seed: 7 });
    const b = await run({ seed: 8 });
    for (const [i, loc] of a.locations.entries()) {
      expect(b.locations[i]!.sha256.train).not.toBe(loc.sha256.train);
      expect(b.locations[i]!.sha256.test).not.toBe(loc.sha256.test);
    }
  });

  it('adding locations does not change the data of the others', async () => {
    const alone = await run({ locations: ['Chicago_IL'] });
    const among = await run({ locations: ['NewYork_NY', 'Boston_MA', 'Chicago_IL'] });
    expect(among.locations[2]!.sha256).toEqual(alone.locations[0]!.sha256);
  });

  it('replaces earlier files atomically on a re-run', async () => {
    const outDir = tempDir();
    await generateData({ locations: ['Chicago_IL'], rows: 50, seed: 1, outDir }, silentReporter);
    const again = await generateData({ locations: ['Chicago_IL'], rows: 20, seed: 1, outDir }, silentReporter);
    expect(readFileSync(again.locations[0]!.files.train, 'utf8').trim().split('\n')).toHaveLength(18);
    expect(readdirSync(path.join(outDir, 'Chicago_IL', 'train'))).toEqual(['train.csv']);
  });

  it('reports a start and a succeed with counts', async () => {
    const reporter = recordingReporter();
    await generateData({ locations: 2, rows: 100, seed: 1, outDir: tempDir() }, reporter);
    const kinds = reporter.events.map((e) => `${e.kind}${'id' in e ? ` ${e.id}` : ''}`);
    expect(kinds[0]).toBe('start data.generate');
    expect(kinds.at(-1)).toBe('succeed data.generate');
    expect(reporter.events.at(-1)).toMatchObject({ text: expect.stringMatching(/200 rows for 2 locations/) });
  });
});

describe('generateData: validation', () => {
  const bad: Array<[string, Partial<GenerateDataOptions>, RegExp]> = [
    ['too few rows', { rows: 9 }, /--rows/],
    ['too many rows', { rows: 10_000_001 }, /--rows/],
    ['fractional rows', { rows: 10.5 }, /--rows/],
    ['negative seed', { seed: -1 }, /--seed/],
    ['seed ≥ 2^32', { seed: 2 ** 32 }, /--seed/],
    ['fractional seed', { seed: 1.5 }, /--seed/],
    ['count 0', { locations: 0 }, /--locations/],
    ['count 11', { locations: 11 }, /--locations/],
    ['duplicate', { locations: ['Chicago_IL', 'Houston_TX', 'Chicago_IL'] }, /twice/],
    ['path in a name', { locations: ['../Chicago_IL'] }, /invalid location name/],
    ['dot in a name', { locations: ['Chicago.IL'] }, /invalid location name/],
    ['test fraction 0', { testFraction: 0 }, /test fraction/],
    ['test fraction 1', { testFraction: 1 }, /test fraction/],
  ];
  for (const [what, opts, message] of bad) {
    it(`rejects ${what} with a UsageError and writes nothing`, async () => {
      const outDir = tempDir();
      const err = await generateData({ locations: 2, rows: 100, seed: 1, outDir, ...opts }, silentReporter).catch(
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(UsageError);
      expect((err as UsageError).exitCode).toBe(ExitCode.Usage);
      expect((err as Error).message).toMatch(message);
      expect(readdirSync(outDir)).toEqual([]);
    });
  }

  it('accepts the bounds', async () => {
    await expect(run({ locations: ['Chicago_IL'], rows: 10, seed: 0 })).resolves.toBeTruthy();
    await expect(run({ locations: ['Chicago_IL'], rows: 10, seed: 2 ** 32 - 1 })).resolves.toBeTruthy();
  });
});

describe('generateData: upload', () => {
  it('creates a missing bucket and puts every file under housing-data/', async () => {
    const s3 = fakeS3();
    const reporter = recordingReporter();
    const result = await generateData(
      {
        locations: ['Chicago_IL', 'Houston_TX'],
        rows: 100,
        seed: 1,
        outDir: tempDir(),
        upload: { s3: s3.writer, bucket: 'b1', createBucket: true },
      },
      reporter,
    );
    expect(result.bucket).toBe('b1');
    expect([...s3.buckets]).toEqual(['b1']);
    expect([...s3.objects.keys()].sort()).toEqual([
      'b1/housing-data/Chicago_IL/test/test.csv',
      'b1/housing-data/Chicago_IL/train/train.csv',
      'b1/housing-data/Houston_TX/test/test.csv',
      'b1/housing-data/Houston_TX/train/train.csv',
    ]);
    for (const loc of result.locations) {
      expect(loc.s3).toEqual({
        train: `s3://b1/housing-data/${loc.location}/train/train.csv`,
        test: `s3://b1/housing-data/${loc.location}/test/test.csv`,
      });
      const put = s3.objects.get(`b1/housing-data/${loc.location}/train/train.csv`)!;
      expect(put.contentType).toBe('text/csv');
      expect(put.body.equals(readFileSync(loc.files.train))).toBe(true);
    }
    const phases = reporter.events
      .filter((e) => e.kind === 'start' || e.kind === 'succeed')
      .map((e) => `${e.kind} ${'id' in e ? e.id : ''}`);
    expect(phases).toEqual([
      'start data.generate',
      'succeed data.generate',
      'start data.bucket',
      'succeed data.bucket',
      'start data.upload',
      'succeed data.upload',
    ]);
    expect(reporter.events.at(-1)).toMatchObject({ text: expect.stringMatching(/4 files/) });
  });

  it('uses an existing bucket without creating it', async () => {
    const s3 = fakeS3(['mine']);
    let created = false;
    const writer = { ...s3.writer, createBucket: async () => void (created = true) };
    await run({ locations: ['Chicago_IL'], upload: { s3: writer, bucket: 'mine', createBucket: true } });
    expect(created).toBe(false);
    expect(s3.objects.size).toBe(2);
  });

  it('fails with NotFound when the bucket is missing and may not be created', async () => {
    const s3 = fakeS3();
    const err = await run({ upload: { s3: s3.writer, bucket: 'nope', createBucket: false } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MmeError);
    expect((err as MmeError).exitCode).toBe(ExitCode.NotFound);
    expect((err as MmeError).hint).toMatch(/nope/);
    expect(s3.objects.size).toBe(0);
  });

  it('maps an upload failure to an MmeError and reports it', async () => {
    const s3 = fakeS3(['b']);
    const writer: S3Writer = {
      ...s3.writer,
      putObject: async () => {
        throw Object.assign(new Error('Access Denied'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
      },
    };
    const reporter = recordingReporter();
    const err = await generateData(
      { locations: 1, rows: 10, seed: 1, outDir: tempDir(), upload: { s3: writer, bucket: 'b', createBucket: false } },
      reporter,
    ).catch((e: unknown) => e);
    expect((err as MmeError).exitCode).toBe(ExitCode.AccessDenied);
    expect((err as Error).message).toMatch(/s3:\/\/b\/housing-data\/NewYork_NY\/train\/train\.csv/);
    expect(reporter.events.at(-1)).toMatchObject({ kind: 'fail', id: 'data.upload' });
  });

  it('explains a 403 on the bucket check (a name owned by another account)', async () => {
    const writer: S3Writer = {
      ...fakeS3().writer,
      bucketExists: async () => {
        throw Object.assign(new Error('Forbidden'), { name: 'Forbidden', $metadata: { httpStatusCode: 403 } });
      },
    };
    const err = await run({ upload: { s3: writer, bucket: 'taken', createBucket: true } }).catch((e: unknown) => e);
    expect((err as MmeError).exitCode).toBe(ExitCode.AccessDenied);
    expect((err as MmeError).hint).toMatch(/another account/);
  });
});

describe('s3WriterFromClient', () => {
  function fakeClient(region: string, answer: (command: unknown) => unknown) {
    const sent: unknown[] = [];
    const client = {
      config: { region: async () => region },
      send: async (command: unknown) => {
        sent.push(command);
        return answer(command);
      },
    } as unknown as S3Client;
    return { client, sent };
  }

  it('HeadBucket: true when it answers, false on NotFound or 404, rethrows the rest', async () => {
    expect(await s3WriterFromClient(fakeClient('us-east-1', () => ({})).client).bucketExists('b')).toBe(true);
    const notFound = fakeClient('us-east-1', () => {
      throw Object.assign(new Error('NotFound'), { name: 'NotFound', $metadata: { httpStatusCode: 404 } });
    });
    expect(await s3WriterFromClient(notFound.client).bucketExists('b')).toBe(false);
    expect(notFound.sent[0]).toBeInstanceOf(HeadBucketCommand);
    const status404 = fakeClient('us-east-1', () => {
      throw Object.assign(new Error('Unknown'), { name: 'Unknown', $metadata: { httpStatusCode: 404 } });
    });
    expect(await s3WriterFromClient(status404.client).bucketExists('b')).toBe(false);
    const forbidden = fakeClient('us-east-1', () => {
      throw Object.assign(new Error('Forbidden'), { name: 'Forbidden', $metadata: { httpStatusCode: 403 } });
    });
    await expect(s3WriterFromClient(forbidden.client).bucketExists('b')).rejects.toThrow('Forbidden');
  });

  it('CreateBucket: LocationConstraint outside us-east-1 only; already-owned is fine', async () => {
    const east = fakeClient('us-east-1', () => ({}));
    await s3WriterFromClient(east.client).createBucket('b');
    expect(east.sent[0]).toBeInstanceOf(CreateBucketCommand);
    expect((east.sent[0] as CreateBucketCommand).input).toEqual({ Bucket: 'b', CreateBucketConfiguration: undefined });
    const west = fakeClient('eu-west-1', () => ({}));
    await s3WriterFromClient(west.client).createBucket('b');
    expect((west.sent[0] as CreateBucketCommand).input.CreateBucketConfiguration).toEqual({
      LocationConstraint: 'eu-west-1',
    });
    const owned = fakeClient('us-east-1', () => {
      throw Object.assign(new Error('owned'), { name: 'BucketAlreadyOwnedByYou' });
    });
    await expect(s3WriterFromClient(owned.client).createBucket('b')).resolves.toBeUndefined();
  });

  it('PutObject: bucket, key, body and content type', async () => {
    const { client, sent } = fakeClient('us-east-1', () => ({}));
    const body = Buffer.from('1,2\n');
    await s3WriterFromClient(client).putObject('b', 'housing-data/X/train/train.csv', body, 'text/csv');
    expect(sent[0]).toBeInstanceOf(PutObjectCommand);
    expect((sent[0] as PutObjectCommand).input).toEqual({
      Bucket: 'b',
      Key: 'housing-data/X/train/train.csv',
      Body: body,
      ContentType: 'text/csv',
    });
  });
});

describe('module loading', () => {
  it('the data step does not import the AWS SDK (so `mme --help` stays fast)', () => {
    const source = readFileSync(new URL('../src/workflow/data.ts', import.meta.url), 'utf8');
    expect(source).not.toMatch(/from '@aws-sdk\//);
    expect(existsSync(new URL('../src/aws/s3-writer.ts', import.meta.url))).toBe(true);
  });
});
