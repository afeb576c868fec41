/**
 * `mme status`: the endpoints, the models under their multi-model prefix, and the latest trained
 * model per location (src/workflow/status.ts). On the local target also what runs inside the
 * instances: the loaded models and the cache's figures; `--models` adds figures per TargetModel
 * (hits, loads, evictions, latency), which SageMaker itself does not offer.
 */
import type { StatusResult, EndpointReport } from '../../workflow/status.js';
import { connect, localRootConnection, type CommandContext, type CommandResult } from '../context.js';
import { collectStatus } from '../../workflow/status.js';
import type { AlgorithmName } from '../../algorithms/registry.js';
import { algorithmFlag, algorithmTarget } from '../algorithm.js';

export interface StatusCommandOptions {
  endpoint?: string;
  models?: boolean;
  /** Whose trained models to list (each algorithm keeps its own under its model prefix). */
  algorithm?: AlgorithmName;
}

export async function status(options: StatusCommandOptions, ctx: CommandContext): Promise<CommandResult> {
  const { modelPrefix } = algorithmTarget(ctx.settings.prefix, options.algorithm);
  const conn = await connect(ctx);
  try {
    const result = await collectStatus(conn.clients, ctx.reporter, {
      region: conn.region,
      prefix: modelPrefix,
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      ...(localRootConnection(conn) ? { local: localRootConnection(conn)! } : {}),
    });
    return {
      data: { target: ctx.settings.target, ...result },
      human: render(result, ctx, !!options.models, modelPrefix, options.algorithm),
    };
  } finally {
    conn.clients.destroy();
  }
}

const KiB = 1024;
function size(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let u = 0;
  while (v >= KiB && u < units.length - 1) {
    v /= KiB;
    u++;
  }
  return `${u === 0 ? v : v.toFixed(1)} ${units[u]}`;
}
const plural = (n: number, word: string, many = `${word}s`) => `${n} ${n === 1 ? word : many}`;
const day = (d: Date | string | undefined) => (d ? new Date(d).toISOString().replace('T', ' ').slice(0, 19) : '?');

function render(
  r: StatusResult,
  ctx: CommandContext,
  models: boolean,
  prefix: string,
  algorithm: AlgorithmName | undefined,
): string {
  const { out } = ctx.output;
  const lines: string[] = [out.bold(`Endpoints (${ctx.settings.target}, ${r.region})`)];
  if (r.endpoints.length === 0) lines.push(`  none. Create one with 'mme deploy'.`);
  for (const e of r.endpoints) lines.push(...renderEndpoint(e, ctx, models));

  lines.push('', out.bold(`Trained models (latest Completed job per location, prefix ${prefix})`));
  if (r.trainedModels.length === 0) lines.push(`  none. Train with 'mme train${algorithmFlag(algorithm)}'.`);
  const width = Math.max(0, ...r.trainedModels.map((t) => t.location.length));
  for (const t of r.trainedModels)
    lines.push(`  ${t.location.padEnd(width)}  ${t.jobName}  ${out.dim(day(t.creationTime))}  ${out.dim(t.artifact)}`);
  for (const e of r.errors) lines.push(out.yellow(`  ⚠ ${e}`));
  return lines.join('\n');
}

