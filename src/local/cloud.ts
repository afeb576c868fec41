/**
 * The local cloud assembled: the account, its credentials, the services over one object store,
 * the app, and the listener. Used by the daemon (main.ts) and, in-process, by tests.
 */
import { join } from 'node:path';
import { mkdir } from 'node:fs/promises';
import { createApp } from './app.js';
import {
  AccountCredentialStore,
  awsId,
  newRootAccount,
  newSecretAccessKey,
  type RootAccount,
} from './auth/credentials.js';
import { listen } from './server.js';
import { createS3Service } from './services/s3/index.js';
import { createSageMakerService, type SageMakerDeps } from './services/sagemaker/index.js';
import { createIamService, IamState } from './services/iam/index.js';
import { DEFAULT_USER_NAME, seedDefaultUser, type DefaultUserKey } from './services/iam/default-user.js';
import { executionRoles, seedExecutionRole } from './services/iam/execution-role.js';
import { createStsService } from './services/sts/index.js';
import { createCloudWatchService } from './services/cloudwatch/index.js';
import { createLogsService } from './services/logs/index.js';
import { LogEventStore } from './store/log-events.js';
import { createRuntimeService } from './services/runtime/index.js';
import { EndpointHost, lineLogger, type EndpointHostOptions } from './hosting/index.js';
import { createPolicyAuthorizer } from './auth/authorizer.js';
import { SessionStore } from './auth/sessions.js';
import { createFileExclusive, readJsonFile } from '../util/fs.js';

export const DEFAULT_REGION = 'us-east-1';

/** Files in the state directory. */
export const statePaths = (stateDir: string) => ({
  account: join(stateDir, 'account.json'),
  defaultUser: join(stateDir, 'default-user.json'),
  daemon: join(stateDir, 'daemon.json'),
  log: join(stateDir, 'daemon.log'),
  iam: join(stateDir, 'iam'),
  sts: join(stateDir, 'sts'),
  settings: join(stateDir, 'local-cloud.json'),
  s3: join(stateDir, 's3'),
  cloudwatch: join(stateDir, 'cloudwatch'),
  logs: join(stateDir, 'cloudwatch-logs'),
  hosting: join(stateDir, 'hosting'),
});

/**
 * The account's root credentials: created at first start with mode 0600, then reused, so state
 * and keys survive restarts. Two starts at once agree on one account: the file is created
 * complete and exclusively, and the loser of the race reads the winner's.
 */
export async function loadOrCreateAccount(stateDir: string): Promise<RootAccount> {
  const path = statePaths(stateDir).account;
  const existing = await readJsonFile<RootAccount>(path);
  if (existing) return validateAccount(existing, path);
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  const account = newRootAccount();
  if (await createFileExclusive(path, JSON.stringify(account, null, 2) + '\n', 0o600)) return account;
  // Another process created it first: use theirs.
  return validateAccount((await readJsonFile<RootAccount>(path))!, path);
}

/**
 * The default user's access key (services/iam/default-user.ts), created as the account is: at
 * first start, mode 0600, exclusively, so racing starts agree on one key. A state directory from
 * before IAM users gets one at its next start.
 */
export async function loadOrCreateDefaultUser(stateDir: string): Promise<DefaultUserKey> {
  const path = statePaths(stateDir).defaultUser;
  const existing = await readJsonFile<DefaultUserKey>(path);
  if (existing) return validateDefaultUser(existing, path);
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  const key: DefaultUserKey = {
    userName: DEFAULT_USER_NAME,
    accessKeyId: awsId('AKIA'),
    secretAccessKey: newSecretAccessKey(),
  };
  if (await createFileExclusive(path, JSON.stringify(key, null, 2) + '\n', 0o600)) return key;
  return validateDefaultUser((await readJsonFile<DefaultUserKey>(path))!, path);
}

function validateDefaultUser(value: DefaultUserKey, path: string): DefaultUserKey {
  if (!value.userName || !/^AKIA/.test(value.accessKeyId ?? '') || !value.secretAccessKey) {
    throw new Error(`${path} is not a valid local cloud user key file; move it away to get a new key`);
  }
  return value;
}

function validateAccount(value: RootAccount, path: string): RootAccount {
  if (!/^\d{12}$/.test(value.accountId ?? '') || !value.accessKeyId || !value.secretAccessKey) {
    throw new Error(`${path} is not a valid local cloud account file; move it away to start afresh`);
  }
  return value;
}

