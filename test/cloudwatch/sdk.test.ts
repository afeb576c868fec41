/**
 * CloudWatch metrics through the real @aws-sdk/client-cloudwatch (JSON 1.0, query-compatible)
 * against the in-process local cloud.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CloudWatchClient,
  GetMetricDataCommand,
  GetMetricStatisticsCommand,
  ListMetricsCommand,
  PutMetricDataCommand,
  paginateGetMetricData,
  paginateListMetrics,
  type Datapoint,
  type MetricDataResult,
} from '@aws-sdk/client-cloudwatch';
import { startTestCloud, type TestCloud } from '../helpers/local-cloud.js';

const NS = 'MME/Test';
const DIMS = [
  { Name: 'EndpointName', Value: 'ep' },
  { Name: 'VariantName', Value: 'AllTraffic' },
];
/** A five-minute boundary half an hour ago: every period below is deterministic. */
const BASE = Math.floor((Date.now() - 30 * 60_000) / 300_000) * 300_000;
const at = (seconds: number) => new Date(BASE + seconds * 1000);

async function expectError(promise: Promise<unknown>, name: string, message?: RegExp) {
  const err = (await promise.then(
    () => undefined,
    (e: unknown) => e,
  )) as { name: string; message: string; $metadata: { httpStatusCode?: number } } | undefined;
  expect(err, `expected ${name}`).toBeDefined();
  expect(err!.name).toBe(name);
  expect(err!.$metadata.httpStatusCode).toBe(400);
  if (message) expect(err!.message).toMatch(message);
  return err!;
}

