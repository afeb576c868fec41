/**
 * Status bookkeeping shared by training and transform jobs: SecondaryStatusTransitions (each
 * with StartTime, EndTime once the next begins, and AWS's StatusMessage), and the restart rule.
 */
import type { StatusTransition } from './state.js';

/** StatusMessage of each SecondaryStatus, as AWS words them in SecondaryStatusTransitions. */
const TRAINING_MESSAGES: Record<string, string> = {
  Starting: 'Launching requested ML instances',
  Downloading: 'Downloading input data',
  Training: 'Training image download completed. Training in progress.',
  Uploading: 'Uploading generated training model',
  Completed: 'Training job completed',
  Failed: 'Training job failed',
  Stopping: 'Stopping the training job',
  Stopped: 'Training job stopped',
  MaxRuntimeExceeded: 'Training job stopped: it reached StoppingCondition.MaxRuntimeInSeconds',
};

/** End the open transition and begin `status`; a final status begins and ends at once, as on AWS. */
export function pushTransition(transitions: StatusTransition[], status: string, at: Date, final = false): void {
  const open = transitions[transitions.length - 1];
  if (open && open.EndTime === undefined) open.EndTime = at;
  transitions.push({
    Status: status,
    StartTime: at,
    ...(final ? { EndTime: at } : {}),
    StatusMessage: TRAINING_MESSAGES[status] ?? status,
  });
}

/** FailureReason of a job that was running when the local cloud stopped. */
export const RESTART_REASON = 'The local cloud restarted while this job was running; start it again.';

export const isActive = (status: string): boolean => status === 'InProgress' || status === 'Stopping';

/** AWS caps FailureReason at 1,024 characters. */
export function failureReason(text: string): string {
  return text.length <= 1024 ? text : `${text.slice(0, 1021)}...`;
}
