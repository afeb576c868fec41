/**
 * A bounded pool of job slots. Each scheduled job holds a slot from its start to its end (as a
 * SageMaker job holds its instance while it downloads, trains and uploads); jobs beyond the
 * bound wait in a queue, in order.
 *
 * CPU work runs in worker threads, kept and reused: at most `size` of them, started when first
 * needed. A fresh thread per task cost more than a linear-learner training itself (bench/train.js:
 * the thread start and module load, then the hot loop run cold by the new isolate's JIT), so a
 * worker that finished a task waits, unref'd, for the next. Stopping a job is still
 * `worker.terminate()` of the worker running its task: nothing of it survives, whatever it was
 * doing; the pool starts another worker when one is next needed, as it does after a worker
 * errors or exits.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { TaskMessage, TrainResult, TransformResult, WorkerMessage, WorkerTask } from './protocol.js';

/**
 * The worker must be compiled JS. Beside this module in dist/; when this module runs from src/
 * (vitest), the built copy in dist/ (tests run after `npm run build`), as daemon.ts finds main.js.
 */
export function workerEntry(): string {
  const here = fileURLToPath(new URL('./worker.js', import.meta.url));
  if (existsSync(here)) return here;
  const built = here.replace(/([/\\])src([/\\]local[/\\]jobs[/\\]worker\.js)$/, '$1dist$2');
  if (existsSync(built)) return built;
  throw new Error(`cannot find the job worker (${built}); run npm run build`);
}

/** Thrown into a job when it is stopped; the runner turns it into Stopped. */
export class JobCancelled extends Error {
  constructor(readonly reason: string) {
    super(`job cancelled: ${reason}`);
  }
}

/** A task the worker reported failed, in the algorithm's words. */
export class WorkerTaskFailed extends Error {
  constructor(
    message: string,
    readonly clientError: boolean,
  ) {
    super(message);
  }
}

export interface Slot {
  readonly signal: AbortSignal;
  /** Run one task in a worker thread; rejects with JobCancelled if the job is stopped. */
  runWorker(task: WorkerTask & { type: 'train' }, onLog: (line: string) => void): Promise<TrainResult>;
  runWorker(task: WorkerTask & { type: 'transform' }, onLog: (line: string) => void): Promise<TransformResult>;
}

export interface ScheduledJob<T> {
  result: Promise<T>;
  /** Stop the job: dequeue it, or terminate its worker. Idempotent. */
  cancel(reason: string): void;
}

/** A worker thread of the pool, and the task it runs (none while idle). */
interface PooledWorker {
  readonly thread: Worker;
  task?: { id: number; onMessage(message: WorkerMessage): void; onGone(err: Error): void };
}

export class JobPool {
  private readonly queue: (() => void)[] = [];
  private running = 0;
  private readonly controllers = new Set<AbortController>();
  private readonly entry: () => string;
  private closed = false;
  /** Live workers (idle or busy); a worker leaves when it is terminated, errors or exits. */
  private readonly workers = new Set<PooledWorker>();
  /** Idle workers, the most recently used last (reused first: its JIT is the warmest). */
  private readonly idle: PooledWorker[] = [];
  /** Terminations under way, for close() to wait on. */
  private readonly terminating = new Set<Promise<void>>();
  private started = 0;
  private nextTaskId = 1;

  constructor(
    readonly size = availableParallelism(),
    options: { entry?: () => string } = {},
  ) {
    if (!Number.isInteger(size) || size < 1) throw new Error(`job pool size must be a positive integer, not ${size}`);
    this.entry = options.entry ?? workerEntry;
  }

  get stats(): { running: number; queued: number } {
    return { running: this.running, queued: this.queue.length };
  }

  /** Worker threads: started since the pool was made, alive now, idle now. */
  get threads(): { started: number; alive: number; idle: number } {
    return { started: this.started, alive: this.workers.size, idle: this.idle.length };
  }

  schedule<T>(job: (slot: Slot) => Promise<T>): ScheduledJob<T> {
    const controller = new AbortController();
    const signal = controller.signal;
    if (this.closed) controller.abort(new JobCancelled('the local cloud is closing'));
    this.controllers.add(controller);
    const result = (async () => {
      try {
        await this.acquire(signal);
        try {
          return await job(this.slot(signal));
        } finally {
          this.release();
        }
      } finally {
        this.controllers.delete(controller);
      }
    })();
    return {
      result,
      cancel: (reason) => {
        if (!signal.aborted) controller.abort(new JobCancelled(reason));
      },
    };
  }

