/**
 * `mme teardown [--endpoint NAME] [--all] [--yes]`: list what would be deleted, ask (on a
 * terminal) unless --yes, delete it (src/workflow/teardown.ts). Without a terminal to ask on and
 * without --yes it refuses (exit 2): a script must say --yes to delete things. --dry-run reads the
 * target to list it and prints the delete requests, asking nothing and sending none.
 */
import { createInterface } from 'node:readline/promises';
import { ExitCode, MmeError, UsageError } from '../../errors.js';
import type { TeardownPlan, TeardownResult } from '../../workflow/teardown.js';
import { DEFAULT_ENDPOINT_NAME } from '../../workflow/names.js';
import { connect, requireBucket, type CommandContext, type CommandResult } from '../context.js';
import * as wf from '../../workflow/teardown.js';
import { ENDPOINT_POLL } from '../../workflow/endpoint-waiter.js';
import { liveDryRunResult, requireRunningLocalCloud } from '../dry-run.js';

export interface TeardownCommandOptions {
  endpoint?: string;
  all?: boolean;
  dryRun?: boolean;
}

export async function teardown(options: TeardownCommandOptions, ctx: CommandContext): Promise<CommandResult> {
  const o = {
    endpoint: options.endpoint ?? DEFAULT_ENDPOINT_NAME,
    bucket: requireBucket(ctx.settings),
    prefix: ctx.settings.prefix,
    all: options.all ?? false,
  };
  if (options.dryRun)
    await requireRunningLocalCloud(ctx, 'endpoint to tear down', 'Nothing to tear down: no endpoint runs on it.');
  const conn = await connect(ctx);
  try {
    const plan = await wf.inspectTeardown(conn.clients, o);
    if (options.dryRun) {
      const kept = plan.kept.map((k) => `kept: ${k}`);
      return liveDryRunResult(wf.teardownRequests(plan, o), ctx, conn.region, kept);
    }
    if (wf.isEmptyPlan(plan)) {
      const data: TeardownResult = { configs: [], models: [], objects: 0, kept: plan.kept, nothing: true };
      return {
        data,
        human: `Nothing to tear down: no endpoint ${o.endpoint}, no configurations or models of it${o.all ? `, no objects under s3://${o.bucket}/${o.prefix}/ or job outputs` : ''}.`,
      };
    }
    const listing = describePlan(plan, o, ctx);
    if (!ctx.settings.yes) {
      const stdin = process.stdin;
      if (!stdin.isTTY || !ctx.output.stderr.isTTY) {
        throw new UsageError(
          'not deleting without confirmation: there is no terminal to ask on',
          `Pass --yes to delete without asking. It would delete:\n${listing}`,
        );
      }
      ctx.output.stderr.write(`This deletes:\n${listing}\n`);
      if (!(await confirm('Delete all of this? [y/N] ', ctx))) {
        return { data: { cancelled: true }, human: 'Cancelled: nothing deleted.' };
      }
    } else {
      ctx.reporter.report({ kind: 'info', text: `Deleting:\n${listing}` });
    }
    const result = await wf.applyTeardown(conn.clients, ctx.reporter, plan, {
      ...o,
      poll: ENDPOINT_POLL[ctx.settings.target],
    });
    return { data: result, human: render(result, ctx) };
  } finally {
    conn.clients.destroy();
  }
}

/** What will go, one line per kind of thing. */
export function describePlan(plan: TeardownPlan, o: { bucket: string }, ctx: Pick<CommandContext, 'output'>): string {
  const { err } = ctx.output;
  const lines: string[] = [];
  if (plan.endpoint)
    lines.push(`  endpoint                 ${plan.endpoint.name} ${err.dim(`(${plan.endpoint.status})`)}`);
  if (plan.configs.length) lines.push(`  endpoint configurations  ${plan.configs.join(', ')}`);
  if (plan.models.length) lines.push(`  models                   ${plan.models.join(', ')}`);
  if (plan.preprocessorModels.length) lines.push(`  preprocessor models      ${plan.preprocessorModels.join(', ')}`);
  for (const x of plan.objects) {
    const bytes = x.objects.reduce((n, obj) => n + obj.size, 0);
    lines.push(
      `  s3://${o.bucket}/${x.prefix}  ${err.dim(`${x.objects.length} object${x.objects.length === 1 ? '' : 's'}, ${formatBytes(bytes)}`)}`,
    );
  }
  for (const k of plan.kept) lines.push(err.dim(`  (kept: ${k})`));
  return lines.join('\n');
}

async function confirm(question: string, ctx: CommandContext): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: ctx.output.stderr as NodeJS.WritableStream });
  // readline puts the terminal in raw mode, so Ctrl-C reaches it as a key, not as a signal (and
  // without a listener it would only pause the input, leaving the question hanging): end as an
  // interrupt, exit 130, like Ctrl-C anywhere else.
  const interrupted = new Promise<never>((_, reject) =>
    rl.once('SIGINT', () =>
      reject(new MmeError('Interrupted', 'interrupted: nothing deleted', { exitCode: ExitCode.Interrupted })),
    ),
  );
  try {
    // Ctrl-D (end of input) rejects the question: no answer, so no.
    const answer = rl.question(question).catch(() => '');
    return /^y(es)?$/i.test((await Promise.race([answer, interrupted])).trim());
  } finally {
    rl.close();
  }
}

export function render(r: TeardownResult, ctx: CommandContext): string {
  const { out } = ctx.output;
  const parts = [
    r.endpoint ? `endpoint ${r.endpoint}` : undefined,
    r.configs.length ? `${r.configs.length} endpoint configuration(s)` : undefined,
    r.models.length ? `${r.models.length} model(s)` : undefined,
    r.objects ? `${r.objects} S3 objects` : undefined,
  ].filter(Boolean);
  const lines = [`${out.green('✔')} Deleted ${parts.length ? parts.join(', ') : 'nothing (already gone)'}`];
  for (const k of r.kept) lines.push(out.dim(`  kept ${k}`));
  return lines.join('\n');
}

function formatBytes(n: number): string {
  return n < 1024 ? `${n} B` : n < 1024 ** 2 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1024 ** 2).toFixed(1)} MiB`;
}
