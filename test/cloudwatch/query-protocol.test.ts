/**
 * CloudWatch's older Query protocol (form `Action=…&Version=2010-08-01`, XML answers), which
 * AWS CLI / boto3 builds from before late 2025 and JS clients before 3.949 speak. Two clients:
 * a form request built and SigV4-signed by hand, and the current SDK client switched to its
 * awsQuery protocol implementation (the same XML parser the older clients used).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignatureV4 } from '@smithy/signature-v4';
import { XMLParser } from 'fast-xml-parser';
import { AwsQueryProtocol } from '@aws-sdk/core/protocols';
import {
  CloudWatchClient,
  GetMetricDataCommand,
  GetMetricStatisticsCommand,
  ListMetricsCommand,
  PutMetricDataCommand,
} from '@aws-sdk/client-cloudwatch';
import { startTestCloud, type TestCloud } from '../helpers/local-cloud.js';
import { Sha256 } from '../../src/signing/sha256.js';

const BASE = Math.floor((Date.now() - 20 * 60_000) / 300_000) * 300_000;
const at = (seconds: number) => new Date(BASE + seconds * 1000);
const xml = new XMLParser({ isArray: (name) => name === 'member' || name === 'entry' });

describe('CloudWatch over the Query protocol', () => {
  let cloud: TestCloud;

  /** POST a signed form to the local cloud, as a Query-protocol SDK does. */
  async function query(params: Record<string, string>) {
    const url = new URL(cloud.endpoint);
    const body = new URLSearchParams({ Version: '2010-08-01', ...params }).toString();
    const signer = new SignatureV4({
      credentials: cloud.credentials,
      region: cloud.region,
      service: 'monitoring',
      sha256: Sha256,
    });
    const signed = await signer.sign({
      method: 'POST',
      protocol: 'http:',
      hostname: url.hostname,
      port: Number(url.port),
      path: '/',
      headers: { host: url.host, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body,
    });
    const res = await fetch(`${cloud.endpoint}/`, { method: 'POST', headers: signed.headers, body });
    return { status: res.status, type: res.headers.get('content-type'), doc: xml.parse(await res.text()) };
  }

  beforeAll(async () => {
    cloud = await startTestCloud();
  });
  afterAll(async () => {
    await cloud?.stop();
  });

  it('a hand-signed form request: PutMetricData, GetMetricStatistics, ListMetrics', async () => {
    const put = await query({
      Action: 'PutMetricData',
      Namespace: 'MME/Query',
      'MetricData.member.1.MetricName': 'ModelLatency',
      'MetricData.member.1.Dimensions.member.1.Name': 'EndpointName',
      'MetricData.member.1.Dimensions.member.1.Value': 'ep',
      'MetricData.member.1.Timestamp': at(10).toISOString(),
      'MetricData.member.1.Values.member.1': '100',
      'MetricData.member.1.Values.member.2': '300',
      'MetricData.member.1.Counts.member.1': '3',
      'MetricData.member.1.Counts.member.2': '1',
      'MetricData.member.1.Unit': 'Microseconds',
      'MetricData.member.2.MetricName': 'ModelLatency',
      'MetricData.member.2.Dimensions.member.1.Name': 'EndpointName',
      'MetricData.member.2.Dimensions.member.1.Value': 'ep',
      'MetricData.member.2.Timestamp': at(75).toISOString(),
      'MetricData.member.2.StatisticValues.SampleCount': '2',
      'MetricData.member.2.StatisticValues.Sum': '50',
      'MetricData.member.2.StatisticValues.Minimum': '25',
      'MetricData.member.2.StatisticValues.Maximum': '25',
      'MetricData.member.2.Unit': 'Microseconds',
    });
    expect(put.status).toBe(200);
    expect(put.type).toBe('text/xml');
    expect(put.doc.PutMetricDataResponse.ResponseMetadata.RequestId).toMatch(/^[0-9a-f-]{36}$/);

    const stats = await query({
      Action: 'GetMetricStatistics',
      Namespace: 'MME/Query',
      MetricName: 'ModelLatency',
      'Dimensions.member.1.Name': 'EndpointName',
      'Dimensions.member.1.Value': 'ep',
      StartTime: at(0).toISOString(),
      EndTime: at(180).toISOString(),
      Period: '60',
      'Statistics.member.1': 'Average',
      'Statistics.member.2': 'SampleCount',
      'Statistics.member.3': 'Maximum',
    });
    expect(stats.status).toBe(200);
    const result = stats.doc.GetMetricStatisticsResponse.GetMetricStatisticsResult;
    expect(result.Label).toBe('ModelLatency');
    expect(result.Datapoints.member).toEqual([
      { Timestamp: at(0).toISOString(), SampleCount: 4, Average: 150, Maximum: 300, Unit: 'Microseconds' },
      { Timestamp: at(60).toISOString(), SampleCount: 2, Average: 25, Maximum: 25, Unit: 'Microseconds' },
    ]);

    const pct = await query({
      Action: 'GetMetricStatistics',
      Namespace: 'MME/Query',
      MetricName: 'ModelLatency',
      'Dimensions.member.1.Name': 'EndpointName',
      'Dimensions.member.1.Value': 'ep',
      StartTime: at(0).toISOString(),
      EndTime: at(180).toISOString(),
      Period: '300',
      'ExtendedStatistics.member.1': 'p90',
    });
    // The uniform statistic set (25 × 2) counts as raw values.
    expect(
      pct.doc.GetMetricStatisticsResponse.GetMetricStatisticsResult.Datapoints.member[0].ExtendedStatistics.entry,
    ).toEqual([{ key: 'p90', value: 300 }]);

    const list = await query({ Action: 'ListMetrics', Namespace: 'MME/Query' });
    expect(list.doc.ListMetricsResponse.ListMetricsResult.Metrics.member).toEqual([
      {
        Namespace: 'MME/Query',
        MetricName: 'ModelLatency',
        Dimensions: { member: [{ Name: 'EndpointName', Value: 'ep' }] },
      },
    ]);
  });

  it('a hand-signed form request: errors as <ErrorResponse>', async () => {
    const missing = await query({ Action: 'GetMetricStatistics', MetricName: 'X' });
    expect(missing.status).toBe(400);
    expect(missing.doc.ErrorResponse.Error).toEqual({
      Type: 'Sender',
      Code: 'MissingParameter',
      Message: 'The parameter Namespace is required.',
    });
    const unknown = await query({ Action: 'PutDashboard' });
    expect(unknown.doc.ErrorResponse.Error.Code).toBe('InvalidAction');
    const bad = await query({
      Action: 'PutMetricData',
      Namespace: 'X',
      'MetricData.member.1.MetricName': 'M',
      'MetricData.member.1.Value': 'NaN',
    });
    expect(bad.doc.ErrorResponse.Error).toMatchObject({
      Code: 'InvalidParameterValue',
      Message: 'The value NaN for parameter MetricData.member.1.Value is invalid.',
    });
  });

  it('the SDK client on its awsQuery protocol: every operation and a named error', async () => {
    const cw = new CloudWatchClient({ ...cloud.clientConfig(), protocol: AwsQueryProtocol });
    const sent: string[] = [];
    cw.middlewareStack.add(
      (next) => async (args) => {
        const { headers, body } = args.request as { headers: Record<string, string>; body: string };
        sent.push(`${headers['content-type']} ${headers['x-amz-target'] ?? '-'} ${String(body).split('&')[0]}`);
        return next(args);
      },
      { step: 'finalizeRequest', name: 'recordProtocol' },
    );
    try {
      const dims = [{ Name: 'EndpointName', Value: 'q' }];
      await cw.send(
        new PutMetricDataCommand({
          Namespace: 'MME/QuerySdk',
          MetricData: [
            { MetricName: 'Invocations', Dimensions: dims, Timestamp: at(1), Value: 2, Unit: 'Count' },
            { MetricName: 'Invocations', Dimensions: dims, Timestamp: at(61), Value: 5, Unit: 'Count' },
          ],
        }),
      );
      const stats = await cw.send(
        new GetMetricStatisticsCommand({
          Namespace: 'MME/QuerySdk',
          MetricName: 'Invocations',
          Dimensions: dims,
          StartTime: at(0),
          EndTime: at(120),
          Period: 60,
          Statistics: ['Sum'],
          ExtendedStatistics: undefined,
        }),
      );
      expect(stats.Datapoints).toEqual([
        { Timestamp: at(0), Sum: 2, Unit: 'Count' },
        { Timestamp: at(60), Sum: 5, Unit: 'Count' },
      ]);
      const data = await cw.send(
        new GetMetricDataCommand({
          StartTime: at(0),
          EndTime: at(120),
          MetricDataQueries: [
            {
              Id: 'inv',
              MetricStat: {
                Metric: { Namespace: 'MME/QuerySdk', MetricName: 'Invocations', Dimensions: dims },
                Period: 60,
                Stat: 'Sum',
              },
            },
            { Id: 'total', Expression: 'SUM(inv)' },
          ],
        }),
      );
      expect(data.MetricDataResults?.[0]).toMatchObject({
        Id: 'inv',
        Label: 'Invocations',
        Timestamps: [at(60), at(0)],
        Values: [5, 2],
        StatusCode: 'Complete',
      });
      expect(data.MetricDataResults?.[1]).toMatchObject({ Id: 'total', Values: [7, 7] });
      const list = await cw.send(
        new ListMetricsCommand({ Namespace: 'MME/QuerySdk', Dimensions: [{ Name: 'EndpointName' }] }),
      );
      expect(list.Metrics).toEqual([{ Namespace: 'MME/QuerySdk', MetricName: 'Invocations', Dimensions: dims }]);
      const err = await cw.send(new ListMetricsCommand({ RecentlyActive: 'P1D' as never })).catch((e: Error) => e);
      expect((err as Error).name).toBe('InvalidParameterValueException');
      expect(sent[0]).toBe('application/x-www-form-urlencoded - Action=PutMetricData');
      expect(sent.every((line) => line.startsWith('application/x-www-form-urlencoded - Action='))).toBe(true);
    } finally {
      cw.destroy();
    }
  });
});
