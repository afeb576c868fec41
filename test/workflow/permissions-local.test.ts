/**
 * The least-privilege proof, on the local cloud with the real SDK clients and SageMaker's role
 * checks on:
 * 1. an IAM user holding only the policy `mme permissions` prints runs the whole workflow —
 *    bootstrap, then the demo's steps (data --upload, preprocess, train, deploy, invoke,
 *    add-model, grant, as the granted role, metrics) for every built-in algorithm on its own
 *    endpoint, status, logs and teardown;
 * 2. without any one of its statements, a request of some command is refused with AccessDenied
 *    (checked per statement with one request of the commands that need it, cheaper than
 *    re-running the workflow once per statement).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreatePolicyCommand,
  CreateUserCommand,
  IAMClient,
} from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClients, type Clients } from '../../src/aws/clients.js';
import { bootstrap } from '../../src/workflow/bootstrap.js';
import { ALGORITHM_NAMES, algorithmSpec } from '../../src/algorithms/registry.js';
import { runDemo } from '../../src/workflow/demo.js';
import { ENDPOINT_POLL } from '../../src/workflow/endpoint-waiter.js';
import { POLL } from '../../src/workflow/jobs.js';
import { readLogs } from '../../src/workflow/logs.js';
import {
  PERMISSION_COMMANDS,
  callerPolicy,
  commandRequests,
  policySize,
  requirementsOf,
  type PermissionScope,
  type PolicyDocument,
} from '../../src/workflow/permissions.js';
import type { PlannedRequest } from '../../src/workflow/dry-run.js';
import { silentReporter } from '../../src/workflow/reporter.js';
import { collectStatus } from '../../src/workflow/status.js';
import { applyTeardown, inspectTeardown } from '../../src/workflow/teardown.js';
import { startTestCloud, type TestCloud } from '../helpers/local-cloud.js';

let cloud: TestCloud;
let admin: IAMClient;
let scope: PermissionScope;
let policy: PolicyDocument;
let dataDir: string;
const built: Clients[] = [];

function clientsAs(credentials: { accessKeyId: string; secretAccessKey: string }): Clients {
  const clients = createClients(
    { region: cloud.region },
    { endpoint: cloud.endpoint, region: cloud.region, credentials },
    { maxAttempts: 1 },
  );
  built.push(clients);
  return clients;
}

/** A fresh IAM user holding `doc` as its one (customer managed) policy, and its clients. */
async function userWith(name: string, doc: PolicyDocument): Promise<Clients> {
  await admin.send(new CreateUserCommand({ UserName: name }));
  const key = (await admin.send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey!;
  // A managed policy: IAM limits a user's inline policies to 2,048 characters in all.
  const created = await admin.send(
    new CreatePolicyCommand({ PolicyName: `${name}-policy`, PolicyDocument: JSON.stringify(doc) }),
  );
  await admin.send(new AttachUserPolicyCommand({ UserName: name, PolicyArn: created.Policy!.Arn! }));
  return clientsAs({ accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! });
}

beforeAll(async () => {
  cloud = await startTestCloud();
  admin = new IAMClient({ ...cloud.clientConfig(), maxAttempts: 1 });
  dataDir = await mkdtemp(path.join(tmpdir(), 'mme-perm-data-'));
  scope = {
    region: cloud.region,
    account: cloud.accountId,
    bucket: 'mme-least-privilege',
    prefix: 'LEAST',
    executionRoleArn: `arn:aws:iam::${cloud.accountId}:role/mme-sagemaker-execution`,
  };
  policy = callerPolicy([], scope);
});

afterAll(async () => {
  for (const c of built) c.destroy();
  admin?.destroy();
  await cloud?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('a user holding only the printed policy', () => {
  it('runs the whole workflow: bootstrap, the demo of each algorithm, status, logs, teardown', async () => {
    expect(policySize(policy)).toBeLessThanOrEqual(6144);
    const user = await userWith('mme-least', policy);

    const made = await bootstrap(
      user,
      {
        region: scope.region,
        bucket: scope.bucket,
        prefix: scope.prefix,
        roleName: 'mme-sagemaker-execution',
      },
      silentReporter,
    );
    expect(made.role.arn).toBe(scope.executionRoleArn);
    expect([made.bucket.status, made.role.status, made.role.policyStatus]).toEqual(['created', 'created', 'created']);
    const again = await bootstrap(
      user,
      {
        region: scope.region,
        bucket: scope.bucket,
        prefix: scope.prefix,
        roleName: 'mme-sagemaker-execution',
      },
      silentReporter,
    );
    expect(again.changed).toBe(false);

    for (const algorithm of ALGORITHM_NAMES) {
      const endpoint = algorithmSpec(algorithm).defaultEndpoint;
      const report = await runDemo(user, silentReporter, {
        target: 'local',
        bucket: scope.bucket,
        prefix: scope.prefix,
        algorithm,
        region: scope.region,
        roleArn: scope.executionRoleArn,
        endpoint,
        rows: 200,
        seed: 7,
        dataDir,
        createBucket: false,
        clean: false,
        jobPoll: POLL.local,
        endpointPoll: ENDPOINT_POLL.local,
        paceMs: 0,
        metricsTimeoutMs: 15_000,
      });
      const failed = report.steps.filter((s) => !s.ok);
      expect(failed, `${algorithm}: ${JSON.stringify(failed)}`).toEqual([]);
      expect(report.ok).toBe(true);

      const status = await collectStatus(user, silentReporter, {
        region: scope.region,
        prefix: scope.prefix,
        endpoint,
      });
      expect(JSON.stringify(status)).toContain(endpoint);

      const trainJob = (report.steps.find((s) => s.name === 'train')!.result as { jobs: { name: string }[] }).jobs[0]!
        .name;
      const logs = await readLogs(user, silentReporter, { name: trainJob, region: scope.region });
      expect(logs.lines.length).toBeGreaterThan(0);
    }

    for (const [i, algorithm] of ALGORITHM_NAMES.entries()) {
      // The last teardown, --all, also removes the prefix's objects and preprocessor models.
      const all = i === ALGORITHM_NAMES.length - 1;
      const endpoint = algorithmSpec(algorithm).defaultEndpoint;
      const teardown = { endpoint, bucket: scope.bucket, prefix: scope.prefix, all };
      const plan = await inspectTeardown(user, teardown);
      const removed = await applyTeardown(user, silentReporter, plan, { ...teardown, poll: ENDPOINT_POLL.local });
      expect(removed.models.length).toBeGreaterThan(0);
    }
  }, 240_000);
});

describe('without any one statement', () => {
  it('some request of the workflow is refused with AccessDenied', async () => {
    const all: PlannedRequest[] = PERMISSION_COMMANDS.flatMap((c) => commandRequests(c, scope));
    const unrefused: string[] = [];
    for (const [i, statement] of policy.Statement.entries()) {
      const reduced: PolicyDocument = { ...policy, Statement: policy.Statement.filter((_, j) => j !== i) };
      const user = await userWith(`mme-without-${statement.Sid.toLowerCase()}`, reduced);
      // The requests that need an action of this statement on one of its resources.
      const probes = all.filter((r) =>
        requirementsOf(r, scope).some(
          (q) => statement.Action.includes(q.action) && statement.Resource.includes(q.resource),
        ),
      );
      let refused = false;
      for (const probe of probes) {
        if (await isAccessDenied(send(user, probe))) {
          refused = true;
          break;
        }
      }
      if (!refused) unrefused.push(`${statement.Sid} (${probes.length} probes)`);
    }
    expect(unrefused).toEqual([]);
  }, 60_000);
});

/** Send a planned request with the SDK client of its service. */
async function send(clients: Clients, r: PlannedRequest): Promise<unknown> {
  const packages = {
    S3: ['@aws-sdk/client-s3', 's3'],
    SageMaker: ['@aws-sdk/client-sagemaker', 'sageMaker'],
    SageMakerRuntime: ['@aws-sdk/client-sagemaker-runtime', 'sageMakerRuntime'],
    IAM: ['@aws-sdk/client-iam', 'iam'],
    STS: ['@aws-sdk/client-sts', 'sts'],
    CloudWatch: ['@aws-sdk/client-cloudwatch', 'cloudWatch'],
    CloudWatchLogs: ['@aws-sdk/client-cloudwatch-logs', 'logs'],
  } as const;
  const [pkg, factory] = packages[r.service];
  const module = (await import(pkg)) as Record<string, new (input: unknown) => unknown>;
  const input = { ...r.input } as Record<string, unknown>;
  // Documents go as text; the runtime needs a body; DeleteObjects takes its keys in Delete.
  for (const key of ['AssumeRolePolicyDocument', 'PolicyDocument'])
    if (typeof input[key] === 'object') input[key] = JSON.stringify(input[key]);
  if (r.operation === 'InvokeEndpoint') Object.assign(input, { Body: '1,2', ContentType: 'text/csv' });
  if (r.operation === 'DeleteObjects')
    Object.assign(input, { Delete: { Objects: (input.Keys as string[]).map((Key) => ({ Key })) }, Keys: undefined });
  if (r.operation === 'GetMetricData')
    Object.assign(input, { StartTime: new Date(Date.now() - 60_000), EndTime: new Date(), MetricDataQueries: [] });
  if (r.operation === 'AssumeRole') Object.assign(input, { RoleSessionName: 'probe' });
  const client = (await (clients[factory] as () => Promise<{ send(c: unknown): Promise<unknown> }>)()) as {
    send(c: unknown): Promise<unknown>;
  };
  return client.send(new module[`${r.operation}Command`]!(input));
}

async function isAccessDenied(call: Promise<unknown>): Promise<boolean> {
  try {
    await call;
    return false;
  } catch (err) {
    const e = err as { name?: string; Code?: string; $metadata?: { httpStatusCode?: number } };
    return /AccessDenied/.test(`${e.name} ${e.Code ?? ''}`) || e.$metadata?.httpStatusCode === 403;
  }
}
