/**
 * Workflow step 1, `mme data generate`: synthetic housing data per location, written as
 * headerless CSV under `{outDir}/{LOC}/train/train.csv` and `{outDir}/{LOC}/test/test.csv`, and
 * optionally uploaded to `s3://{bucket}/housing-data/{LOC}/...` (the notebook's layout).
 *
 * The SDK is reached only through the narrow S3Writer interface (src/aws/s3-writer.ts adapts an
 * S3Client), so this module never loads the SDK and tests use a plain object.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { ExitCode, MmeError, UsageError, fromAwsError } from '../errors.js';
import { DEFAULT_TEST_FRACTION, formatCsvLine, iterateLocationDataset } from '../housing/generator.js';
import { resolveLocations } from '../housing/locations.js';
import { ensureWritableDir } from '../util/fs.js';
import type { Reporter } from './reporter.js';
import type { PlannedRequest } from './dry-run.js';

export interface S3Writer {
  bucketExists(bucket: string): Promise<boolean>;
  createBucket(bucket: string): Promise<void>;
  putObject(bucket: string, key: string, body: Buffer, contentType: string): Promise<void>;
}

export interface DataUploadTarget {
  s3: S3Writer;
  bucket: string;
  /** create the bucket if missing (local target) */
  createBucket: boolean;
}

export interface GenerateDataOptions {
  /** Names, or a count N meaning the first N reference locations. */
  locations: string[] | number;
  /** Rows per location, before the train/test split. */
  rows: number;
  seed: number;
  outDir: string;
  /** Fraction of each location's rows held out for test (default 0.1). */
  testFraction?: number;
  upload?: DataUploadTarget;
}

export interface GeneratedLocation {
  location: string;
  rows: number;
  trainRows: number;
  testRows: number;
  files: { train: string; test: string };
  /** s3:// URIs */
  s3?: { train: string; test: string };
  sha256: { train: string; test: string };
}

export interface GenerateDataResult {
  seed: number;
  outDir: string;
  bucket?: string;
  locations: GeneratedLocation[];
}

/** The notebook's prefix for raw data; the preprocessing job reads everything under it. */
export const HOUSING_DATA_PREFIX = 'housing-data';
export const MIN_ROWS = 10;
export const MAX_ROWS = 10_000_000;
export const MAX_SEED = 0xffff_ffff;

export function housingDataKey(location: string, split: 'train' | 'test'): string {
  return `${HOUSING_DATA_PREFIX}/${location}/${split}/${split}.csv`;
}

export async function generateData(opts: GenerateDataOptions, reporter: Reporter): Promise<GenerateDataResult> {
  const { locations, rows, seed, testFraction } = validateOptions(opts);
  const outDir = path.resolve(opts.outDir);
  await ensureWritableDir(outDir, 'the output directory', 'Choose another with --out DIR.');

  const generated: GeneratedLocation[] = [];
  const id = 'data.generate';
  reporter.report({
    kind: 'start',
    id,
    text: `Generating ${rows} rows for ${plural(locations.length, 'location')} (seed ${seed})`,
  });
  try {
    for (const location of locations) {
      reporter.report({
        kind: 'update',
        id,
        text: `Generating ${location} (${generated.length + 1}/${locations.length})`,
      });
      generated.push(await writeLocation(outDir, location, { rows, seed, testFraction }));
    }
  } catch (err) {
    reporter.report({ kind: 'fail', id, text: `Generating data failed: ${(err as Error).message}` });
    throw err;
  }
  const total = generated.reduce((n, g) => n + g.rows, 0);
  reporter.report({
    kind: 'succeed',
    id,
    text: `Generated ${total} rows for ${plural(generated.length, 'location')} in ${outDir}`,
  });

  if (!opts.upload) return { seed, outDir, locations: generated };
  await uploadLocations(opts.upload, generated, reporter);
  return { seed, outDir, bucket: opts.upload.bucket, locations: generated };
}

