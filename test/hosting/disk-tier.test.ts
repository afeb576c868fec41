import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DiskTier } from '../../src/local/hosting/disk-tier.js';
import { ServiceError } from '../../src/local/service-error.js';
import { BUCKET, createFixture, type Fixture } from './helpers.js';

let fx: Fixture;
beforeEach(async () => {
  fx = await createFixture();
});
afterEach(async () => fx.cleanup());

function tier(budgetBytes: number) {
  const downloads: string[] = [];
  const stale: string[] = [];
  const deleted: string[] = [];
  const dir = join(fx.dir, 'volume');
  const disk = new DiskTier({
    dir,
    budgetBytes,
    store: fx.store,
    monotonicMs: () => performance.now(),
    beforeDownload: (_b, key) => void downloads.push(key),
    onStale: (_b, key, before, after) => stale.push(`${key}:${before}->${after}`),
    onDelete: (_b, key) => deleted.push(key),
  });
  return { disk, dir, downloads, stale, deleted };
}

describe('DiskTier (instance volume)', () => {
  it('downloads once, then serves the file on disk; files are named by hash, never by key', async () => {
    await fx.store.putObject(BUCKET, 'odd key/with:colons*?.tar.gz', Buffer.from('x'.repeat(10)));
    const { disk, dir, downloads } = tier(1000);
    const first = await disk.fetch(BUCKET, 'odd key/with:colons*?.tar.gz');
    first.release();
    const again = await disk.fetch(BUCKET, 'odd key/with:colons*?.tar.gz');
    again.release();
    expect(first.downloaded).toBe(true);
    expect(again.downloaded).toBe(false);
    expect(downloads).toHaveLength(1);
    expect(await readFile(again.path, 'utf8')).toBe('x'.repeat(10));
    expect((await readdir(dir)).every((f) => /^[0-9a-f]{40}\.tar\.gz$/.test(f))).toBe(true);
  });

  it('deletes the least recently used files when the disk budget is full, never a pinned one', async () => {
    for (const k of ['a', 'b', 'c', 'd']) await fx.store.putObject(BUCKET, k, Buffer.alloc(100, k));
    const { disk, deleted } = tier(300);
    const a = await disk.fetch(BUCKET, 'a'); // stays pinned
    (await disk.fetch(BUCKET, 'b')).release();
    (await disk.fetch(BUCKET, 'c')).release();
    (await disk.fetch(BUCKET, 'd')).release();
    expect(deleted).toEqual(['b']);
    expect(disk.usedBytes).toBe(300);
    a.release();
    (await disk.fetch(BUCKET, 'b')).release();
    expect(deleted).toEqual(['b', 'a']);
    expect(
      disk
        .list()
        .map((f) => f.key)
        .sort(),
    ).toEqual(['b', 'c', 'd']);
  });

  it('one download for concurrent requests of one file', async () => {
    await fx.store.putObject(BUCKET, 'm', Buffer.alloc(50, 1));
    const { disk, downloads } = tier(1000);
    const files = await Promise.all(Array.from({ length: 20 }, () => disk.fetch(BUCKET, 'm')));
    expect(downloads).toHaveLength(1);
    expect(files.filter((f) => f.downloaded)).toHaveLength(1);
    for (const f of files) f.release();
  });

  it('reports an artifact overwritten after download (by ETag) and keeps the copy on disk', async () => {
    await fx.store.putObject(BUCKET, 'm', Buffer.from('version one'));
    const { disk, stale } = tier(1000);
    const one = await disk.fetch(BUCKET, 'm');
    one.release();
    await fx.store.putObject(BUCKET, 'm', Buffer.from('version two'));
    const two = await disk.fetch(BUCKET, 'm');
    two.release();
    expect(stale).toHaveLength(1);
    expect(stale[0]).toMatch(/^m:"[0-9a-f]{32}"->"[0-9a-f]{32}"$/);
    expect(await readFile(two.path, 'utf8')).toBe('version one');
  });

  it('a missing object is the MME download ValidationError', async () => {
    const { disk } = tier(1000);
    const err = await disk.fetch(BUCKET, 'nope.tar.gz').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServiceError);
    expect((err as ServiceError).code).toBe('ValidationError');
    expect((err as ServiceError).message).toBe(
      `Failed to download model data(bucket: ${BUCKET}, key: nope.tar.gz). Please ensure that there is an object located at the URL and that the role passed to CreateModel has permissions to download the model.`,
    );
    expect(disk.fileCount).toBe(0);
  });
});
