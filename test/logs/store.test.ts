import { mkdtemp, readdir, rm, stat, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LogEventStore, eventBytes } from '../../src/local/store/log-events.js';

describe('LogEventStore', () => {
  let dir: string;
  let clock: number;
  const now = () => new Date(clock);

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mme-logstore-'));
    clock = 1_700_000_000_000;
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps events per group and stream, in time order, with ingestion times', () => {
    const store = new LogEventStore({ now });
    store.put('/g', 'b', ['one', 'two']);
    clock += 5;
    store.put('/g', 'a', ['three']);
    store.put('/g', 'b', ['early'], new Date(clock - 100));
    expect(store.groups().map((g) => g.name)).toEqual(['/g']);
    expect(store.streams('/g')!.map((s) => s.name)).toEqual(['a', 'b']);
    const b = store.events('/g', 'b')!;
    expect(b.map((e) => e.message)).toEqual(['early', 'one', 'two']);
    expect(b.map((e) => e.seq)).toEqual([3, 1, 2]);
    expect(b[0]!.ingestionTime).toBe(clock);
    expect(store.streams('/g')![1]).toMatchObject({
      firstEventTimestamp: clock - 100,
      lastEventTimestamp: clock - 5,
      lastIngestionTime: clock,
    });
    expect(store.streams('/nope')).toBeUndefined();
  });

  it('drops the oldest events past the per-stream bound', () => {
    const store = new LogEventStore({ now, maxStreamBytes: 10 * eventBytes('x'.repeat(10)) });
    for (let i = 0; i < 25; i++) store.put('/g', 's', [String(i).padStart(10, '0')]);
    const events = store.events('/g', 's')!;
    expect(events).toHaveLength(10);
    expect(events[0]!.message).toBe('0000000015');
    expect(events[0]!.seq).toBe(16);
    expect(store.streams('/g')![0]!.storedBytes).toBe(10 * eventBytes('x'.repeat(10)));
  });

  it('persists under its dir and reloads in order, skipping a torn last line', async () => {
    const a = new LogEventStore({ dir, now });
    await a.open();
    a.createStream('/aws/sagemaker/TrainingJobs', 'job/algo-1-1');
    a.put('/aws/sagemaker/TrainingJobs', 'job/algo-1-1', ['first', 'second']);
    a.put('/aws/sagemaker/TrainingJobs', 'job/algo-1-1', ['third']);
    a.put('/aws/sagemaker/Endpoints/ep', 'AllTraffic/i-1', ['loaded']);
    await a.flush();
    const groupDirs = await readdir(dir);
    expect(groupDirs).toHaveLength(2);
    // A crash mid-append leaves half a line.
    for (const g of groupDirs) {
      for (const f of await readdir(join(dir, g)))
        if (f.endsWith('.jsonl')) await appendFile(join(dir, g, f), '{"t":1,"i":');
    }
    const b = new LogEventStore({ dir, now });
    await b.open();
    expect(b.events('/aws/sagemaker/TrainingJobs', 'job/algo-1-1')!.map((e) => e.message)).toEqual([
      'first',
      'second',
      'third',
    ]);
    expect(b.groups().map((g) => g.name)).toEqual(['/aws/sagemaker/Endpoints/ep', '/aws/sagemaker/TrainingJobs']);
    // Sequence numbers go on after a reload.
    b.put('/aws/sagemaker/TrainingJobs', 'job/algo-1-1', ['fourth']);
    expect(b.events('/aws/sagemaker/TrainingJobs', 'job/algo-1-1')!.at(-1)!.seq).toBe(4);
    await b.flush();
  });

  it('keeps a stream file under twice the bound on disk', async () => {
    const bound = 50 * eventBytes('y'.repeat(100));
    const store = new LogEventStore({ dir, now, maxStreamBytes: bound });
    await store.open();
    for (let i = 0; i < 2000; i++) {
      store.put('/g', 's', ['y'.repeat(100)]);
      if (i % 100 === 0) await store.flush();
    }
    await store.flush();
    const [groupDir] = await readdir(dir);
    const file = (await readdir(join(dir, groupDir!))).find((f) => f.endsWith('.jsonl'))!;
    expect((await stat(join(dir, groupDir!, file))).size).toBeLessThan(2 * bound + 1000);
    const reloaded = new LogEventStore({ dir, now, maxStreamBytes: bound });
    await reloaded.open();
    expect(reloaded.events('/g', 's')).toHaveLength(50);
    expect(reloaded.events('/g', 's')!.at(-1)!.seq).toBe(2000);
  });
});
