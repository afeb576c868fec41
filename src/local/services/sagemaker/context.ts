/** What the SageMaker operations share: state, the job runner, the clock. */
import type { JobRunner, RunningJob } from '../../jobs/runner.js';
import type { JobLogs } from '../../jobs/logs.js';
import type { ObjectStore } from '../../store/object-store.js';
import type { ExecutionRoles } from './pass-role.js';
import type { SageMakerState } from './state.js';

export interface SageMakerContext {
  state: SageMakerState;
  runner: JobRunner;
  store: ObjectStore;
  logs: JobLogs;
  now(): Date;
  /**
   * Set when the local cloud is closing: running jobs are then abandoned without recording an
   * outcome, so that they stay InProgress on disk and the next start marks them Failed with the
   * restart reason (a terminated worker is not a job failure).
   */
  closing: boolean;
  /** Jobs running or queued, by `{kind}/{lower-cased name}`. */
  running: Map<string, RunningJob>;
  /** The account's roles, to check execution roles as SageMaker does (pass-role.ts). */
  roles: ExecutionRoles;
  /** Diagnostics for the daemon log. */
  log(line: string): void;
}

/** Whole seconds between two instants, at least 1 (AWS bills a started second). */
export function elapsedSeconds(start: Date, end: Date): number {
  return Math.max(1, Math.ceil((end.getTime() - start.getTime()) / 1000));
}
