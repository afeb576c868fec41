/**
 * `mme data generate`: synthetic housing CSV per location (src/workflow/data.ts), optionally
 * uploaded to s3://{bucket}/housing-data/{LOC}/. Defaults: 4 locations (the notebook's first
 * four), 1000 rows, seed 42 (any fixed seed would do; 42 is what people expect to see and the
 * same seed always writes byte-identical files), ./data.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { GenerateDataResult } from '../../workflow/data.js';
import { connect, requireBucket, type CommandContext, type CommandResult } from '../context.js';
import { generateData, uploadRequests } from '../../workflow/data.js';
import type { PlannedRequest } from '../../workflow/dry-run.js';
import { dryRunResult, dryRunTarget } from '../dry-run.js';
import { s3WriterFromClient } from '../../aws/s3-writer.js';

export interface GenerateOptions {
  locations: number | string[];
  rows: number;
  seed: number;
  out: string;
  upload?: boolean;
  dryRun?: boolean;
}

export async function generate(
  options: GenerateOptions,
  ctx: CommandContext,
): Promise<CommandResult<GenerateDataResult | PlannedRequest[]>> {
  const outDir = path.resolve(ctx.cwd, options.out);
  if (options.upload && options.dryRun) return dryRun(options, outDir, ctx);

  let upload: Parameters<typeof generateData>[0]['upload'];
  if (options.upload) {
    const bucket = requireBucket(ctx.settings);
    const { clients } = await connect(ctx);
    // On local the bucket is ours to create; on AWS a missing bucket is more likely a typo.
    upload = { s3: s3WriterFromClient(await clients.s3()), bucket, createBucket: ctx.settings.target === 'local' };
  }

  const result = await generateData(
    { locations: options.locations, rows: options.rows, seed: options.seed, outDir, upload },
    ctx.reporter,
  );
  return { data: result, human: renderTable(result, ctx) };
}

/** The files are written (they are local); the upload is printed, not sent. No request reads the target either. */
async function dryRun(
  options: GenerateOptions,
  outDir: string,
  ctx: CommandContext,
): Promise<CommandResult<PlannedRequest[]>> {
  const bucket = requireBucket(ctx.settings);
  const result = await generateData(
    { locations: options.locations, rows: options.rows, seed: options.seed, outDir },
    ctx.reporter,
  );
  const files = result.locations.flatMap((l) => [l.files.train, l.files.test]);
  const sizes = Object.fromEntries(await Promise.all(files.map(async (f) => [f, (await stat(f)).size] as const)));
  const target = await dryRunTarget(ctx);
  const requests = uploadRequests(result.locations, {
    bucket,
    createBucket: ctx.settings.target === 'local',
    region: target.region,
    sizes,
  });
  return dryRunResult(requests, target, ctx, false);
}

/** One row per location: counts, where the files went, and a short digest to compare runs by. */
export function renderTable(result: GenerateDataResult, ctx: CommandContext): string {
  const { out } = ctx.output;
  const rel = (file: string) => {
    const r = path.relative(ctx.cwd, file);
    return r.startsWith('..') ? file : r;
  };
  const header = ['location', 'rows', 'train', 'test', 'train file', 'sha256 (train)'];
  const rows = result.locations.map((l) => [
    l.location,
    String(l.rows),
    String(l.trainRows),
    String(l.testRows),
    rel(l.files.train),
    l.sha256.train.slice(0, 12),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const numeric = new Set([1, 2, 3]);
  const format = (cells: string[]) =>
    cells
      .map((c, i) => (numeric.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();

  const lines = [out.bold(format(header)), ...rows.map(format)];
  lines.push('', `seed ${result.seed} · ${rel(result.outDir) || '.'}`);
  if (result.bucket) lines.push(`uploaded to ${out.cyan(`s3://${result.bucket}/housing-data/`)}`);
  return lines.join('\n');
}
