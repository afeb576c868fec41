/**
 * `mme local start|stop|status|env`: the local cloud daemon by hand. Commands on the local target
 * start it on their own (context.ts); these are for pointing other tools at it and for cleanup.
 */
import path from 'node:path';
import type { LocalCloudInfo } from '../../local/daemon.js';
import { displayPath, useLocalCloud, type CommandContext, type CommandResult } from '../context.js';
import {
  rememberStartedByHand,
  startLocalCloud,
  forgetStartedByHand,
  stopLocalCloud,
  localCloudStatus,
} from '../../local/daemon.js';

interface StateOption {
  state?: string;
}

/** --state beats MME_LOCAL_STATE / the config file / the default (already in settings). */
function stateDir(options: StateOption, ctx: CommandContext): string {
  return options.state ? path.resolve(ctx.cwd, options.state) : ctx.settings.localStateDir;
}

/** The --json shape of a running local cloud (documented in the brief: keep these keys). */
const DESCRIBED = [
  'endpoint',
  'region',
  'accountId',
  'accessKeyId',
  'secretAccessKey',
  'userName',
  'userArn',
  'pid',
  'stateDir',
  'port',
  'startedAt',
] as const;

// The keys are the IAM user's; the root's stay in {state}/account.json, not printed.
function describe(info: LocalCloudInfo): Pick<LocalCloudInfo, (typeof DESCRIBED)[number]> {
  return Object.fromEntries(DESCRIBED.map((k) => [k, info[k]])) as Pick<LocalCloudInfo, (typeof DESCRIBED)[number]>;
}

function summary(ctx: CommandContext, info: LocalCloudInfo): string[] {
  const { out } = ctx.output;
  return [
    `  endpoint   ${out.cyan(info.endpoint)}`,
    `  region     ${info.region}`,
    `  account    ${info.accountId}`,
    `  user       ${info.userName} (AdministratorAccess), the default credentials; the root's keys are in ${displayPath(path.join(info.stateDir, 'account.json'), ctx.cwd)}`,
    `  access key ${info.accessKeyId} ${out.dim("(its secret: 'mme local env', or --json)")}`,
    `  pid        ${info.pid}, since ${info.startedAt}`,
    `  state      ${displayPath(info.stateDir, ctx.cwd)}`,
  ];
}

export async function start(options: StateOption & { port?: number }, ctx: CommandContext): Promise<CommandResult> {
  const port = options.port ?? (ctx.settings.localPort || undefined);
  const id = 'local.start';
  const dir = stateDir(options, ctx);
  ctx.reporter.report({ kind: 'start', id, text: 'Starting the local cloud' });
  const info = await startLocalCloud(dir, { port, region: ctx.settings.region });
  await rememberStartedByHand(dir);
  ctx.reporter.report({
    kind: 'succeed',
    id,
    text: info.alreadyRunning
      ? `The local cloud was already running at ${info.endpoint}`
      : `Local cloud started at ${info.endpoint}`,
  });
  if (port !== undefined && info.alreadyRunning && info.port !== port) {
    ctx.reporter.report({
      kind: 'warn',
      text: `it listens on port ${info.port}, not ${port}: run 'mme local stop' first to change the port`,
    });
  }
  return {
    data: { ...describe(info), alreadyRunning: info.alreadyRunning },
    // The state dir goes into the hint unless it is the one later commands use anyway.
    human: [
      ...summary(ctx, info),
      '',
      `Point AWS tools and mme at it:  eval "$(mme local env${dir === ctx.settings.localStateDir ? '' : ` --state ${shellQuote(dir)}`})"`,
    ].join('\n'),
  };
}

export async function stop(options: StateOption, ctx: CommandContext): Promise<CommandResult> {
  const dir = stateDir(options, ctx);
  const result = await stopLocalCloud(dir);
  await forgetStartedByHand(dir);
  if (result.stopped)
    ctx.reporter.report({ kind: 'succeed', id: 'local.stop', text: `Stopped the local cloud (pid ${result.pid})` });
  else ctx.reporter.report({ kind: 'info', text: 'The local cloud was not running' });
  return { data: result };
}

export async function status(options: StateOption, ctx: CommandContext): Promise<CommandResult> {
  const dir = stateDir(options, ctx);
  const info = await localCloudStatus(dir);
  if (!info) {
    return {
      data: { running: false, stateDir: dir },
      human: `The local cloud is not running (state ${dir}).\nIt starts on its own with any command on --target local, or: mme local start`,
    };
  }
  return {
    data: { running: true, ...describe(info) },
    human: [ctx.output.out.green('The local cloud is running'), ...summary(ctx, info)].join('\n'),
  };
}

/** Exports for POSIX shells. Starts the cloud if needed: the exports are useless without it. */
export async function env(options: StateOption, ctx: CommandContext): Promise<CommandResult> {
  const info = await useLocalCloud(stateDir(options, ctx), ctx);
  const vars = localEnvironment(info);
  return {
    data: vars,
    human: [
      '# Point AWS tools and mme at the mme local cloud. Use: eval "$(mme local env)"',
      `# Credentials of the IAM user ${info.userName} (AdministratorAccess), ${info.userArn}`,
      // A profile or session token would take precedence over (or be signed along with) these keys.
      'unset AWS_PROFILE AWS_SESSION_TOKEN',
      ...Object.entries(vars).map(([name, value]) => `export ${name}=${shellQuote(value)}`),
    ].join('\n'),
  };
}

export function localEnvironment(
  info: Pick<LocalCloudInfo, 'endpoint' | 'accessKeyId' | 'secretAccessKey' | 'region' | 'stateDir'>,
): Record<string, string> {
  return {
    // So that mme itself, in this shell, uses this local cloud and not ./.mme/local's.
    MME_LOCAL_STATE: info.stateDir,
    AWS_ENDPOINT_URL: info.endpoint,
    AWS_ACCESS_KEY_ID: info.accessKeyId,
    AWS_SECRET_ACCESS_KEY: info.secretAccessKey,
    AWS_REGION: info.region,
    // The AWS CLI and boto3 read AWS_DEFAULT_REGION; the JS SDK reads AWS_REGION.
    AWS_DEFAULT_REGION: info.region,
  };
}

/** Single-quote for sh: nothing inside '…' is special except ' itself, written as '\''. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
