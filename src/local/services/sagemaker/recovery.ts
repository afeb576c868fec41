/**
 * Restart recovery. A job's worker dies with the local cloud, and SageMaker never leaves a job
 * InProgress forever, so jobs found InProgress or Stopping at startup are marked Failed with a
 * reason that says what happened and what to do.
 */
import { pushTransition, isActive, RESTART_REASON } from './job-status.js';
import type { SageMakerState } from './state.js';
import { elapsedSeconds } from './context.js';

export async function recoverInterruptedJobs(state: SageMakerState, now: Date): Promise<string[]> {
  const recovered: string[] = [];
  for (const record of state.trainingJobs.values()) {
    const d = record.describe;
    if (!isActive(d.TrainingJobStatus)) continue;
    d.TrainingJobStatus = 'Failed';
    d.SecondaryStatus = 'Failed';
    d.FailureReason = RESTART_REASON;
    d.TrainingEndTime = now;
    d.LastModifiedTime = now;
    d.TrainingTimeInSeconds = elapsedSeconds(d.TrainingStartTime ?? d.CreationTime, now);
    d.BillableTimeInSeconds = d.TrainingTimeInSeconds;
    pushTransition(d.SecondaryStatusTransitions, 'Failed', now, true);
    await state.trainingJobs.save(record);
    recovered.push(`training-job/${d.TrainingJobName}`);
  }
  for (const record of state.transformJobs.values()) {
    const d = record.describe;
    if (!isActive(d.TransformJobStatus)) continue;
    d.TransformJobStatus = 'Failed';
    d.FailureReason = RESTART_REASON;
    d.TransformEndTime = now;
    d.LastModifiedTime = now;
    await state.transformJobs.save(record);
    recovered.push(`transform-job/${d.TransformJobName}`);
  }
  return recovered;
}
