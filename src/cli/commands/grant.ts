/**
 * `mme grant --prefix NewYork_NY [--prefix common]`: a role that may invoke only those models of
 * the endpoint (src/workflow/grant.ts), and how to use it; `--remove` deletes it; `--dry-run`
 * prints the policy documents and the requests, sending none and starting nothing.
 *
 * The role name is derived from the prefixes and the endpoint unless --role-name is given, so the
 * same --prefix and --endpoint values find the same role again (to update or remove it), and
 * another endpoint gets another role. Global --yes lets grant take over, or
 * --remove delete, a role that mme did not create.
 */
import { sagemakerArn } from '../../aws-names/arns.js';
import { partitionIdOf } from '../../aws-names/partitions.js';
import { UsageError } from '../../errors.js';
import {
  defaultRoleName,
  grantRequests,
  invokePolicy,
  normalizePrefixes,
  principalArn,
  principalProblem,
  revokeRequests,
  roleNameProblem,
  trustPolicy,
} from '../../workflow/grant-policies.js';
import type { GrantResult, RevokeResult } from '../../workflow/grant.js';
import { DEFAULT_ENDPOINT_NAME } from '../../workflow/names.js';
import { connect, type CommandContext, type CommandResult } from '../context.js';
import { ACCOUNT_PLACEHOLDER } from '../dry-run.js';
import { DEFAULT_USER_NAME } from '../../local/daemon.js';
import * as wf from '../../workflow/grant.js';
import { renderRequests } from '../../workflow/dry-run.js';
import { localCloudStatus } from '../../local/daemon.js';

export interface GrantCommandOptions {
  prefix?: string[];
  endpoint?: string;
  principal?: string;
  roleName?: string;
  remove?: boolean;
  dryRun?: boolean;
}

interface Resolved {
  prefixes: string[];
  roleName: string;
  endpoint: string;
}

/** The session name `mme invoke --role-arn` uses by default (program.ts). */
const SESSION_NAME = 'mme-invoke';

export async function grant(options: GrantCommandOptions, ctx: CommandContext): Promise<CommandResult> {
  const r = resolve(options);
  if (options.dryRun) return dryRun(options, r, ctx);

  const conn = await connect(ctx);
  try {
    if (options.remove) {
      // The endpoint is checked against the role's mme:endpoint tag: --remove removes the grant on THIS endpoint.
      const result = await wf.revokeAccess(conn.clients, ctx.reporter, {
        roleName: r.roleName,
        endpoint: r.endpoint,
        force: ctx.settings.yes,
      });
      return { data: result, human: renderRevoke(result, ctx) };
    }
    const result = await wf.grantAccess(conn.clients, ctx.reporter, {
      ...r,
      region: conn.region,
      ...(options.principal ? { principal: options.principal } : {}),
      force: ctx.settings.yes,
    });
    const notes =
      ctx.settings.target === 'aws' && result.status !== 'unchanged'
        ? [
            'IAM is eventually consistent: the role (or its new policy) may take about 10 seconds to be assumable and in effect everywhere.',
          ]
        : [];
    return { data: { ...result, notes }, human: renderGrant(result, notes, options, ctx) };
  } finally {
    conn.clients.destroy();
  }
}

/** Validate what commander cannot: prefixes, the principal, the role name. */
function resolve(options: GrantCommandOptions): Resolved {
  const prefixes = normalizePrefixes(options.prefix ?? []);
  const principal = options.principal && principalProblem(options.principal);
  if (principal)
    throw new UsageError(
      `--principal '${options.principal}' ${principal}`,
      'Default: you, the caller (for a role session, its role).',
    );
  const endpoint = options.endpoint ?? DEFAULT_ENDPOINT_NAME;
  const roleName = options.roleName ?? defaultRoleName(prefixes, endpoint);
  const problem = roleNameProblem(roleName);
  if (problem) throw new UsageError(`--role-name '${roleName}' ${problem}`);
  return { prefixes, roleName, endpoint };
}

