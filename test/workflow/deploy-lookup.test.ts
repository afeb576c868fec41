/**
 * How many requests deploy sends to find the newest model per location, on an account with a
 * long history: the local cloud is given 1,000 locations × 10 past training runs (records as
 * CreateTrainingJob leaves them, written to its state before it opens), and deploy's planning
 * half runs through the real SDK clients, every request counted by the clients' own recorder.
 * Also: SageMaker Search's answer equals the ListTrainingJobs + ListTags + DescribeTrainingJob walk's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { createClients, type Clients, type SentRequest } from '../../src/aws/clients.js';
import { sagemakerArn } from '../../src/aws-names/arns.js';
import { DocumentStore } from '../../src/local/store/documents.js';
import { inspectDeploy } from '../../src/workflow/deploy.js';
import { deployRequests } from '../../src/workflow/endpoint-requests.js';
import { ENDPOINT_POLL } from '../../src/workflow/endpoint-waiter.js';
import { TAG_KEYS } from '../../src/workflow/jobs.js';
import { newestTrainedModels } from '../../src/workflow/trained-models.js';
import { startTestCloud, type TestCloud } from '../helpers/local-cloud.js';

const PREFIX = 'DEMO_MME_LINEAR_LEARNER';
const BUCKET = 'mme-lookup-test';
const PREPROCESSOR = 'mme-preprocess-20260101-000000-aaaa';
const LOCATIONS = 1000;
const RUNS = 10;
const location = (i: number) => `City${String(i).padStart(4, '0')}_ST`;

let cloud: TestCloud;
let sent: SentRequest[] = [];
let clients: Clients;

/** Location i's newest run: every 7th location missed the last run, so newest is not always run 9. */
const newestRun = (i: number) => (i % 7 === 0 ? RUNS - 2 : RUNS - 1);

beforeAll(async () => {
  cloud = await startTestCloud();
  const docs = new DocumentStore(join(cloud.stateDir, 'sagemaker'));
  const base = Date.parse('2026-01-01T00:00:00Z');
  const puts: Promise<void>[] = [];
  const job = (name: string, created: number, status: string, tags: Record<string, string>) => {
    const artifact = `s3://${BUCKET}/${PREFIX}/${name}/output/model.tar.gz`;
    const describe = {
      TrainingJobName: name,
      TrainingJobArn: sagemakerArn(cloud.region, cloud.accountId, 'training-job', name),
      TrainingJobStatus: status,
      SecondaryStatus: status,
      CreationTime: new Date(created),
      LastModifiedTime: new Date(created + 60_000),
      SecondaryStatusTransitions: [],
      ...(status === 'Completed' ? { ModelArtifacts: { S3ModelArtifacts: artifact } } : {}),
    };
    const record = {
      describe,
      tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
      algorithm: 'linear-learner',
    };
    puts.push(docs.put('training-jobs', name.toLowerCase(), record));
  };
  for (let run = 0; run < RUNS; run++) {
    const runId = `20260101-0${run}0000-${String(run).padStart(4, '0')}`;
    for (let i = 0; i < LOCATIONS; i++) {
      if (run > newestRun(i)) continue;
      const l = location(i);
      const tags = {
        [TAG_KEYS.step]: 'train',
        [TAG_KEYS.location]: l,
        [TAG_KEYS.run]: runId,
        [TAG_KEYS.prefix]: PREFIX,
        [TAG_KEYS.preprocessor]: PREPROCESSOR,
      };
      job(`mme-train-${l.replace('_', '-')}-${runId}`, base + run * 3_600_000 + i, 'Completed', tags);
    }
  }
  // Newer, and not to be picked: a failed job, and another prefix's job.
  job('mme-train-City0001-ST-late-failed', base + RUNS * 3_600_000, 'Failed', {
    [TAG_KEYS.step]: 'train',
    [TAG_KEYS.location]: location(1),
    [TAG_KEYS.prefix]: PREFIX,
  });
  job('mme-train-City0002-ST-other-prefix', base + RUNS * 3_600_000, 'Completed', {
    [TAG_KEYS.step]: 'train',
    [TAG_KEYS.location]: location(2),
    [TAG_KEYS.prefix]: 'OTHER',
    [TAG_KEYS.preprocessor]: PREPROCESSOR,
  });
  const modelName = PREPROCESSOR;
  puts.push(
    docs.put('models', modelName, {
      describe: {
        ModelName: modelName,
        ModelArn: sagemakerArn(cloud.region, cloud.accountId, 'model', modelName),
        CreationTime: new Date(base),
        PrimaryContainer: {
          Image: '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3',
          ModelDataUrl: `s3://${BUCKET}/${PREPROCESSOR}/output/model.tar.gz`,
        },
        ExecutionRoleArn: `arn:aws:iam::${cloud.accountId}:role/mme-sagemaker-execution`,
        EnableNetworkIsolation: false,
      },
      tags: [],
    }),
  );
  await Promise.all(puts);
  await docs.flush();
  await cloud.restart();
  clients = createClients({ region: cloud.region }, cloud.clientConfig(), { onRequest: (r) => sent.push(r) });
}, 120_000);

