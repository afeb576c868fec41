/**
 * One bucket on disk (`buckets/{name}/`: bucket.json, the index, data/, uploads/) and the types
 * and errors the store shares with its callers. A bucket directory is built under a temp name
 * and renamed into place, so after a crash it exists whole or not at all.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ServiceError } from '../service-error.js';
import { BucketIndex, type StoredObject } from './bucket-index.js';
import { sweepTemps, TEMP_PREFIX, writeFileAtomic } from './files.js';
import { BucketUploads, type ObjectInit } from './uploads.js';

export interface BucketInfo {
  name: string;
  region: string;
  creationDate: Date;
}

/** An object's metadata as callers see it. */
export interface ObjectMeta extends Required<Pick<ObjectInit, 'metadata'>>, Omit<ObjectInit, 'metadata'> {
  bucket: string;
  key: string;
  size: number;
  /** Quoted, as S3 sends it. */
  etag: string;
  lastModified: Date;
  contentType: string;
  /** Base64 big-endian CRC32 of the whole object. */
  crc32?: string;
  partsCount?: number;
}

export interface Bucket {
  info: BucketInfo;
  dir: string;
  dataDir: string;
  index: BucketIndex;
  uploads: BucketUploads;
}

export function noSuchBucket(bucket: string): ServiceError {
  return new ServiceError('NoSuchBucket', 'The specified bucket does not exist', 404, { BucketName: bucket });
}

export function noSuchKey(key: string): ServiceError {
  return new ServiceError('NoSuchKey', 'The specified key does not exist.', 404, { Key: key });
}

export function toMeta(bucket: string, o: StoredObject): ObjectMeta {
  const { file: _file, lastModified, ...rest } = o;
  return { bucket, ...rest, lastModified: new Date(lastModified) };
}

/** Load `dir` as a bucket (undefined if it is not one), sweeping what a crash left in it. */
export async function loadBucket(dir: string): Promise<Bucket | undefined> {
  let raw: { name: string; region: string; creationDate: string };
  try {
    raw = JSON.parse(await readFile(join(dir, 'bucket.json'), 'utf8')) as typeof raw;
  } catch {
    return undefined;
  }
  const dataDir = join(dir, 'data');
  await mkdir(dataDir, { recursive: true });
  const index = await BucketIndex.load(dir, dataDir);
  await sweepTemps(dataDir);
  // Data files no index entry names: renamed into place but never committed, or replaced/deleted
  // objects whose unlink a crash interrupted.
  const live = index.files();
  for (const file of await readdir(dataDir)) if (!live.has(file)) await rm(join(dataDir, file), { force: true });
  const uploads = await BucketUploads.load(join(dir, 'uploads'));
  const info = { name: raw.name, region: raw.region, creationDate: new Date(raw.creationDate) };
  return { info, dir, dataDir, index, uploads };
}

/** Create the bucket directory `{root}/{info.name}` atomically and load it. */
export async function createBucketDir(root: string, info: BucketInfo): Promise<Bucket> {
  const tmp = join(root, `${TEMP_PREFIX}${randomUUID()}`);
  await mkdir(join(tmp, 'data'), { recursive: true });
  await writeFileAtomic(join(tmp, 'bucket.json'), JSON.stringify(info));
  await rename(tmp, join(root, info.name));
  return (await loadBucket(join(root, info.name)))!;
}
