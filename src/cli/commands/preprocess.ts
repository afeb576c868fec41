/**
 * `mme preprocess`: fit the scikit-learn preprocessor once on every location's raw data, then
 * batch-transform and split each location (src/workflow/preprocess.ts). With --dry-run, the
 * requests it would send, sending none.
 */
import { resolveLocations } from '../../housing/locations.js';
import { preprocessRequests } from '../../workflow/dry-run.js';
import { POLL, newRunId } from '../../workflow/jobs.js';
import * as wf from '../../workflow/preprocess.js';
import { DEFAULT_VALIDATION_FRACTION } from '../../workflow/requests.js';
import { packSourcedir } from '../../workflow/sourcedir.js';
import { connect, requireBucket, type CommandContext, type CommandResult } from '../context.js';
import { dryRunResult, dryRunTarget } from '../dry-run.js';
import { terminalColumns } from '../fit.js';
import { logTailReader, renderJobs, roleFor, whileInterruptible } from '../jobs.js';

export interface PreprocessCommandOptions {
  locations?: number | string[];
  instanceType: string;
  transformInstanceType: string;
  sklearnVersion: string;
  parallel: number;
  seed: number;
  dryRun?: boolean;
}

export async function preprocess(options: PreprocessCommandOptions, ctx: CommandContext): Promise<CommandResult> {
  const bucket = requireBucket(ctx.settings);
  const base = {
    bucket,
    prefix: ctx.settings.prefix,
    runId: newRunId(),
    instanceType: options.instanceType,
    transformInstanceType: options.transformInstanceType,
    sklearnVersion: options.sklearnVersion,
    seed: options.seed,
    validationFraction: DEFAULT_VALIDATION_FRACTION,
    parallel: options.parallel,
  };

  if (options.dryRun) {
    const target = await dryRunTarget(ctx);
    const listed = options.locations === undefined;
    const locations = listed ? resolveLocations(4) : resolveLocations(options.locations!);
    const o = { ...base, ...target, locations, poll: POLL[ctx.settings.target] };
    const requests = preprocessRequests(wf.planPreprocess(o), o, (await packSourcedir()).byteLength);
    if (listed) {
      requests.unshift({
        service: 'S3',
        operation: 'ListObjectsV2',
        input: { Bucket: bucket, Prefix: 'housing-data/', Delimiter: '/' },
        note: 'finds the locations',
      });
      target.notes.push(
        `without --locations the run uses the locations found under s3://${bucket}/housing-data/; shown for ${locations.join(', ')}`,
      );
    }
    return dryRunResult(requests, target, ctx);
  }

  const conn = await connect(ctx);
  try {
    const locations = await wf.resolveDataLocations(
      conn.clients,
      bucket,
      options.locations === undefined ? undefined : resolveLocations(options.locations),
    );
    const roleArn = await roleFor(ctx, conn.clients);
    const inFlight = new Set<string>();
    const result = await whileInterruptible(ctx, inFlight, () =>
      wf.preprocess(conn.clients, ctx.reporter, {
        ...base,
        region: conn.region,
        roleArn,
        locations,
        poll: POLL[ctx.settings.target],
        readLogTail: logTailReader(conn),
        inFlight,
      }),
    );
    return { data: result, human: renderPreprocess(result, ctx), exitCode: result.ok ? 0 : 1 };
  } finally {
    conn.clients.destroy();
  }
}

export function renderPreprocess(
  result: wf.PreprocessResult,
  ctx: CommandContext,
  width = terminalColumns(ctx.output.stdout),
): string {
  const { out } = ctx.output;
  const lines = [renderJobs([result.preprocessJob, ...result.transforms], ctx, width)];
  if (result.datasets.length > 0) {
    lines.push('', out.bold('Training data, for every algorithm (70/30, label first, 10 features):'));
    const width = Math.max(...result.datasets.map((d) => d.location.length));
    for (const d of result.datasets) {
      lines.push(
        `  ${d.location.padEnd(width)}  ${String(d.trainRows).padStart(6)} train  ${String(d.validationRows).padStart(6)} validation  ${out.cyan(d.train.replace(/train\/train\.csv$/, ''))}`,
      );
    }
  }
  if (result.model) lines.push('', `preprocessor model ${out.cyan(result.model)} · run ${result.runId}`);
  return lines.join('\n');
}
