/**
 * The SageMaker control plane of the local cloud (AWS JSON 1.1, `X-Amz-Target: SageMaker.<Op>`):
 * training jobs, models, transform jobs, endpoints and their tags. Operations are split by
 * resource; operations.ts is their table, this file wires them to the protocol kit and the job runner.
 *
 * Files on disk (under the local cloud's state dir; job logs go to the log-event store, `events`):
 *   sagemaker/{training-jobs,transform-jobs,models}/{name}.json   one document per resource
 */
import { join } from 'node:path';
import { JobLogs, type JobKind } from '../../jobs/logs.js';
import { LogEventStore } from '../../store/log-events.js';
import { JobPool } from '../../jobs/pool.js';
import { JobRunner } from '../../jobs/runner.js';
import { jsonProtocol } from '../../protocols/json.js';
import { notImplementedError } from '../../protocols/index.js';
import { serveOperations } from '../../protocols/operations.js';
import type { LocalService } from '../../service.js';
import { DocumentStore } from '../../store/documents.js';
import type { ObjectStore } from '../../store/object-store.js';
import type { SageMakerContext } from './context.js';
import type { ExecutionRoles } from './pass-role.js';
import { modelOperations } from './models.js';
import { EndpointControlPlane } from './endpoints.js';
import type { EndpointHost } from '../../hosting/index.js';
import { recoverInterruptedJobs } from './recovery.js';
import { searchOperations } from './search.js';
import { SageMakerState } from './state.js';
import { tagOperations } from './tags.js';
import { trainingJobOperations } from './training-jobs.js';
import { transformJobOperations } from './transform-jobs.js';
import { sagemakerOperations } from './operations.js';

export interface SageMakerDeps {
  /** The local cloud's state dir: documents go to {stateDir}/sagemaker. */
  stateDir: string;
  /** Where jobs write their logs (CloudWatch Logs serves them); in memory when omitted (tests). */
  events?: LogEventStore;
  /** The object store the S3 service serves (jobs read and write it directly). */
  store: ObjectStore;
  now?: () => Date;
  /** Jobs running at once; more wait in a queue. Default: os.availableParallelism(). */
  poolSize?: number;
  /** Test hook: make a job's worker wait before working (to stop it, or restart mid-run). */
  workerDelayMs?: (kind: JobKind, name: string) => number | undefined;
  /** Worker entry override (tests). */
  workerEntry?: () => string;
  log?: (line: string) => void;
  /** The account's roles: execution roles are checked as SageMaker does (pass-role.ts). */
  roles: ExecutionRoles;
  /** The endpoint host (src/local/hosting); without it the endpoint operations are not served. */
  host?: EndpointHost;
}

export interface SageMakerService extends LocalService {
  /** Load state and recover interrupted jobs. Requests wait for it; call it to fail early. */
  open(): Promise<void>;
  /** Abandon running jobs (they stay InProgress on disk for recovery) and flush state. */
  close(): Promise<void>;
}

export function createSageMakerService(deps: SageMakerDeps): SageMakerService {
  const log = deps.log ?? (() => {});
  const now = deps.now ?? (() => new Date());
  const state = new SageMakerState(new DocumentStore(join(deps.stateDir, 'sagemaker')), (err) =>
    log(`sagemaker state: ${(err as Error)?.message ?? err}`),
  );
  const logs = new JobLogs(deps.events ?? new LogEventStore({ now }));
  const pool = new JobPool(deps.poolSize, { entry: deps.workerEntry });
  const runner = new JobRunner({ store: deps.store, logs, pool, workerDelayMs: deps.workerDelayMs });
  const ctx: SageMakerContext = {
    state,
    runner,
    store: deps.store,
    logs,
    now,
    closing: false,
    running: new Map(),
    log,
    roles: deps.roles,
  };
  const endpoints = deps.host ? new EndpointControlPlane(ctx, deps.host, deps.stateDir) : undefined;
  const operations = sagemakerOperations({
    training: trainingJobOperations(ctx),
    transform: transformJobOperations(ctx),
    models: modelOperations(ctx),
    tags: tagOperations(state),
    search: searchOperations(state),
    endpoints: endpoints?.operations(),
  });

  let opening: Promise<void> | undefined;
  const open = () =>
    (opening ??= (async () => {
      await state.load();
      const recovered = await recoverInterruptedJobs(state, now());
      if (recovered.length > 0) log(`marked ${recovered.length} interrupted job(s) Failed: ${recovered.join(', ')}`);
      await endpoints?.open();
    })());

  return {
    ...serveOperations({
      id: 'sagemaker',
      protocol: jsonProtocol('1.1', { target: 'SageMaker' }),
      operations,
      context: (call) => call,
      unknownOperation: (name) => notImplementedError('sagemaker', `the SageMaker operation ${name}`),
      ready: open,
    }),
    open,
    async close() {
      ctx.closing = true;
      await opening?.catch(() => undefined);
      await pool.close();
      await endpoints?.close();
      await state.flush();
    },
  };
}
