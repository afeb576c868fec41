/**
 * A bounded pool of job slots. Each scheduled job holds a slot from its start to its end (as a
 * SageMaker job holds its instance while it downloads, trains and uploads); jobs beyond the
 * bound wait in a queue, in order. CPU work runs in a fresh worker thread per task, so stopping
 * a job is `worker.terminate()`: nothing of it survives, whatever it was doing.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { TrainResult, TransformResult, WorkerMessage, WorkerTask } from './protocol.js';

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
  /** Run one task in a new worker thread; rejects with JobCancelled if the job is stopped. */
  runWorker(task: WorkerTask & { type: 'train' }, onLog: (line: string) => void): Promise<TrainResult>;
  runWorker(task: WorkerTask & { type: 'transform' }, onLog: (line: string) => void): Promise<TransformResult>;
}

export interface ScheduledJob<T> {
  result: Promise<T>;
  /** Stop the job: dequeue it, or terminate its worker. Idempotent. */
  cancel(reason: string): void;
}

export class JobPool {
  private readonly queue: (() => void)[] = [];
  private running = 0;
  private readonly workers = new Set<Worker>();
  private readonly controllers = new Set<AbortController>();
  private readonly entry: () => string;
  private closed = false;

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
        const worker = new Worker(this.entry(), { workerData: task });
        this.workers.add(worker);
        let settled = false;
        const settle = (fn: () => void) => {
          if (settled) return;
          settled = true;
          signal.removeEventListener('abort', onAbort);
          this.workers.delete(worker);
          fn();
        };
        const onAbort = () => {
          settle(() => reject(signal.reason as Error));
          void worker.terminate();
        };
        signal.addEventListener('abort', onAbort, { once: true });
        worker.on('message', (message: WorkerMessage) => {
          if (message.type === 'log') onLog(message.line);
          else if (message.type === 'done') settle(() => resolve(message.result));
          else settle(() => reject(new WorkerTaskFailed(message.message, message.clientError)));
          if (message.type !== 'log') void worker.terminate();
        });
        worker.on('error', (err) => settle(() => reject(new WorkerTaskFailed(`${err.name}: ${err.message}`, false))));
        worker.on('exit', (code) => settle(() => reject(new WorkerTaskFailed(`the worker exited (code ${code}) before finishing`, false))));
      });
    return { signal, runWorker: runWorker as Slot['runWorker'] };
  }

  /**
   * The local cloud is closing: cancel every job, queued or running, so that none touches the
   * store again, and wait for the workers to end.
   */
  async close(): Promise<void> {
    this.closed = true;
    const workers = [...this.workers];
    for (const c of this.controllers) c.abort(new JobCancelled('the local cloud is closing'));
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
