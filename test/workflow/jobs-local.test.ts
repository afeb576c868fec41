/**
 * preprocess then train against the local cloud, in-process, through the real SDK clients the
 * CLI builds (createClients): the one code path AWS gets too. Needs the built job worker
 * (npx tsc -p tsconfig.json).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClients, type Clients } from '../../src/aws/clients.js';
import { s3WriterFromClient } from '../../src/aws/s3-writer.js';
import { readJobLogTail } from '../../src/workflow/logs.js';
import { generateData } from '../../src/workflow/data.js';
import { executionRoleArn, POLL, newRunId, type LogTailReader } from '../../src/workflow/jobs.js';
import {
  listDataLocations,
  preprocess,
  resolveDataLocations,
  type PreprocessResult,
} from '../../src/workflow/preprocess.js';
import { recordingReporter, silentReporter } from '../../src/workflow/reporter.js';
import { train, trainingData, type TrainResult } from '../../src/workflow/train.js';
import { newestTrainedModels } from '../../src/workflow/trained-models.js';
import { startTestCloud, type TestCloud } from '../helpers/local-cloud.js';

const BUCKET = 'mme-jobs-test';
const PREFIX = 'DEMO_MME_LINEAR_LEARNER';
const LOCATIONS = ['NewYork_NY', 'Chicago_IL'];

let cloud: TestCloud;
let clients: Clients;
let dataDir: string;
let roleArn: string;
let readLogTail: LogTailReader;

beforeAll(async () => {
  cloud = await startTestCloud();
  clients = createClients({ region: cloud.region }, cloud.clientConfig());
  dataDir = await mkdtemp(join(tmpdir(), 'mme-jobs-data-'));
  await generateData(
    {
      locations: LOCATIONS,
      rows: 300,
      seed: 3,
      outDir: dataDir,
      upload: { s3: s3WriterFromClient(await clients.s3()), bucket: BUCKET, createBucket: true },
    },
    silentReporter,
  );
  const account = async () => (await (await clients.sts()).send(new GetCallerIdentityCommand({}))).Account!;
  roleArn = await executionRoleArn('local', undefined, account);
  readLogTail = (kind, name) => readJobLogTail(clients, kind, name, 15);
});

afterAll(async () => {
  clients?.destroy();
  await cloud?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('inputs are checked before any job starts', () => {
  it('a bucket that does not exist says what creates it', async () => {
    await expect(resolveDataLocations(clients, 'no-such-bucket-here')).rejects.toMatchObject({
      code: 'NoData',
      message: 'the bucket no-such-bucket-here does not exist',
      hint: expect.stringContaining("'mme data generate --upload' creates it"),
    });
  });

  it('locations asked for without data are named, with what was found', async () => {
    await expect(resolveDataLocations(clients, BUCKET, ['Chicago_IL', 'Houston_TX'])).rejects.toMatchObject({
      code: 'NoData',
      message: `no data for Houston_TX under s3://${BUCKET}/housing-data/`,
      hint: expect.stringContaining('mme data generate --locations Houston_TX --upload (found: '),
    });
    expect(await resolveDataLocations(clients, BUCKET, ['Chicago_IL'])).toEqual(['Chicago_IL']);
  });
});

describe('preprocess and train on the local cloud', () => {
  let pre: PreprocessResult;
  let trained: TrainResult;

  it('finds the locations in the bucket and uses the local default role', async () => {
    expect((await listDataLocations(clients, BUCKET)).sort()).toEqual([...LOCATIONS].sort());
    expect(roleArn).toBe(`arn:aws:iam::${cloud.accountId}:role/mme-local-sagemaker-execution`);
  });

  it('preprocess: one fit, a transform and a 70/30 split per location', async () => {
    const reporter = recordingReporter();
    pre = await preprocess(clients, reporter, {
      bucket: BUCKET,
      prefix: PREFIX,
      region: cloud.region,
      roleArn,
      runId: newRunId(),
      locations: LOCATIONS,
      instanceType: 'ml.c4.xlarge',
      transformInstanceType: 'ml.c4.xlarge',
      seed: 42,
      validationFraction: 0.3,
      parallel: 2,
      poll: POLL.local,
      readLogTail,
    });
    expect(pre.ok).toBe(true);
    expect(pre.preprocessJob.status).toBe('Completed');
    expect(pre.transforms.map((t) => t.status)).toEqual(['Completed', 'Completed']);
    expect(pre.model).toBe(pre.preprocessJob.name);
    const s3 = await clients.s3();
    for (const d of pre.datasets) {
      // 300 rows, 90% train = 270, 70/30 of those.
      expect([d.trainRows, d.validationRows]).toEqual([189, 81]);
      const key = `${PREFIX}/preprocessed/${d.location}/train/train.csv`;
      const object = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
      expect(object.Metadata?.['mme-preprocess-job']).toBe(pre.preprocessJob.name);
      const first = (await object.Body!.transformToString()).split('\n')[0]!.split(',');
      expect(first).toHaveLength(11); // PRICE, then 10 features
      expect(Number(first[0])).toBeGreaterThan(10_000);
    }
    expect(
      await s3.send(
        new HeadObjectCommand({ Bucket: BUCKET, Key: `${pre.preprocessJob.name}/source/sourcedir.tar.gz` }),
      ),
    ).toBeTruthy();
    expect(reporter.events.filter((e) => e.kind === 'fail')).toEqual([]);
  });

  it('train --parallel 2: every job Completed with an artifact and sane validation metrics', async () => {
    const preprocessors = await trainingData(clients, BUCKET, PREFIX, LOCATIONS);
    expect(Object.values(preprocessors)).toEqual([pre.preprocessJob.name, pre.preprocessJob.name]);
    trained = await train(clients, silentReporter, {
      bucket: BUCKET,
      prefix: PREFIX,
      region: cloud.region,
      roleArn,
      runId: newRunId(),
      locations: LOCATIONS,
      instanceType: 'ml.c4.xlarge',
      parallel: 2,
      wait: true,
      poll: POLL.local,
      preprocessors,
      readLogTail,
    });
    expect(trained.ok).toBe(true);
    const s3 = await clients.s3();
    for (const job of trained.jobs) {
      expect(job.status).toBe('Completed');
      expect(job.artifact).toBe(
        `s3://${BUCKET}/${PREFIX}/model_artifacts/${job.location}/${job.name}/output/model.tar.gz`,
      );
      await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: job.artifact!.slice(`s3://${BUCKET}/`.length) }));
      // Prices are in the hundreds of thousands; a model that learned something explains most of them.
      expect(job.metrics?.['validation:r2']).toBeGreaterThan(0.5);
      expect(job.metrics?.['validation:absolute_loss']).toBeLessThan(200_000);
    }
  });

  it("deploy's lookup finds the jobs just trained, with their preprocessor", async () => {
    const found = await newestTrainedModels(await clients.sageMaker(), {
      locations: LOCATIONS,
      prefix: PREFIX,
    });
    expect(found.map((f) => [f.location, f.jobName, f.artifact, f.preprocessor])).toEqual(
      trained.jobs.map((j) => [j.location, j.name, j.artifact, pre.preprocessJob.name]),
    );
    expect(await newestTrainedModels(await clients.sageMaker(), { prefix: 'SOME_OTHER_PREFIX' })).toEqual([]);
  });

  it('a failing job is reported with its FailureReason and the end of its log', async () => {
    const result = await train(clients, silentReporter, {
      bucket: BUCKET,
      prefix: PREFIX,
      region: cloud.region,
      roleArn,
      runId: newRunId(),
      locations: ['Chicago_IL'],
      instanceType: 'ml.c4.xlarge',
      hyperparameters: { loss: 'bogus_loss' },
      parallel: 2,
      wait: true,
      poll: POLL.local,
      readLogTail,
    });
    expect(result.ok).toBe(false);
    expect(result.jobs[0]).toMatchObject({ status: 'Failed', failureReason: expect.stringContaining('bogus_loss') });
    expect(result.jobs[0]!.logTail?.join('\n')).toContain('Downloading 2 channel(s)');
    // The reason points to the stream the whole log is in (docs/aws-behaviour.md#logs).
    expect(result.jobs[0]!.failureReason).toMatch(
      new RegExp(`\\(CloudWatch Logs group /aws/sagemaker/TrainingJobs, stream ${result.jobs[0]!.name}/algo-1-\\d+\\)`),
    );
    // The failed job is not "the latest Completed" one.
    const [latest] = await newestTrainedModels(await clients.sageMaker(), {
      locations: ['Chicago_IL'],
      prefix: PREFIX,
    });
    expect(latest!.jobName).toBe(trained.jobs.find((j) => j.location === 'Chicago_IL')!.name);
  });
});