describe('CloudWatch through the AWS SDK (JSON 1.0 query-compatible)', () => {
  let cloud: TestCloud;
  let cw: CloudWatchClient;
  const encodings: (string | undefined)[] = [];

  beforeAll(async () => {
    cloud = await startTestCloud();
    cw = new CloudWatchClient(cloud.clientConfig());
    cw.middlewareStack.add(
      (next) => async (args) => {
        encodings.push((args.request as { headers: Record<string, string> }).headers['content-encoding']);
        return next(args);
      },
      { step: 'finalizeRequest', name: 'recordEncoding' },
    );
    await cw.send(
      new PutMetricDataCommand({
        Namespace: NS,
        MetricData: [
          { MetricName: 'Latency', Dimensions: DIMS, Timestamp: at(5), Values: [10, 20, 30], Unit: 'Milliseconds' },
          {
            MetricName: 'Latency',
            Dimensions: DIMS,
            Timestamp: at(70),
            StatisticValues: { SampleCount: 4, Sum: 100, Minimum: 10, Maximum: 40 },
            Unit: 'Milliseconds',
          },
          { MetricName: 'Latency', Dimensions: DIMS, Timestamp: at(130), Value: 7, Unit: 'Milliseconds' },
          { MetricName: 'Latency', Dimensions: DIMS, Timestamp: at(150), Value: 9, Unit: 'Milliseconds' },
          // Same name, other dimension sets: separate metrics.
          { MetricName: 'Latency', Dimensions: [DIMS[0]!], Timestamp: at(5), Value: 1000, Unit: 'Milliseconds' },
          { MetricName: 'Latency', Timestamp: at(5), Value: 2000, Unit: 'Milliseconds' },
          { MetricName: 'Errors', Dimensions: DIMS, Timestamp: at(10), Value: 1, Unit: 'Count' },
          { MetricName: 'Errors', Dimensions: DIMS, Timestamp: at(135), Value: 3, Unit: 'Count' },
        ],
      }),
    );
  });

  afterAll(async () => {
    cw?.destroy();
    await cloud?.stop();
  });

  const statistics = (extra: Partial<ConstructorParameters<typeof GetMetricStatisticsCommand>[0]> = {}) =>
    cw.send(
      new GetMetricStatisticsCommand({
        Namespace: NS,
        MetricName: 'Latency',
        Dimensions: DIMS,
        StartTime: at(0),
        EndTime: at(300),
        Period: 60,
        Statistics: ['SampleCount', 'Average', 'Sum', 'Minimum', 'Maximum'],
        ...extra,
      }),
    );
  const sorted = (points: Datapoint[] = []) =>
    [...points].sort((a, b) => a.Timestamp!.getTime() - b.Timestamp!.getTime());

  it('GetMetricStatistics: every statistic over one-minute periods', async () => {
    const out = await statistics();
    expect(out.Label).toBe('Latency');
    expect(sorted(out.Datapoints)).toEqual([
      { Timestamp: at(0), SampleCount: 3, Average: 20, Sum: 60, Minimum: 10, Maximum: 30, Unit: 'Milliseconds' },
      { Timestamp: at(60), SampleCount: 4, Average: 25, Sum: 100, Minimum: 10, Maximum: 40, Unit: 'Milliseconds' },
      { Timestamp: at(120), SampleCount: 2, Average: 8, Sum: 16, Minimum: 7, Maximum: 9, Unit: 'Milliseconds' },
    ]);
  });

  it('GetMetricStatistics: five-minute periods, a unit filter, percentiles', async () => {
    const five = await statistics({ Period: 300, Statistics: ['Sum', 'SampleCount'] });
    expect(five.Datapoints).toEqual([{ Timestamp: at(0), Sum: 176, SampleCount: 9, Unit: 'Milliseconds' }]);
    expect((await statistics({ Unit: 'Seconds' })).Datapoints).toEqual([]);
    const pct = await statistics({ Statistics: undefined, ExtendedStatistics: ['p50', 'p99'] });
    // The statistic set of minute 1 is not uniform: CloudWatch offers no percentile for it.
    expect(sorted(pct.Datapoints).map((d) => d.ExtendedStatistics)).toEqual([
      { p50: 20, p99: 30 },
      undefined,
      { p50: 7, p99: 9 },
    ]);
  });

  it('matches the exact dimension set', async () => {
    const one = await statistics({ Dimensions: [DIMS[0]!], Statistics: ['Sum'] });
    expect(one.Datapoints).toEqual([{ Timestamp: at(0), Sum: 1000, Unit: 'Milliseconds' }]);
    const none = await statistics({ Dimensions: undefined, Statistics: ['Sum'] });
    expect(none.Datapoints).toEqual([{ Timestamp: at(0), Sum: 2000, Unit: 'Milliseconds' }]);
    const reversed = await statistics({ Dimensions: [DIMS[1]!, DIMS[0]!], Statistics: ['Sum'] });
    expect(reversed.Datapoints).toHaveLength(3);
    expect((await statistics({ Dimensions: [{ Name: 'EndpointName', Value: 'other' }] })).Datapoints).toEqual([]);
  });

  it('GetMetricData: several stats, labels, an expression, newest first by default', async () => {
    const metric = { Namespace: NS, MetricName: 'Latency', Dimensions: DIMS };
    const q = (Id: string, Stat: string, extra = {}) => ({
      Id,
      MetricStat: { Metric: metric, Period: 60, Stat },
      ...extra,
    });
    const out = await cw.send(
      new GetMetricDataCommand({
        StartTime: at(0),
        EndTime: at(300),
        MetricDataQueries: [
          q('avg', 'Average'),
          q('total', 'Sum', { Label: 'Total latency' }),
          q('lo', 'Minimum'),
          q('hi', 'Maximum'),
          q('n', 'SampleCount', { ReturnData: false }),
          q('median', 'p50'),
          { Id: 'mean', Expression: 'total / n', Label: 'Mean' },
          {
            Id: 'errors',
            MetricStat: { Metric: { ...metric, MetricName: 'Errors' }, Period: 60, Stat: 'Sum' },
            ReturnData: false,
          },
          { Id: 'rate', Expression: '100 * errors / n' },
        ],
      }),
    );
    const byId = Object.fromEntries((out.MetricDataResults ?? []).map((r) => [r.Id, r]));
    expect(Object.keys(byId)).toEqual(['avg', 'total', 'lo', 'hi', 'median', 'mean', 'rate']);
    expect(byId.avg).toMatchObject({
      Label: 'Latency',
      StatusCode: 'Complete',
      Timestamps: [at(120), at(60), at(0)],
      Values: [8, 25, 20],
    });
    expect(byId.total).toMatchObject({ Label: 'Total latency', Values: [16, 100, 60] });
    expect(byId.lo!.Values).toEqual([7, 10, 10]);
    expect(byId.hi!.Values).toEqual([9, 40, 30]);
    expect(byId.median).toMatchObject({ Timestamps: [at(120), at(0)], Values: [7, 20] });
    expect(byId.mean).toMatchObject({ Label: 'Mean', Values: [8, 25, 20] });
    expect(byId.rate).toMatchObject({ Timestamps: [at(120), at(0)], Values: [150, 100 / 3] });
  });

  it('GetMetricData: ascending scan and pages of MaxDatapoints', async () => {
    const input = {
      StartTime: at(0),
      EndTime: at(300),
      ScanBy: 'TimestampAscending' as const,
      MaxDatapoints: 2,
      MetricDataQueries: ['Sum', 'Maximum'].map((Stat) => ({
        Id: Stat.toLowerCase(),
        MetricStat: { Metric: { Namespace: NS, MetricName: 'Latency', Dimensions: DIMS }, Period: 60, Stat },
      })),
    };
    const first = await cw.send(new GetMetricDataCommand(input));
    expect(first.NextToken).toBeDefined();
    expect(first.MetricDataResults![0]).toMatchObject({ Id: 'sum', StatusCode: 'PartialData', Values: [60, 100] });
    const merged = new Map<string, MetricDataResult>();
    let pages = 0;
    for await (const page of paginateGetMetricData({ client: cw }, input)) {
      pages++;
      for (const r of page.MetricDataResults ?? []) {
        const m = merged.get(r.Id!) ?? { ...r, Timestamps: [], Values: [] };
        m.Timestamps!.push(...(r.Timestamps ?? []));
        m.Values!.push(...(r.Values ?? []));
        m.StatusCode = r.StatusCode;
        merged.set(r.Id!, m);
      }
    }
    expect(pages).toBe(3);
    expect(merged.get('sum')).toMatchObject({
      Timestamps: [at(0), at(60), at(120)],
      Values: [60, 100, 16],
      StatusCode: 'Complete',
    });
    expect(merged.get('maximum')).toMatchObject({ Values: [30, 40, 9], StatusCode: 'Complete' });
  });

  it('ListMetrics: filters, and pages of 500 (a gzip-compressed PutMetricData on the way)', async () => {
    const all = await cw.send(new ListMetricsCommand({ Namespace: NS, MetricName: 'Latency' }));
    expect(all.Metrics).toHaveLength(3);
    const filtered = await cw.send(
      new ListMetricsCommand({ Namespace: NS, Dimensions: [{ Name: 'VariantName', Value: 'AllTraffic' }] }),
    );
    expect(filtered.Metrics?.map((m) => m.MetricName).sort()).toEqual(['Errors', 'Latency']);
    expect(filtered.Metrics?.find((m) => m.MetricName === 'Latency')?.Dimensions).toEqual(DIMS);

    encodings.length = 0;
    const many = Array.from({ length: 600 }, (_, i) => ({
      MetricName: `Model${String(i).padStart(3, '0')}`,
      Dimensions: [{ Name: 'TargetModel', Value: `m${i}.tar.gz` }],
      Value: i,
    }));
    await cw.send(new PutMetricDataCommand({ Namespace: 'MME/Many', MetricData: many }));
    expect(encodings).toEqual(['gzip']);
    const names: string[] = [];
    let pages = 0;
    for await (const page of paginateListMetrics({ client: cw }, { Namespace: 'MME/Many' })) {
      pages++;
      names.push(...(page.Metrics ?? []).map((m) => m.MetricName!));
    }
    expect(pages).toBe(2);
    expect(names).toHaveLength(600);
    expect(new Set(names).size).toBe(600);
  });

  it('errors arrive as the SDK named exceptions', async () => {
    const put = (MetricData: object[], Namespace = NS) =>
      cw.send(new PutMetricDataCommand({ Namespace, MetricData } as never));
    await expectError(
      put([{ MetricName: 'X', Value: 1 }], 'AWS/SageMaker'),
      'InvalidParameterValueException',
      /AWS\/SageMaker/,
    );
    await expectError(
      put([{ MetricName: 'X', Value: 1, StatisticValues: { SampleCount: 1, Sum: 1, Minimum: 1, Maximum: 1 } }]),
      'InvalidParameterCombinationException',
      /mutually exclusive/,
    );
    await expectError(put([{ MetricName: 'X', Value: 1, Unit: 'Parsecs' }]), 'InvalidParameterValueException');
    await expectError(
      put([{ MetricName: 'X', Value: 1, Timestamp: new Date(Date.now() - 15 * 86400_000) }]),
      'InvalidParameterValueException',
      /two weeks/,
    );
    const missing = await expectError(
      cw.send(
        new GetMetricStatisticsCommand({
          MetricName: 'Latency',
          StartTime: at(0),
          EndTime: at(60),
          Period: 60,
          Statistics: ['Sum'],
        } as never),
      ),
      'MissingRequiredParameterException',
      /^The parameter Namespace is required\.$/,
    );
    expect((missing as unknown as { Code?: string }).Code).toBe('MissingParameter');
    await expectError(statistics({ Statistics: undefined }), 'InvalidParameterCombinationException');
    await expectError(
      statistics({ Period: 1, StartTime: at(-86400) }),
      'InvalidParameterCombinationException',
      /exceeds the limit of 1,440/,
    );
    await expectError(statistics({ Period: 45 }), 'InvalidParameterValueException', /Period/);
    await expectError(
      statistics({ Statistics: ['Median' as never] }),
      'InvalidParameterValueException',
      /Statistics.member.1/,
    );
    await expectError(
      statistics({ StartTime: at(300), EndTime: at(0) }),
      'InvalidParameterValueException',
      /StartTime/,
    );
    await expectError(cw.send(new ListMetricsCommand({ NextToken: 'not a token' })), 'InvalidNextToken');
    await expectError(
      cw.send(
        new GetMetricDataCommand({
          StartTime: at(0),
          EndTime: at(60),
          MetricDataQueries: [{ Id: 'e1', Expression: 'nope * 2' }],
        }),
      ),
      'InvalidParameterValueException',
      /nope/,
    );
  });

  it('keeps recent metrics across a restart', async () => {
    await cloud.restart();
    const out = await statistics({ Statistics: ['Sum'] });
    expect(sorted(out.Datapoints).map((d) => d.Sum)).toEqual([60, 100, 16]);
  });
});
