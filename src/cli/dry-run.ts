/**
 * The CLI side of every `--dry-run`: the region and role the requests would carry, found without
 * sending one, and the plan shown as the requests that would be sent (src/workflow/dry-run.ts
 * builds them).
 */
import { ExitCode, MmeError } from '../errors.js';
import { localCloudStatus } from '../local/daemon.js';
import { renderRequests, type PlannedRequest } from '../workflow/dry-run.js';
import { executionRoleArn } from '../workflow/jobs.js';
import type { CommandContext, CommandResult } from './context.js';

/** Shown in --dry-run requests when the local cloud is not running to tell its account. */
export const ACCOUNT_PLACEHOLDER = '<local-account-id>';

export interface DryRunTarget {
  region: string;
  roleArn: string;
  notes: string[];
}

/**
 * Region and role for a dry run, without sending a request: on local the running daemon's region
 * and account (a file and a health check), else the settings' region and a marked placeholder.
 * The daemon is never started for a dry run.
 */
export async function dryRunTarget(ctx: CommandContext): Promise<DryRunTarget> {
  const { settings } = ctx;
  const notes: string[] = [];
  if (settings.target === 'aws')
    return { region: settings.region, roleArn: await executionRoleArn('aws', settings.roleArn, async () => ''), notes };
  const info = await localCloudStatus(settings.localStateDir);
  if (!info && !settings.roleArn)
    notes.push(`the local cloud is not running: ${ACCOUNT_PLACEHOLDER} stands for its account id`);
  const roleArn = await executionRoleArn('local', settings.roleArn, async () => info?.accountId ?? ACCOUNT_PLACEHOLDER);
  return { region: info?.region ?? settings.region, roleArn, notes };
}

export function dryRunResult(
  requests: PlannedRequest[],
  target: DryRunTarget,
  ctx: CommandContext,
  /** The requests name jobs after a run id, which the real run draws anew. */
  runIds = true,
): CommandResult<PlannedRequest[]> {
  const { out } = ctx.output;
  const head = [
    `Dry run: ${requests.length} requests to ${ctx.settings.target} (${target.region}); none sent.${runIds ? ' Job names get a new run id on the real run.' : ''}`,
  ];
  for (const note of target.notes) head.push(`note: ${note}`);
  return { data: requests, human: `${head.map((l) => out.dim(l)).join('\n')}\n\n${renderRequests(requests, out)}` };
}

/**
 * A dry run that must read the target to plan (deploy, add-model, teardown, experiment cache):
 * on local it needs the cloud running, and does not start it for that (a fresh cloud holds
 * nothing to plan from).
 */
export async function requireRunningLocalCloud(ctx: CommandContext, what: string, hint: string): Promise<void> {
  if (ctx.settings.target !== 'local' || (await localCloudStatus(ctx.settings.localStateDir))) return;
  throw new MmeError('NotRunning', `the local cloud is not running, so it has no ${what}`, {
    exitCode: ExitCode.NotFound,
    hint,
  });
}

/** The plan of a command that read the target: the write requests, and what was found instead when there are none. */
export function liveDryRunResult(
  requests: PlannedRequest[],
  ctx: CommandContext,
  region: string,
  notes: readonly string[] = [],
): CommandResult<PlannedRequest[]> {
  const { out } = ctx.output;
  const head = [
    `Dry run: ${requests.length} requests to ${ctx.settings.target} (${region}); none sent (the target was only read).`,
    ...notes,
  ];
  const body = requests.length ? `\n\n${renderRequests(requests, out)}` : '';
  return { data: requests, human: `${head.map((l) => out.dim(l)).join('\n')}${body}` };
}
