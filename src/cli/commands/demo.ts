/**
 * `mme demo [--algorithm NAME] [--seed N] [--rows N] [--endpoint NAME] [--keep | --clean]`: the whole reference
 * workflow on the current target (src/workflow/demo.ts), then what each step did, rendered with
 * the individual commands' own helpers, the predictions (cold and warm), the denied call as AWS
 * words it, the metrics charts, and each step's time.
 *
 * Exit code: 0 when every step did what it should; else the failed step's (a job that failed: 1,
 * access denied where it should not be: 5, …). With --json the report is the result either way.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { GRANTED, type DemoOptions, type DemoReport, type DemoStep } from '../../workflow/demo.js';
import { defaultRoleName } from '../../workflow/grant-policies.js';
import type { DeployResult } from '../../workflow/deploy.js';
import type { GenerateDataResult } from '../../workflow/data.js';
import type { GrantResult, RevokeResult } from '../../workflow/grant.js';
import type { PreprocessResult } from '../../workflow/preprocess.js';
import type { TeardownResult } from '../../workflow/teardown.js';
import type { TrainResult } from '../../workflow/train.js';
import { algorithmSpec, type AlgorithmName } from '../../algorithms/registry.js';
import { algorithmFlag, algorithmTarget } from '../algorithm.js';
import { DEFAULT_ENDPOINT_NAME } from '../../workflow/names.js';
import { connect, requireBucket, type CommandContext, type CommandResult } from '../context.js';
import { fitToWidth, terminalColumns } from '../fit.js';
import type { CliReporter } from '../progress.js';
import { render as renderAddModel } from './add-model.js';
import { renderTable as renderData } from './data.js';
import { render as renderDeploy } from './deploy.js';
import { renderGrant, renderRevoke } from './grant.js';
import { render as renderMetrics } from './metrics.js';
import { logTailReader, renderJobs, roleFor, whileInterruptible } from '../jobs.js';
import { renderPreprocess } from './preprocess.js';
import { render as renderTeardown } from './teardown.js';
import { DEFAULT_HOSTING_INSTANCE_TYPE } from '../../workflow/defaults.js';
import * as wf from '../../workflow/demo.js';
import { POLL } from '../../workflow/jobs.js';
import { ENDPOINT_POLL } from '../../workflow/endpoint-waiter.js';
import { formatAnswer } from '../../workflow/answers.js';
import type { PlannedRequest } from '../../workflow/dry-run.js';
import { dryRunResult, dryRunTarget } from '../dry-run.js';

export interface DemoCommandOptions {
  keep?: boolean;
  clean?: boolean;
  seed: number;
  rows: number;
  endpoint?: string;
  algorithm?: AlgorithmName;
  dryRun?: boolean;
}

export async function demo(
  options: DemoCommandOptions,
  ctx: CommandContext,
): Promise<CommandResult<DemoReport | PlannedRequest[]>> {
  const startedAt = performance.now();
  const { settings } = ctx;
  const bucket = requireBucket(settings);
  if (options.dryRun) return dryRun(options, bucket, ctx);
  // On a terminal each step's section is printed as the step ends, and the spinner shows the
  // work inside it: the steps appear once, not as progress and then again as a report.
  const stream = !settings.json && ctx.output.stdout.isTTY === true;
  const width = outputWidth(ctx);
  const reporter = demoReporter(ctx.reporter, stream);
  const conn = await connect(ctx);
  try {
    const o: DemoOptions = {
      target: settings.target,
      bucket,
      prefix: settings.prefix,
      ...(options.algorithm ? { algorithm: options.algorithm } : {}),
      region: conn.region,
      roleArn: await roleFor(ctx, conn.clients),
      endpoint: algorithmTarget(settings.prefix, options.algorithm, options.endpoint).endpoint,
      rows: options.rows,
      seed: options.seed,
      dataDir: path.resolve(ctx.cwd, 'data'),
      // On AWS a missing bucket is more likely a typo than something to create (as `data generate`).
      createBucket: settings.target === 'local',
      clean: options.clean ?? false,
      force: settings.yes,
      jobPoll: POLL[settings.target],
      endpointPoll: ENDPOINT_POLL[settings.target],
      startedAt,
      readLogTail: logTailReader(conn),
      inFlight: new Set(),
    };
    let streamed = 0;
    if (stream) {
      o.onStep = async (step, report) => {
        const text = `${streamed === 0 ? `${heading(report, ctx)}\n\n` : '\n'}${await renderStep(step, report, o, ctx, width)}`;
        streamed++;
        ctx.reporter.interject(() => ctx.output.stdout.write(`${fitToWidth(text, width)}\n`));
      };
    }
    const report = await whileInterruptible(ctx, o.inFlight!, () => wf.runDemo(conn.clients, reporter, o));
    const parts = stream
      ? [renderSummary(report, ctx)]
      : [
          heading(report, ctx),
          ...(await Promise.all(report.steps.map((s) => renderStep(s, report, o, ctx, width)))),
          renderSummary(report, ctx),
        ];
    return {
      data: report,
      human: fitToWidth(parts.join('\n\n'), width),
      exitCode: report.exitCode as CommandResult['exitCode'],
    };
  } finally {
    conn.clients.destroy();
  }
}

/**
 * The first three steps' requests, sent by none (the data is generated into a temporary
 * directory for its sizes and digests, then removed); the later steps are named: they plan from
 * what the first ones create.
 */
