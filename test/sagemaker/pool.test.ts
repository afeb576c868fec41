/**
 * The job pool's worker threads: kept and reused across tasks, replaced after a stop or a crash,
 * never holding the process open, all ended by close(). Uses the built worker (dist/, as the
 * service tests do) and, for crashes, a stand-in worker written here.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobCancelled, JobPool, WorkerTaskFailed, workerEntry } from '../../src/local/jobs/pool.js';
import type { TrainTask } from '../../src/local/jobs/protocol.js';
import { linearCsv } from './fixtures.js';

/** A small linear-learner task; its log says how many rows it read, so logs can be told apart. */
function trainTask(
  rows: number,
  extra: Partial<TrainTask> = {},
  hyperparameters: Record<string, string> = {},
): TrainTask {
  return {
    type: 'train',
    algorithm: 'linear-learner',
    hyperparameters: {
      feature_dim: '2',
      predictor_type: 'regressor',
      epochs: '2',
      num_models: '2',
      mini_batch_size: '10',
      ...hyperparameters,
    },
    channels: [
      {
        name: 'train',
        contentType: 'text/csv',
        files: [{ relativeKey: 'train.csv', data: Buffer.from(linearCsv(rows)) }],
      },
    ],
    ...extra,
  };
}

/** Schedule a job that runs `tasks` one after another in its slot; resolves to each task's log. */
function runTasks(pool: JobPool, tasks: TrainTask[]) {
  return pool.schedule(async (slot) => {
    const logs: string[][] = [];
    for (const task of tasks) {
      const lines: string[] = [];
      await slot.runWorker(task, (line) => lines.push(line));
      logs.push(lines);
    }
    return logs;
  });
}

/** The job's error, caught at once (so a rejection before the test awaits it is not unhandled). */
const failure = (job: { result: Promise<unknown> }) =>
  job.result.then(
    () => undefined,
    (err: unknown) => err,
  );

const until = async (check: () => boolean) => {
  while (!check()) await new Promise((r) => setTimeout(r, 5));
};

