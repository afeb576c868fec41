/**
 * CloudWatch Logs through the real @aws-sdk/client-cloudwatch-logs (JSON 1.1) against the
 * in-process local cloud: shapes, token semantics, filter patterns, limits, errors, and
 * authorization by log group and stream.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CloudWatchLogsClient,
  DescribeLogGroupsCommand,
  DescribeLogStreamsCommand,
  FilterLogEventsCommand,
  GetLogEventsCommand,
  paginateFilterLogEvents,
} from '@aws-sdk/client-cloudwatch-logs';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { CreateRoleCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { startTestCloud, type TestCloud } from '../helpers/local-cloud.js';
import { sdkFailure, rejection } from '../helpers/rejection.js';
import { allow, credsOf, destroyClients, iam, sts, trustAccount } from '../iam/helpers.js';

const GROUP = '/aws/sagemaker/Endpoints/logs-ep';
const STREAM = 'AllTraffic/i-0123456789abcdef0';
const BASE = Date.UTC(2026, 0, 1, 12);

describe('CloudWatch Logs through the AWS SDK', () => {
  let cloud: TestCloud;
  let logs: CloudWatchLogsClient;

  beforeAll(async () => {
    cloud = await startTestCloud();
    logs = new CloudWatchLogsClient({ ...cloud.clientConfig(), maxAttempts: 1 });
    const events = cloud.logEvents();
    for (let i = 0; i < 25; i++)
      events.put(GROUP, STREAM, [`line ${i}${i % 5 === 0 ? ' ERROR model failed' : ''}`], new Date(BASE + i * 1000));
    events.put(GROUP, 'AllTraffic/i-0fedcba9876543210', ['ERROR "quoted" text', 'WARN disk'], new Date(BASE + 2500));
    events.put('/aws/sagemaker/TrainingJobs', 'job-1/algo-1-1767268800', ['Training started'], new Date(BASE));
  });

  afterAll(async () => {
    logs?.destroy();
    destroyClients();
    await cloud?.stop();
  });

  it('DescribeLogGroups lists groups in name order, by prefix, in pages', async () => {
    const all = await logs.send(new DescribeLogGroupsCommand({}));
    expect(all.logGroups!.map((g) => g.logGroupName)).toEqual([GROUP, '/aws/sagemaker/TrainingJobs']);
    expect(all.logGroups![0]).toMatchObject({
      arn: `arn:aws:logs:${cloud.region}:${cloud.accountId}:log-group:${GROUP}:*`,
      logGroupArn: `arn:aws:logs:${cloud.region}:${cloud.accountId}:log-group:${GROUP}`,
      storedBytes: expect.any(Number),
      creationTime: expect.any(Number),
    });
    const first = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/aws/sagemaker/', limit: 1 }));
    expect(first.logGroups!.map((g) => g.logGroupName)).toEqual([GROUP]);
    const second = await logs.send(
      new DescribeLogGroupsCommand({ logGroupNamePrefix: '/aws/sagemaker/', limit: 1, nextToken: first.nextToken }),
    );
    expect(second.logGroups!.map((g) => g.logGroupName)).toEqual(['/aws/sagemaker/TrainingJobs']);
    expect(second.nextToken).toBeUndefined();
    expect((await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/nothing' }))).logGroups).toEqual([]);
    expect(
      (await logs.send(new DescribeLogGroupsCommand({ logGroupNamePattern: 'Training' }))).logGroups!.map(
        (g) => g.logGroupName,
      ),
    ).toEqual(['/aws/sagemaker/TrainingJobs']);
  });

  it('DescribeLogStreams orders by name or last event time', async () => {
    const byName = await logs.send(new DescribeLogStreamsCommand({ logGroupName: GROUP }));
    expect(byName.logStreams!.map((s) => s.logStreamName)).toEqual([STREAM, 'AllTraffic/i-0fedcba9876543210']);
    expect(byName.logStreams![0]).toMatchObject({
      firstEventTimestamp: BASE,
      lastEventTimestamp: BASE + 24_000,
      arn: expect.stringContaining(`:log-stream:${STREAM}`),
    });
    const byTime = await logs.send(
      new DescribeLogStreamsCommand({ logGroupName: GROUP, orderBy: 'LastEventTime', descending: true, limit: 1 }),
    );
    expect(byTime.logStreams!.map((s) => s.logStreamName)).toEqual([STREAM]);
    const next = await logs.send(
      new DescribeLogStreamsCommand({
        logGroupName: GROUP,
        orderBy: 'LastEventTime',
        descending: true,
        limit: 1,
        nextToken: byTime.nextToken,
      }),
    );
    expect(next.logStreams!.map((s) => s.logStreamName)).toEqual(['AllTraffic/i-0fedcba9876543210']);
    const prefixed = await logs.send(
      new DescribeLogStreamsCommand({
        logGroupIdentifier: `arn:aws:logs:${cloud.region}:${cloud.accountId}:log-group:${GROUP}:*`,
        logStreamNamePrefix: 'AllTraffic/i-0f',
      }),
    );
    expect(prefixed.logStreams!.map((s) => s.logStreamName)).toEqual(['AllTraffic/i-0fedcba9876543210']);
    const both = await rejection(
      logs.send(
        new DescribeLogStreamsCommand({ logGroupName: GROUP, orderBy: 'LastEventTime', logStreamNamePrefix: 'A' }),
      ),
    );
    expect(both.name).toBe('InvalidParameterException');
  });

  it('GetLogEvents: newest first by default, from the head on request, tokens forward and back', async () => {
    const tail = await logs.send(new GetLogEventsCommand({ logGroupName: GROUP, logStreamName: STREAM, limit: 3 }));
    expect(tail.events!.map((e) => e.message)).toEqual(['line 22', 'line 23', 'line 24']);
    expect(tail.events![0]).toEqual({
      timestamp: BASE + 22_000,
      message: 'line 22',
      ingestionTime: expect.any(Number),
    });
    const before = await logs.send(
      new GetLogEventsCommand({
        logGroupName: GROUP,
        logStreamName: STREAM,
        limit: 3,
        nextToken: tail.nextBackwardToken,
      }),
    );
    expect(before.events!.map((e) => e.message)).toEqual(['line 19', 'line 20 ERROR model failed', 'line 21']);

    const head = await logs.send(
      new GetLogEventsCommand({ logGroupName: GROUP, logStreamName: STREAM, limit: 10, startFromHead: true }),
    );
    expect(head.events!.map((e) => e.message)[0]).toBe('line 0 ERROR model failed');
    let token = head.nextForwardToken;
    const seen = head.events!.map((e) => e.message);
    for (;;) {
      const page = await logs.send(
        new GetLogEventsCommand({
          logGroupName: GROUP,
          logStreamName: STREAM,
          limit: 10,
          startFromHead: true,
          nextToken: token,
        }),
      );
      seen.push(...page.events!.map((e) => e.message!));
      // At the end, the forward token is the one sent: that is how a reader knows it is done.
      if (page.nextForwardToken === token) {
        expect(page.events).toEqual([]);
        break;
      }
      token = page.nextForwardToken;
    }
    expect(seen).toHaveLength(25);
    // New events appear through the same token.
    cloud.logEvents().put(GROUP, STREAM, ['line 25'], new Date(BASE + 25_000));
    const polled = await logs.send(
      new GetLogEventsCommand({ logGroupName: GROUP, logStreamName: STREAM, startFromHead: true, nextToken: token }),
    );
    expect(polled.events!.map((e) => e.message)).toEqual(['line 25']);
  });

  it('GetLogEvents: startTime included, endTime excluded', async () => {
    const out = await logs.send(
      new GetLogEventsCommand({
        logGroupName: GROUP,
        logStreamName: STREAM,
        startTime: BASE + 3000,
        endTime: BASE + 6000,
        startFromHead: true,
      }),
    );
    expect(out.events!.map((e) => e.message)).toEqual(['line 3', 'line 4', 'line 5 ERROR model failed']);
  });

  it('FilterLogEvents: terms, quoted phrases, ?any, -exclusions, stream selection, time range, pages', async () => {
    const messages = async (input: Omit<ConstructorParameters<typeof FilterLogEventsCommand>[0], 'logGroupName'>) =>
      (await logs.send(new FilterLogEventsCommand({ logGroupName: GROUP, ...input }))).events!.map((e) => e.message);
    expect(await messages({ filterPattern: 'ERROR' })).toEqual([
      'line 0 ERROR model failed',
      'ERROR "quoted" text',
      'line 5 ERROR model failed',
      'line 10 ERROR model failed',
      'line 15 ERROR model failed',
      'line 20 ERROR model failed',
    ]);
    expect(
      await messages({ filterPattern: '"model failed" -"line 0"', startTime: BASE, endTime: BASE + 11_000 }),
    ).toEqual(['line 5 ERROR model failed', 'line 10 ERROR model failed']);
    expect(await messages({ filterPattern: '?WARN ?quoted' })).toEqual(['ERROR "quoted" text', 'WARN disk']);
    expect(await messages({ filterPattern: 'error' })).toEqual([]); // case sensitive
    expect(await messages({ filterPattern: 'ERROR', logStreamNames: ['AllTraffic/i-0fedcba9876543210'] })).toEqual([
      'ERROR "quoted" text',
    ]);
    const events = (
      await logs.send(new FilterLogEventsCommand({ logGroupName: GROUP, filterPattern: 'ERROR', limit: 1 }))
    ).events!;
    expect(events[0]).toMatchObject({
      logStreamName: STREAM,
      eventId: expect.stringMatching(/^\d+$/),
      timestamp: BASE,
      ingestionTime: expect.any(Number),
    });
    const paged: string[] = [];
    for await (const page of paginateFilterLogEvents(
      { client: logs, pageSize: 4 },
      { logGroupName: GROUP, filterPattern: 'ERROR' },
    )) {
      expect(page.events!.length).toBeLessThanOrEqual(4);
      paged.push(...page.events!.map((e) => e.message!));
    }
    expect(paged).toHaveLength(6);
    const bad = await rejection(
      logs.send(
        new FilterLogEventsCommand({ logGroupName: GROUP, logStreamNames: [STREAM], logStreamNamePrefix: 'A' }),
      ),
    );
    expect(bad.name).toBe('InvalidParameterException');
    const json = await rejection(
      logs.send(new FilterLogEventsCommand({ logGroupName: GROUP, filterPattern: '{ $.level = "error" }' })),
    );
    expect(json.name).toBe('InvalidParameterException');
  });

  it('answers AWS errors: unknown group, unknown stream, bad limits, bad tokens, missing stream name', async () => {
    const noGroup = await rejection(
      logs.send(new GetLogEventsCommand({ logGroupName: '/aws/sagemaker/Endpoints/none', logStreamName: 's' })),
    );
    expect(noGroup).toMatchObject({
      name: 'ResourceNotFoundException',
      message: 'The specified log group does not exist.',
    });
    expect(noGroup.$metadata?.httpStatusCode).toBe(400);
    const noStream = await rejection(
      logs.send(new GetLogEventsCommand({ logGroupName: GROUP, logStreamName: 'none' })),
    );
    expect(noStream).toMatchObject({
      name: 'ResourceNotFoundException',
      message: 'The specified log stream does not exist.',
    });
    expect(await rejection(logs.send(new DescribeLogStreamsCommand({ logGroupName: '/none' })))).toMatchObject({
      name: 'ResourceNotFoundException',
    });
    expect(await rejection(logs.send(new FilterLogEventsCommand({ logGroupName: '/none' })))).toMatchObject({
      name: 'ResourceNotFoundException',
    });
    const limit = await rejection(logs.send(new DescribeLogGroupsCommand({ limit: 51 })));
    expect(limit).toMatchObject({
      name: 'InvalidParameterException',
      message:
        "1 validation error detected: Value '51' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 50",
    });
    expect(
      await sdkFailure(
        logs.send(new GetLogEventsCommand({ logGroupName: GROUP, logStreamName: STREAM, limit: 10_001 })),
      ),
    ).toEqual({ name: 'InvalidParameterException', status: 400 });
    expect(
      await sdkFailure(
        logs.send(new GetLogEventsCommand({ logGroupName: GROUP, logStreamName: STREAM, nextToken: 'f/nonsense' })),
      ),
    ).toEqual({ name: 'InvalidParameterException', status: 400 });
    expect(
      await sdkFailure(logs.send(new GetLogEventsCommand({ logGroupName: 'bad name!', logStreamName: STREAM }))),
    ).toEqual({ name: 'InvalidParameterException', status: 400 });
  });

  it('authorizes logs:* on the log group and stream: a role without logs:GetLogEvents is denied', async () => {
    const admin = iam(cloud);
    await admin.send(
      new CreateRoleCommand({ RoleName: 'log-reader', AssumeRolePolicyDocument: trustAccount(cloud.accountId) }),
    );
    const groupArn = `arn:aws:logs:${cloud.region}:${cloud.accountId}:log-group:${GROUP}`;
    await admin.send(
      new PutRolePolicyCommand({
        RoleName: 'log-reader',
        PolicyName: 'filter-only',
        PolicyDocument: allow(['logs:FilterLogEvents', 'logs:DescribeLogStreams'], `${groupArn}:*`),
      }),
    );
    const session = credsOf(
      await sts(cloud).send(
        new AssumeRoleCommand({
          RoleArn: `arn:aws:iam::${cloud.accountId}:role/log-reader`,
          RoleSessionName: 'reader',
        }),
      ),
    );
    const reader = new CloudWatchLogsClient({ ...cloud.clientConfig(), credentials: session, maxAttempts: 1 });
    try {
      expect(
        (await reader.send(new FilterLogEventsCommand({ logGroupName: GROUP, filterPattern: 'WARN' }))).events!.map(
          (e) => e.message,
        ),
      ).toEqual(['WARN disk']);
      const denied = await rejection(
        reader.send(new GetLogEventsCommand({ logGroupName: GROUP, logStreamName: STREAM })),
      );
      expect(denied.name).toBe('AccessDeniedException');
      expect(denied.$metadata?.httpStatusCode).toBe(403);
      expect(denied.message).toContain(`logs:GetLogEvents on resource: ${groupArn}:log-stream:${STREAM}`);
      // Another group is out of the policy's reach.
      expect(
        (await sdkFailure(reader.send(new FilterLogEventsCommand({ logGroupName: '/aws/sagemaker/TrainingJobs' }))))
          .name,
      ).toBe('AccessDeniedException');
      // DescribeLogGroups is checked on log-group::log-stream:, which a group-scoped policy does not cover.
      const groups = await rejection(reader.send(new DescribeLogGroupsCommand({})));
      expect(groups.message).toContain(
        `on resource: arn:aws:logs:${cloud.region}:${cloud.accountId}:log-group::log-stream:`,
      );
    } finally {
      reader.destroy();
    }
  });

  it('serves the events again after a restart', async () => {
    await cloud.logEvents().flush();
    await cloud.restart();
    const again = new CloudWatchLogsClient({ ...cloud.clientConfig(), maxAttempts: 1 });
    try {
      const out = await again.send(new GetLogEventsCommand({ logGroupName: GROUP, logStreamName: STREAM, limit: 2 }));
      expect(out.events!.map((e) => e.message)).toEqual(['line 24', 'line 25']);
    } finally {
      again.destroy();
    }
  });
});
