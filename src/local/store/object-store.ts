/**
 * The local cloud's object store: S3's data model on the local disk, used over HTTP by the S3
 * service and directly by the other local services (the job runner and the endpoint host read
 * and write objects without HTTP).
 *
 * Layout of `dataDir` (the store owns it; pass e.g. `{stateDir}/s3`):
 *   buckets/{bucket}/bucket.json        name, region, creation date
 *   buckets/{bucket}/index.json          snapshot of the object index   } see bucket-index.ts
 *   buckets/{bucket}/journal.log         appended commits since then     }
 *   buckets/{bucket}/data/{uuid}         object bytes
 *   buckets/{bucket}/uploads/{id}/…      multipart uploads in progress (uploads.ts)
 *
 * Keys never become paths. An object's bytes live in a file named by a fresh UUID and the key is
 * only a string in the index, so no key (`../../etc/passwd`, absolute, NUL, 1024 bytes of
 * anything) can reach outside `dataDir` or collide with another key. Keys are still validated
 * (names.ts) because consumers of the store may map them to paths. Bucket names are validated
 * by S3's rules, which make them safe directory names.
 *
 * Crash safety: a PUT writes `data/.tmp-…`, fsyncs, renames it to `data/{uuid}`, then commits a
 * journal record; the object becomes visible only after that record is on disk. A crash at any
 * point leaves either the old object or the new one; `open()` sweeps temp files and data files
 * that no index entry names. Buckets are created by renaming a fully built temp directory and
 * deleted by renaming to a trash name first.
 *
 * Concurrency (one process): two PUTs to one key each write their own file; the one committed
 * last wins and the loser's bytes are removed. Readers open the data file, and an overwrite
 * only unlinks the old file, so a GET in progress keeps reading the version it started with.
 * Two processes must not share a `dataDir` (the in-memory indexes would diverge).
 *
 * `open()` loads every bucket's index (fast for 10,000s of keys); every method awaits it, so
 * calling it explicitly only surfaces errors earlier. `close()` waits for pending commits.
 */
import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { ServiceError } from '../service-error.js';
import type { StoredObject } from './bucket-index.js';
import {
  createBucketDir,
  loadBucket,
  noSuchBucket,
  noSuchKey,
  toMeta,
  type Bucket,
  type BucketInfo,
  type ObjectMeta,
} from './bucket.js';
import { crc32Base64, isNotFound, sweepTemps, TEMP_PREFIX, writeBodyFile, type BodySource } from './files.js';
import { completeParts, type RequestedPart } from './multipart.js';
import { KeyedMutex } from './mutex.js';
import { validateBucketName, validateObjectKey } from './names.js';
import type { ObjectInit, PartInfo, UploadInfo } from './uploads.js';

export type { BodySource } from './files.js';
export { noSuchBucket, noSuchKey, type BucketInfo, type ObjectMeta } from './bucket.js';
export type { ObjectInit, PartInfo, UploadInfo } from './uploads.js';
export type { RequestedPart } from './multipart.js';

export interface ListResult {
  objects: ObjectMeta[];
  commonPrefixes: string[];
  isTruncated: boolean;
  /** The last key or common prefix returned; pass it as `startAfter` for the next page. */
  last?: string;
}

export interface ObjectStoreOptions {
  now?: () => Date;
  /** S3's minimum size for every part but the last (5 MiB); lower only in tests. */
  minPartSize?: number;
}

/** S3's default when a PUT names no Content-Type. */
const DEFAULT_CONTENT_TYPE = 'binary/octet-stream';
const TRASH_PREFIX = '.trash-';

/** The files one after another, each opened only when its turn comes. */
async function* concatFiles(paths: string[]): AsyncIterable<Buffer> {
  for (const path of paths) yield* createReadStream(path) as AsyncIterable<Buffer>;
}

export class ObjectStore {
  private readonly buckets = new Map<string, Bucket>();
  private readonly bucketLock = new KeyedMutex();
  private readonly now: () => Date;
  private readonly minPartSize: number;
  private opening?: Promise<void>;

  constructor(
    readonly dataDir: string,
    options: ObjectStoreOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
    this.minPartSize = options.minPartSize ?? 5 * 1024 * 1024;
  }

  private get root(): string {
    return join(this.dataDir, 'buckets');
  }

  /** Load every bucket; sweep what a crash left behind. Idempotent. */
  open(): Promise<void> {
    this.opening ??= this.load();
    return this.opening;
  }

  private async load(): Promise<void> {
    await mkdir(this.root, { recursive: true });
    await sweepTemps(this.root, [TEMP_PREFIX, TRASH_PREFIX]);
    for (const name of (await readdir(this.root)).sort()) {
      const bucket = await loadBucket(join(this.root, name));
      if (bucket) this.buckets.set(name, bucket);
    }
  }

  async close(): Promise<void> {
    if (!this.opening) return;
    await this.opening;
    for (const b of this.buckets.values()) await b.index.close();
    this.buckets.clear();
    this.opening = undefined;
  }

