/**
 * `mme deploy`: the latest model per location under the multi-model prefix, the pipeline model,
 * its configuration and the endpoint, waited for until InService (src/workflow/deploy.ts).
 * Re-running changes only what differs. With --dry-run, the target is read (to know the trained
 * models and what exists) but nothing is written: the write requests are printed.
 */
import { UsageError } from '../../errors.js';
import { locationNameProblem } from '../../housing/locations.js';
import { mmeLayout, type CacheSetting } from '../../workflow/endpoint-requests.js';
import type { DeployOptions, DeployPlan, DeployResult } from '../../workflow/deploy.js';
import { algorithmSpec, type AlgorithmName } from '../../algorithms/registry.js';
import { algorithmFlag, algorithmTarget } from '../algorithm.js';
import { connect, requireBucket, type CommandContext, type CommandResult } from '../context.js';
import { roleFor } from '../jobs.js';
import * as wf from '../../workflow/deploy.js';
import { ENDPOINT_POLL } from '../../workflow/endpoint-waiter.js';
import { liveDryRunResult, requireRunningLocalCloud } from '../dry-run.js';
import { deployRequests } from '../../workflow/endpoint-requests.js';

export interface DeployCommandOptions {
  holdOut?: string[];
  endpoint?: string;
  instanceType: string;
  instanceCount: number;
  cache?: CacheSetting;
  algorithm?: AlgorithmName;
  dryRun?: boolean;
}

export async function deploy(options: DeployCommandOptions, ctx: CommandContext): Promise<CommandResult> {
  const bucket = requireBucket(ctx.settings);
  const holdOut = (options.holdOut ?? [])
    .flatMap((v) => v.split(','))
    .map((s) => s.trim())
    .filter(Boolean);
  for (const l of holdOut) {
    const problem = locationNameProblem(l);
    if (problem) throw new UsageError(`--hold-out ${l}: ${problem}`);
  }
  if (options.dryRun)
    await requireRunningLocalCloud(
      ctx,
      'trained models to deploy',
      'Run the steps before it first: mme data generate --upload && mme preprocess && mme train',
    );

  const conn = await connect(ctx);
  try {
    // Each algorithm's models and endpoint apart (registry.ts): both can be live at once.
    const target = algorithmTarget(ctx.settings.prefix, options.algorithm, options.endpoint);
    const o: DeployOptions = {
      bucket,
      prefix: target.modelPrefix,
      region: conn.region,
      roleArn: await roleFor(ctx, conn.clients),
      endpoint: target.endpoint,
      ...(options.algorithm ? { algorithm: options.algorithm } : {}),
      holdOut,
      instanceType: options.instanceType,
      instanceCount: options.instanceCount,
      ...(options.cache ? { cache: options.cache } : {}),
      poll: ENDPOINT_POLL[ctx.settings.target],
    };
    const plan = await wf.inspectDeploy(conn.clients, o);
    for (const l of plan.unknownHoldOut)
      ctx.reporter.report({ kind: 'warn', text: `--hold-out ${l}: no trained model for it anyway` });
    for (const l of plan.stillServed) ctx.reporter.report({ kind: 'warn', text: stillServedWarning(l, o) });
    if (options.dryRun) return dryRun(plan, o, ctx);
    // Stopped midway (Ctrl-C, the cloud gone): what was planned, and that a re-run finishes it.
    ctx.onPartial(() => ({
      data: {
        endpoint: o.endpoint,
        plannedAction: plan.action,
        copies: plan.copies.filter((c) => c.action !== 'unchanged').map((c) => c.targetModel),
      },
      hint: `'mme deploy' is safe to run again: it does only what is left. A create or update already sent goes on on the target ('mme status' shows the endpoint).`,
    }));
    const result = await wf.applyDeploy(conn.clients, ctx.reporter, plan, o);
    for (const w of result.warnings) ctx.reporter.report({ kind: 'warn', text: w });
    return { data: result, human: render(result, o, ctx) };
  } finally {
    conn.clients.destroy();
  }
}

