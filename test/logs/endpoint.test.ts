/**
 * An endpoint's containers write to /aws/sagemaker/Endpoints/{endpoint}, one stream per
 * container of the pipeline ({variant}/{instance-id}/{container}; docs/aws-behaviour.md#logs):
 * model loads, and the container error a ModelError's message points to.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DescribeLogStreamsCommand, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { InvokeEndpointCommand } from '@aws-sdk/client-sagemaker-runtime';
import { createClients, type Clients } from '../../src/aws/clients.js';
import { startTestCloud, type TestCloud } from '../helpers/local-cloud.js';
import { createPipelineEndpoint } from '../helpers/pipeline-endpoint.js';
import { rejection } from '../helpers/rejection.js';
import { INFERENCE_ROW } from '../hosting/helpers.js';

const ENDPOINT = 'logs-endpoint';
const GROUP = `/aws/sagemaker/Endpoints/${ENDPOINT}`;

describe('endpoint logs', () => {
  let cloud: TestCloud;
  let clients: Clients;

  beforeAll(async () => {
    cloud = await startTestCloud();
    clients = createClients({ region: cloud.region }, cloud.clientConfig(), { maxAttempts: 1 });
    await createPipelineEndpoint(clients, {
      accountId: cloud.accountId,
      endpoint: ENDPOINT,
      cities: { NewYork_NY: 450 },
    });
  }, 60_000);
  afterAll(async () => {
    clients?.destroy();
    await cloud?.stop();
  });

  const invoke = async (body: string) =>
    (await clients.sageMakerRuntime()).send(
      new InvokeEndpointCommand({
        EndpointName: ENDPOINT,
        TargetModel: 'NewYork_NY/NewYork_NY.tar.gz',
        ContentType: 'text/csv',
        Body: body,
      }),
    );

  it('writes one stream per pipeline container, with the model loads and the invocation errors', async () => {
    await invoke(INFERENCE_ROW);
    const err = await rejection(invoke('a,b'));
    expect(err.name).toBe('ModelError');
    // The message points to the group the error is in.
    expect(err.message).toContain(`#logEventViewer:group=${GROUP} in account ${cloud.accountId} for more information.`);
    expect((err as unknown as { LogStreamArn: string }).LogStreamArn).toBe(
      `arn:aws:logs:${cloud.region}:${cloud.accountId}:log-group:${GROUP}`,
    );

    const logs = await clients.logs();
    const streams = (await logs.send(new DescribeLogStreamsCommand({ logGroupName: GROUP }))).logStreams!.map(
      (s) => s.logStreamName!,
    );
    expect(streams).toHaveLength(2);
    expect(streams[0]).toMatch(/^AllTraffic\/i-[0-9a-f]{17}\/container-1$/);
    expect(streams[1]).toBe(streams[0]!.replace(/container-1$/, 'container-2'));

    const messages = async (stream: string) =>
      (await logs.send(new FilterLogEventsCommand({ logGroupName: GROUP, logStreamNames: [stream] }))).events!.map(
        (e) => e.message!,
      );
    const preprocessor = await messages(streams[0]!);
    expect(preprocessor[0]).toMatch(/^Starting the sklearn-preprocessor container with model data s3:\/\//);
    expect(preprocessor).toContain('Model loaded; the container is serving');
    expect(preprocessor.at(-1)).toMatch(/^Invocation error \(400\): /);
    expect(err.message).toContain(preprocessor.at(-1)!.replace(/^Invocation error \(400\): /, ''));
    const multiModel = await messages(streams[1]!);
    expect(multiModel[0]).toMatch(/^Starting the linear-learner multi-model container: models load from s3:\/\//);
    expect(multiModel.slice(1).map((m) => m.replace(/ \([\d.]+ ms\)$/, ''))).toEqual([
      expect.stringMatching(
        /^Downloaded model NewYork_NY\/NewYork_NY\.tar\.gz from s3:\/\/.*NewYork_NY\/NewYork_NY\.tar\.gz$/,
      ),
      'Loaded model NewYork_NY/NewYork_NY.tar.gz',
    ]);
  });
});