  private async bucket(name: string): Promise<Bucket> {
    await this.open();
    const bucket = this.buckets.get(name);
    if (!bucket) throw noSuchBucket(name);
    return bucket;
  }

  // ── buckets ────────────────────────────────────────────────────────────────────────────────

  async createBucket(name: string, options: { region?: string } = {}): Promise<BucketInfo> {
    validateBucketName(name);
    await this.open();
    return this.bucketLock.run('buckets', async () => {
      if (this.buckets.has(name)) {
        throw new ServiceError(
          'BucketAlreadyOwnedByYou',
          'Your previous request to create the named bucket succeeded and you already own it.',
          409,
          { BucketName: name },
        );
      }
      const info: BucketInfo = { name, region: options.region ?? 'us-east-1', creationDate: this.now() };
      this.buckets.set(name, await createBucketDir(this.root, info));
      return { ...info };
    });
  }

  async bucketExists(name: string): Promise<boolean> {
    await this.open();
    return this.buckets.has(name);
  }

  async getBucket(name: string): Promise<BucketInfo> {
    return { ...(await this.bucket(name)).info };
  }

  async listBuckets(): Promise<BucketInfo[]> {
    await this.open();
    return [...this.buckets.values()].map((b) => ({ ...b.info })).sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  /** S3: 409 BucketNotEmpty while objects remain; uploads in progress are discarded with it. */
  async deleteBucket(name: string): Promise<void> {
    await this.open();
    await this.bucketLock.run('buckets', async () => {
      const bucket = await this.bucket(name);
      if (bucket.index.size > 0)
        throw new ServiceError('BucketNotEmpty', 'The bucket you tried to delete is not empty', 409, {
          BucketName: name,
        });
      this.buckets.delete(name);
      await bucket.index.close();
      const trash = join(this.root, `${TRASH_PREFIX}${randomUUID()}`);
      await rename(bucket.dir, trash);
      await rm(trash, { recursive: true, force: true });
    });
  }

  // ── objects ────────────────────────────────────────────────────────────────────────────────

  /** Store `body` under `key`, replacing any object there. Computes the ETag and CRC32. */
  async putObject(
    bucketName: string,
    key: string,
    body: BodySource | BodySource[],
    init: ObjectInit = {},
  ): Promise<ObjectMeta> {
    validateObjectKey(key);
    const bucket = await this.bucket(bucketName);
    const file = randomUUID();
    const written = await writeBodyFile(bucket.dataDir, file, body).catch((err: unknown) => {
      throw isNotFound(err) && !this.buckets.has(bucketName) ? noSuchBucket(bucketName) : err;
    });
    return this.commitPut(bucket, {
      ...this.initFields(init),
      key,
      file,
      size: written.size,
      etag: `"${written.md5}"`,
      lastModified: this.now().toISOString(),
      crc32: crc32Base64(written.crc32),
    });
  }

  private initFields(init: ObjectInit): Omit<StoredObject, 'key' | 'file' | 'size' | 'etag' | 'lastModified'> {
    const { contentType, metadata, ...rest } = init;
    const defined = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined && v !== ''));
    return { ...defined, contentType: contentType || DEFAULT_CONTENT_TYPE, metadata: { ...metadata } };
  }

  private async commitPut(bucket: Bucket, stored: StoredObject): Promise<ObjectMeta> {
    let previous: StoredObject | undefined;
    try {
      previous = await bucket.index.commit({ op: 'put', object: stored });
    } catch (err) {
      await rm(join(bucket.dataDir, stored.file), { force: true });
      throw this.buckets.get(bucket.info.name) === bucket ? err : noSuchBucket(bucket.info.name);
    }
    if (previous && previous.file !== stored.file) await rm(join(bucket.dataDir, previous.file), { force: true });
    return toMeta(bucket.info.name, stored);
  }

  async headObject(bucketName: string, key: string): Promise<ObjectMeta | undefined> {
    const bucket = await this.bucket(bucketName);
    const stored = bucket.index.get(key);
    return stored && toMeta(bucketName, stored);
  }

  /**
   * Open an object's data file: the handle keeps reading the version it opened even if the
   * object is overwritten or deleted meanwhile. The caller closes the handle.
   */
  async openObject(bucketName: string, key: string): Promise<{ meta: ObjectMeta; path: string; handle: FileHandle }> {
    const bucket = await this.bucket(bucketName);
    for (;;) {
      const stored = bucket.index.get(key);
      if (!stored) throw noSuchKey(key);
      const path = join(bucket.dataDir, stored.file);
      try {
        return { meta: toMeta(bucketName, stored), path, handle: await open(path, 'r') };
      } catch (err) {
        // Overwritten or deleted between the lookup and the open: look again.
        if (!isNotFound(err) || bucket.index.get(key) === stored) throw err;
      }
    }
  }

  /**
   * Stream an object (an inclusive `range` if given). Consume or destroy `body`; `path` is the
   * data file, valid until the object is overwritten or deleted.
   */
  async getObject(
    bucketName: string,
    key: string,
    range?: { start: number; end: number },
  ): Promise<{ meta: ObjectMeta; path: string; body: Readable }> {
    const { meta, path, handle } = await this.openObject(bucketName, key);
    return { meta, path, body: handle.createReadStream({ ...range, autoClose: true }) };
  }

  /** The whole object in memory (for small objects: models, manifests, CSV shards). */
  async readObject(bucketName: string, key: string): Promise<{ meta: ObjectMeta; data: Buffer }> {
    const { meta, body } = await this.getObject(bucketName, key);
    const chunks: Buffer[] = [];
    for await (const chunk of body) chunks.push(chunk as Buffer);
    return { meta, data: Buffer.concat(chunks) };
  }

  /** Copy bytes server-side; metadata from `init`, or the source's when `init` is undefined. */
  async copyObject(
    srcBucket: string,
    srcKey: string,
    dstBucket: string,
    dstKey: string,
    init?: ObjectInit,
  ): Promise<ObjectMeta> {
    validateObjectKey(dstKey);
    await this.bucket(dstBucket);
    const source = await this.getObject(srcBucket, srcKey);
    const {
      bucket: _b,
      key: _k,
      size: _s,
      etag: _e,
      lastModified: _l,
      crc32: _c,
      partsCount: _p,
      ...sourceInit
    } = source.meta;
    try {
      return await this.putObject(dstBucket, dstKey, source.body, init ?? sourceInit);
    } finally {
      source.body.destroy(); // closes the source file if the copy stopped early
    }
  }

  /** Idempotent, as S3's DeleteObject: true if an object was there. */
  async deleteObject(bucketName: string, key: string): Promise<boolean> {
    const bucket = await this.bucket(bucketName);
    if (!bucket.index.get(key)) return false;
    const previous = await bucket.index.commit({ op: 'delete', key });
    if (previous) await rm(join(bucket.dataDir, previous.file), { force: true });
    return previous !== undefined;
  }

  /** Keys under `prefix` in S3 order; `delimiter` rolls keys up into common prefixes. */
  async listObjects(
    bucketName: string,
    prefix = '',
    options: { delimiter?: string; startAfter?: string; maxKeys?: number } = {},
  ): Promise<ListResult> {
    const bucket = await this.bucket(bucketName);
    const page = bucket.index.list(
      prefix,
      options.delimiter ?? '',
      options.startAfter ?? '',
      options.maxKeys ?? Number.POSITIVE_INFINITY,
    );
    return { ...page, objects: page.objects.map((o) => toMeta(bucketName, o)) };
  }

  // ── multipart uploads ──────────────────────────────────────────────────────────────────────

  async createMultipartUpload(bucketName: string, key: string, init: ObjectInit = {}): Promise<UploadInfo> {
    validateObjectKey(key);
    const bucket = await this.bucket(bucketName);
    return bucket.uploads.create(key, init, this.now());
  }

  async uploadPart(
    bucketName: string,
    key: string,
    uploadId: string,
    partNumber: number,
    body: BodySource,
  ): Promise<PartInfo> {
    const bucket = await this.bucket(bucketName);
    return bucket.uploads.putPart(uploadId, key, partNumber, body, this.now());
  }

  async listParts(
    bucketName: string,
    key: string,
    uploadId: string,
  ): Promise<{ upload: UploadInfo; parts: PartInfo[] }> {
    const bucket = await this.bucket(bucketName);
    const upload = bucket.uploads.get(uploadId, key);
    return { upload: upload.info, parts: [...upload.parts.values()].sort((a, b) => a.partNumber - b.partNumber) };
  }

  async listMultipartUploads(bucketName: string): Promise<UploadInfo[]> {
    return (await this.bucket(bucketName)).uploads.list();
  }

  async abortMultipartUpload(bucketName: string, key: string, uploadId: string): Promise<void> {
    const bucket = await this.bucket(bucketName);
    await bucket.uploads.locked(uploadId, key, () => bucket.uploads.remove(uploadId));
  }

  /** Validate the part list as S3 does, join the parts into one object, drop the upload. */
  async completeMultipartUpload(
    bucketName: string,
    key: string,
    uploadId: string,
    requested: RequestedPart[],
  ): Promise<ObjectMeta> {
    const bucket = await this.bucket(bucketName);
    return bucket.uploads.locked(uploadId, key, async (upload) => {
      const plan = completeParts(uploadId, upload.parts, requested, this.minPartSize);
      const file = randomUUID();
      const written = await writeBodyFile(
        bucket.dataDir,
        file,
        concatFiles(plan.parts.map((p) => bucket.uploads.partPath(uploadId, p))),
      );
      const meta = await this.commitPut(bucket, {
        ...this.initFields(upload.info.init),
        key,
        file,
        size: written.size,
        etag: plan.etag,
        lastModified: this.now().toISOString(),
        crc32: crc32Base64(written.crc32),
        partsCount: plan.parts.length,
      });
      await bucket.uploads.remove(uploadId);
      return meta;
    });
  }
}
