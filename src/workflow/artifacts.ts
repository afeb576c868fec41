/**
 * Model artifacts under the multi-model prefix (docs/aws-behaviour.md#multi-model-hosting): which trained
 * models go there, copying them with S3 CopyObject, recognising a copy already made, and (for
 * teardown) listing and deleting objects.
 *
 * Every copy carries metadata naming its source (x-amz-meta-mme-source), so a re-run of `deploy`
 * knows a key already holds the same model and copies nothing, and `add-model` can say whether an
 * existing key is the same model or another one.
 */
import {
  CopyObjectCommand,
  DeleteObjectsCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  type S3Client,
} from '@aws-sdk/client-s3';
import { parseS3Uri, type S3Location } from '../aws-names/s3-uri.js';
import { ExitCode, MmeError, fromAwsError } from '../errors.js';
import { ARTIFACT_JOB_METADATA, ARTIFACT_SOURCE_METADATA, copyArtifactInput } from './endpoint-requests.js';
import type { TrainedModel } from './trained-models.js';

/** An artifact's s3://bucket/key (a whole bucket is no artifact), or a usage error. */
function artifactLocation(uri: string): S3Location {
  const location = parseS3Uri(uri);
  if (!location || location.key === '')
    throw new MmeError('InvalidS3Uri', `not an s3://bucket/key URI: ${uri}`, { exitCode: ExitCode.Usage });
  return location;
}

// ── which models ─────────────────────────────────────────────────────────────────────────

export interface Selection {
  deploy: TrainedModel[];
  /** Trained, and held back by --hold-out. */
  heldOut: string[];
  /** Named by --hold-out but not trained anyway. */
  unknownHoldOut: string[];
}

export function selectModels(trained: readonly TrainedModel[], holdOut: readonly string[] = []): Selection {
  const held = new Set(holdOut);
  const locations = new Set(trained.map((m) => m.location));
  return {
    deploy: trained.filter((m) => !held.has(m.location)),
    heldOut: trained.filter((m) => held.has(m.location)).map((m) => m.location),
    unknownHoldOut: holdOut.filter((l) => !locations.has(l)),
  };
}

/**
 * The preprocess job every deployed model was trained behind. The pipeline has ONE preprocessing
 * container in front of all target models (docs/aws-behaviour.md#preprocessing), so models trained on features of
 * different preprocessors cannot share an endpoint: a model would get features scaled for
 * another one and answer nonsense, silently. Refused, naming who goes with whom.
 */
export function sharedPreprocessor(models: readonly TrainedModel[]): string {
  const groups = new Map<string, string[]>();
  for (const m of models) {
    const key = m.preprocessor ?? '(none recorded)';
    groups.set(key, [...(groups.get(key) ?? []), m.location]);
  }
  const only = groups.size === 1 ? [...groups.keys()][0] : undefined;
  if (only && only !== '(none recorded)') return only;
  const detail = [...groups].map(([job, locs]) => `${job}: ${locs.join(', ')}`).join('; ');
  throw new MmeError(
    'MixedPreprocessors',
    `the models to deploy were not trained behind one preprocessor (${detail})`,
    {
      exitCode: ExitCode.Failure,
      detail: Object.fromEntries(groups),
      hint: 'One preprocessor serves every model of the endpoint. Run `mme preprocess` then `mme train` for all the locations, or leave the odd ones out with --hold-out.',
    },
  );
}

// ── S3 ───────────────────────────────────────────────────────────────────────────────────

export interface ExistingArtifact {
  source?: string;
  trainingJob?: string;
  etag?: string;
  size?: number;
  lastModified?: Date;
}

/** What a key holds, or undefined when there is nothing. */
export async function headArtifact(
  s3c: Pick<S3Client, 'send'>,
  bucket: string,
  key: string,
): Promise<ExistingArtifact | undefined> {
  try {
    const head = await s3c.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return {
      ...optional('source', head.Metadata?.[ARTIFACT_SOURCE_METADATA]),
      ...optional('trainingJob', head.Metadata?.[ARTIFACT_JOB_METADATA]),
      ...optional('etag', head.ETag),
      ...optional('size', head.ContentLength),
      ...optional('lastModified', head.LastModified),
    };
  } catch (err) {
    // HEAD has no body, so S3 answers a bare 404 that the SDK names NotFound (not NoSuchKey).
    if (isMissing(err)) return undefined;
    throw fromAwsError(err, `reading s3://${bucket}/${key}`);
  }
}

