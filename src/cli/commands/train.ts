/**
 * `mme train`: one linear-learner job per location, at most --parallel at once
 * (src/workflow/train.ts). Exit code 1 when a job fails, naming it and its FailureReason (and on
 * local, the end of its log). With --dry-run, the requests it would send, sending none.
 *
 * Default locations: those with preprocessed data under s3://{bucket}/{prefix}/preprocessed/,
 * i.e. what `mme preprocess` prepared (raw data alone cannot be trained on).
 */
import { UsageError } from '../../errors.js';
import { algorithmSpec, type AlgorithmName } from '../../algorithms/registry.js';
import { algorithmFlag } from '../algorithm.js';
import { resolveLocations } from '../../housing/locations.js';
import type { TrainResult } from '../../workflow/train.js';
import { connect, requireBucket, type CommandContext, type CommandResult } from '../context.js';
import { dryRunResult, dryRunTarget } from '../dry-run.js';
import { logTailReader, renderJobs, roleFor, whileInterruptible } from '../jobs.js';
import * as wf from '../../workflow/train.js';
import { POLL, newRunId } from '../../workflow/jobs.js';
import { layout } from '../../workflow/requests.js';
import { trainRequests } from '../../workflow/dry-run.js';
import { PREPROCESS_JOB_METADATA, listDataLocations, noLocationsError } from '../../workflow/preprocess.js';

export interface TrainCommandOptions {
  locations?: number | string[];
  instanceType: string;
  parallel: number;
  /** false with --no-wait */
  wait: boolean;
  epochs?: number;
  hyperparameter?: string[];
  algorithm?: AlgorithmName;
  dryRun?: boolean;
}

export async function train(options: TrainCommandOptions, ctx: CommandContext): Promise<CommandResult> {
  const bucket = requireBucket(ctx.settings);
  const prefix = ctx.settings.prefix;
  const base = {
    bucket,
    prefix,
    runId: newRunId(),
    instanceType: options.instanceType,
    hyperparameters: hyperparameters(options),
    ...(options.algorithm ? { algorithm: options.algorithm } : {}),
    parallel: options.parallel,
    wait: options.wait,
    poll: POLL[ctx.settings.target],
  };

  if (options.dryRun) {
    const target = await dryRunTarget(ctx);
    const listed = options.locations === undefined;
    const locations = listed ? resolveLocations(4) : resolveLocations(options.locations!);
    const unknown = `<x-amz-meta-${PREPROCESS_JOB_METADATA} of the train data>`;
    const plan = wf.planTrain({
      ...base,
      ...target,
      locations,
      preprocessors: Object.fromEntries(locations.map((l) => [l, unknown])),
    });
    const keys = Object.fromEntries(locations.map((l) => [l, layout.preprocessedKey(prefix, l, 'train')]));
    const requests = trainRequests(plan, base, keys);
    if (listed) {
      requests.unshift({
        service: 'S3',
        operation: 'ListObjectsV2',
        input: { Bucket: bucket, Prefix: layout.preprocessedPrefix(prefix), Delimiter: '/' },
        note: 'finds the locations',
      });
      target.notes.push(
        `without --locations the run trains the locations found under s3://${bucket}/${layout.preprocessedPrefix(prefix)}; shown for ${locations.join(', ')}`,
      );
    }
    return dryRunResult(requests, target, ctx);
  }

  const conn = await connect(ctx);
  try {
    const locations =
      options.locations !== undefined
        ? resolveLocations(options.locations)
        : await listDataLocations(conn.clients, bucket, layout.preprocessedPrefix(prefix));
    if (locations.length === 0)
      throw noLocationsError(bucket, layout.preprocessedPrefix(prefix), 'Run mme preprocess first.');
    const preprocessors = await wf.trainingData(conn.clients, bucket, prefix, locations);
    warnMixedPreprocessors(preprocessors, ctx);
    const roleArn = await roleFor(ctx, conn.clients);
    if (!options.wait && locations.length > options.parallel) {
      ctx.reporter.report({
        kind: 'info',
        text: `--no-wait: ${locations.length} jobs, ${options.parallel} at a time: waiting for slots until the last ones have started`,
      });
    }
    const inFlight = new Set<string>();
    const result = await whileInterruptible(ctx, inFlight, () =>
      wf.train(conn.clients, ctx.reporter, {
        ...base,
        region: conn.region,
        roleArn,
        locations,
        preprocessors,
        readLogTail: logTailReader(conn),
        inFlight,
      }),
    );
    return { data: result, human: renderTrain(result, ctx, options.algorithm), exitCode: result.ok ? 0 : 1 };
  } finally {
    conn.clients.destroy();
  }
}

/** --epochs and --hyperparameter k=v over the notebook's settings (the algorithm validates them). */
export function hyperparameters(
  options: Pick<TrainCommandOptions, 'epochs' | 'hyperparameter' | 'algorithm'>,
): Record<string, string> | undefined {
  const instead = algorithmSpec(options.algorithm).insteadOfEpochs;
  if (options.epochs !== undefined && instead) throw new UsageError('--epochs is a linear-learner setting', instead);
  const out: Record<string, string> = {};
  for (const pair of options.hyperparameter ?? []) {
    const eq = pair.indexOf('=');
    if (eq <= 0)
      throw new UsageError(`--hyperparameter '${pair}' is not key=value`, 'e.g. --hyperparameter learning_rate=0.05');
    out[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
  }
  if (options.epochs !== undefined) out.epochs = String(options.epochs);
  return Object.keys(out).length ? out : undefined;
}

/**
 * One preprocessor serves every model of the endpoint, so every location's features must come
 * from the same preprocess run; data from different runs means models that expect different
 * scalings. Not fatal (the data may be identical), but worth a loud warning.
 */
function warnMixedPreprocessors(preprocessors: Record<string, string | undefined>, ctx: CommandContext): void {
  const distinct = new Set(Object.values(preprocessors).filter(Boolean));
  if (distinct.size > 1) {
    const detail = Object.entries(preprocessors)
      .map(([l, p]) => `${l}: ${p ?? '?'}`)
      .join(', ');
    ctx.reporter.report({
      kind: 'warn',
      text: `the locations' data come from different preprocess runs (${detail}); run 'mme preprocess' for all of them so one preprocessor fits every model`,
    });
  }
}

function renderTrain(result: TrainResult, ctx: CommandContext, algorithm?: AlgorithmName): string {
  const { out } = ctx.output;
  const lines = [renderJobs(result.jobs, ctx), ''];
  const failed = result.jobs.filter((j) => !['Completed', 'InProgress', 'Stopping'].includes(j.status));
  if (failed.length > 0)
    lines.push(
      out.red(
        `${failed.length} of ${result.jobs.length} training jobs did not complete: ${failed.map((j) => j.name).join(', ')}`,
      ),
    );
  else if (!result.waited)
    lines.push(`Started ${result.jobs.length} training jobs (run ${result.runId}); follow them with 'mme status'.`);
  else
    lines.push(
      `${out.green('✔')} ${result.jobs.length} models trained (run ${result.runId}). Next: mme deploy${algorithmFlag(algorithm)}`,
    );
  return lines.join('\n');
}