export interface OpenOptions {
  stateDir: string;
  /** 0 picks a free port. */
  port?: number;
  /** The region `mme local env` advertises; requests may be signed for any region. */
  region?: string;
  log?: (line: string) => void;
  /** The clock of authentication, IAM and STS (tests: expire sessions without waiting). */
  now?: () => Date;
  /** SageMaker job settings (pool size; tests: a worker delay hook). */
  sagemaker?: Pick<SageMakerDeps, 'poolSize' | 'workerDelayMs'>;
  /** Endpoint hosting settings (experiments: instance memory/disk, per-model overhead, eviction policy). */
  hosting?: Pick<
    EndpointHostOptions,
    'instance' | 'modelOverheadBytes' | 'cacheMemoryFraction' | 'evictionPolicy' | 'modelLoadWaitLimitMs'
  >;
}

/** How often the endpoint host's counters go to CloudWatch (AWS publishes per minute; we aggregate on read). */
const METRICS_FLUSH_MS = 5_000;

export interface OpenLocalCloud {
  endpoint: string;
  port: number;
  region: string;
  account: RootAccount;
  /** The IAM user whose keys are the cloud's default credentials, with its ARN. */
  defaultUser: DefaultUserKey & { arn: string };
  stateDir: string;
  /** Send the endpoint host's metrics to CloudWatch now, not at the next 5 s tick (tests). */
  flushMetrics(): void;
  /** The log events CloudWatch Logs serves (what jobs and endpoints write). */
  logEvents: LogEventStore;
  close(): Promise<void>;
}

export async function openLocalCloud(options: OpenOptions): Promise<OpenLocalCloud> {
  const paths = statePaths(options.stateDir);
  const account = await loadOrCreateAccount(options.stateDir);
  const log = options.log ?? (() => {});
  const now = options.now ?? (() => new Date());
  const defaultUser = await loadOrCreateDefaultUser(options.stateDir);
  const iamState = await IamState.open({ accountId: account.accountId, dir: paths.iam });
  await seedDefaultUser(iamState, defaultUser, now());
  await seedExecutionRole(iamState, now());
  // Temporary credentials from STS, layered over the long-term keys (the root's and IAM users').
  const credentials = await SessionStore.open({
    base: new AccountCredentialStore(account, iamState),
    dir: paths.sts,
    now,
  });
  const iam = createIamService({ state: iamState, now });
  const sts = createStsService({ iam: iamState, sessions: credentials, now });
  const s3 = createS3Service({ dataDir: paths.s3 });
  // Jobs and endpoints write their containers' lines here; CloudWatch Logs serves them.
  const logEvents = new LogEventStore({
    dir: paths.logs,
    now,
    onError: (err) => log(`logs: writing log events failed: ${String(err)}`),
  });
  const logs = createLogsService(logEvents);
  await logs.open();
  const host = new EndpointHost(s3.store, {
    ...options.hosting,
    workDir: paths.hosting,
    now,
    logger: lineLogger(log),
    containerLogs: logEvents,
  });
  const sagemaker = createSageMakerService({
    ...options.sagemaker,
    stateDir: options.stateDir,
    store: s3.store,
    log,
    host,
    events: logEvents,
    roles: executionRoles(iamState),
  });
  await sagemaker.open();
  const cloudwatch = createCloudWatchService({ dir: paths.cloudwatch, now, log });
  await cloudwatch.open();
  // Stored as high-resolution data (1 s): see hosting/metrics.ts on why the local cloud does better than AWS here.
  const forwardMetrics = () => {
    host.sampleGauges();
    host.metrics.flush(
      (ns, name, dims, value, unit, at) => void cloudwatch.metrics.put(ns, name, dims, value, unit, at, 1),
    );
  };
  const metricsTimer = setInterval(forwardMetrics, METRICS_FLUSH_MS);
  metricsTimer.unref();
  const app = createApp({
    credentials,
    services: {
      s3,
      sagemaker,
      iam,
      sts,
      monitoring: cloudwatch,
      logs,
      'sagemaker-runtime': createRuntimeService(host),
    },
    authorizer: createPolicyAuthorizer(iamState, now, credentials),
    now,
    onInternalError: (err, request) =>
      log(`internal error on ${request.method} ${request.rawPath}: ${(err as Error)?.stack ?? String(err)}`),
  });
  const running = await listen(app, { port: options.port ?? 0, onError: (err) => log(`server error: ${String(err)}`) });
  return {
    endpoint: running.endpoint,
    port: running.port,
    region: options.region ?? DEFAULT_REGION,
    account,
    defaultUser: {
      ...defaultUser,
      arn: iamState.user(defaultUser.userName)?.arn ?? `arn:aws:iam::${account.accountId}:user/${defaultUser.userName}`,
    },
    stateDir: options.stateDir,
    flushMetrics: forwardMetrics,
    logEvents,
    close: async () => {
      clearInterval(metricsTimer);
      await running.close();
      await sagemaker.close();
      await host.close();
      forwardMetrics();
      await cloudwatch.close();
      await logs.close();
      // Last: pending object writes finish and the journal closes before the next open.
      await s3.store.close();
    },
  };
}
