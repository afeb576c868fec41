/**
 * Input data as SageMaker resolves an S3DataSource, read straight from the ObjectStore (the
 * main thread does the I/O; workers get bytes).
 *
 * - S3Prefix: every object whose key starts with the prefix, in key order. Zero-byte keys
 *   ending in '/' are the "folders" of the S3 console, not data; SageMaker does not download
 *   them as files, so they are skipped.
 * - ManifestFile: the S3Uri names a JSON document `[{"prefix": "s3://bucket/p/"}, "rel1", …]`;
 *   each relative key is appended to the prefix (Developer Guide, S3DataSource.S3Uri).
 * - FullyReplicated vs ShardedByS3Key only differs with more than one instance; the local cloud
 *   runs one, so every instance (the one) gets everything.
 */
import { gunzipSync } from 'node:zlib';
import type { ObjectStore } from '../store/object-store.js';
import { parseS3Uri } from '../../aws-names/s3-uri.js';

export interface S3DataSourceSpec {
  S3DataType: string;
  S3Uri: string;
}

export interface InputFile {
  /** Bucket-relative key. */
  key: string;
  /** The key relative to the directory of the S3Uri (what the container sees under its channel dir). */
  relativeKey: string;
  data: Uint8Array;
}

/** An input problem the customer must fix: SageMaker reports these as ClientError. */
export class ChannelError extends Error {}

/** The "directory" of a prefix: up to and including its last '/'. */
function prefixDirectory(prefix: string): string {
  const slash = prefix.lastIndexOf('/');
  return slash < 0 ? '' : prefix.slice(0, slash + 1);
}

async function readOne(store: ObjectStore, bucket: string, key: string, uri: string): Promise<Uint8Array> {
  try {
    return (await store.readObject(bucket, key)).data;
  } catch (err) {
    const code = (err as { code?: string }).code ?? (err as Error).message;
    throw new ChannelError(`Data download failed: could not download s3://${bucket}/${key} (${code}) for ${uri}`);
  }
}

/** Object keys a data source names, with the directory they are relative to. */
async function resolveDataSource(
  store: ObjectStore,
  source: S3DataSourceSpec,
  region: string,
): Promise<{ bucket: string; base: string; keys: string[] }> {
  const location = parseS3Uri(source.S3Uri);
  if (!location) throw new ChannelError(`Invalid S3 URI ${source.S3Uri}`);
  if (!(await store.bucketExists(location.bucket))) throw emptyPrefix(source.S3Uri, location.bucket, region);
  if (source.S3DataType === 'ManifestFile') return readManifest(store, location.bucket, location.key, source.S3Uri);
  const listed = await store.listObjects(location.bucket, location.key);
  const keys = listed.objects.filter((o) => !(o.size === 0 && o.key.endsWith('/'))).map((o) => o.key);
  if (keys.length === 0) throw emptyPrefix(source.S3Uri, location.bucket, region);
  return { bucket: location.bucket, base: prefixDirectory(location.key), keys };
}

// AWS words this failure so (a training job's FailureReason for an empty channel).
function emptyPrefix(uri: string, bucket: string, region: string): ChannelError {
  return new ChannelError(
    `No S3 objects found under S3 URL "${uri}" given in input data source. Please ensure that the bucket exists ` +
      `in the selected region (${region}), that objects exist under that S3 prefix, and that the role has "s3:ListBucket" permissions on bucket "${bucket}".`,
  );
}

async function readManifest(store: ObjectStore, bucket: string, key: string, uri: string) {
  const text = Buffer.from(await readOne(store, bucket, key, uri)).toString('utf8');
  let entries: unknown;
  try {
    entries = JSON.parse(text);
  } catch {
    throw new ChannelError(`The manifest file ${uri} is not valid JSON`);
  }
  const head = Array.isArray(entries) ? (entries[0] as { prefix?: unknown } | undefined) : undefined;
  const prefix = typeof head?.prefix === 'string' ? parseS3Uri(head.prefix) : undefined;
  if (!Array.isArray(entries) || !prefix || entries.slice(1).some((e) => typeof e !== 'string')) {
    throw new ChannelError(
      `The manifest file ${uri} must be a JSON array: [{"prefix": "s3://bucket/prefix/"}, "relative/key", ...]`,
    );
  }
  return {
    bucket: prefix.bucket,
    base: prefix.key,
    keys: (entries.slice(1) as string[]).map((rel) => prefix.key + rel),
  };
}

/** Read every file of a data source; `Gzip` compression is undone as SageMaker does in File mode. */
export async function readDataSource(
  store: ObjectStore,
  source: S3DataSourceSpec,
  options: { region: string; compression?: string },
): Promise<InputFile[]> {
  const { bucket, base, keys } = await resolveDataSource(store, source, options.region);
  const files: InputFile[] = [];
  for (const key of keys) {
    let data = await readOne(store, bucket, key, source.S3Uri);
    if (options.compression === 'Gzip') {
      try {
        data = gunzipSync(data);
      } catch {
        throw new ChannelError(`s3://${bucket}/${key} is not gzip data, but the channel's CompressionType is Gzip`);
      }
    }
    files.push({ key, relativeKey: key.startsWith(base) ? key.slice(base.length) : key, data });
  }
  return files;
}
