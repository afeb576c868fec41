/**
 * The cache experiment's pure parts: the passes, per-pass figures from ModelCacheHit datapoints,
 * latency groups, the options, and the human rendering of a result (no cloud).
 */
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { renderCache } from '../../src/cli/commands/experiment.js';
import type { CommandContext } from '../../src/cli/context.js';
import { createOutput } from '../../src/cli/output.js';
import { buildProgram } from '../../src/cli/program.js';
import { resolveSettings } from '../../src/config/settings.js';
import {
  experimentPasses,
  latencyGroup,
  passFigures,
  type CacheExperimentResult,
} from '../../src/workflow/experiment.js';
import { resolveMetric } from '../../src/workflow/metrics.js';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const at = (s: number, value: number) => ({ timestamp: new Date(T0 + s * 1000), value });

describe('experiment parts', () => {
  it('the reference passes: 0..n/2-1 twice, then 0..n-1', () => {
    expect(experimentPasses(200)).toEqual([
      { first: 0, last: 99 },
      { first: 0, last: 99 },
      { first: 0, last: 199 },
    ]);
    expect(experimentPasses(5)).toEqual([
      { first: 0, last: 1 },
      { first: 0, last: 1 },
      { first: 0, last: 4 },
    ]);
  });

  it('per-pass hits and misses from ModelCacheHit Sum and SampleCount inside each window', () => {
    const sums = [at(0, 0), at(1, 0), at(3, 10), at(5, 4), at(6, 6)];
    const counts = [at(0, 6), at(1, 4), at(3, 10), at(5, 10), at(6, 10)];
    const windows = [
      { from: T0, to: T0 + 2000 },
      { from: T0 + 3000, to: T0 + 4000 },
      { from: T0 + 5000, to: T0 + 7000 },
    ];
    expect(passFigures(sums, counts, windows)).toEqual([
      { hits: 0, misses: 10, requests: 10 },
      { hits: 10, misses: 0, requests: 10 },
      { hits: 10, misses: 10, requests: 20 },
    ]);
  });

  it('latency groups: count, lower median, mean; none for no calls', () => {
    expect(latencyGroup([30, 10, 20, 1000])).toEqual({ requests: 4, p50Ms: 20, meanMs: 265 });
    expect(latencyGroup([])).toBeNull();
  });

  it('the program parses the experiment options', async () => {
    let opts: Record<string, unknown> = {};
    const program = buildProgram(async (command: Command) => void (opts = command.opts()), '0.0.0-test');
    program.configureOutput({ writeOut: () => {}, writeErr: () => {}, outputError: () => {} });
    await program.parseAsync([
      'node',
      'mme',
      'experiment',
      'cache',
      '--models',
      '20',
      '--instance-type',
      'ml.t2.medium',
      '--pace',
      '0',
      '--metrics-timeout',
      '2m',
      '--no-chart',
    ]);
    expect(opts).toMatchObject({
      models: 20,
      model: 'Houston_TX',
      instanceType: 'ml.t2.medium',
      pace: 0,
      metricsTimeout: 120,
      chart: false,
    });
    await program.parseAsync([
      'node',
      'mme',
      'experiment',
      'replay',
      '--zipf',
      '0.9',
      '--policies',
      'lru,sieve',
      '--capacity-models',
      '50',
    ]);
    expect(opts).toMatchObject({ zipf: '0.9', policies: ['lru', 'sieve'], capacityModels: 50 });
  });
});

describe('the human rendering', () => {
  const result: CacheExperimentResult = {
    endpoint: 'mme-cache-experiment',
    variant: 'AllTraffic',
    instanceType: 'ml.m4.xlarge',
    createdEndpoint: true,
    deletedEndpoint: false,
    source: 's3://b/p/multi_model_artifacts/Houston_TX/Houston_TX.tar.gz',
    models: 200,
    copies: {
      count: 200,
      prefix: 's3://b/p/multi_model_artifacts/Houston_TX/',
      names: '[0-9]*_Houston_TX.tar.gz',
      deleted: false,
    },
    passes: [
      {
        pass: 1,
        first: 0,
        last: 99,
        startedAt: new Date(T0),
        endedAt: new Date(T0),
        hits: 0,
        misses: 100,
        hitRatio: 0,
        latency: { firstCalls: { requests: 100, p50Ms: 1050, meanMs: 1090 }, repeats: null },
      },
      {
        pass: 2,
        first: 0,
        last: 99,
        startedAt: new Date(T0),
        endedAt: new Date(T0),
        hits: 100,
        misses: 0,
        hitRatio: 1,
        latency: { firstCalls: null, repeats: { requests: 100, p50Ms: 41.5, meanMs: 45 } },
      },
      {
        pass: 3,
        first: 0,
        last: 199,
        startedAt: new Date(T0),
        endedAt: new Date(T0),
        hits: null,
        misses: null,
        hitRatio: null,
        latency: { firstCalls: null, repeats: null },
      },
    ],
    plateau: { loadedModelCount: 121, memoryUtilization: 79.4, reachedAt: new Date(T0 + 65_000) },
    metricsComplete: false,
    charts: [{ ...resolveMetric('LoadedModelCount'), period: 60, points: [at(0, 60), at(60, 121)] }],
    warnings: [],
  };

  it('a pass table, the plateau, the charts, and what to do with a kept endpoint', async () => {
    const settings = resolveSettings({ flags: { color: false, target: 'aws' }, env: {}, cwd: '/tmp' });
    const ctx = {
      settings,
      output: createOutput(settings, { write: () => true }, { write: () => true }),
    } as unknown as CommandContext;
    const text = await renderCache(result, true, ctx);
    const lines = text.split('\n');
    expect(lines[0]).toBe(
      'Cache experiment on mme-cache-experiment (1 × ml.m4.xlarge): 200 copies of s3://b/p/multi_model_artifacts/Houston_TX/Houston_TX.tar.gz',
    );
    expect(lines.slice(2, 6)).toEqual([
      'pass  models  calls  hits  misses  hit ratio  first calls p50  repeats p50',
      '1     0-99      100     0     100       0.00         1,050 ms            -',
      '2     0-99      100   100       0       1.00                -      41.5 ms',
      '3     0-199     200     ?       ?          ?                -            -',
    ]);
    expect(text).toContain(
      'LoadedModelCount levelled off at 121 models, MemoryUtilization 79.4% (first reached 12:01:05 UTC)',
    );
    expect(text).toContain('LoadedModelCount (None, Average per 1 min, /aws/sagemaker/Endpoints)');
    expect(text).toContain(
      'is billed while it runs: delete it with aws sagemaker delete-endpoint --endpoint-name mme-cache-experiment',
    );
    expect(await renderCache(result, false, ctx)).toContain('time (UTC)        LoadedModelCount Average');
    expect(text).toContain(
      "The 200 copies stay under s3://b/p/multi_model_artifacts/Houston_TX/; delete them with: aws s3 rm s3://b/p/multi_model_artifacts/Houston_TX/ --recursive --exclude '*' --include '[0-9]*_Houston_TX.tar.gz'",
    );
    const deleted = await renderCache({ ...result, copies: { ...result.copies, deleted: true } }, true, ctx);
    expect(deleted).toContain(
      'Deleted the 200 copies from s3://b/p/multi_model_artifacts/Houston_TX/ (--keep-copies keeps them)',
    );
  });
});
