/**
 * One bucket's object index: every key's metadata in memory (a Map plus a sorted key array for
 * listing), made durable by a snapshot (`index.json`) and a write-ahead journal (`journal.log`).
 *
 * Why a journal: rewriting a 10,000-key snapshot on every PUT costs megabytes per write, while a
 * journal line costs ~300 bytes. Concurrent commits are grouped into one append + one fsync
 * (group commit), and the journal is folded into a fresh snapshot every COMPACT_EVERY records and
 * at open. Records carry whole values (put = the full metadata, delete = the key), so replaying a
 * journal over a snapshot that already contains it is harmless: a crash between "snapshot
 * written" and "journal truncated" loses nothing. A torn last line (a crash mid-append, before
 * its fsync returned, so no client was told "200 OK") is ignored.
 *
 * The in-memory index changes only after the journal record is on disk, in journal order: what
 * a reader sees is exactly what a restart would see, and of two PUTs to one key the one
 * committed last wins.
 */
import { open, readFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { fsyncDir, isNotFound, writeFileAtomic } from './files.js';
import { compareKeys, endOfPrefix, lowerBound } from './key-order.js';

/** What the store keeps per object (persisted as JSON). */
export interface StoredObject {
  key: string;
  /** Name of the data file in the bucket's data directory (a UUID, never derived from the key). */
  file: string;
  size: number;
  /** Quoted, as S3 sends it: "md5hex" or "md5-of-md5s-N". */
  etag: string;
  /** ISO 8601. */
  lastModified: string;
  contentType: string;
  /** User metadata (x-amz-meta-*), names lower-cased without the prefix. */
  metadata: Record<string, string>;
  /** Base64 CRC32 of the whole object. */
  crc32?: string;
  contentEncoding?: string;
  contentDisposition?: string;
  contentLanguage?: string;
  cacheControl?: string;
  expires?: string;
  partsCount?: number;
}

type JournalRecord = { op: 'put'; object: StoredObject } | { op: 'delete'; key: string };

interface Pending {
  record: JournalRecord;
  resolve(previous: StoredObject | undefined): void;
  reject(err: unknown): void;
}

export interface ListPage {
  objects: StoredObject[];
  commonPrefixes: string[];
  isTruncated: boolean;
  /** The last key or common prefix returned: resume after it. */
  last?: string;
}

const COMPACT_EVERY = 2000;

export class BucketIndex {
  private readonly objects = new Map<string, StoredObject>();
  private keys: string[] = [];
  private journal?: FileHandle;
  private journalRecords = 0;
  private pending: Pending[] = [];
  private flushing?: Promise<void>;

  private constructor(
    private readonly dir: string,
    private readonly dataDir: string,
  ) {}

  /** Load snapshot + journal, fold them into a fresh snapshot, open the journal for appends. */
  static async load(dir: string, dataDir: string): Promise<BucketIndex> {
    const index = new BucketIndex(dir, dataDir);
    try {
      const snapshot = JSON.parse(await readFile(join(dir, 'index.json'), 'utf8')) as { objects: StoredObject[] };
      for (const o of snapshot.objects) index.objects.set(o.key, o);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    let replayed = 0;
    try {
      const lines = (await readFile(join(dir, 'journal.log'), 'utf8')).split('\n');
      for (const line of lines) {
        if (!line) continue;
        let record: JournalRecord;
        try {
          record = JSON.parse(line) as JournalRecord;
        } catch {
          continue; // a torn append from a crash: it was never acknowledged
        }
        index.applyToMap(record);
        replayed++;
      }
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    index.keys = [...index.objects.keys()].sort(compareKeys);
    if (replayed > 0) await index.writeSnapshot();
    // Append mode: every write lands at the end, also after compaction truncates the file.
    index.journal = await open(join(dir, 'journal.log'), 'a');
    await index.journal.truncate(0);
    return index;
  }

  get size(): number {
    return this.objects.size;
  }

  get(key: string): StoredObject | undefined {
    return this.objects.get(key);
  }

  /** Data files referenced by the index (for sweeping orphans at open). */
  files(): Set<string> {
    return new Set([...this.objects.values()].map((o) => o.file));
  }

  /** Make `record` durable, then visible. Resolves with the object it replaced or deleted. */
  commit(record: JournalRecord): Promise<StoredObject | undefined> {
    return new Promise((resolve, reject) => {
      this.pending.push({ record, resolve, reject });
      this.flushing ??= this.flush().finally(() => (this.flushing = undefined));
    });
  }

  private async flush(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0);
      try {
        if (!this.journal) throw new Error('bucket index is closed');
        // Data files were renamed into dataDir just before; make those renames durable first so
        // the journal never names a file that a power loss could take away.
        await fsyncDir(this.dataDir);
        await this.journal!.write(batch.map((p) => JSON.stringify(p.record) + '\n').join(''));
        await this.journal!.sync();
      } catch (err) {
        for (const p of batch) p.reject(err);
        continue;
      }
      for (const p of batch) p.resolve(this.apply(p.record));
      this.journalRecords += batch.length;
      if (this.journalRecords >= COMPACT_EVERY) await this.compact().catch(() => undefined);
    }
  }

  private async compact(): Promise<void> {
    await this.writeSnapshot();
    await this.journal!.truncate(0);
    await this.journal!.sync();
    this.journalRecords = 0;
  }

  private async writeSnapshot(): Promise<void> {
    const objects = this.keys.map((k) => this.objects.get(k)!);
    await writeFileAtomic(join(this.dir, 'index.json'), JSON.stringify({ version: 1, objects }));
  }

  private applyToMap(record: JournalRecord): StoredObject | undefined {
    const key = record.op === 'put' ? record.object.key : record.key;
    const previous = this.objects.get(key);
    if (record.op === 'put') this.objects.set(key, record.object);
    else this.objects.delete(key);
    return previous;
  }

  private apply(record: JournalRecord): StoredObject | undefined {
    const previous = this.applyToMap(record);
    const key = record.op === 'put' ? record.object.key : record.key;
    const at = lowerBound(this.keys, key);
    const present = this.keys[at] === key;
    if (record.op === 'put' && !present) this.keys.splice(at, 0, key);
    if (record.op === 'delete' && present) this.keys.splice(at, 1);
    return previous;
  }

  /**
   * One page of a listing in S3 order: keys under `prefix`, after `marker`, with keys that contain
   * `delimiter` after the prefix rolled up into common prefixes (each counts once toward
   * `maxKeys`, as in S3). An entry equal to or before `marker` is skipped, so a common prefix
   * used as a marker (ListObjects NextMarker) resumes after its whole group.
   */
  list(prefix: string, delimiter: string, marker: string, maxKeys: number): ListPage {
    const page: ListPage = { objects: [], commonPrefixes: [], isTruncated: false };
    if (maxKeys <= 0) return page;
    let i = Math.max(lowerBound(this.keys, prefix), marker ? lowerBound(this.keys, marker, true) : 0);
    let count = 0;
    while (i < this.keys.length) {
      const key = this.keys[i]!;
      if (!key.startsWith(prefix)) break;
      const cut = delimiter ? key.indexOf(delimiter, prefix.length) : -1;
      if (cut >= 0) {
        const common = key.slice(0, cut + delimiter.length);
        const next = endOfPrefix(this.keys, common, i);
        if (marker && compareKeys(common, marker) <= 0) {
          i = next;
          continue;
        }
        if (count === maxKeys) return { ...page, isTruncated: true };
        page.commonPrefixes.push(common);
        page.last = common;
        i = next;
      } else {
        if (count === maxKeys) return { ...page, isTruncated: true };
        page.objects.push(this.objects.get(key)!);
        page.last = key;
        i++;
      }
      count++;
    }
    return page;
  }

  /** Wait for in-flight commits, then release the journal file. */
  async close(): Promise<void> {
    await this.flushing;
    await this.journal?.close();
    this.journal = undefined;
  }
}