  private acquire(signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.reject(signal.reason as Error);
    if (this.running < this.size) {
      this.running++;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const start = () => {
        signal.removeEventListener('abort', onAbort);
        this.running++;
        resolve();
      };
      const onAbort = () => {
        const at = this.queue.indexOf(start);
        if (at >= 0) this.queue.splice(at, 1);
        reject(signal.reason as Error);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.queue.push(start);
    });
  }

  private release(): void {
    this.running--;
    this.queue.shift()?.();
  }

  private slot(signal: AbortSignal): Slot {
    const runWorker = (task: WorkerTask, onLog: (line: string) => void) =>
      new Promise<TrainResult | TransformResult>((resolve, reject) => {
        if (signal.aborted) return reject(signal.reason as Error);
        const worker = this.checkout();
        const id = this.nextTaskId++;
        let settled = false;
        /** `keep`: the worker finished the task and may take another. */
        const settle = (keep: boolean, fn: () => void) => {
          if (settled) return;
          settled = true;
          signal.removeEventListener('abort', onAbort);
          if (keep) this.checkin(worker);
          fn();
        };
        const onAbort = () => {
          settle(false, () => reject(signal.reason as Error));
          void this.terminate(worker);
        };
        worker.task = {
          id,
          onMessage: (message) => {
            if (message.type === 'log') onLog(message.line);
            else if (message.type === 'done') settle(true, () => resolve(message.result));
            else settle(true, () => reject(new WorkerTaskFailed(message.message, message.clientError)));
          },
          onGone: (err) => settle(false, () => reject(err)),
        };
        signal.addEventListener('abort', onAbort, { once: true });
        try {
          worker.thread.postMessage({ type: 'task', id, task } satisfies TaskMessage);
        } catch (err) {
          // Not cloneable: the worker never saw the task and stays good.
          settle(true, () => reject(err as Error));
        }
      });
    return { signal, runWorker: runWorker as Slot['runWorker'] };
  }

  /** An idle worker, or a new one. It keeps the process alive while it has a task. */
  private checkout(): PooledWorker {
    const reused = this.idle.pop();
    if (reused) {
      reused.thread.ref();
      return reused;
    }
    const worker: PooledWorker = { thread: new Worker(this.entry()) };
    this.started++;
    this.workers.add(worker);
    // Messages of any other task id are stale (none are expected: a worker is terminated, not
    // reused, when its task is abandoned).
    worker.thread.on('message', (message: WorkerMessage) => {
      if (worker.task && message.id === worker.task.id) worker.task.onMessage(message);
    });
    worker.thread.on('error', (err) =>
      this.discard(worker, new WorkerTaskFailed(`${err.name}: ${err.message}`, false)),
    );
    worker.thread.on('exit', (code) =>
      this.discard(worker, new WorkerTaskFailed(`the worker exited (code ${code}) before finishing`, false)),
    );
    return worker;
  }

  /** A worker finished its task: keep it idle (unref'd, so it never holds the process open). */
  private checkin(worker: PooledWorker): void {
    worker.task = undefined;
    if (!this.workers.has(worker)) return;
    if (this.closed || this.workers.size > this.size) {
      void this.terminate(worker);
      return;
    }
    worker.thread.unref();
    this.idle.push(worker);
  }

  /** Forget a worker (terminated, errored or exited); the task it was running fails with `err`. */
  private discard(worker: PooledWorker, err: Error): void {
    this.workers.delete(worker);
    const at = this.idle.indexOf(worker);
    if (at >= 0) this.idle.splice(at, 1);
    const task = worker.task;
    worker.task = undefined;
    task?.onGone(err);
  }

  private terminate(worker: PooledWorker): Promise<void> {
    this.discard(worker, new JobCancelled('its worker was terminated'));
    const done: Promise<void> = worker.thread.terminate().then(
      () => void this.terminating.delete(done),
      () => void this.terminating.delete(done),
    );
    this.terminating.add(done);
    return done;
  }

  /**
   * The local cloud is closing: cancel every job, queued or running, so that none touches the
   * store again, and wait for the workers to end.
   */
  async close(): Promise<void> {
    this.closed = true;
    for (const c of this.controllers) c.abort(new JobCancelled('the local cloud is closing'));
    for (const worker of [...this.workers]) void this.terminate(worker);
    await Promise.all([...this.terminating]);
  }
}
