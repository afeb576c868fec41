/**
 * `mme bootstrap`: the bucket and the SageMaker execution role the workflow needs
 * (src/workflow/bootstrap.ts), then records them in ./mme.config.json under "bootstrap" for this
 * target, so that later commands default to them (src/config/settings.ts). `--dry-run` prints
 * the requests and the policy, sends none and writes nothing.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { LOCAL_EXECUTION_ROLE_NAME } from '../../aws-names/execution-role.js';
import { CONFIG_FILE_NAME, withBootstrapDefaults, type BootstrapDefaults } from '../../config/file.js';
import { ConfigError, UsageError } from '../../errors.js';
import { DEFAULT_EXECUTION_ROLE_NAME, bootstrapRequests, type BootstrapResult } from '../../workflow/bootstrap.js';
import { renderRequests } from '../../workflow/dry-run.js';
import { roleNameProblem } from '../../workflow/grant-policies.js';
import { connect, type CommandContext, type CommandResult } from '../context.js';
import { ACCOUNT_PLACEHOLDER } from '../dry-run.js';
import { localCloudStatus } from '../../local/daemon.js';

export interface BootstrapCommandOptions {
  roleName?: string;
  dryRun?: boolean;
}

/** A bucket name for the account and region when none is set (bucket names are global). */
function defaultBucket(account: string, region: string): string {
  return `mme-${account}-${region}`;
}

export async function bootstrapCommand(options: BootstrapCommandOptions, ctx: CommandContext): Promise<CommandResult> {
  const { settings } = ctx;
  const roleName =
    options.roleName ?? (settings.target === 'local' ? LOCAL_EXECUTION_ROLE_NAME : DEFAULT_EXECUTION_ROLE_NAME);
  const problem = roleNameProblem(roleName);
  if (problem) throw new UsageError(`--role-name '${roleName}' ${problem}`);
  if (options.dryRun) return dryRun(roleName, ctx);

  const conn = await connect(ctx);
  try {
    const { GetCallerIdentityCommand } = await import('@aws-sdk/client-sts');
    const account = (await (await conn.clients.sts()).send(new GetCallerIdentityCommand({}))).Account!;
    const bucket = settings.bucket ?? defaultBucket(account, conn.region);
    const { bootstrap } = await import('../../workflow/bootstrap.js');
    const result = await bootstrap(
      conn.clients,
      { region: conn.region, bucket, prefix: settings.prefix, roleName },
      ctx.reporter,
    );
    const recorded = recordDefaults(ctx, { region: conn.region, bucket, roleArn: result.role.arn });
    return {
      data: { ...result, config: recorded },
      human: render(result, recorded, ctx),
    };
  } finally {
    conn.clients.destroy();
  }
}

interface Recorded {
  file: string;
  key: string;
  values: BootstrapDefaults;
  changed: boolean;
}

/** Write the defaults into ./mme.config.json, keeping everything else in it. */
function recordDefaults(ctx: CommandContext, made: Required<BootstrapDefaults>): Recorded {
  const target = ctx.settings.target;
  const file = path.join(ctx.cwd, CONFIG_FILE_NAME);
  // On local the region is the cloud's own, and the default role is the one every local account
  // seeds: recording its ARN would tie this directory to one state dir's account id.
  const values: BootstrapDefaults =
    target === 'aws'
      ? made
      : made.roleArn.endsWith(`:role/${LOCAL_EXECUTION_ROLE_NAME}`)
        ? { bucket: made.bucket }
        : { bucket: made.bucket, roleArn: made.roleArn };
  let text: string | undefined;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new ConfigError(`cannot read ${file}: ${String(err)}`);
  }
  const next = withBootstrapDefaults(text, target, values);
  const changed = next !== text;
  if (changed) writeFileSync(file, next);
  return { file, key: `bootstrap.${target}`, values, changed };
}

function render(r: BootstrapResult, recorded: Recorded, ctx: CommandContext): string {
  const { out } = ctx.output;
  const head = r.changed
    ? `${out.green('✔')} Bootstrapped ${ctx.settings.target}: the bucket and the SageMaker execution role are ready`
    : `${out.green('✔')} Nothing changed: the bucket and the role were already as they should be`;
  return [
    head,
    `  bucket   s3://${r.bucket.name}  ${r.bucket.status}`,
    `  role     ${r.role.arn}  ${r.role.status}`,
    `  policy   ${r.role.policyName} (inline, least privilege: the bucket, ECR pull, CloudWatch Logs)  ${r.role.policyStatus}`,
    `  defaults ${recorded.changed ? 'recorded in' : 'already in'} ${recorded.file} ("${recorded.key}"): later commands use this bucket and role`,
    out.dim('  Next: mme permissions   # the policy your own IAM user or role needs'),
  ].join('\n');
}

async function dryRun(roleName: string, ctx: CommandContext): Promise<CommandResult> {
  const { settings } = ctx;
  const { out } = ctx.output;
  let region = settings.region;
  let account = '<account-id>';
  const notes: string[] = [];
  if (settings.target === 'local') {
    const info = await localCloudStatus(settings.localStateDir);
    if (info) ({ region, accountId: account } = info);
    else {
      account = ACCOUNT_PLACEHOLDER;
      notes.push(`the local cloud is not running: ${ACCOUNT_PLACEHOLDER} stands for its account id`);
    }
  }
  const bucket = settings.bucket ?? defaultBucket(account, region);
  const requests = bootstrapRequests({ region, bucket, prefix: settings.prefix, roleName }, account);
  const head = [
    `Dry run: up to ${requests.length} requests to ${settings.target} (${region}); none sent, nothing recorded. Which ones go depends on what HeadBucket and GetRole answer.`,
    ...notes.map((n) => `note: ${n}`),
  ];
  return {
    data: requests,
    human: `${head.map((l) => out.dim(l)).join('\n')}\n\n${renderRequests(requests, out)}`,
  };
}