async function dryRun(options: GrantCommandOptions, r: Resolved, ctx: CommandContext): Promise<CommandResult> {
  const { settings } = ctx;
  const { out } = ctx.output;
  const notes: string[] = [];
  // Account and region without sending a request: the running local cloud's, else placeholders.
  let region = settings.region;
  let account = '<account-id>';
  let localUser = DEFAULT_USER_NAME;
  if (settings.target === 'local') {
    const info = await localCloudStatus(settings.localStateDir);
    if (info) ({ region, accountId: account, userName: localUser } = info);
    else {
      account = ACCOUNT_PLACEHOLDER;
      notes.push(`the local cloud is not running: ${ACCOUNT_PLACEHOLDER} stands for its account id`);
    }
  }
  const partition = partitionIdOf(region);
  // On local every command signs as the default IAM user; on aws only GetCallerIdentity can tell.
  const principal = options.principal
    ? principalArn(options.principal, partition)
    : settings.target === 'local'
      ? `arn:${partition}:iam::${account}:user/${localUser}`
      : '<you: the Arn from GetCallerIdentity; for a role session, its role>';
  const arn = sagemakerArn(region, account, 'endpoint', r.endpoint);
  const requests = options.remove
    ? revokeRequests(r.roleName, r.endpoint)
    : grantRequests({
        ...r,
        endpointArn: arn,
        principal,
        callerMayBeSession: !options.principal && settings.target === 'aws',
      });
  const documents = options.remove
    ? undefined
    : { trustPolicy: trustPolicy(principal), policy: invokePolicy(arn, r.prefixes) };

  const head = [
    `Dry run: up to ${requests.length} requests to ${settings.target} (${region}); none sent. Which ones go depends on what GetRole answers.`,
    ...notes.map((n) => `note: ${n}`),
  ];
  const lines = [head.map((l) => out.dim(l)).join('\n'), ''];
  if (documents) {
    lines.push(
      out.bold(`Trust policy of role ${r.roleName}:`),
      indent(JSON.stringify(documents.trustPolicy, null, 2)),
      '',
    );
    lines.push(out.bold(`Inline policy ${r.roleName}-policy:`), indent(JSON.stringify(documents.policy, null, 2)), '');
  }
  lines.push(renderRequests(requests, out));
  return { data: { ...(documents ? { documents } : {}), requests }, human: lines.join('\n') };
}

export function renderGrant(
  r: GrantResult,
  notes: string[],
  options: GrantCommandOptions,
  ctx: CommandContext,
): string {
  const { out } = ctx.output;
  const verb = { created: 'created', updated: 'updated', unchanged: 'unchanged (it already grants exactly this)' }[
    r.status
  ];
  const first = r.prefixes[0]!;
  // `--model LOC` is invoke's shorthand for LOC/LOC.tar.gz; a nested prefix needs a full key.
  const model = first.includes('/') ? `${first}/MODEL.tar.gz` : first;
  const local = ctx.settings.target === 'local';
  const remove = [
    'mme grant',
    ...r.prefixes.map((p) => `--prefix ${p}`),
    ...(options.endpoint ? [`--endpoint ${r.endpoint}`] : []),
    ...(options.roleName ? [`--role-name ${r.roleName}`] : []),
    '--remove',
  ].join(' ');
  const lines = [
    `${out.green('✔')} Role ${out.bold(r.roleName)} ${verb}`,
    `  role     ${out.cyan(r.roleArn)}`,
    `  may      sagemaker:InvokeEndpoint on ${r.endpoint}, TargetModel ${r.targetModels.join(' or ')}`,
    `  trusts   ${r.principal} (sessions up to 1 hour)`,
    `  policy   ${r.policyName} (inline)`,
    '',
    out.bold('Use it:'),
    `  mme invoke --model ${model} --role-arn ${r.roleArn}`,
    `  ${local ? 'eval "$(mme local env)"; ' : ''}aws sts assume-role --role-arn ${r.roleArn} --role-session-name ${SESSION_NAME}`,
    '',
    out.dim(`Remove it: ${remove}`),
  ];
  for (const n of notes) lines.push(`${out.yellow('note:')} ${n}`);
  return lines.join('\n');
}

export function renderRevoke(r: RevokeResult, ctx: CommandContext): string {
  const { out } = ctx.output;
  const on = r.endpoint ? ` (its grant on endpoint ${r.endpoint})` : '';
  const lines = [
    `${out.green('✔')} Removed role ${out.bold(r.roleName)}${on}${r.deletedPolicies.length ? ` and its inline policies ${r.deletedPolicies.join(', ')}` : ''}`,
  ];
  if (r.detachedPolicies.length) lines.push(`  detached (not deleted): ${r.detachedPolicies.join(', ')}`);
  return lines.join('\n');
}

const indent = (text: string) =>
  text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