function validateOptions(opts: GenerateDataOptions): {
  locations: string[];
  rows: number;
  seed: number;
  testFraction: number;
} {
  const { rows, seed } = opts;
  if (!Number.isInteger(rows) || rows < MIN_ROWS || rows > MAX_ROWS) {
    throw new UsageError(
      `--rows must be an integer from ${MIN_ROWS} to ${MAX_ROWS.toLocaleString('en-US')}, got ${rows}`,
    );
  }
  if (!Number.isInteger(seed) || seed < 0 || seed > MAX_SEED) {
    throw new UsageError(`--seed must be an integer from 0 to ${MAX_SEED}, got ${seed}`);
  }
  const testFraction = opts.testFraction ?? DEFAULT_TEST_FRACTION;
  if (!Number.isFinite(testFraction) || testFraction <= 0 || testFraction >= 1) {
    throw new UsageError(`the test fraction must be greater than 0 and less than 1, got ${testFraction}`);
  }
  if (typeof opts.outDir !== 'string' || opts.outDir.trim() === '')
    throw new UsageError('the output directory is empty');
  if (opts.upload && opts.upload.bucket.trim() === '') throw new UsageError('the bucket name is empty');
  return { locations: resolveLocations(opts.locations), rows, seed, testFraction };
}

/** A CSV file being written: a temp file beside its final name, renamed into place when done. */
interface PendingFile {
  final: string;
  temp: string;
  handle: FileHandle;
  hash: ReturnType<typeof createHash>;
  buffered: string[];
  bufferedChars: number;
  rows: number;
}

/** Write in ~1 MiB chunks: few syscalls, bounded memory even for 10 million rows. */
const FLUSH_CHARS = 1 << 20;

async function openPending(final: string): Promise<PendingFile> {
  await mkdir(path.dirname(final), { recursive: true });
  // Same directory as the target, so the rename is atomic (never crosses a filesystem).
  const temp = path.join(
    path.dirname(final),
    `.${path.basename(final)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
  );
  const handle = await open(temp, 'wx');
  return { final, temp, handle, hash: createHash('sha256'), buffered: [], bufferedChars: 0, rows: 0 };
}

async function flush(file: PendingFile): Promise<void> {
  if (file.buffered.length === 0) return;
  const chunk = file.buffered.join('');
  file.buffered = [];
  file.bufferedChars = 0;
  file.hash.update(chunk);
  await file.handle.write(chunk);
}

async function writeLocation(
  outDir: string,
  location: string,
  dataset: { rows: number; seed: number; testFraction: number },
): Promise<GeneratedLocation> {
  const files: Partial<Record<'train' | 'test', PendingFile>> = {};
  try {
    files.train = await openPending(path.join(outDir, location, 'train', 'train.csv'));
    files.test = await openPending(path.join(outDir, location, 'test', 'test.csv'));
    const pending = { train: files.train, test: files.test };
    for (const { house, split } of iterateLocationDataset(location, dataset)) {
      const file = pending[split];
      const line = `${formatCsvLine(house)}\n`;
      file.buffered.push(line);
      file.bufferedChars += line.length;
      file.rows++;
      if (file.bufferedChars >= FLUSH_CHARS) await flush(file);
    }
    for (const file of [pending.train, pending.test]) {
      await flush(file);
      // fsync before rename: after a crash the final name holds the whole file or the old one.
      await file.handle.sync();
      await file.handle.close();
    }
    await rename(pending.train.temp, pending.train.final);
    await rename(pending.test.temp, pending.test.final);
    return {
      location,
      rows: dataset.rows,
      trainRows: pending.train.rows,
      testRows: pending.test.rows,
      files: { train: pending.train.final, test: pending.test.final },
      sha256: { train: pending.train.hash.digest('hex'), test: pending.test.hash.digest('hex') },
    };
  } catch (err) {
    for (const file of Object.values(files)) {
      await file.handle.close().catch(() => {});
      await rm(file.temp, { force: true }).catch(() => {});
    }
    throw err;
  }
}

async function uploadLocations(
  target: DataUploadTarget,
  generated: GeneratedLocation[],
  reporter: Reporter,
): Promise<void> {
  const { s3, bucket } = target;
  const bucketId = 'data.bucket';
  reporter.report({ kind: 'start', id: bucketId, text: `Checking bucket ${bucket}` });
  try {
    if (await s3.bucketExists(bucket)) {
      reporter.report({ kind: 'succeed', id: bucketId, text: `Bucket ${bucket} exists` });
    } else if (target.createBucket) {
      await s3.createBucket(bucket);
      reporter.report({ kind: 'succeed', id: bucketId, text: `Created bucket ${bucket}` });
    } else {
      throw new MmeError('NoSuchBucket', `bucket '${bucket}' does not exist`, {
        exitCode: ExitCode.NotFound,
        hint: `Create it first (aws s3 mb s3://${bucket}) or choose another bucket.`,
      });
    }
  } catch (err) {
    const error = bucketError(err, bucket);
    reporter.report({ kind: 'fail', id: bucketId, text: error.message });
    throw error;
  }

  const uploadId = 'data.upload';
  const count = generated.length * 2;
  let done = 0;
  reporter.report({
    kind: 'start',
    id: uploadId,
    text: `Uploading ${plural(count, 'file')} to s3://${bucket}/${HOUSING_DATA_PREFIX}/`,
  });
  for (const g of generated) {
    const uris = { train: '', test: '' };
    for (const split of ['train', 'test'] as const) {
      const key = housingDataKey(g.location, split);
      const uri = `s3://${bucket}/${key}`;
      try {
        await s3.putObject(bucket, key, await readFile(g.files[split]), 'text/csv');
      } catch (err) {
        const error = fromAwsError(err, `uploading ${uri}`);
        reporter.report({ kind: 'fail', id: uploadId, text: error.message });
        throw error;
      }
      uris[split] = uri;
      reporter.report({ kind: 'update', id: uploadId, text: `Uploaded ${++done}/${count}: ${uri}` });
    }
    g.s3 = uris;
  }
  reporter.report({
    kind: 'succeed',
    id: uploadId,
    text: `Uploaded ${plural(count, 'file')} to s3://${bucket}/${HOUSING_DATA_PREFIX}/`,
  });
}