function dryRun(plan: DeployPlan, o: DeployOptions, ctx: CommandContext): CommandResult {
  const requests = deployRequests(plan, o);
  const head: string[] = [];
  if (plan.action === 'unchanged' && requests.length === 0)
    head.push(`endpoint ${o.endpoint} is already InService on ${plan.spec.configName}: nothing to do`);
  if (plan.heldOut.length) head.push(`held out: ${plan.heldOut.join(', ')}`);
  for (const l of plan.stillServed) head.push(`not held out: ${l} is under the prefix already and stays served`);
  return liveDryRunResult(requests, ctx, o.region, head);
}

/**
 * --hold-out only skips the copy. Deleting the artifact would not stop it either: an instance that
 * has the model loaded goes on answering with it until it unloads it (docs/aws-behaviour.md#multi-model-caching).
 */
function stillServedWarning(location: string, o: Pick<DeployOptions, 'bucket' | 'prefix'>): string {
  const uri = `s3://${o.bucket}/${mmeLayout.key(o.prefix, location)}`;
  return `--hold-out ${location}: an earlier deploy put its model under the prefix (${uri}), so the endpoint keeps serving it. To take it off: aws s3 rm ${uri}; an instance that loaded it answers until it unloads it, so 'mme teardown' then 'mme deploy --hold-out ${location}' makes sure`;
}

/** `next: false` leaves out the closing "Next: …" hint (mme demo goes on by itself). */
export function render(
  r: DeployResult,
  o: Pick<DeployOptions, 'bucket' | 'prefix' | 'endpoint' | 'instanceType' | 'instanceCount' | 'cache' | 'algorithm'>,
  ctx: CommandContext,
  next = true,
): string {
  const { out } = ctx.output;
  const copied = r.artifacts.filter((a) => a.action !== 'unchanged').length;
  const what = {
    create: 'created',
    recreate: 're-created',
    update: r.artifacts.some((a) => a.action === 'replace')
      ? 'updated onto fresh instances, which load the new models'
      : 'updated',
    // Unchanged configuration: the same artifacts are served, so a copy here only restored a
    // missing key with the same source.
    unchanged: copied
      ? `already InService; ${copied} missing model(s) copied again`
      : 'already InService, nothing changed',
    wait: 'InService',
  }[r.action];
  const lines = [`${out.green('✔')} Endpoint ${out.bold(r.endpoint)} InService (${what})`];
  lines.push(
    `  model     ${r.modelName}${r.created.model ? '' : out.dim(' (existed)')}: ${r.preprocessorJob} (scikit-learn) → ${algorithmSpec(o.algorithm).name} (MultiModel)`,
  );
  lines.push(
    `  config    ${r.configName}${r.created.config ? '' : out.dim(' (existed)')}: ${o.instanceCount} × ${o.instanceType}${o.cache ? `, cache ${o.cache}` : ''}`,
  );
  lines.push(`  models    s3://${o.bucket}/${mmeLayout.prefix(o.prefix)}`);
  const width = Math.max(...r.artifacts.map((a) => a.targetModel.length));
  for (const a of r.artifacts) {
    const action =
      a.action === 'unchanged'
        ? out.dim('unchanged')
        : a.action === 'copy'
          ? out.green('copied   ')
          : out.yellow('replaced ');
    lines.push(`    ${a.targetModel.padEnd(width)}  ${action}  ${out.dim(a.trainingJob)}`);
  }
  if (r.heldOut.length)
    lines.push(`  held out  ${r.heldOut.join(', ')} ${out.dim(`(add later: mme add-model ${r.heldOut[0]})`)}`);
  if (r.stillServed.length)
    lines.push(
      `  served    ${r.stillServed.join(', ')} ${out.yellow('(named by --hold-out, but an earlier deploy put it under the prefix)')}`,
    );
  if (r.deleted.configs.length || r.deleted.models.length)
    lines.push(`  deleted   ${[...r.deleted.configs, ...r.deleted.models].join(', ')} ${out.dim('(superseded)')}`);
  const first = r.artifacts[0]?.location;
  if (first && next)
    lines.push(
      '',
      `Next: mme invoke --model ${first}${algorithmFlag(o.algorithm)}${o.endpoint === algorithmTarget('', o.algorithm).endpoint ? '' : ` --endpoint ${o.endpoint}`}`,
    );
  return lines.join('\n');
}
