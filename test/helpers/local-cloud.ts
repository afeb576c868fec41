/**
 * An in-process local cloud for tests: its own temp state dir, port 0, stopped by the test.
 * Clients built here are the real SDK clients, pointed at it as users point theirs.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { localExecutionRoleArn } from '../../src/aws-names/execution-role.js';
import { openLocalCloud, type OpenLocalCloud, type OpenOptions } from '../../src/local/cloud.js';
import type { LogEventStore } from '../../src/local/store/log-events.js';

export interface TestCloud {
  endpoint: string;
  region: string;
  accountId: string;
  /** The cloud's default credentials: the IAM user mme-admin (AdministratorAccess), as users get them. */
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** The default user's ARN. */
  userArn: string;
  /**
   * The execution role the cloud seeds (it trusts SageMaker, and the default user may pass it):
   * what a CreateTrainingJob, CreateModel or CreateTransformJob names to pass SageMaker's checks.
   */
  executionRoleArn: string;
  /** The account root's keys, for what only the root may do (and for tests about the root). */
  rootCredentials: { accessKeyId: string; secretAccessKey: string };
  stateDir: string;
  s3(overrides?: { credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } }): S3Client;
  sagemaker(overrides?: {
    credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  }): SageMakerClient;
  /** The config any SDK client needs to reach this cloud. */
  clientConfig(): { endpoint: string; region: string; credentials: { accessKeyId: string; secretAccessKey: string } };
  stop(): Promise<void>;
  /** Send the endpoint host's metrics to CloudWatch now (the cloud does it every 5 s). */
  flushMetrics(): void;
  /** The cloud's log events (as a service writes them, without PutLogEvents). */
  logEvents(): LogEventStore;
  /** Close and reopen on the same state dir (and port), as a daemon restart would. */
  restart(): Promise<void>;
}

export async function startTestCloud(
  options: {
    stateDir?: string;
    sagemaker?: OpenOptions['sagemaker'];
    hosting?: OpenOptions['hosting'];
  } = {},
): Promise<TestCloud> {
  const stateDir = options.stateDir ?? (await mkdtemp(join(tmpdir(), 'mme-test-')));
  const ownsState = options.stateDir === undefined;
  let cloud: OpenLocalCloud = await openLocalCloud({
    stateDir,
    port: 0,
    sagemaker: options.sagemaker,
    hosting: options.hosting,
  });
  const clients: { destroy(): void }[] = [];

  const self: TestCloud = {
    get endpoint() {
      return cloud.endpoint;
    },
    region: cloud.region,
    accountId: cloud.account.accountId,
    credentials: { accessKeyId: cloud.defaultUser.accessKeyId, secretAccessKey: cloud.defaultUser.secretAccessKey },
    userArn: cloud.defaultUser.arn,
    executionRoleArn: localExecutionRoleArn(cloud.account.accountId),
    rootCredentials: { accessKeyId: cloud.account.accessKeyId, secretAccessKey: cloud.account.secretAccessKey },
    stateDir,
    clientConfig: () => ({ endpoint: cloud.endpoint, region: cloud.region, credentials: { ...self.credentials } }),
    s3(overrides = {}) {
      const client = new S3Client({ ...self.clientConfig(), ...overrides, forcePathStyle: true });
      clients.push(client);
      return client;
    },
    sagemaker(overrides = {}) {
      const client = new SageMakerClient({ ...self.clientConfig(), ...overrides });
      clients.push(client);
      return client;
    },
    flushMetrics: () => cloud.flushMetrics(),
    logEvents: () => cloud.logEvents,
    async stop() {
      for (const c of clients) c.destroy();
      await cloud.close();
      if (ownsState) await rm(stateDir, { recursive: true, force: true });
    },
    async restart() {
      const port = cloud.port;
      await cloud.close();
      cloud = await openLocalCloud({
        stateDir,
        port,
        sagemaker: options.sagemaker,
        hosting: options.hosting,
      });
    },
  };
  return self;
}