afterAll(async () => {
  clients?.destroy();
  await cloud?.stop();
});

const counts = (requests: readonly SentRequest[]) =>
  requests.reduce<Record<string, number>>((n, r) => ({ ...n, [r.operation]: (n[r.operation] ?? 0) + 1 }), {});

describe(`deploy's lookup with ${LOCATIONS} locations × ${RUNS} past runs`, () => {
  it("Search finds each location's newest job in 1 call", async () => {
    const sm = await clients.sageMaker();
    const wanted = [999, 998, 997, 996, 995].map(location);
    sent = [];
    const searched = await newestTrainedModels(sm, { locations: wanted, prefix: PREFIX });
    // Newest first, and it stops once each is found: here within the first page.
    expect(counts(sent)).toEqual({ Search: 1 });
    expect(searched.map((m) => m.location)).toEqual(wanted);
    expect(searched.map((m) => m.runId)).toEqual(wanted.map(() => `20260101-0${RUNS - 1}0000-000${RUNS - 1}`));
    for (const m of searched) {
      expect(m.artifact).toMatch(new RegExp(`^s3://${BUCKET}/.*/${m.jobName}/output/model.tar.gz$`));
      expect(m.preprocessor).toBe(PREPROCESSOR);
    }
  }, 120_000);

  it('inspectDeploy: 99 Search calls and 5 others to plan 1,000 copies and the endpoint', async () => {
    sent = [];
    const plan = await inspectDeploy(clients, {
      bucket: BUCKET,
      prefix: PREFIX,
      region: cloud.region,
      roleArn: `arn:aws:iam::${cloud.accountId}:role/mme-sagemaker-execution`,
      endpoint: 'mme-linear-learner',
      holdOut: [],
      instanceType: 'ml.m4.xlarge',
      instanceCount: 1,
      poll: ENDPOINT_POLL.local,
    });
    expect(plan.copies).toHaveLength(LOCATIONS);
    expect(plan.copies.find((c) => c.location === location(2))!.source).toContain(`-0${RUNS - 1}0000-`);
    expect(plan.copies.find((c) => c.location === location(1))!.source).toContain(`-0${RUNS - 1}0000-`);
    expect(plan.copies.find((c) => c.location === location(7))!.source).toContain(`-0${RUNS - 2}0000-`);
    const reads = counts(sent);
    const writes = counts(deployRequests(plan, { bucket: BUCKET, prefix: PREFIX }) as SentRequest[]);
    console.log(
      `deploy, ${LOCATIONS} locations × ${RUNS} runs: ${sent.length} read requests ${JSON.stringify(reads)}; ` +
        `then ${Object.values(writes).reduce((a, b) => a + b, 0)} writes ${JSON.stringify(writes)}`,
    );
    expect(reads).toEqual({
      // Every matching job, 100 a page: 10,000 less the 143 runs the 7th locations missed.
      Search: Math.ceil((LOCATIONS * RUNS - Math.ceil(LOCATIONS / 7)) / 100),
      DescribeModel: 2,
      ListObjectsV2: 1,
      DescribeEndpointConfig: 1,
      DescribeEndpoint: 1,
    });
    expect(writes).toMatchObject({ CopyObject: LOCATIONS, CreateModel: 1, CreateEndpointConfig: 1, CreateEndpoint: 1 });
  }, 120_000);
});
