/** The job runner's parts, without the service: pool bounds, tar archives, record splitting, documents, images. */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packModelTar, unpackModelTar } from '../../src/formats/model-tar.js';
import { JobCancelled, JobPool } from '../../src/local/jobs/pool.js';
import { assembleResponses, splitRequests } from '../../src/local/jobs/transform-records.js';
import { algorithmForImage } from '../../src/local/jobs/images.js';
import { DocumentStore } from '../../src/local/store/documents.js';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('JobPool', () => {
  it('runs at most `size` jobs at once and queues the rest in order', async () => {
    const pool = new JobPool(2);
    const gates = [deferred(), deferred(), deferred()];
    const started: number[] = [];
    const jobs = gates.map((g, i) => pool.schedule(async () => (started.push(i), await g.promise, i)));
    await new Promise((r) => setTimeout(r, 10));
    expect(started).toEqual([0, 1]);
    expect(pool.stats).toEqual({ running: 2, queued: 1 });
    gates[0]!.resolve();
    await jobs[0]!.result;
    await new Promise((r) => setTimeout(r, 10));
    expect(started).toEqual([0, 1, 2]);
    gates[1]!.resolve();
    gates[2]!.resolve();
    expect(await Promise.all(jobs.map((j) => j.result))).toEqual([0, 1, 2]);
  });

  it('cancels a queued job without running it', async () => {
    const pool = new JobPool(1);
    const gate = deferred();
    const first = pool.schedule(() => gate.promise);
    let ran = false;
    const second = pool.schedule(async () => void (ran = true));
    second.cancel('StopTrainingJob');
    await expect(second.result).rejects.toBeInstanceOf(JobCancelled);
    gate.resolve();
    await first.result;
    expect(ran).toBe(false);
    expect(pool.stats).toEqual({ running: 0, queued: 0 });
  });
});

describe('model.tar.gz', () => {
  it('round-trips and is readable by GNU tar', async () => {
    const files = [
      { name: 'model.json', data: Buffer.from('{"a":1}') },
      { name: 'extra/notes.txt', data: Buffer.from('hi') },
    ];
    const archive = await packModelTar(files);
    expect([archive[0], archive[1]]).toEqual([0x1f, 0x8b]);
    expect((await unpackModelTar(archive)).map((f) => [f.name, Buffer.from(f.data).toString()])).toEqual([
      ['model.json', '{"a":1}'],
      ['extra/notes.txt', 'hi'],
    ]);
    const dir = await mkdtemp(join(tmpdir(), 'mme-tar-'));
    try {
      await writeFile(join(dir, 'm.tar.gz'), archive);
      expect(execFileSync('tar', ['-tzf', join(dir, 'm.tar.gz')], { encoding: 'utf8' })).toBe(
        'model.json\nextra/notes.txt\n',
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('batch transform records', () => {
  const data = Buffer.from('a,1\n\nb,2\nc,3');
  const text = (parts: Uint8Array[]) => parts.map((p) => Buffer.from(p).toString());

  it('splits by line, one record or as many as fit a request', () => {
    expect(
      text(splitRequests(data, { splitType: 'Line', batchStrategy: 'SingleRecord', maxPayloadBytes: 100 })),
    ).toEqual(['a,1\n', 'b,2\n', 'c,3']);
    expect(text(splitRequests(data, { splitType: 'Line', batchStrategy: 'MultiRecord', maxPayloadBytes: 8 }))).toEqual([
      'a,1\nb,2\n',
      'c,3',
    ]);
    expect(text(splitRequests(data, { splitType: 'None', batchStrategy: 'MultiRecord', maxPayloadBytes: 0 }))).toEqual([
      'a,1\n\nb,2\nc,3',
    ]);
    expect(() => splitRequests(data, { splitType: 'None', batchStrategy: 'MultiRecord', maxPayloadBytes: 4 })).toThrow(
      /MaxPayloadInMB/,
    );
  });

  it('assembles answers by line or as they come', () => {
    expect(assembleResponses(['1', '2\n'], 'Line')).toBe('1\n2\n');
    expect(assembleResponses(['1', '2\n'], 'None')).toBe('12\n');
  });
});

describe('DocumentStore', () => {
  it('writes atomically, keeps the last put, and leaves no temp files', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mme-docs-'));
    try {
      const docs = new DocumentStore(dir);
      await Promise.all([1, 2, 3, 4, 5].map((n) => docs.put('things', 'one', { n })));
      await docs.put('things', 'two', { n: 0, at: new Date(0) });
      const listed = await docs.list<{ n: number; at?: unknown }>('things', {
        reviver: (k, v) => (k === 'at' ? new Date(v as string) : v),
      });
      expect(listed).toEqual([{ n: 5 }, { n: 0, at: new Date(0) }]);
      expect((await readdir(join(dir, 'things'))).sort()).toEqual(['one.json', 'two.json']);
      await docs.delete('things', 'one');
      expect(await docs.list('things')).toHaveLength(1);
      expect(await docs.list('missing')).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('images', () => {
  it('maps the real ECR images of any registry, and the local aliases', () => {
    expect(algorithmForImage('382416733822.dkr.ecr.us-east-1.amazonaws.com/linear-learner:1')).toBe('linear-learner');
    expect(algorithmForImage('382416733822.dkr.ecr.us-east-1.amazonaws.com/linear-learner:latest')).toBe(
      'linear-learner',
    );
    expect(algorithmForImage('746614075791.dkr.ecr.us-west-1.amazonaws.com/sagemaker-scikit-learn:1.4-2-cpu-py3')).toBe(
      'sklearn-preprocessor',
    );
    expect(algorithmForImage('mme/sklearn-preprocessor:latest')).toBe('sklearn-preprocessor');
    expect(
      algorithmForImage('746614075791.dkr.ecr.us-west-1.amazonaws.com/sagemaker-scikit-learn:9.9-cpu-py3'),
    ).toBeUndefined();
    expect(algorithmForImage('docker.io/library/python:3')).toBeUndefined();
  });
});