/**
 * Copy `source` (s3://…) to bucket/key, recording where it came from. One CopyObject: model
 * artifacts are far below the 5 GB limit of a single copy (above it S3 needs a multipart copy).
 */
export async function copyArtifact(
  s3c: Pick<S3Client, 'send'>,
  source: string,
  bucket: string,
  key: string,
  trainingJob?: string,
): Promise<void> {
  artifactLocation(source);
  try {
    await s3c.send(new CopyObjectCommand(copyArtifactInput(source, bucket, key, trainingJob)));
  } catch (err) {
    // A missing source is NoSuchKey (a missing bucket, NoSuchBucket, stays an ordinary error).
    if ((err as { name?: string })?.name === 'NoSuchKey') {
      throw new MmeError(
        'ArtifactMissing',
        `the model artifact ${source} does not exist (deleted by 'mme teardown --all'?)`,
        {
          exitCode: ExitCode.NotFound,
          cause: err,
          hint: 'Train the model again (mme train), or give another artifact.',
        },
      );
    }
    throw fromAwsError(err, `copying ${source} to s3://${bucket}/${key}`);
  }
}

export interface ObjectSummary {
  key: string;
  size: number;
}

/** Every object under `prefix` (all pages). */
export async function listObjects(
  s3c: Pick<S3Client, 'send'>,
  bucket: string,
  prefix: string,
): Promise<ObjectSummary[]> {
  const found: ObjectSummary[] = [];
  let token: string | undefined;
  do {
    const page = await s3c
      .send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }))
      .catch((err) => {
        if ((err as { name?: string })?.name === 'NoSuchBucket') return undefined;
        throw fromAwsError(err, `listing s3://${bucket}/${prefix}`);
      });
    if (!page) return found;
    for (const o of page.Contents ?? []) if (o.Key) found.push({ key: o.Key, size: o.Size ?? 0 });
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return found;
}

/** Keys per DeleteObjects: S3's limit. */
export const DELETE_BATCH = 1000;

/** One DeleteObjects request, as sent and as --dry-run shows it. */
export function deleteObjectsInput(
  bucket: string,
  keys: readonly string[],
): { Bucket: string; Delete: { Objects: { Key: string }[]; Quiet: true }; ChecksumAlgorithm: 'CRC32' } {
  // S3 requires an integrity checksum on DeleteObjects; the SDK would add CRC32 itself (its
  // default), so saying it here makes --dry-run show what goes over the wire.
  return { Bucket: bucket, Delete: { Objects: keys.map((Key) => ({ Key })), Quiet: true }, ChecksumAlgorithm: 'CRC32' };
}

/** Delete keys, DELETE_BATCH per DeleteObjects; per-key failures are collected and thrown. */
export async function deleteObjects(
  s3c: Pick<S3Client, 'send'>,
  bucket: string,
  keys: readonly string[],
  onProgress?: (deleted: number) => void,
): Promise<number> {
  let deleted = 0;
  for (let i = 0; i < keys.length; i += DELETE_BATCH) {
    const batch = keys.slice(i, i + DELETE_BATCH);
    const out = await s3c.send(new DeleteObjectsCommand(deleteObjectsInput(bucket, batch))).catch((err) => {
      throw fromAwsError(err, `deleting objects in s3://${bucket}`);
    });
    // DeleteObjects answers 200 even when some keys failed: the failures are in Errors.
    const errors = out.Errors ?? [];
    if (errors.length > 0) {
      const first = errors[0]!;
      throw new MmeError(
        first.Code ?? 'DeleteFailed',
        `could not delete ${errors.length} object(s) in s3://${bucket}, e.g. ${first.Key}: ${first.Message ?? first.Code}`,
        {
          exitCode: /AccessDenied/.test(first.Code ?? '') ? ExitCode.AccessDenied : ExitCode.Service,
        },
      );
    }
    deleted += batch.length;
    onProgress?.(deleted);
  }
  return deleted;
}

export function isMissing(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NotFound' || e?.name === 'NoSuchKey' || e?.$metadata?.httpStatusCode === 404;
}

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}
