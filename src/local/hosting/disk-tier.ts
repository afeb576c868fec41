/**
 * The disk tier of a multi-model instance: model.tar.gz files downloaded from the object store to
 * the instance's volume. SageMaker downloads a model on its first invocation, keeps the file after
 * unloading the model from memory, and deletes files only when the disk is full (least recently
 * used first). Here the "volume" is a directory with a byte budget (the instance type's disk).
 *
 * - Single flight: one download per file, whoever asks while it runs waits for it.
 * - A file being downloaded or read for a load is pinned and never deleted.
 * - Files are named by a hash of bucket and key: no key ever becomes a path.
 * - An artifact overwritten in the object store after it was downloaded is noticed by ETag when
 *   the file is next used, and reported (`onStale`). The file on disk keeps being used, as on
 *   SageMaker, whose docs call in-place updates unsafe; warning is an improvement on AWS.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { ServiceError } from '../service-error.js';
import type { ObjectStore } from '../store/object-store.js';
import { ContainerFailure, downloadFailed } from './errors.js';

interface DiskEntry {
  bucket: string;
  key: string;
  path: string;
  sizeBytes: number;
  etag: string;
  state: 'downloading' | 'ready';
  pins: number;
  ready?: Promise<void>;
}

export interface DiskFile {
  path: string;
  etag: string;
  sizeBytes: number;
  /** This request downloaded it (else it was on disk, or another request's download). */
  downloaded: boolean;
  downloadMicros: number;
  release(): void;
}

export interface DiskTierOptions {
  dir: string;
  budgetBytes: number;
  store: ObjectStore;
  monotonicMs: () => number;
  /** The object changed (or vanished) since its file was downloaded. */
  onStale?: (bucket: string, key: string, diskEtag: string, storeEtag: string | undefined) => void;
  onDelete?: (bucket: string, key: string, sizeBytes: number) => void;
  /** Test hook: runs before each download (e.g. to make it slow). */
  beforeDownload?: (bucket: string, key: string) => Promise<void> | void;
}

const isMissing = (err: unknown) =>
  err instanceof ServiceError && (err.code === 'NoSuchKey' || err.code === 'NoSuchBucket');

export class DiskTier {
  /** In least-recently-used order (a use re-inserts). */
  private readonly entries = new Map<string, DiskEntry>();
  private used = 0;
  private dirReady?: Promise<unknown>;

  constructor(private readonly options: DiskTierOptions) {}

  get budgetBytes(): number {
    return this.options.budgetBytes;
  }
  get usedBytes(): number {
    return this.used;
  }
  get fileCount(): number {
    return this.entries.size;
  }

  async fetch(bucket: string, key: string): Promise<DiskFile> {
    const id = `${bucket}/${key}`;
    let entry = this.entries.get(id);
    if (entry) {
      entry.pins++;
      this.entries.delete(id);
      this.entries.set(id, entry);
      const onDisk = entry.state === 'ready';
      try {
        await entry.ready;
      } catch (err) {
        entry.pins--;
        throw err;
      }
      // A file downloaded earlier may be out of date; one just downloaded is not.
      if (onDisk) await this.checkEtag(entry);
      return this.file(entry, false, 0);
    }
    entry = {
      bucket,
      key,
      path: join(this.options.dir, `${createHash('sha256').update(id).digest('hex').slice(0, 40)}.tar.gz`),
      sizeBytes: 0,
      etag: '',
      state: 'downloading',
      pins: 1,
    };
    this.entries.set(id, entry);
    const started = this.options.monotonicMs();
    entry.ready = this.download(entry);
    try {
      await entry.ready;
    } catch (err) {
      if (this.entries.get(id) === entry) this.entries.delete(id);
      throw err;
    }
    return this.file(entry, true, Math.round((this.options.monotonicMs() - started) * 1000));
  }

  private file(entry: DiskEntry, downloaded: boolean, downloadMicros: number): DiskFile {
    let released = false;
    return {
      path: entry.path,
      etag: entry.etag,
      sizeBytes: entry.sizeBytes,
      downloaded,
      downloadMicros,
      release: () => {
        if (released) return;
        released = true;
        entry.pins--;
        if (entry.pins === 0 && this.used > this.options.budgetBytes) this.makeRoom(0);
      },
    };
  }

  private async checkEtag(entry: DiskEntry): Promise<void> {
    const meta = await this.options.store.headObject(entry.bucket, entry.key).catch(() => undefined);
    if (meta?.etag !== entry.etag) this.options.onStale?.(entry.bucket, entry.key, entry.etag, meta?.etag);
  }

  private async download(entry: DiskEntry): Promise<void> {
    await this.options.beforeDownload?.(entry.bucket, entry.key);
    this.dirReady ??= mkdir(this.options.dir, { recursive: true });
    await this.dirReady;
    let object: Awaited<ReturnType<ObjectStore['getObject']>>;
    try {
      object = await this.options.store.getObject(entry.bucket, entry.key);
    } catch (err) {
      throw isMissing(err) ? downloadFailed(entry.bucket, entry.key) : err;
    }
    const size = object.meta.size;
    if (size > this.options.budgetBytes) {
      object.body.destroy();
      throw new ContainerFailure(
        507,
        `Model data s3://${entry.bucket}/${entry.key} (${size} bytes) does not fit on the instance's disk (${this.options.budgetBytes} bytes).`,
      );
    }
    this.makeRoom(size);
    this.used += size;
    entry.sizeBytes = size;
    entry.etag = object.meta.etag;
    const temp = `${entry.path}.partial`;
    try {
      await pipeline(object.body, createWriteStream(temp));
      await rename(temp, entry.path);
    } catch (err) {
      this.used -= size;
      await rm(temp, { force: true });
      throw err;
    }
    entry.state = 'ready';
  }

  private makeRoom(incoming: number): void {
    for (const [id, entry] of this.entries) {
      if (this.used + incoming <= this.options.budgetBytes) return;
      if (entry.state !== 'ready' || entry.pins > 0) continue;
      this.entries.delete(id);
      this.used -= entry.sizeBytes;
      // Nothing reads the file any more (unpinned); deleting it may finish later.
      void rm(entry.path, { force: true }).catch(() => undefined);
      this.options.onDelete?.(entry.bucket, entry.key, entry.sizeBytes);
    }
    // Everything left is pinned: over budget until those downloads/loads finish.
  }

  list(): { bucket: string; key: string; sizeBytes: number; etag: string; state: string; pinned: boolean }[] {
    return [...this.entries.values()].map((e) => ({
      bucket: e.bucket,
      key: e.key,
      sizeBytes: e.sizeBytes,
      etag: e.etag,
      state: e.state,
      pinned: e.pins > 0,
    }));
  }

  async dispose(): Promise<void> {
    this.entries.clear();
    this.used = 0;
    await rm(this.options.dir, { recursive: true, force: true });
  }
}
