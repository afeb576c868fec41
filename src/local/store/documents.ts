/**
 * A small store of JSON documents on disk: `{dir}/{collection}/{id}.json`, one file per
 * document, each written atomically (temp file, fsync, rename), so a crash leaves the old
 * document or the new one, never a torn one. Control-plane state (SageMaker jobs, models) lives
 * here; object bytes live in the ObjectStore.
 *
 * Writes to one document are queued in call order, so the document on disk is always the one
 * passed to the latest `put` (two racing renames could otherwise land out of order).
 */
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../util/fs.js';
import { KeyedMutex } from './mutex.js';

const SUFFIX = '.json';

type Reviver = (key: string, value: unknown) => unknown;

export interface ListOptions {
  /** JSON.parse reviver, e.g. to turn the ISO strings JSON.stringify wrote back into Dates. */
  reviver?: Reviver;
  /** Told about a file that is not valid JSON; it is skipped so one bad file does not stop all. */
  onCorrupt?: (file: string, err: unknown) => void;
}

export class DocumentStore {
  private readonly writes = new KeyedMutex();

  constructor(readonly dir: string) {}

  private path(collection: string, id: string): string {
    // Ids are resource names (letters, digits, hyphens) but encode anyway: an id never escapes.
    return join(this.dir, collection, encodeURIComponent(id) + SUFFIX);
  }

  /** Every document of a collection, in file-name order. */
  async list<T>(collection: string, options: ListOptions = {}): Promise<T[]> {
    const dir = join(this.dir, collection);
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const docs: T[] = [];
    for (const name of names.sort()) {
      if (!name.endsWith(SUFFIX)) continue; // temp files of an interrupted write
      const file = join(dir, name);
      try {
        docs.push(JSON.parse(await readFile(file, 'utf8'), options.reviver) as T);
      } catch (err) {
        options.onCorrupt?.(file, err);
      }
    }
    return docs;
  }

  /** Replace (or create) a document. The value is serialised now, written in call order. */
  put(collection: string, id: string, doc: unknown): Promise<void> {
    const path = this.path(collection, id);
    const text = JSON.stringify(doc, null, 1) + '\n';
    return this.writes.run(path, () => writeFileAtomic(path, text, 0o600));
  }

  delete(collection: string, id: string): Promise<void> {
    const path = this.path(collection, id);
    return this.writes.run(path, () => rm(path, { force: true }));
  }

  /** Fire-and-forget put; `flush()` waits for it. Errors go to `onError`. */
  putInBackground(collection: string, id: string, doc: unknown, onError: (err: unknown) => void): void {
    const p = this.put(collection, id, doc).catch(onError);
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }

  /** Wait for every background put started so far. */
  async flush(): Promise<void> {
    await Promise.all([...this.pending]);
  }

  private readonly pending = new Set<Promise<void>>();
}
