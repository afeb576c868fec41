/**
 * Waiting for an endpoint: until it is InService (after CreateEndpoint / UpdateEndpoint) or gone
 * (after DeleteEndpoint). A small waiter of our own, as for jobs (jobs.ts): it reports each change
 * of status as it goes, backs off, and its errors say what to do.
 *
 * SageMaker quirks it knows:
 * - DescribeEndpoint of an unknown endpoint is a ValidationException "Could not find endpoint …",
 *   not a ResourceNotFound (docs/aws-behaviour.md#control-plane).
 * - A failed UPDATE rolls back: the endpoint returns to InService on its old configuration, with
 *   FailureReason set. "InService" alone does not mean the update worked; the configuration
 *   name tells.
 */
import { DescribeEndpointCommand, type DescribeEndpointOutput, type SageMakerClient } from '@aws-sdk/client-sagemaker';
import { ExitCode, MmeError, fromAwsError } from '../errors.js';
import type { PollOptions } from './jobs.js';

/**
 * AWS: an endpoint takes 5–10 minutes to come up, and DescribeEndpoint is throttled per account;
 * the SDK's own waiter polls every 30 s for up to an hour. Local: a deployment takes well under a
 * second, and 2 minutes means something is wrong.
 */
export const ENDPOINT_POLL: Record<'aws' | 'local', PollOptions> = {
  aws: { initialDelayMs: 10_000, maxDelayMs: 30_000, timeoutMs: 30 * 60_000 },
  local: { initialDelayMs: 100, maxDelayMs: 1_000, timeoutMs: 2 * 60_000 },
};

/**
 * SageMaker answers Describe/Delete of an unknown model, endpoint configuration or endpoint with
 * a ValidationException "Could not find …" (not a ResourceNotFound, as for jobs).
 */
export function isNotFound(err: unknown): boolean {
  const e = err as { name?: string; message?: string };
  return (
    (e?.name === 'ValidationException' || e?.name === 'ValidationError') && /Could not find/i.test(e?.message ?? '')
  );
}

/** DescribeEndpoint, or undefined when there is no such endpoint. */
export async function describeEndpoint(
  sm: Pick<SageMakerClient, 'send'>,
  name: string,
): Promise<DescribeEndpointOutput | undefined> {
  try {
    return await sm.send(new DescribeEndpointCommand({ EndpointName: name }));
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw fromAwsError(err, `describing endpoint ${name}`);
  }
}

/**
 * InService on a configuration, gone, or Settled: no longer Creating / Updating / RollingBack
 * (whatever it ended as: SageMaker refuses to update or delete an endpoint in progress).
 */
export type EndpointGoal = { state: 'InService'; configName: string } | { state: 'Deleted' } | { state: 'Settled' };

const IN_PROGRESS = new Set(['Creating', 'Updating', 'SystemUpdating', 'RollingBack']);

/**
 * Poll until the goal is reached. InService on `configName` returns the description; Failed (or
 * an update rolled back) throws EndpointFailed with the FailureReason; Deleted returns undefined;
 * Settled returns the description as it ended (or undefined when it went away).
 */
export async function waitForEndpoint(
  sm: Pick<SageMakerClient, 'send'>,
  name: string,
  goal: EndpointGoal,
  poll: PollOptions,
  onChange?: (status: string) => void,
): Promise<DescribeEndpointOutput | undefined> {
  const sleep = poll.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const now = poll.now ?? Date.now;
  const deadline = now() + poll.timeoutMs;
  let delay = poll.initialDelayMs;
  let last = '';
  for (;;) {
    const d = await describeEndpoint(sm, name);
    const status = d?.EndpointStatus ?? 'Deleted';
    if (goal.state === 'Deleted') {
      if (!d) return undefined;
    } else if (goal.state === 'Settled') {
      if (!d || !IN_PROGRESS.has(status)) return d;
    } else {
      if (!d)
        throw new MmeError(
          'EndpointNotFound',
          `endpoint ${name} disappeared while we waited for it (deleted by someone else?)`,
          { exitCode: ExitCode.NotFound },
        );
      if (status === 'InService' && d.EndpointConfigName === goal.configName) return d;
      if (status === 'InService' && d.FailureReason)
        throw endpointFailed(name, d.FailureReason, `the update to ${goal.configName} failed and was rolled back`);
      if (status === 'Failed' || status === 'UpdateRollbackFailed' || status === 'OutOfService')
        throw endpointFailed(name, d.FailureReason, `it went ${status}`);
    }
    if (status !== last) {
      last = status;
      onChange?.(status);
    }
    if (now() + delay > deadline) {
      const minutes = Math.round(poll.timeoutMs / 60_000);
      throw new MmeError(
        'WaitTimeout',
        `endpoint ${name} was not ${goal.state === 'Deleted' ? 'deleted' : goal.state === 'Settled' ? 'done changing' : 'InService'} within ${minutes} minutes (last status ${status})`,
        {
          exitCode: ExitCode.Failure,
          hint:
            goal.state === 'Deleted'
              ? 'SageMaker keeps deleting it; run the command again later.'
              : 'The endpoint keeps deploying on the target: run `mme deploy` again to keep waiting, or watch it in the SageMaker console (Inference → Endpoints).',
        },
      );
    }
    await sleep(delay);
    delay = Math.min(poll.maxDelayMs, Math.round(delay * 1.5));
  }
}