function renderEndpoint(e: EndpointReport, ctx: CommandContext, models: boolean): string[] {
  const { out } = ctx.output;
  const colour = e.status === 'InService' ? out.green : e.status === 'Failed' ? out.red : out.yellow;
  const lines = [
    `  ${out.bold(e.name)}  ${colour(e.status)}  ${out.dim(`config ${e.configName ?? '?'}, created ${day(e.creationTime)}`)}`,
  ];
  if (e.failureReason) lines.push(out.red(`    ${e.failureReason}`));
  for (const v of e.variants) {
    const count = v.currentInstanceCount ?? v.desiredInstanceCount ?? '?';
    lines.push(
      `    ${v.name}: ${count} × ${v.instanceType ?? '?'}, model ${v.modelName ?? '?'}${v.weight !== undefined ? `, weight ${v.weight}` : ''}`,
    );
  }
  const mm = e.multiModel;
  if (mm) {
    lines.push(
      `    multi-model prefix ${mm.modelDataUrl}: ${plural(mm.models.length, 'model')}${mm.truncated ? ' (the first 1,000 listed)' : ''}`,
    );
    lines.push(
      ...summarised(
        mm.models.map((m) => `      ${m.targetModel}  ${out.dim(size(m.sizeBytes))}`),
        'model',
        ctx,
      ),
    );
    if (mm.error) lines.push(out.yellow(`      ⚠ ${mm.error}`));
  }
  const local = e.local;
  if (local) {
    for (const v of local.variants) {
      for (const i of v.instances) {
        const mem = i.memory;
        lines.push(
          `    instance ${i.instanceId} (${i.instanceType}): ${plural(i.loadedModels.length, 'loaded model')}, ${plural(i.invocations, 'invocation')}; ` +
            `memory ${size(mem.usedBytes)} used (${mem.utilization.toFixed(1)}%), model cache budget ${size(mem.cacheBudgetBytes)} of ${size(mem.totalBytes)}`,
        );
        lines.push(
          ...summarised(
            i.loadedModels.map(
              (m) => `      ${m.key}  ${out.dim(`${m.state}, ${size(m.sizeBytes)}, ${plural(m.hits, 'hit')}`)}`,
            ),
            'loaded model',
            ctx,
          ),
        );
      }
      const c = v.cache;
      const ratio = c.hits + c.misses > 0 ? `, hit ratio ${((100 * c.hits) / (c.hits + c.misses)).toFixed(0)}%` : '';
      if (v.multiModel)
        lines.push(
          `    cache (${v.variantName}): ${plural(c.hits, 'hit')}, ${plural(c.misses, 'miss', 'misses')}, ${plural(c.loads, 'load')}, ${plural(c.evictions, 'eviction')}${ratio}`,
        );
    }
    if (models) lines.push(...renderModelFigures(local.models, ctx));
  } else if (models && e.status === 'InService') {
    lines.push(out.dim(`    per-model figures exist only on the local target; on AWS see 'mme metrics'`));
  }
  for (const err of e.errors) lines.push(out.yellow(`    ⚠ ${err}`));
  return lines;
}

/** A long list (the cache experiment leaves hundreds of models) shows its first lines and a count. */
const LIST_LIMIT = 12;
export function summarised(lines: string[], what: string, ctx: Pick<CommandContext, 'output'>): string[] {
  if (lines.length <= LIST_LIMIT) return lines;
  const shown = LIST_LIMIT - 2;
  return [
    ...lines.slice(0, shown),
    ctx.output.out.dim(`      … and ${plural(lines.length - shown, `more ${what}`)} (--json lists them all)`),
  ];
}

function renderModelFigures(figures: NonNullable<EndpointReport['local']>['models'], ctx: CommandContext): string[] {
  const { out } = ctx.output;
  if (figures.length === 0) return [out.dim('    no model invoked yet')];
  const width = Math.max(12, ...figures.map((f) => f.targetModel.length));
  // Latency is ModelLatency's: time inside the containers, of the requests that succeeded.
  const head = ['invocations', 'errors', 'hits', 'misses', 'loads', 'evictions', 'avg ms', 'max ms'];
  const rows = [...figures]
    .sort((a, b) => a.targetModel.localeCompare(b.targetModel))
    .map((f) =>
      [
        f.targetModel.padEnd(width),
        ...[f.invocations, f.errors, f.cacheHits, f.cacheMisses, f.loads, f.evictions].map((n, i) =>
          String(n).padStart(head[i]!.length),
        ),
        (f.invocations > f.errors
          ? (f.latencyMicrosTotal / (f.invocations - f.errors) / 1000).toFixed(1)
          : '-'
        ).padStart(6),
        (f.latencyMicrosMax / 1000).toFixed(1).padStart(6),
      ].join('  '),
    );
  return [out.dim(`    ${'target model'.padEnd(width)}  ${head.join('  ')}`), ...rows.map((r) => `    ${r}`)];
}
