/**
 * The few file operations the store is built from. Every visible file is made by "write a temp
 * file in the same directory, fsync it, rename it over the final name": rename within one
 * directory is atomic on POSIX file systems, so a reader (or the next process after a crash)
 * sees the old file or the new one, never half of one. Temp names start with `.tmp-` so that
 * `open()` can sweep the ones a crash left behind.
 */
import { createHash } from 'node:crypto';
import { open, rename, rm, readdir } from 'node:fs/promises';
import { tempName, TEMP_PREFIX } from '../../util/fs.js';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { crc32 } from 'node:zlib';

// The atomic-write primitives are shared with the rest of the local cloud (src/util/fs.ts).
export { fsyncDir, TEMP_PREFIX, writeFileAtomic } from '../../util/fs.js';

export interface WrittenBody {
  size: number;
  /** Hex MD5 of the bytes: S3's ETag for a single PUT. */
  md5: string;
  /** CRC32 of the bytes as an unsigned integer. */
  crc32: number;
}

export type BodySource = Buffer | Uint8Array | Readable | AsyncIterable<Uint8Array | string>;

/**
 * Write `source` to a new temp file in `dir`, hashing as it goes, fsync it and rename it to
 * `finalName`. Nothing named `finalName` exists until every byte is on disk; on any failure the
 * temp file is removed.
 */
export async function writeBodyFile(
  dir: string,
  finalName: string,
  source: BodySource | BodySource[],
): Promise<WrittenBody> {
  const tmp = join(dir, tempName());
  const md5 = createHash('md5');
  let crc = 0;
  let size = 0;
  const handle = await open(tmp, 'wx');
  try {
    for (const part of Array.isArray(source) ? source : [source]) {
      const chunks: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array> =
        part instanceof Uint8Array ? [part] : part;
      for await (const chunk of chunks) {
        const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
        md5.update(bytes);
        crc = crc32(bytes, crc);
        size += bytes.length;
        await handle.write(bytes);
      }
    }
    await handle.sync();
  } catch (err) {
    await handle.close().catch(() => undefined);
    await rm(tmp, { force: true });
    throw err;
  }
  await handle.close();
  try {
    await rename(tmp, join(dir, finalName));
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  return { size, md5: md5.digest('hex'), crc32: crc };
}

/** Base64 of the big-endian CRC32, as S3 writes x-amz-checksum-crc32. */
export function crc32Base64(value: number): string {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(value >>> 0);
  return b.toString('base64');
}

/** Remove the temp files (and temp directories) a crashed process left in `dir`. */
export async function sweepTemps(dir: string, prefixes: string[] = [TEMP_PREFIX]): Promise<number> {
  let removed = 0;
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    if (prefixes.some((p) => name.startsWith(p))) {
      await rm(join(dir, name), { recursive: true, force: true });
      removed++;
    }
  }
  return removed;
}

export function isNotFound(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}
