/**
 * `mme bootstrap`: what the workflow needs before its first job, on either target:
 * - the bucket (HeadBucket; CreateBucket when there is none, with the region as
 *   LocationConstraint outside us-east-1);
 * - the SageMaker execution role: trusted by sagemaker.amazonaws.com only, with one inline
 *   policy of least privilege (that bucket, pulling the workflow's images, SageMaker's log groups
 *   and metrics: permissions.ts's executionRolePolicy).
 * Idempotent: what exists and matches is left alone, what differs (the trust policy, the inline
 * policy) is brought back, and the result says which, so a second run reports "unchanged".
 * The same requests, as values, are what `--dry-run` prints (bootstrapRequests).
 */
import { CreateBucketCommand, HeadBucketCommand, type BucketLocationConstraint } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { sagemakerTrustPolicy } from '../aws-names/execution-role.js';
import { partitionIdOf } from '../aws-names/partitions.js';
import type { Clients } from '../aws/clients.js';
import { ExitCode, MmeError, fromAwsError } from '../errors.js';
import type { PlannedRequest } from './dry-run.js';
import { executionRolePolicy, type PermissionScope } from './permissions.js';
import type { Reporter } from './reporter.js';
import { call, findOrCreateRole, putPolicyIfChanged, updateTrustIfChanged } from './iam-roles.js';

/** The execution role `mme bootstrap` makes on aws unless told otherwise. */
export const DEFAULT_EXECUTION_ROLE_NAME = 'mme-sagemaker-execution';
/** The role's one inline policy. */
const POLICY_NAME = 'mme-execution';
const ROLE_DESCRIPTION = 'SageMaker execution role of mme: the bucket, the images, logs and metrics';

export interface BootstrapOptions {
  region: string;
  bucket: string;
  prefix: string;
  roleName: string;
}

type Change = 'created' | 'updated' | 'unchanged';

export interface BootstrapResult {
  bucket: { name: string; status: 'created' | 'unchanged' };
  role: { name: string; arn: string; status: Change; policyName: string; policyStatus: Change };
  /** Whether anything was created or changed. */
  changed: boolean;
}

function roleArnFor(region: string, account: string, roleName: string): string {
  return `arn:${partitionIdOf(region)}:iam::${account}:role/${roleName}`;
}

function policyScope(o: BootstrapOptions, account: string): PermissionScope {
  return {
    region: o.region,
    account,
    bucket: o.bucket,
    prefix: o.prefix,
    executionRoleArn: roleArnFor(o.region, account, o.roleName),
  };
}

const locationConstraint = (region: string) =>
  // Outside us-east-1, S3 requires the region as LocationConstraint (and rejects it inside).
  region === 'us-east-1' ? undefined : { LocationConstraint: region as BucketLocationConstraint };

/** The requests of a bootstrap, in order, for --dry-run; which go depends on what the reads answer. */
export function bootstrapRequests(o: BootstrapOptions, account: string): PlannedRequest[] {
  const RoleName = o.roleName;
  const trust = JSON.stringify(sagemakerTrustPolicy());
  const policy = JSON.stringify(executionRolePolicy(policyScope(o, account)));
  const constraint = locationConstraint(o.region);
  return [
    { service: 'STS', operation: 'GetCallerIdentity', input: {}, note: 'the account, for the role ARN' },
    { service: 'S3', operation: 'HeadBucket', input: { Bucket: o.bucket }, note: 'does the bucket exist?' },
    {
      service: 'S3',
      operation: 'CreateBucket',
      input: { Bucket: o.bucket, ...(constraint ? { CreateBucketConfiguration: constraint } : {}) },
      note: 'if it does not',
    },
    { service: 'IAM', operation: 'GetRole', input: { RoleName }, note: 'does the role exist?' },
    {
      service: 'IAM',
      operation: 'CreateRole',
      input: { RoleName, AssumeRolePolicyDocument: trust, Description: ROLE_DESCRIPTION },
      note: 'if it does not',
    },
    {
      service: 'IAM',
      operation: 'UpdateAssumeRolePolicy',
      input: { RoleName, PolicyDocument: trust },
      note: 'if it does, with another trust policy',
    },
    { service: 'IAM', operation: 'GetRolePolicy', input: { RoleName, PolicyName: POLICY_NAME }, note: 'if it does' },
    {
      service: 'IAM',
      operation: 'PutRolePolicy',
      input: { RoleName, PolicyName: POLICY_NAME, PolicyDocument: policy },
      note: 'unless the role has this very policy already',
    },
  ];
}