async function dryRun(
  options: DemoCommandOptions,
  bucket: string,
  ctx: CommandContext,
): Promise<CommandResult<PlannedRequest[]>> {
  const target = await dryRunTarget(ctx);
  const dir = await mkdtemp(path.join(tmpdir(), 'mme-demo-dry-run-'));
  try {
    const requests = await wf.demoRequests(
      {
        bucket,
        prefix: ctx.settings.prefix,
        ...(options.algorithm ? { algorithm: options.algorithm } : {}),
        region: target.region,
        roleArn: target.roleArn,
        rows: options.rows,
        seed: options.seed,
        createBucket: ctx.settings.target === 'local',
        jobPoll: POLL[ctx.settings.target],
      },
      dir,
    );
    target.notes.push(
      'these are the data, preprocess and train steps; then deploy, invoke, add-model, grant, metrics (and teardown with --clean) plan from the models they create: `mme <step> --dry-run` shows each once they exist',
    );
    return dryRunResult(requests, target, ctx);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The terminal's columns; off a terminal lines stay whole (a log is read with grep, not wrapped). */
function outputWidth(ctx: CommandContext): number {
  return terminalColumns(ctx.output.stdout) ?? Number.POSITIVE_INFINITY;
}

/**
 * The demo's progress: its own "Step k/9" lines and every warning and failure. What happens
 * inside a step (each copy, each job) goes only to a terminal's spinner; off a terminal it would
 * be dozens of lines the report then repeats. On a terminal the step lines give way to the
 * streamed sections.
 */
function demoReporter(inner: CliReporter, stream: boolean): CliReporter {
  return {
    report(event) {
      const own = 'id' in event && event.id.split('.').length === 2 && event.id.startsWith('demo.');
      if (event.kind === 'warn' || (event.kind === 'fail' && !(stream && own))) return inner.report(event);
      if (!('id' in event)) return; // info: the report says it
      if (!stream) {
        if (own && event.kind !== 'update') inner.report(event);
        return;
      }
      if (event.kind === 'start' || event.kind === 'update') inner.report(event);
      else inner.dismiss(event.id); // the step's section, printed next, says how it ended
    },
    close: (reason) => inner.close(reason),
    interject: (write) => inner.interject(write),
    dismiss: (id) => inner.dismiss(id),
  };
}

function heading(r: DemoReport, ctx: CommandContext): string {
  return ctx.output.out.bold(
    `mme demo on ${r.target} (${r.region}): ${r.algorithm}, bucket ${r.bucket}, prefix ${r.prefix}, endpoint ${r.endpoint}, ${r.rows} houses per location, seed ${r.seed}`,
  );
}

/** One step's section: its mark, time and summary, then what it did, with the commands' own renderers. */
async function renderStep(
  s: DemoStep,
  r: DemoReport,
  o: DemoOptions,
  ctx: CommandContext,
  width: number,
): Promise<string> {
  const { out } = ctx.output;
  const ms = (v: number) => `${v.toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 })} ms`;
  const format = formatAnswer(algorithmSpec(r.algorithm).predicts);
  const answer = (v: number | null, raw?: string) => (v === null ? out.yellow(raw ?? '?') : out.green(format(v)));
  const section = (body?: string) => {
    const mark = s.ok ? out.green('✔') : out.red('✖');
    const lines = [`${mark} ${out.bold(`${s.name}`)} ${out.dim(`(${s.seconds} s)`)}  ${s.summary}`];
    if (body) lines.push(indent(body));
    if (s.error?.hint) lines.push(indent(out.dim(`hint: ${s.error.hint}`)));
    return lines.join('\n');
  };
  if (s.error) return section();
  switch (s.name) {
    case 'data':
      return section(renderData(s.result as GenerateDataResult, ctx));
    case 'preprocess':
      return section(renderPreprocess(s.result as PreprocessResult, ctx, width - 2));
    case 'train':
      return section(renderJobs((s.result as TrainResult).jobs, ctx, width - 2));
    case 'deploy':
      return section(
        renderDeploy(
          s.result as DeployResult,
          { ...o, prefix: wf.demoModelPrefix(o), instanceType: DEFAULT_HOSTING_INSTANCE_TYPE, instanceCount: 1 },
          ctx,
          false,
        ),
      );
    case 'invoke': {
      const width = Math.max(...r.predictions.map((p) => p.targetModel.length));
      const featureWidth = Math.max(...r.predictions.map((p) => p.features.length));
      const shown = r.predictions.map((p) => (p.prediction === null ? (p.raw ?? '?') : format(p.prediction)));
      const answerWidth = Math.max(...shown.map((t) => t.length));
      const rows = r.predictions.map((p, i) => {
        const price =
          p.prediction === null
            ? out.yellow(shown[i]!.padStart(answerWidth))
            : out.green(shown[i]!.padStart(answerWidth));
        return `${p.targetModel.padEnd(width)}  ${p.features.padEnd(featureWidth)}  ${price}  ${ms(p.latencyMs).padStart(10)}  ${p.cold ? out.yellow('cold') : out.dim('warm')}`;
      });
      const { cold, warm } = r.latency;
      rows.push(
        '',
        out.dim(
          `cold = a model's first call in this run (a download and load unless an earlier run left it loaded); first calls p50 ${cold ? ms(cold.p50Ms) : '-'} (${cold?.requests ?? 0}), warm p50 ${warm ? ms(warm.p50Ms) : '-'} (${warm?.requests ?? 0}); round trips from here`,
        ),
      );
      // The local cloud loads a model from its own disk in milliseconds; say what AWS takes.
      if (r.target === 'local')
        rows.push(
          out.dim(
            'On AWS the reference measured 1,029-1,166 ms for a first call and 33-53 ms warm (docs/aws-behaviour.md#multi-model-hosting).',
          ),
        );
      return section(rows.join('\n'));
    }
    case 'add-model': {
      const a = r.added!;
      if (a.addModel) return section(renderAddModel(a.addModel, ctx, false));
      const inv = a.invocation;
      return section(
        `${a.targetModel} ${out.dim(`(from ${a.source})`)}${inv ? `\n  ${inv.features}  →  ${out.bold(answer(inv.prediction))}  ${out.dim(`${inv.latencyMs} ms (its first call in this run)`)}` : ''}`,
      );
    }
    case 'grant':
      return section(renderGrant(s.result as GrantResult, [], {}, ctx));
    case 'as-role': {
      const body = [`as ${out.cyan(r.asRole?.identity ?? '?')}`];
      if (r.asRole) {
        const a = r.asRole.allowed;
        body.push(
          `${out.green('✔')} ${a.targetModel}  ${a.features}  →  ${answer(a.prediction)}  ${out.dim(ms(a.latencyMs))}`,
        );
      }
      if (r.denied) {
        body.push(
          r.denied.denied
            ? `${out.red('✖')} ${r.denied.targetModel}  →  ${out.bold(r.denied.code ?? '')}: ${r.denied.message}`
            : `${out.red('!')} ${r.denied.targetModel} answered: the role should not be allowed to invoke it`,
        );
      }
      return section(body.join('\n'));
    }
    case 'metrics': {
      const m = r.metrics!;
      return section(`${await renderMetrics(m, true, ctx)}\n\n${out.dim(`Note: ${m.note}.`)}`);
    }
    case 'teardown': {
      const t = s.result as { teardown: TeardownResult; role: RevokeResult };
      return section(
        [renderTeardown(t.teardown, ctx), ...(t.role.removed ? [renderRevoke(t.role, ctx)] : [])].join('\n'),
      );
    }
  }
}

/** Each step's time, the total, and what was kept. */
function renderSummary(r: DemoReport, ctx: CommandContext): string {
  const { out } = ctx.output;
  const lines = [out.bold('Steps')];
  const nameWidth = Math.max(...r.steps.map((s) => s.name.length));
  for (const s of r.steps)
    lines.push(
      `  ${s.ok ? out.green('✔') : out.red('✖')} ${s.name.padEnd(nameWidth)}  ${`${s.seconds.toFixed(2)} s`.padStart(8)}`,
    );
  lines.push(
    `    ${'total'.padEnd(nameWidth)}  ${`${r.wallSeconds.toFixed(2)} s`.padStart(8)} ${out.dim('(wall time, connecting included)')}`,
  );
  lines.push('');
  if (!r.ok) lines.push(out.red(`The demo stopped at ${r.steps.find((s) => !s.ok)?.name ?? '?'}.`));
  else lines.push(`${out.green('✔')} The whole journey in ${r.wallSeconds.toFixed(1)} s on ${r.target}.`);
  if (r.kept && r.steps.some((s) => s.name === 'deploy' && s.ok) && !r.steps.some((s) => s.name === 'teardown')) {
    const billed = r.target === 'aws' ? ' (billed while it runs)' : '';
    // teardown and grant default to the linear learner's endpoint: another endpoint is named.
    const endpointFlag = r.endpoint === DEFAULT_ENDPOINT_NAME ? '' : ` --endpoint ${r.endpoint}`;
    const teardown = `mme teardown --yes${endpointFlag}`;
    const role = r.steps.find((s) => s.name === 'grant' && s.ok)
      ? ` and role ${defaultRoleName([GRANTED], r.endpoint)} ('mme grant --prefix ${GRANTED}${endpointFlag} --remove')`
      : '';
    lines.push(
      out.dim(
        `Kept${billed}: endpoint ${r.endpoint} ('${teardown}')${role}; 'mme demo${algorithmFlag(r.algorithm)} --clean' removes them at the end.`,
      ),
    );
  }
  return lines.join('\n');
}

const indent = (text: string) =>
  text
    .split('\n')
    .map((l) => (l ? `  ${l}` : l))
    .join('\n');
