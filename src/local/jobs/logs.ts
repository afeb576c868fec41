/**
 * Job logs: what a SageMaker job would write to CloudWatch Logs (/aws/sagemaker/TrainingJobs,
 * /aws/sagemaker/TransformJobs), kept as plain text at `{logsDir}/{kind}/{name}.log` for `mme`
 * to read on this machine. Each line is prefixed with its ISO time. The last lines also go into
 * a failed job's FailureReason, since the local cloud serves no CloudWatch Logs API.
 */
import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { KeyedMutex } from '../store/mutex.js';

export type JobKind = 'training-job' | 'transform-job';

export class JobLogs {
  private readonly lock = new KeyedMutex();

  constructor(
    readonly dir: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  path(kind: JobKind, name: string): string {
    return join(this.dir, kind, `${encodeURIComponent(name)}.log`);
  }

  /** Append lines (in call order per log); logging never fails a job, so errors are dropped. */
  append(kind: JobKind, name: string, ...lines: string[]): Promise<void> {
    const path = this.path(kind, name);
    const stamp = this.now().toISOString();
    const text = lines.flatMap((l) => l.split('\n')).map((l) => `${stamp} ${l}\n`).join('');
    return this.lock
      .run(path, async () => {
        await mkdir(dirname(path), { recursive: true });
        await appendFile(path, text, { mode: 0o600 });
      })
      .catch(() => undefined);
  }

  /** The last `count` lines, without their time stamps. */
  async tail(kind: JobKind, name: string, count = 10): Promise<string[]> {
    const path = this.path(kind, name);
    await this.lock.run(path, async () => undefined);
    const text = await readFile(path, 'utf8').catch(() => '');
    return text
      .split('\n')
      .filter((l) => l !== '')
      .slice(-count)
      .map((l) => l.replace(/^\S+ /, ''));
  }

  /** A fresh log for a new job of a reused name (AWS keeps one stream per job run). */
  async reset(kind: JobKind, name: string): Promise<void> {
    const path = this.path(kind, name);
    await this.lock.run(path, async () => {
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, '', { mode: 0o600 });
    });
  }
}
