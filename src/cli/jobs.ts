/**
 * The CLI glue every job command shares (preprocess, train, demo; deploy takes the role): the
 * execution role, the failed jobs' log tails, the Ctrl-C message for jobs left running, and the
 * jobs table.
 */
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { Clients } from '../aws/clients.js';
import { executionRoleArn, type JobResult, type LogTailReader } from '../workflow/jobs.js';
import { readJobLogTail } from '../workflow/logs.js';
import type { CommandContext, Connected } from './context.js';
import { terminalColumns } from './fit.js';

/** The account behind the credentials, the same call on both targets. */
async function accountId(clients: Clients): Promise<string> {
  const identity = await (await clients.sts()).send(new GetCallerIdentityCommand({}));
  return identity.Account!;
}

export function roleFor(ctx: CommandContext, clients: Clients): Promise<string> {
  return executionRoleArn(ctx.settings.target, ctx.settings.roleArn, () => accountId(clients));
}

/** A failed job's log tail from CloudWatch Logs, on either target (src/workflow/logs.ts). */
export function logTailReader(conn: Connected): LogTailReader {
  return (kind, name) => readJobLogTail(conn.clients, kind, name, 15);
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
