/**
 * What a command's action receives, and how it reaches the cloud. A command is a plain function
 * `(options, ctx) => Promise<CommandResult>`: it gets settings and a reporter, calls the
 * workflow, and returns data (printed as JSON with --json) plus a human rendering.
 */
import path from 'node:path';
import type { Clients, TargetConnection } from '../aws/clients.js';
import type { Settings } from '../config/settings.js';
import { ConfigError, type ExitCode } from '../errors.js';
import type { LocalCloudInfo } from '../local/daemon.js';
import type { CliReporter } from './progress.js';
import type { PartialResult } from './run.js';
import type { Output } from './output.js';

export interface CommandContext {
  settings: Settings;
  output: Output;
  reporter: CliReporter;
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  /**
   * Tell the CLI what has been done so far, in case the run is interrupted (Ctrl-C) or fails
   * midway: the error then reports it (e.g. the predictions already made) instead of losing it.
   */
  onPartial(describe: () => PartialResult | undefined): void;
}

export interface CommandResult<T = unknown> {
  /** The --json `result`. */
  data: T;
  /** Human output for stdout; omitted when the progress lines on stderr already said it all. */
  human?: string;
  /** Non-zero when the command ran but the outcome is a failure (e.g. a job failed); default 0. */
  exitCode?: ExitCode;
}

export type CommandFn<O = Record<string, unknown>> = (
  options: O,
  ctx: CommandContext,
  args: string[],
) => Promise<CommandResult>;

export interface Connected {
  clients: Clients;
  /** Undefined on aws (SDK defaults: public endpoints, the credential chain). */
  connection?: TargetConnection;
  /** The running local cloud, on the local target. */
  local?: LocalCloudInfo;
  /** The region requests go to: on local the daemon's, which may differ from settings.region. */
  region: string;
}

/**
 * Connect to the target: on local, make sure the daemon runs (starting it in the background if
 * needed, safely if two commands race) and use its endpoint and keys; on aws, nothing to start.
 */
export async function connect(ctx: CommandContext): Promise<Connected> {
  const { settings, reporter } = ctx;
  const { createClients } = await import('../aws/clients.js');
  if (settings.target === 'aws') {
    // After `eval "$(mme local env)"` the SDK would send "aws" traffic to the local cloud.
    if (ctx.env.AWS_ENDPOINT_URL) {
      reporter.report({
        kind: 'warn',
        text: `AWS_ENDPOINT_URL is set (${ctx.env.AWS_ENDPOINT_URL}): requests go there, not to AWS`,
      });
    }
    // No region from flags, environment or mme.config.json: the profile's own region (in
    // ~/.aws/config) beats our us-east-1 default, as it does for the AWS CLI.
    const region =
      settings.sources.region === 'default'
        ? ((await sdkConfiguredRegion(settings.profile)) ?? settings.region)
        : settings.region;
    return { clients: createClients({ ...settings, region }, undefined), region };
  }

  const local = await useLocalCloud(settings.localStateDir, ctx);
  if (settings.sources.region !== 'default' && local.region !== settings.region) {
    reporter.report({
      kind: 'warn',
      text: `the local cloud runs in ${local.region}, not ${settings.region} (from ${settings.sources.region}); restart it with 'mme local stop' to change`,
    });
  }
  if (settings.debug)
    reporter.report({
      kind: 'info',
      text: `local cloud ${local.endpoint} (pid ${local.pid}, state ${local.stateDir})`,
    });
  const connection = localConnection(local);
  return { clients: createClients(settings, connection), connection, local, region: local.region };
}

/**
 * The local cloud of `stateDir`, started if it does not run. Starting one is said, with its state
 * dir; and if the user started another by hand (`mme local start --state DIR`), the warning says
 * which one this command uses and how to use the other, instead of a silent second, empty cloud.
 */
export async function useLocalCloud(
  stateDir: string,
  ctx: Pick<CommandContext, 'settings' | 'reporter' | 'cwd'>,
): Promise<LocalCloudInfo> {
  const daemon = await import('../local/daemon.js');
  const { settings, reporter } = ctx;
  const elsewhere = await daemon.runningElsewhere(stateDir);
  const { alreadyRunning, ...local } = await daemon.startLocalCloud(stateDir, {
    ...(settings.localPort ? { port: settings.localPort } : {}),
    region: settings.region,
  });
  if (!alreadyRunning) {
    reporter.report({
      kind: 'info',
      text: `Started the local cloud at ${local.endpoint} (state ${displayPath(stateDir, ctx.cwd)})`,
    });
    if (elsewhere) {
      reporter.report({
        kind: 'warn',
        text: `another local cloud, started with --state ${displayPath(elsewhere.stateDir, ctx.cwd)}, runs at ${elsewhere.endpoint}: this command uses the new one. To use that one, set MME_LOCAL_STATE=${elsewhere.stateDir} (or eval "$(mme local env --state ${elsewhere.stateDir})")`,
      });
    }
  }
  return local;
}

/** A path as the user would type it here: relative under the working directory, else absolute. */
export function displayPath(p: string, cwd: string): string {
  const rel = path.relative(cwd, p);
  return rel === '' ? '.' : rel.startsWith('..') || path.isAbsolute(rel) ? p : rel;
}

/**
 * The local cloud's connection signed with the root's keys, for its status route, which only the
 * root may read (a local extension that no policy can grant); undefined on aws.
 */
export function localRootConnection(conn: Connected): TargetConnection | undefined {
  return conn.local && conn.connection ? { ...conn.connection, credentials: conn.local.root } : undefined;
}

export function localConnection(local: LocalCloudInfo): TargetConnection {
  return {
    endpoint: local.endpoint,
    region: local.region,
    credentials: { accessKeyId: local.accessKeyId, secretAccessKey: local.secretAccessKey },
  };
}

/** The bucket, or a ConfigError that says how to choose one (aws has no default). */
export function requireBucket(settings: Settings): string {
  if (settings.bucket) return settings.bucket;
  throw new ConfigError(
    `no S3 bucket is configured for --target ${settings.target}`,
    `Pass --bucket NAME, set MME_BUCKET, or add "bucket" to mme.config.json (for example mme-<account-id>-${settings.region}).`,
  );
}

/** The region the SDK itself would resolve (environment, shared config profile), if any. */
async function sdkConfiguredRegion(profile: string | undefined): Promise<string | undefined> {
  const { STSClient } = await import('@aws-sdk/client-sts');
  const client = new STSClient(profile ? { profile } : {});
  try {
    return await client.config.region();
  } catch {
    return undefined; // "Region is missing": keep the default
  } finally {
    client.destroy();
  }
}
