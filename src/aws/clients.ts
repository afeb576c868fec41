/**
 * The ONE place AWS SDK clients are constructed. Each client package is imported lazily, on
 * first use: loading all six costs about 120 ms over bare node (docs/aws-behaviour.md#sdk-loading), so `mme --help` and commands that need only S3 never pay for SageMaker.
 *
 * Both targets go through the same clients; only the connection differs:
 * - local: the daemon's endpoint and static keys (forcePathStyle on S3: with `localhost`
 *   virtual-host style would resolve `bucket.localhost`);
 * - aws: no endpoint, the standard credential chain, honouring --profile via the client's
 *   `profile` option.
 * Explicit credentials (an assumed-role session, for `invoke --role-arn`) override either.
 *
 * Every client has a connection timeout, a request timeout per attempt (per service: see
 * REQUEST_TIMEOUT_MS) and the SDK's standard or adaptive retries, and a call that runs out of
 * time fails with an MmeError naming the service, the endpoint and the timeout (./timeouts.ts).
 */
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { IAMClient } from '@aws-sdk/client-iam';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SageMakerClient } from '@aws-sdk/client-sagemaker';
import type { SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import type { STSClient } from '@aws-sdk/client-sts';
import type { Settings } from '../config/settings.js';
import { packageVersion } from '../config/version.js';
import { instrumentClient, REQUEST_TIMEOUT_MS, type NetworkSettings } from './timeouts.js';

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

/** How to reach the cloud. On local it comes from the daemon; on aws it is undefined. */
export interface TargetConnection {
  endpoint: string;
  region: string;
  credentials: AwsCredentials;
}

/** Async factories: the first call loads the package and builds the client, later calls reuse it. */
export interface Clients {
  s3(): Promise<S3Client>;
  sageMaker(): Promise<SageMakerClient>;
  sageMakerRuntime(): Promise<SageMakerRuntimeClient>;
  iam(): Promise<IAMClient>;
  sts(): Promise<STSClient>;
  cloudWatch(): Promise<CloudWatchClient>;
  /** CloudWatch Logs: jobs' and endpoints' logs (`mme logs`). */
  logs(): Promise<CloudWatchLogsClient>;
  /** The same connection with other credentials (an assumed role's session). */
  withCredentials(credentials: AwsCredentials): Clients;
  /** Release sockets of the clients built so far, so the process can exit promptly. */
  destroy(): void;
}

export interface ClientOptions {
  credentials?: AwsCredentials;
  /** Override the retry budget (tests use 1). */
  maxAttempts?: number;
  /**
   * Called with every request a client sends, as the command was given (before serialization):
   * how tests compare what a command sends with what its --dry-run printed.
   */
  onRequest?: (request: SentRequest) => void;
}

/** A request as sent: the service (as PlannedRequest names it), the operation and its input. */
export interface SentRequest {
  service: string;
  operation: string;
  input: Record<string, unknown>;
}

/**
 * Real AWS: the SDK's standard mode with 4 attempts rides out SageMaker control-plane throttling
 * while waiters poll several jobs. Local: a refused connection means the daemon is gone, and
 * retrying only delays the error, so 2.
 */
const MAX_ATTEMPTS = { aws: 4, local: 2 } as const;

/** No setting: connect within 10 s. A TCP handshake to a regional endpoint takes milliseconds; 10 s rides out a lost SYN or two. */
const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

type ClientSettings = Pick<Settings, 'region' | 'profile'> & Partial<NetworkSettings>;

export function createClients(
  settings: ClientSettings,
  target: TargetConnection | undefined,
  options: ClientOptions = {},
): Clients {
  const config = clientConfig(settings, target, options);
  const built: Array<Promise<{ destroy(): void }>> = [];

  /** Memoise one client; `load` imports its package only when first called. */
  function lazy<T extends { destroy(): void }>(load: () => Promise<T>): () => Promise<T> {
    let client: Promise<T> | undefined;
    return () => {
      if (!client) {
        client = load().then((c) => recordRequests(instrumentClient(c, timeoutsOf(settings)), options.onRequest));
        built.push(client);
      }
      return client;
    };
  }

  return {
    s3: lazy(async () => {
      const { S3Client } = await import('@aws-sdk/client-s3');
      return new S3Client({ ...config, forcePathStyle: target !== undefined });
    }),
    sageMaker: lazy(async () => new (await import('@aws-sdk/client-sagemaker')).SageMakerClient(config)),
    sageMakerRuntime: lazy(
      async () => new (await import('@aws-sdk/client-sagemaker-runtime')).SageMakerRuntimeClient(config),
    ),
    iam: lazy(async () => new (await import('@aws-sdk/client-iam')).IAMClient(config)),
    sts: lazy(async () => new (await import('@aws-sdk/client-sts')).STSClient(config)),
    cloudWatch: lazy(async () => new (await import('@aws-sdk/client-cloudwatch')).CloudWatchClient(config)),
    logs: lazy(async () => new (await import('@aws-sdk/client-cloudwatch-logs')).CloudWatchLogsClient(config)),
    withCredentials: (credentials) => createClients(settings, target, { ...options, credentials }),
    destroy() {
      for (const client of built)
        void client.then(
          (c) => c.destroy(),
          () => {},
        );
    },
  };
}

/** The part of the client configuration every client shares (a subset of each client's config). */
export interface SharedClientConfig {
  region: string;
  endpoint?: string;
  credentials?: AwsCredentials;
  profile?: string;
  maxAttempts: number;
  retryMode: 'standard' | 'adaptive';
  /** NodeHttpHandler options; the request timeout is set per service when the client is built. */
  requestHandler: { connectionTimeout: number; requestTimeout: number; throwOnRequestTimeout: true };
  customUserAgent: string;
}

/** The timeouts a client of `serviceId` gets: the setting, else the service's own default. */
function timeoutsOf(
  settings: Partial<NetworkSettings>,
): (serviceId: string) => { connectMs: number; requestMs: number } {
  return (serviceId) => ({
    connectMs: settings.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    requestMs: settings.requestTimeoutMs ?? REQUEST_TIMEOUT_MS[serviceId] ?? REQUEST_TIMEOUT_MS.default!,
  });
}

/** The configuration every client shares. Exported for tests. */
export function clientConfig(
  settings: ClientSettings,
  target: TargetConnection | undefined,
  options: ClientOptions = {},
): SharedClientConfig {
  const common = {
    // Appended to the SDK's own user agent, so server logs (and the local cloud) can tell mme apart.
    customUserAgent: `mme/${packageVersion()}`,
    retryMode: settings.retryMode ?? 'standard',
    // throwOnRequestTimeout: without it the handler only logs a warning when requestTimeout passes.
    requestHandler: {
      connectionTimeout: timeoutsOf(settings)('default').connectMs,
      requestTimeout: timeoutsOf(settings)('default').requestMs,
      throwOnRequestTimeout: true as const,
    },
  };
  if (target) {
    return {
      ...common,
      region: target.region,
      endpoint: target.endpoint,
      credentials: options.credentials ?? target.credentials,
      maxAttempts: options.maxAttempts ?? settings.maxAttempts ?? MAX_ATTEMPTS.local,
    };
  }
  return {
    ...common,
    region: settings.region,
    maxAttempts: options.maxAttempts ?? settings.maxAttempts ?? MAX_ATTEMPTS.aws,
    // With explicit credentials the profile would be ignored anyway; without, the default
    // provider chain (env, SSO, ini, process, IMDS/ECS) reads this profile.
    ...(options.credentials
      ? { credentials: options.credentials }
      : settings.profile
        ? { profile: settings.profile }
        : {}),
  };
}

/** The SDK's client names, as the request plans (workflow/dry-run.ts) name the services. */
const SERVICE_OF_CLIENT: Record<string, string> = {
  S3Client: 'S3',
  SageMakerClient: 'SageMaker',
  SageMakerRuntimeClient: 'SageMakerRuntime',
  IAMClient: 'IAM',
  STSClient: 'STS',
  CloudWatchClient: 'CloudWatch',
  CloudWatchLogsClient: 'CloudWatchLogs',
};

/** An initialize-step middleware (it sees each command once, before retries) reporting it to `onRequest`. */
function recordRequests<T>(client: T, onRequest: ClientOptions['onRequest']): T {
  if (!onRequest) return client;
  type Next = (args: { input: Record<string, unknown> }) => Promise<unknown>;
  (client as unknown as { middlewareStack: { add(m: unknown, o: Record<string, unknown>): void } }).middlewareStack.add(
    (next: Next, context: { clientName?: string; commandName?: string }) =>
      (args: { input: Record<string, unknown> }) => {
        onRequest({
          service: SERVICE_OF_CLIENT[context.clientName ?? ''] ?? context.clientName ?? '',
          operation: (context.commandName ?? '').replace(/Command$/, ''),
          input: args.input,
        });
        return next(args);
      },
    { step: 'initialize', name: 'mmeRecordRequests', override: true },
  );
  return client;
}