/**
 * The upload's requests for --dry-run, in order: the bucket check (and, on local, its creation),
 * then one PutObject per file. The files are generated for real (they are local, and the bodies
 * are described by size and SHA-256, which the same seed reproduces); nothing is sent.
 */
export function uploadRequests(
  generated: readonly GeneratedLocation[],
  o: { bucket: string; createBucket: boolean; region: string; sizes: Readonly<Record<string, number>> },
): PlannedRequest[] {
  const requests: PlannedRequest[] = [
    {
      service: 'S3',
      operation: 'HeadBucket',
      input: { Bucket: o.bucket },
      note: o.createBucket ? 'then CreateBucket if it is missing' : 'a missing bucket stops the upload (exit 4)',
    },
  ];
  if (o.createBucket)
    requests.push({
      service: 'S3',
      operation: 'CreateBucket',
      // Outside us-east-1, S3 requires the region as LocationConstraint (src/aws/s3-writer.ts).
      input: {
        Bucket: o.bucket,
        ...(o.region !== 'us-east-1' ? { CreateBucketConfiguration: { LocationConstraint: o.region } } : {}),
      },
      note: 'only if HeadBucket said it is missing',
    });
  for (const g of generated)
    for (const split of ['train', 'test'] as const)
      requests.push({
        service: 'S3',
        operation: 'PutObject',
        input: {
          Bucket: o.bucket,
          Key: housingDataKey(g.location, split),
          Body: `<${split}.csv of ${g.location}: ${o.sizes[g.files[split]] ?? 0} bytes, sha256 ${g.sha256[split]}>`,
          ContentType: 'text/csv',
        },
      });
  return requests;
}

/** HeadBucket answers 403 for a bucket that exists in another account: say so. */
function bucketError(err: unknown, bucket: string): MmeError {
  if (err instanceof MmeError) return err;
  const status = (err as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
  if (status === 403) {
    return new MmeError('AccessDenied', `access to bucket '${bucket}' is denied`, {
      exitCode: ExitCode.AccessDenied,
      cause: err,
      hint: 'Bucket names are global: it may belong to another account. Choose another bucket name.',
    });
  }
  return fromAwsError(err, `bucket ${bucket}`);
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
