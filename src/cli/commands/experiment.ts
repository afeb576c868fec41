/**
 * `mme experiment cache`: the reference cache experiment on the current target
 * (src/workflow/experiment.ts), printing per pass hits and misses (from CloudWatch's
 * ModelCacheHit), cold and warm latency, the plateau, and the charts of LoadedModelCount,
 * MemoryUtilization and ModelCacheHit.
 *
 * `mme experiment replay`: the offline replay of a trace through the eviction policies
 * (src/workflow/replay.ts). Pure computation: it starts no local cloud and needs no AWS.
 *
 * Instance memory on the local cloud comes from the instance type (instance-types.ts:
 * ml.m4.xlarge 16 GiB, plateau at 121 models): the CLI cannot resize the running daemon's
 * instances, so a smaller plateau is asked for with a smaller type, e.g. --instance-type
 * ml.t2.medium (4 GiB: about 30 models).
 */
import { readFile } from 'node:fs/promises';
import { UsageError } from '../../errors.js';
import type { CacheExperimentResult } from '../../workflow/experiment.js';
import type { ReplayReport } from '../../workflow/replay.js';
import type { AlgorithmName } from '../../algorithms/registry.js';
import { algorithmTarget } from '../algorithm.js';
import { connect, requireBucket, type CommandContext, type CommandResult } from '../context.js';
import * as experiment from '../../workflow/experiment.js';
import { liveDryRunResult, requireRunningLocalCloud } from '../dry-run.js';
import * as replayWf from '../../workflow/replay.js';
import { renderCharts, renderTable, formatValue } from '../../workflow/charts.js';
import { formatReplayTable } from '../../algorithms/cache/index.js';

export interface CacheCommandOptions {
  models: number;
  model: string;
  endpoint?: string;
  instanceType?: string;
  keepEndpoint?: boolean;
  keepCopies?: boolean;
  pace?: number;
  /** Seconds. */
  metricsTimeout?: number;
  /** false with --no-chart */
  chart: boolean;
  dryRun?: boolean;
  algorithm?: AlgorithmName;
}

export async function cache(options: CacheCommandOptions, ctx: CommandContext): Promise<CommandResult> {
  if (options.models < 2) throw new UsageError('--models must be at least 2 (the passes use the first half, then all)');
  if (options.keepEndpoint && !options.instanceType)
    throw new UsageError(
      '--keep-endpoint goes with --instance-type (without it the experiment runs on --endpoint, which it never deletes)',
    );
  const bucket = requireBucket(ctx.settings);
  if (options.dryRun)
    await requireRunningLocalCloud(ctx, 'model to experiment with', 'Run the workflow first: mme demo, or mme train');
  // The algorithm's multi-model prefix and endpoint: copies of its model, served by its container.
  const target = algorithmTarget(ctx.settings.prefix, options.algorithm, options.endpoint);
  const conn = await connect(ctx);
  try {
    const o: experiment.CacheExperimentOptions = {
      target: ctx.settings.target,
      bucket,
      prefix: target.modelPrefix,
      location: options.model,
      models: options.models,
      endpoint: target.endpoint,
      ...(options.instanceType ? { instanceType: options.instanceType } : {}),
      keepEndpoint: !!options.keepEndpoint,
      keepCopies: !!options.keepCopies,
      ...(options.pace !== undefined ? { paceMs: options.pace } : {}),
      ...(options.metricsTimeout !== undefined ? { metricsTimeoutMs: options.metricsTimeout * 1000 } : {}),
    };
    if (options.dryRun)
      return liveDryRunResult(await experiment.cacheExperimentRequests(conn.clients, o), ctx, conn.region, [
        'between the passes it reads the metrics (GetMetricData); those reads are not listed',
      ]);
    const result = await experiment.runCacheExperiment(conn.clients, ctx.reporter, o);
    for (const w of result.warnings) ctx.reporter.report({ kind: 'warn', text: w });
    return { data: result, human: await renderCache(result, options.chart, ctx) };
  } finally {
    conn.clients.destroy();
  }
}