function endpointFailed(name: string, reason: string | undefined, what: string): MmeError {
  return new MmeError('EndpointFailed', `endpoint ${name}: ${what}: ${reason ?? 'no FailureReason given'}`, {
    exitCode: ExitCode.Failure,
    detail: { endpoint: name, failureReason: reason ?? null },
    hint: failureHint(reason),
  });
}

/** What to do about the reasons an endpoint most often fails with on AWS. */
export function failureHint(reason: string | undefined): string {
  const r = reason ?? '';
  if (/s3|model data|download|access denied|forbidden|403/i.test(r)) {
    return "The execution role must be able to read the model data: s3:GetObject on the preprocessor's model.tar.gz and sourcedir, and s3:GetObject + s3:ListBucket on the multi-model prefix. Fix the role, then run `mme deploy` again (it re-creates a Failed endpoint).";
  }
  if (/capacity|insufficient/i.test(r)) {
    return 'SageMaker had no capacity for that instance type: retry later, or pick another with --instance-type (e.g. ml.m5.large).';
  }
  if (/health|ping|container/i.test(r)) {
    return "A container did not pass its health check: see the endpoint's CloudWatch logs (/aws/sagemaker/Endpoints/NAME), then run `mme deploy` again.";
  }
  return "Run `mme deploy` again: it deletes a Failed endpoint and creates it anew. The endpoint's CloudWatch logs (/aws/sagemaker/Endpoints/NAME) say more.";
}

/**
 * An error of a hosting call (CreateModel, CreateEndpointConfig, CreateEndpoint, UpdateEndpoint),
 * with what to do about the usual suspects on AWS.
 */
export function hostingError(err: unknown, context: string, o: { instanceType: string; roleArn: string }): MmeError {
  const e = err as { name?: string; message?: string };
  const name = e?.name ?? '';
  const message = `${context}: ${e?.message ?? String(err)}`;
  if (name === 'ResourceLimitExceeded') {
    // AWS: "The account-level service limit 'ml.m4.xlarge for endpoint usage' is 0 Instances, …"
    const quota = /limit '([^']+)'/.exec(e.message ?? '')?.[1] ?? `${o.instanceType} for endpoint usage`;
    return new MmeError(name, message, {
      exitCode: ExitCode.Service,
      cause: err,
      detail: { quota },
      hint: [
        `The SageMaker quota '${quota}' is too low. Raise it in the Service Quotas console (AWS services → Amazon SageMaker), or:`,
        `aws service-quotas list-service-quotas --service-code sagemaker --query "Quotas[?QuotaName=='${quota}'].[QuotaCode,Value]"`,
        'aws service-quotas request-service-quota-increase --service-code sagemaker --quota-code L-XXXXXXXX --desired-value 1',
        'Or deploy on an instance type you have quota for: --instance-type ml.m5.large (or ml.t2.medium).',
      ].join('\n'),
    });
  }
  if (/AccessDenied|NotAuthorized/.test(name)) {
    const passRole = /iam:PassRole/.test(e.message ?? '');
    return new MmeError(name, message, {
      exitCode: ExitCode.AccessDenied,
      cause: err,
      hint: passRole
        ? `Your credentials may not pass the execution role to SageMaker: allow iam:PassRole on ${o.roleArn} (with the condition "iam:PassedToService": "sagemaker.amazonaws.com"), or choose another role with --role-arn.`
        : 'Deploying needs sagemaker:CreateModel, CreateEndpointConfig, CreateEndpoint, UpdateEndpoint, Describe*, Delete* on those resources, s3:GetObject/PutObject on the bucket, and iam:PassRole on the execution role.',
    });
  }
  if (name === 'ValidationException' && /Could not find model data/i.test(e.message ?? '')) {
    // CreateModel checks that a single-model container's ModelDataUrl exists: here the preprocessor's.
    return new MmeError('ModelDataMissing', message, {
      exitCode: ExitCode.NotFound,
      cause: err,
      hint: "The preprocessor's model.tar.gz is gone: run `mme preprocess` and `mme train` again, then deploy.",
    });
  }
  if (name === 'ValidationException' && /role/i.test(e.message ?? '')) {
    return new MmeError('ExecutionRoleRejected', message, {
      exitCode: ExitCode.Config,
      cause: err,
      hint: `SageMaker could not use ${o.roleArn}: it must exist and trust sagemaker.amazonaws.com (its trust policy allows sts:AssumeRole for that service). Choose another with --role-arn.`,
    });
  }
  return fromAwsError(err, context);
}
