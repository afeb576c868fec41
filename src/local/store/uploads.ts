/**
 * A bucket's multipart uploads in progress, on disk under `uploads/{uploadId}/` so they survive a
 * restart as they do on S3 (parts are kept until the upload is completed or aborted):
 *   upload.json          key, initiation time and the metadata given at CreateMultipartUpload
 *   part-{uuid}          one part's bytes (written temp → fsync → rename)
 *   {partNumber}.json    which part file is current for that number, with its ETag and size
 * Uploading a part number again replaces its JSON atomically; the old bytes are removed after.
 * Upload ids are random base64url, checked against a strict pattern before any path use.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ServiceError } from '../service-error.js';
import { crc32Base64, sweepTemps, TEMP_PREFIX, writeBodyFile, writeFileAtomic, type BodySource } from './files.js';
import { KeyedMutex } from './mutex.js';

/** Metadata given when an object is written (PutObject headers, CreateMultipartUpload). */
export interface ObjectInit {
  contentType?: string;
  metadata?: Record<string, string>;
  contentEncoding?: string;
  contentDisposition?: string;
  contentLanguage?: string;
  cacheControl?: string;
  expires?: string;
}

export interface UploadInfo {
  uploadId: string;
  key: string;
  initiated: string;
  init: ObjectInit;
}

export interface PartInfo {
  partNumber: number;
  file: string;
  /** Quoted hex MD5 of the part. */
  etag: string;
  size: number;
  crc32: string;
  lastModified: string;
}

interface Upload {
  info: UploadInfo;
  parts: Map<number, PartInfo>;
}

const UPLOAD_ID = /^[A-Za-z0-9_-]{16,128}$/;

function noSuchUpload(uploadId: string): ServiceError {
  return new ServiceError(
    'NoSuchUpload',
    'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.',
    404,
    { UploadId: uploadId },
  );
}

export class BucketUploads {
  private readonly uploads = new Map<string, Upload>();
  private readonly mutex = new KeyedMutex();

  private constructor(private readonly dir: string) {}

  static async load(dir: string): Promise<BucketUploads> {
    const store = new BucketUploads(dir);
    await mkdir(dir, { recursive: true });
    await sweepTemps(dir);
    for (const id of await readdir(dir)) {
      const uploadDir = join(dir, id);
      let info: UploadInfo;
      try {
        info = JSON.parse(await readFile(join(uploadDir, 'upload.json'), 'utf8')) as UploadInfo;
      } catch {
        await rm(uploadDir, { recursive: true, force: true });
        continue;
      }
      await sweepTemps(uploadDir);
      const upload: Upload = { info, parts: new Map() };
      const names = await readdir(uploadDir);
      for (const name of names.filter((n) => /^\d+\.json$/.test(n))) {
        const part = JSON.parse(await readFile(join(uploadDir, name), 'utf8')) as PartInfo;
        upload.parts.set(part.partNumber, part);
      }
      // Part bytes no JSON points at: a crash between writing a part and recording it.
      const live = new Set([...upload.parts.values()].map((p) => p.file));
      for (const name of names.filter((n) => n.startsWith('part-') && !live.has(n)))
        await rm(join(uploadDir, name), { force: true });
      store.uploads.set(id, upload);
    }
    return store;
  }

  get count(): number {
    return this.uploads.size;
  }

  list(): UploadInfo[] {
    return [...this.uploads.values()].map((u) => u.info);
  }

  async create(key: string, init: ObjectInit, now: Date): Promise<UploadInfo> {
    const uploadId = randomBytes(36).toString('base64url');
    const info: UploadInfo = { uploadId, key, initiated: now.toISOString(), init };
    // Build the directory under a temp name and rename it: an upload exists whole or not at all.
    const tmp = join(this.dir, `${TEMP_PREFIX}${uploadId}`);
    await mkdir(tmp);
    await writeFileAtomic(join(tmp, 'upload.json'), JSON.stringify(info));
    await rename(tmp, join(this.dir, uploadId));
    this.uploads.set(uploadId, { info, parts: new Map() });
    return info;
  }

  /** The upload, if `uploadId` names one for `key` (S3 answers NoSuchUpload for a wrong key too). */
  get(uploadId: string, key: string): Upload {
    const upload = UPLOAD_ID.test(uploadId) ? this.uploads.get(uploadId) : undefined;
    if (!upload || upload.info.key !== key) throw noSuchUpload(uploadId);
    return upload;
  }

  /** Run `fn` with the upload locked against concurrent completion, abort and part replacement. */
  locked<T>(uploadId: string, key: string, fn: (upload: Upload) => Promise<T>): Promise<T> {
    this.get(uploadId, key);
    return this.mutex.run(uploadId, async () => fn(this.get(uploadId, key)));
  }

  partPath(uploadId: string, part: PartInfo): string {
    return join(this.dir, uploadId, part.file);
  }

  async putPart(uploadId: string, key: string, partNumber: number, body: BodySource, now: Date): Promise<PartInfo> {
    this.get(uploadId, key);
    const uploadDir = join(this.dir, uploadId);
    const file = `part-${randomUUID()}`;
    // The bytes are written outside the lock (parts upload in parallel); only the switch is locked.
    const written = await writeBodyFile(uploadDir, file, body).catch((err: unknown) => {
      throw this.uploads.has(uploadId) ? err : noSuchUpload(uploadId);
    });
    const part: PartInfo = {
      partNumber,
      file,
      etag: `"${written.md5}"`,
      size: written.size,
      crc32: crc32Base64(written.crc32),
      lastModified: now.toISOString(),
    };
    return this.locked(uploadId, key, async (upload) => {
      await writeFileAtomic(join(uploadDir, `${partNumber}.json`), JSON.stringify(part));
      const previous = upload.parts.get(partNumber);
      upload.parts.set(partNumber, part);
      if (previous) await rm(join(uploadDir, previous.file), { force: true });
      return part;
    });
  }

  /** Forget the upload and delete its parts (after completion or on abort; caller holds the lock). */
  async remove(uploadId: string): Promise<void> {
    this.uploads.delete(uploadId);
    await rm(join(this.dir, uploadId), { recursive: true, force: true });
  }
}