export async function bootstrap(
  clients: Pick<Clients, 's3' | 'iam' | 'sts'>,
  o: BootstrapOptions,
  reporter: Reporter,
): Promise<BootstrapResult> {
  const [s3c, iam, sts] = await Promise.all([clients.s3(), clients.iam(), clients.sts()]);
  const identity = await call(() => sts.send(new GetCallerIdentityCommand({})), 'reading the caller identity');
  const account = identity.Account!;

  reporter.report({ kind: 'start', id: 'bootstrap.bucket', text: `Bucket ${o.bucket}` });
  const bucketStatus = await ensureBucket(s3c, o);
  reporter.report({ kind: 'succeed', id: 'bootstrap.bucket', text: `Bucket ${o.bucket} ${bucketStatus}` });

  reporter.report({ kind: 'start', id: 'bootstrap.role', text: `Role ${o.roleName}` });
  const trust = JSON.stringify(sagemakerTrustPolicy());
  const policy = JSON.stringify(executionRolePolicy(policyScope(o, account)));
  const { role, created } = await findOrCreateRole(iam, {
    RoleName: o.roleName,
    AssumeRolePolicyDocument: trust,
    Description: ROLE_DESCRIPTION,
  });
  const roleStatus: Change = created
    ? 'created'
    : (await updateTrustIfChanged(iam, role, trust))
      ? 'updated'
      : 'unchanged';
  const policyStatus: Change = await putPolicyIfChanged(iam, {
    roleName: o.roleName,
    policyName: POLICY_NAME,
    policy,
    roleCreated: created,
  });
  reporter.report({
    kind: 'succeed',
    id: 'bootstrap.role',
    text: `Role ${o.roleName} ${roleStatus}, policy ${POLICY_NAME} ${policyStatus}`,
  });
  return {
    bucket: { name: o.bucket, status: bucketStatus },
    role: { name: o.roleName, arn: role.Arn!, status: roleStatus, policyName: POLICY_NAME, policyStatus },
    changed: bucketStatus !== 'unchanged' || roleStatus !== 'unchanged' || policyStatus !== 'unchanged',
  };
}

async function ensureBucket(
  s3c: Awaited<ReturnType<Clients['s3']>>,
  o: BootstrapOptions,
): Promise<'created' | 'unchanged'> {
  try {
    await s3c.send(new HeadBucketCommand({ Bucket: o.bucket }));
    return 'unchanged';
  } catch (err) {
    const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
    if (e.$metadata?.httpStatusCode === 403)
      throw new MmeError('BucketNotYours', `the bucket ${o.bucket} exists but is not yours (HeadBucket: 403)`, {
        exitCode: ExitCode.AccessDenied,
        hint: 'Bucket names are global across AWS accounts: choose another with --bucket.',
      });
    if (e.name !== 'NotFound' && e.name !== 'NoSuchBucket' && e.$metadata?.httpStatusCode !== 404)
      throw fromAwsError(err, `checking bucket ${o.bucket}`);
  }
  const constraint = locationConstraint(o.region);
  try {
    await s3c.send(
      new CreateBucketCommand({ Bucket: o.bucket, ...(constraint ? { CreateBucketConfiguration: constraint } : {}) }),
    );
  } catch (err) {
    if ((err as { name?: string }).name === 'BucketAlreadyOwnedByYou') return 'unchanged';
    throw fromAwsError(err, `creating bucket ${o.bucket}`);
  }
  return 'created';
}
