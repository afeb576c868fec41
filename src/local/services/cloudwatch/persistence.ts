/**
 * Recent metrics survive a daemon restart: the store's slots inside the retention window are
 * written to `{stateDir}/cloudwatch/metrics.json` — atomically (temp file, fsync, rename), so a
 * crash leaves the previous snapshot, never a torn one — every minute when something changed,
 * and on close. One JSON document rather than an append log: with the retention window and the
 * slot cap the snapshot stays small (a few MB at most), and a restart loses at most one minute
 * of metrics, which is fine for a local tool. A snapshot that cannot be read is set aside
 * (renamed *.corrupt) rather than blocking the start.
 */
import { rename } from 'node:fs/promises';
import { join } from 'node:path';
import { readJsonFile, writeFileAtomic } from '../../../util/fs.js';
import type { MetricStore, SeriesSnapshot } from './metric-store.js';

const FILE = 'metrics.json';

interface SnapshotFile {
  version: 1;
  savedAt: string;
  series: SeriesSnapshot[];
}

export class MetricPersistence {
  /** An untouched store has nothing worth a file. */
  private savedRevision: number;
  private saving: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly dir: string,
    private readonly store: MetricStore,
    private readonly now: () => Date,
  ) {
    this.savedRevision = store.revision;
  }

  get path(): string {
    return join(this.dir, FILE);
  }

  /** Load the last snapshot (if any); points past the retention window are dropped on the way in. */
  async load(): Promise<void> {
    let file: SnapshotFile | undefined;
    try {
      file = await readJsonFile<SnapshotFile>(this.path);
    } catch {
      await rename(this.path, `${this.path}.corrupt`).catch(() => {});
      return;
    }
    if (!file || file.version !== 1 || !Array.isArray(file.series)) return;
    this.store.restore(file.series);
    this.savedRevision = this.store.revision;
  }

  /** Save when the store changed since the last save. Saves never overlap. */
  flush(): Promise<void> {
    // After a failed save the next one still runs (the chain never stays rejected).
    this.saving = this.saving
      .catch(() => {})
      .then(async () => {
        if (this.store.revision === this.savedRevision) return;
        const series = this.store.snapshot(); // prunes first, which may bump the revision
        const revision = this.store.revision;
        const body: SnapshotFile = { version: 1, savedAt: this.now().toISOString(), series };
        await writeFileAtomic(this.path, JSON.stringify(body));
        this.savedRevision = revision;
      });
    return this.saving;
  }

  /** Flush every `intervalMs` without keeping the process alive for it. */
  start(intervalMs: number, onError: (err: unknown) => void): void {
    this.stop();
    this.timer = setInterval(() => void this.flush().catch(onError), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
