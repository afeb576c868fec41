/**
 * `mme add-model LOC [--as NAME] [--artifact s3://…] [--force]`: copy a model under the
 * multi-model prefix of the running endpoint, then invoke it once to show it answers
 * (src/workflow/add-model.ts). With --dry-run the target is read (the trained model, the key, the
 * endpoint) and the copy and the invocation are printed, not sent.
 */
import { UsageError } from '../../errors.js';
import { locationNameProblem } from '../../housing/locations.js';
import type { AddModelResult } from '../../workflow/add-model.js';
import { algorithmSpec, type AlgorithmName } from '../../algorithms/registry.js';
import { algorithmFlag, algorithmTarget } from '../algorithm.js';
import { formatAnswer } from '../../workflow/answers.js';
import { connect, requireBucket, type CommandContext, type CommandResult } from '../context.js';
import * as wf from '../../workflow/add-model.js';
import { liveDryRunResult, requireRunningLocalCloud } from '../dry-run.js';

export interface AddModelCommandOptions {
  algorithm?: AlgorithmName;
  as?: string;
  artifact?: string;
  force?: boolean;
  endpoint?: string;
  dryRun?: boolean;
}

export async function addModel(
  options: AddModelCommandOptions,
  ctx: CommandContext,
  args: string[],
): Promise<CommandResult> {
  const location = args[0]!;
  const problem = locationNameProblem(location);
  if (problem) throw new UsageError(problem);
  const bucket = requireBucket(ctx.settings);
  if (options.dryRun)
    await requireRunningLocalCloud(ctx, 'model to add', 'Run the steps before it first: mme train, then mme deploy');
  const target = algorithmTarget(ctx.settings.prefix, options.algorithm, options.endpoint);
  const conn = await connect(ctx);
  try {
    const o: wf.AddModelOptions = {
      bucket,
      prefix: target.modelPrefix,
      endpoint: target.endpoint,
      location,
      name: options.as ?? location,
      ...(options.artifact ? { artifact: options.artifact } : {}),
      force: options.force ?? false,
    };
    const plan = await wf.inspectAddModel(conn.clients, o);
    if (options.dryRun) {
      const notes = plan.alreadyAdded ? [`${plan.targetModel} already holds ${plan.source}: nothing to copy`] : [];
      return liveDryRunResult(wf.addModelRequests(plan, o), ctx, conn.region, notes);
    }
    const result = await wf.addModel(conn.clients, ctx.reporter, o, plan);
    for (const w of result.warnings) ctx.reporter.report({ kind: 'warn', text: w });
    return { data: result, human: render(result, ctx, true, options.algorithm) };
  } finally {
    conn.clients.destroy();
  }
}

/** `next: false` leaves out the closing "Next: …" hint (mme demo goes on by itself). */
export function render(r: AddModelResult, ctx: CommandContext, next = true, algorithm?: AlgorithmName): string {
  const { out } = ctx.output;
  const verb = r.alreadyAdded ? 'Already added:' : r.replaced ? 'Replaced' : 'Added';
  const lines = [
    `${out.green('✔')} ${verb} ${out.bold(r.targetModel)} ${out.dim(`(from ${r.trainingJob ?? r.source})`)}`,
  ];
  if (r.invocation) {
    const price =
      r.invocation.prediction === undefined
        ? r.invocation.body
        : formatAnswer(algorithmSpec(algorithm).predicts)(r.invocation.prediction);
    // A fresh copy has never been loaded; one already there may be loaded already.
    const note = r.alreadyAdded ? '' : ' (first call: download and load)';
    lines.push(`  ${r.invocation.features}  →  ${out.bold(price)}  ${out.dim(`${r.invocation.latencyMs} ms${note}`)}`);
    const model = r.name === r.location ? r.location : r.targetModel;
    if (next) lines.push('', `Next: mme invoke --model ${model}${algorithmFlag(algorithm)}`);
  }
  return lines.join('\n');
}