describe('JobPool workers', () => {
  it('reuses at most `size` workers across many tasks, and attributes each log to its task', async () => {
    const pool = new JobPool(2);
    try {
      const jobs = [20, 30, 40, 50, 60, 70].map((rows) => runTasks(pool, [trainTask(rows)]));
      const logs = await Promise.all(jobs.map((j) => j.result));
      logs.forEach(([lines], i) => expect(lines).toContain(`#train records: ${20 + 10 * i}`));
      expect(pool.threads.started).toBeLessThanOrEqual(2);
      expect(pool.threads).toMatchObject({ alive: pool.threads.started, idle: pool.threads.started });
      // One job, several tasks in turn: the same worker.
      await runTasks(pool, [trainTask(10), trainTask(11), trainTask(12)]).result;
      expect(pool.threads.started).toBeLessThanOrEqual(2);
    } finally {
      await pool.close();
    }
    expect(pool.threads).toMatchObject({ alive: 0, idle: 0 });
  });

  it('keeps a worker whose task failed, and reports the failure', async () => {
    const pool = new JobPool(1);
    try {
      const bad = runTasks(pool, [trainTask(20, {}, { predictor_type: 'nonsense' })]);
      const error = await bad.result.catch((err: unknown) => err);
      expect(error).toBeInstanceOf(WorkerTaskFailed);
      expect((error as WorkerTaskFailed).clientError).toBe(true);
      await runTasks(pool, [trainTask(20)]).result;
      expect(pool.threads).toEqual({ started: 1, alive: 1, idle: 1 });
    } finally {
      await pool.close();
    }
  });

  it('terminates the worker of a stopped job and starts another for the next task', async () => {
    const pool = new JobPool(1);
    try {
      await runTasks(pool, [trainTask(20)]).result;
      expect(pool.threads).toEqual({ started: 1, alive: 1, idle: 1 });
      const slow = runTasks(pool, [trainTask(20, { delayMs: 60_000 })]);
      const queued = runTasks(pool, [trainTask(20)]);
      let ran = false;
      const cancelledInQueue = pool.schedule(async () => void (ran = true));
      const dequeued = failure(cancelledInQueue);
      cancelledInQueue.cancel('StopTrainingJob');
      await until(() => pool.threads.idle === 0);
      slow.cancel('StopTrainingJob');
      await expect(slow.result).rejects.toBeInstanceOf(JobCancelled);
      expect(await dequeued).toBeInstanceOf(JobCancelled);
      const [lines] = await queued.result;
      expect(lines).toContain('#train records: 20');
      expect(ran).toBe(false);
      expect(pool.threads).toEqual({ started: 2, alive: 1, idle: 1 });
      expect(pool.stats).toEqual({ running: 0, queued: 0 });
    } finally {
      await pool.close();
    }
  });

  it('close() ends busy and idle workers at once and cancels what is queued', async () => {
    const pool = new JobPool(2);
    await runTasks(pool, [trainTask(20)]).result;
    const busy = runTasks(pool, [trainTask(20, { delayMs: 60_000 })]);
    const busy2 = runTasks(pool, [trainTask(20, { delayMs: 60_000 })]);
    const queued = runTasks(pool, [trainTask(20)]);
    const errors = [busy, busy2, queued].map(failure);
    await until(() => pool.threads.alive === 2 && pool.threads.idle === 0);
    await pool.close();
    for (const error of await Promise.all(errors)) expect(error).toBeInstanceOf(JobCancelled);
    expect(pool.threads).toMatchObject({ alive: 0, idle: 0 });
    await expect(runTasks(pool, [trainTask(20)]).result).rejects.toBeInstanceOf(JobCancelled);
  });

  it('idle workers do not keep the process alive', async () => {
    // A process that runs jobs and never closes its pool must still exit by itself.
    const dir = await mkdtemp(join(tmpdir(), 'mme-pool-'));
    const file = join(dir, 'never-closes.mjs');
    await writeFile(
      file,
      `
      const { JobPool } = await import(${JSON.stringify(pathToFileURL(join(workerEntry(), '..', 'pool.js')).href)});
      const pool = new JobPool(2);
      const task = ${JSON.stringify({ ...trainTask(0), channels: [] })};
      task.channels = [{ name: 'train', contentType: 'text/csv', files: [{ relativeKey: 'a.csv', data: new TextEncoder().encode(${JSON.stringify(linearCsv(30))}) }] }];
      const jobs = [1, 2, 3].map(() => pool.schedule((slot) => slot.runWorker(task, () => {})));
      await Promise.all(jobs.map((j) => j.result));
      console.log(JSON.stringify(pool.threads));
    `,
    );
    try {
      // The timeout only bounds a hang; the process ends as soon as its jobs are done.
      const { stdout } = await promisify(execFile)(process.execPath, [file], { timeout: 20_000 });
      const threads = JSON.parse(stdout) as JobPool['threads'];
      expect(threads.alive).toBeGreaterThan(0);
      expect(threads.idle).toBe(threads.alive);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('JobPool workers that crash', () => {
  let dir: string;
  let entry: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mme-pool-'));
    entry = join(dir, 'worker.mjs');
    // A stand-in worker: exits or throws when asked; posts a stale message before each answer.
    await writeFile(
      entry,
      `import { parentPort } from 'node:worker_threads';
      parentPort.on('message', ({ id, task }) => {
        if (task.hyperparameters.crash === 'exit') process.exit(3);
        if (task.hyperparameters.crash === 'throw') throw new Error('boom');
        parentPort.postMessage({ id: id - 1, type: 'log', line: 'not mine' });
        parentPort.postMessage({ id, type: 'log', line: 'task ' + task.hyperparameters.n });
        parentPort.postMessage({ id, type: 'done', result: { files: [], metrics: [] } });
      });`,
    );
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const task = (hyperparameters: Record<string, string>): TrainTask => ({
    type: 'train',
    algorithm: 'linear-learner',
    hyperparameters,
    channels: [],
  });

  it('fails the task of a worker that exits or throws, and replaces the worker', async () => {
    const pool = new JobPool(1, { entry: () => entry });
    try {
      expect(await runTasks(pool, [task({ n: '1' })]).result).toEqual([['task 1']]);
      await expect(runTasks(pool, [task({ crash: 'exit' })]).result).rejects.toThrow(/exited \(code 3\)/);
      expect(await runTasks(pool, [task({ n: '2' })]).result).toEqual([['task 2']]);
      await expect(runTasks(pool, [task({ crash: 'throw' })]).result).rejects.toThrow(/boom/);
      expect(await runTasks(pool, [task({ n: '3' })]).result).toEqual([['task 3']]);
      expect(pool.threads).toEqual({ started: 3, alive: 1, idle: 1 });
    } finally {
      await pool.close();
    }
  });
});
