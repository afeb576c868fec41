/**
 * `mme preprocess`: fit the scikit-learn preprocessor once on every location's raw data, then
 * batch-transform and split each location (src/workflow/preprocess.ts). With --dry-run, the
 * requests it would send, sending none.
 *
 * Also the CLI glue both job commands share (train.ts imports it): the job target (region, role,
 * run id), the jobs' log tails, the Ctrl-C message, the jobs table.
 */
import type { Clients } from '../../aws/clients.js';
import { resolveLocations } from '../../housing/locations.js';
import type { JobResult, LogTailReader } from '../../workflow/jobs.js';
import type { PlannedRequest } from '../../workflow/dry-run.js';
import type { PreprocessResult } from '../../workflow/preprocess.js';
import { connect, requireBucket, type CommandContext, type CommandResult, type Connected } from '../context.js';
import { terminalColumns } from '../fit.js';

export interface PreprocessCommandOptions {
  locations?: number | string[];
  instanceType: string;
  transformInstanceType: string;
  sklearnVersion: string;
  parallel: number;
  seed: number;
  dryRun?: boolean;
}

/** Shown in --dry-run requests when the local cloud is not running to tell its account. */
export const ACCOUNT_PLACEHOLDER = '<local-account-id>';

export async function preprocess(options: PreprocessCommandOptions, ctx: CommandContext): Promise<CommandResult> {
  const wf = await import('../../workflow/preprocess.js');
  const { POLL, newRunId } = await import('../../workflow/jobs.js');
  const { DEFAULT_VALIDATION_FRACTION } = await import('../../workflow/requests.js');
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
    const { preprocessRequests } = await import('../../workflow/dry-run.js');
    const { packSourcedir } = await import('../../workflow/sourcedir.js');
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
  result: PreprocessResult,
  ctx: CommandContext,
  width = terminalColumns(ctx.output.stdout),
): string {
  const { out } = ctx.output;
  const lines = [renderJobs([result.preprocessJob, ...result.transforms], ctx, width)];
  if (result.datasets.length > 0) {
    lines.push('', out.bold('Training data for the linear learner (70/30, label first, 10 features):'));
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

// ── shared with `mme train` ──────────────────────────────────────────────────────────────

/** The account behind the credentials, the same call on both targets. */
async function accountId(clients: Clients): Promise<string> {
  const { GetCallerIdentityCommand } = await import('@aws-sdk/client-sts');
  const identity = await (await clients.sts()).send(new GetCallerIdentityCommand({}));
  return identity.Account!;
}

export async function roleFor(ctx: CommandContext, clients: Clients): Promise<string> {
  const { executionRoleArn } = await import('../../workflow/jobs.js');
  return executionRoleArn(ctx.settings.target, ctx.settings.roleArn, () => accountId(clients));
}

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
  const { executionRoleArn } = await import('../../workflow/jobs.js');
  const { settings } = ctx;
  const notes: string[] = [];
  if (settings.target === 'aws')
    return { region: settings.region, roleArn: await executionRoleArn('aws', settings.roleArn, async () => ''), notes };
  const { localCloudStatus } = await import('../../local/daemon.js');
  const info = await localCloudStatus(settings.localStateDir);
  if (!info && !settings.roleArn)
    notes.push(`the local cloud is not running: ${ACCOUNT_PLACEHOLDER} stands for its account id`);
  const roleArn = await executionRoleArn('local', settings.roleArn, async () => info?.accountId ?? ACCOUNT_PLACEHOLDER);
  return { region: info?.region ?? settings.region, roleArn, notes };
}

export async function dryRunResult(
  requests: PlannedRequest[],
  target: DryRunTarget,
  ctx: CommandContext,
): Promise<CommandResult<PlannedRequest[]>> {
  const { renderRequests } = await import('../../workflow/dry-run.js');
  const { out } = ctx.output;
  const head = [
    `Dry run: ${requests.length} requests to ${ctx.settings.target} (${target.region}); none sent. Job names get a new run id on the real run.`,
  ];
  for (const note of target.notes) head.push(`note: ${note}`);
  return { data: requests, human: `${head.map((l) => out.dim(l)).join('\n')}\n\n${renderRequests(requests, out)}` };
}

/** A failed job's log tail from CloudWatch Logs, on either target (src/workflow/logs.ts). */
export function logTailReader(conn: Connected): LogTailReader | undefined {
  return async (kind, name) => (await import('../../workflow/logs.js')).readJobLogTail(conn.clients, kind, name, 15);
}

/**
 * Ctrl-C ends the process (main.ts); the jobs already created keep running on the target. Say
 * which, before main.ts prints "interrupted", so the user can follow or stop them.
 */
export async function whileInterruptible<T>(
  ctx: CommandContext,
  inFlight: Set<string>,
  fn: () => Promise<T>,
): Promise<T> {
  const onInterrupt = () => {
    if (inFlight.size === 0) return;
    const names = [...inFlight];
    const stop =
      ctx.settings.target === 'aws'
        ? 'aws sagemaker stop-training-job --training-job-name NAME'
        : 'eval "$(mme local env)"; aws sagemaker stop-training-job --training-job-name NAME';
    ctx.reporter.report({
      kind: 'warn',
      text: `${names.length} job(s) keep running on the target: ${names.join(', ')} (stop one with: ${stop})`,
    });
  };
  process.once('SIGINT', onInterrupt);
  try {
    return await fn();
  } finally {
    process.off('SIGINT', onInterrupt);
  }
}

/** The jobs as a table (job, location, status, duration, artifact), then each failure's reason and log. */
export function renderJobs(
  jobs: readonly JobResult[],
  ctx: CommandContext,
  width = terminalColumns(ctx.output.stdout),
): string {
  const { out } = ctx.output;
  const full = ['job', 'location', 'status', 'duration', 'artifact'];
  const cells = jobs.map((j) => [
    j.name,
    j.location,
    j.status,
    j.durationSeconds === undefined ? '' : `${j.durationSeconds} s`,
    j.artifact ?? '',
  ]);
  const widthsOf = (rows: string[][], header: string[]) =>
    header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  // Artifacts are long S3 URIs: on a terminal too narrow for them, the column goes (--json has them).
  const fits = width === undefined || widthsOf(cells, full).reduce((a, b) => a + b + 2, -2) <= width;
  const header = fits ? full : full.slice(0, 4);
  const rows = fits ? cells : cells.map((r) => r.slice(0, 4));
  const widths = widthsOf(rows, header);
  const colour = (status: string, text: string) =>
    status === 'Completed' ? out.green(text) : status === 'InProgress' ? out.cyan(text) : out.red(text);
  const format = (cells: string[], paint = false) =>
    cells
      .map((c, i) => {
        const padded = i === 3 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!);
        return paint && i === 2 ? colour(c, padded) : padded;
      })
      .join('  ')
      .trimEnd();
  const lines = [out.bold(format(header)), ...rows.map((r) => format(r, true))];
  if (!fits && jobs.some((j) => j.artifact))
    lines.push(out.dim(`(artifacts left out to fit ${width} columns: --json lists them)`));
  for (const j of jobs.filter((x) => x.failureReason)) {
    lines.push('', `${out.red('✖')} ${j.name} (${j.location}): ${j.failureReason!.split('\n')[0]}`);
    // The runner's last line repeats the reason just shown.
    for (const l of (j.logTail ?? []).filter((x) => !x.startsWith('Failed: '))) lines.push(out.dim(`    ${l}`));
  }
  return lines.join('\n');
}
