/**
 * The workflow's first two steps on an in-process local cloud, for the tests of what comes after
 * them: housing data generated and uploaded, the preprocessor fitted and each location's data
 * transformed and split 70/30, through the real SDK clients the CLI builds. `job` is the common
 * part of every later step's options (train adds `algorithm`, `runId`, ...); `deployOptions` deploy's.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { createClients, type Clients } from '../../src/aws/clients.js';
import { s3WriterFromClient } from '../../src/aws/s3-writer.js';
import type { AlgorithmName } from '../../src/algorithms/registry.js';
import { algorithmTarget } from '../../src/cli/algorithm.js';
import { generateData } from '../../src/workflow/data.js';
import type { DeployOptions } from '../../src/workflow/deploy.js';
import { ENDPOINT_POLL } from '../../src/workflow/endpoint-waiter.js';
import { executionRoleArn, POLL, newRunId } from '../../src/workflow/jobs.js';
import { preprocess } from '../../src/workflow/preprocess.js';
import { silentReporter } from '../../src/workflow/reporter.js';
import { trainingData, type TrainOptions } from '../../src/workflow/train.js';
import { startTestCloud, type TestCloud } from './local-cloud.js';

export interface PreprocessedWorkflow {
  cloud: TestCloud;
  clients: Clients;
  roleArn: string;
  /** What train needs besides its own choices (runId, algorithm, hyperparameters, ...). */
  job: Omit<TrainOptions, 'runId'>;
  /** What deploy needs for one algorithm's endpoint (its model prefix and default endpoint), holding out `holdOut`. */
  deployOptions(algorithm: AlgorithmName, holdOut?: string[]): DeployOptions;
  stop(): Promise<void>;
}

export async function preprocessedWorkflow(o: {
  bucket: string;
  prefix: string;
  locations: string[];
  rows: number;
  seed: number;
}): Promise<PreprocessedWorkflow> {
  const cloud = await startTestCloud();
  const clients = createClients({ region: cloud.region }, cloud.clientConfig());
  const dataDir = await mkdtemp(join(tmpdir(), 'mme-workflow-data-'));
  const stop = async () => {
    clients.destroy();
    await cloud.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    await generateData(
      {
        locations: o.locations,
        rows: o.rows,
        seed: o.seed,
        outDir: dataDir,
        upload: { s3: s3WriterFromClient(await clients.s3()), bucket: o.bucket, createBucket: true },
      },
      silentReporter,
    );
    const account = async () => (await (await clients.sts()).send(new GetCallerIdentityCommand({}))).Account!;
    const roleArn = await executionRoleArn('local', undefined, account);
    const common = {
      bucket: o.bucket,
      prefix: o.prefix,
      region: cloud.region,
      roleArn,
      locations: o.locations,
      instanceType: 'ml.c4.xlarge',
      poll: POLL.local,
      parallel: o.locations.length,
    };
    const pre = await preprocess(clients, silentReporter, {
      ...common,
      runId: newRunId(),
      transformInstanceType: 'ml.c4.xlarge',
      seed: 42,
      validationFraction: 0.3,
    });
    if (!pre.ok) throw new Error(`preprocess failed: ${JSON.stringify(pre)}`);
    const preprocessors = await trainingData(clients, o.bucket, o.prefix, o.locations);
    const deployOptions = (algorithm: AlgorithmName, holdOut: string[] = []): DeployOptions => {
      const target = algorithmTarget(o.prefix, algorithm);
      return {
        bucket: o.bucket,
        prefix: target.modelPrefix,
        region: cloud.region,
        roleArn,
        endpoint: target.endpoint,
        holdOut,
        instanceType: 'ml.m4.xlarge',
        instanceCount: 1,
        poll: ENDPOINT_POLL.local,
        algorithm,
      };
    };
    return { cloud, clients, roleArn, job: { ...common, wait: true, preprocessors }, deployOptions, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