export async function renderCache(r: CacheExperimentResult, chart: boolean, ctx: CommandContext): Promise<string> {
  const { out } = ctx.output;
  const ms = (v: number | undefined) =>
    v === undefined ? '-' : `${v.toLocaleString('en-US', { maximumFractionDigits: 1 })} ms`;
  const header = ['pass', 'models', 'calls', 'hits', 'misses', 'hit ratio', 'first calls p50', 'repeats p50'];
  const rows = r.passes.map((p) => [
    String(p.pass),
    `${p.first}-${p.last}`,
    String(p.last - p.first + 1),
    p.hits === null ? '?' : String(p.hits),
    p.misses === null ? '?' : String(p.misses),
    p.hitRatio === null ? '?' : p.hitRatio.toFixed(2),
    ms(p.latency.firstCalls?.p50Ms),
    ms(p.latency.repeats?.p50Ms),
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c]!.length)));
  const fmt = (cells: string[]) =>
    cells.map((cell, c) => (c <= 1 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
  const lines = [
    `${out.bold('Cache experiment')} on ${r.endpoint}${r.instanceType ? ` (1 × ${r.instanceType})` : ''}: ${r.models} copies of ${r.source}`,
    '',
    out.bold(fmt(header)),
    ...rows.map(fmt),
    '',
  ];
  const { loadedModelCount: count, memoryUtilization: memory, reachedAt } = r.plateau;
  lines.push(
    count === null
      ? out.yellow('No LoadedModelCount datapoints yet: look again with mme metrics.')
      : `LoadedModelCount levelled off at ${out.bold(formatValue(count))} models${memory === null ? '' : `, MemoryUtilization ${out.bold(`${memory.toFixed(1)}%`)}`}${reachedAt ? ` (first reached ${reachedAt.toISOString().slice(11, 19)} UTC)` : ''}` +
          (count >= r.models ? out.dim(' - every model fitted: no plateau on this instance') : ''),
  );
  lines.push(
    out.dim(
      "hits and misses: CloudWatch ModelCacheHit (Sum, SampleCount) per pass; latencies: client round trips, a model's first call in this run vs its repeats",
    ),
  );
  lines.push('', chart ? renderCharts(r.charts, { paint: out }) : renderTable(r.charts, out));
  const copies = r.copies;
  lines.push(
    '',
    out.dim(
      copies.deleted
        ? `Deleted the ${copies.count} copies from ${copies.prefix} (--keep-copies keeps them)`
        : `The ${copies.count} copies stay under ${copies.prefix}; delete them with: aws s3 rm ${copies.prefix} --recursive --exclude '*' --include '${copies.names}'`,
    ),
  );
  if (r.createdEndpoint && !r.deletedEndpoint)
    lines.push(
      '',
      out.dim(
        `Endpoint ${r.endpoint} was kept${ctx.settings.target === 'aws' ? ' and is billed while it runs' : ''}: delete it with aws sagemaker delete-endpoint --endpoint-name ${r.endpoint}`,
      ),
    );
  return lines.join('\n');
}

export interface ReplayCommandOptions {
  trace?: string;
  zipf?: string;
  models?: number;
  requests?: number;
  seed?: number;
  capacityModels?: number;
  capacityBytes?: string;
  policies?: string[];
}

export async function replay(options: ReplayCommandOptions, ctx: CommandContext): Promise<CommandResult> {
  let trace: { text: string; name: string } | undefined;
  if (options.trace !== undefined) {
    const text = await readFile(options.trace, 'utf8').catch((err: NodeJS.ErrnoException) => {
      throw new UsageError(
        `cannot read the trace ${options.trace}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`,
      );
    });
    trace = { text, name: options.trace };
  }
  const zipf = options.zipf === undefined ? undefined : Number(options.zipf);
  if (zipf !== undefined && !Number.isFinite(zipf))
    throw new UsageError(`--zipf '${options.zipf}' is not a number`, 'e.g. --zipf 0.9');
  const report: ReplayReport = replayWf.runReplay({
    ...(trace ? { trace } : {}),
    ...(zipf !== undefined ? { zipf } : {}),
    models: options.models,
    requests: options.requests,
    seed: options.seed,
    capacityModels: options.capacityModels,
    ...(options.capacityBytes !== undefined ? { capacityBytes: replayWf.parseBytes(options.capacityBytes) } : {}),
    policies: options.policies,
  });
  const { out } = ctx.output;
  const human = [
    out.dim(replayWf.describeReplay(report)),
    '',
    formatReplayTable(report.rows),
    '',
    out.dim(
      `load cost: the misses' load times summed, in the trace's unit (ms); ${report.rows.at(-1)!.policy} is the offline reference (it knows the future)`,
    ),
  ].join('\n');
  return { data: report, human };
}
