/**
 * The workflow with `--algorithm xgboost` end to end on the local cloud, in-process, through the
 * real SDK clients the CLI builds: data → preprocess → train XGBoost and the linear learner on
 * the same preprocessed data → deploy both (each its own endpoint and multi-model prefix, live at
 * once) → invoke each → add-model on the XGBoost endpoint. Needs the built job worker.
 */
import { DescribeModelCommand, DescribeTrainingJobCommand } from '@aws-sdk/client-sagemaker';
import { InvokeEndpointCommand, SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { algorithmSpec } from '../../src/algorithms/registry.js';
import type { Clients } from '../../src/aws/clients.js';
import { algorithmTarget } from '../../src/cli/algorithm.js';
import { addModel, testRow } from '../../src/workflow/add-model.js';
import { applyDeploy, inspectDeploy } from '../../src/workflow/deploy.js';
import { parsePredictions } from '../../src/workflow/answers.js';
import { newRunId } from '../../src/workflow/jobs.js';
import { silentReporter } from '../../src/workflow/reporter.js';
import { train } from '../../src/workflow/train.js';
import type { TestCloud } from '../helpers/local-cloud.js';
import { preprocessedWorkflow, type PreprocessedWorkflow } from '../helpers/preprocessed-workflow.js';

const BUCKET = 'mme-xgb-test';
const PREFIX = 'DEMO_MME';
const LOCATIONS = ['NewYork_NY', 'Chicago_IL', 'Houston_TX'];

let cloud: TestCloud;
let clients: Clients;
let fixture: PreprocessedWorkflow;
let stop: (() => Promise<void>) | undefined;
const jobs: Record<string, string> = {};

const deployOptions = (algorithm: 'xgboost' | 'linear-learner') => fixture.deployOptions(algorithm, ['Houston_TX']);

beforeAll(async () => {
  fixture = await preprocessedWorkflow({
    bucket: BUCKET,
    prefix: PREFIX,
    locations: LOCATIONS,
    rows: 300,
    seed: 9,
  });
  ({ cloud, clients, stop } = fixture);
  for (const algorithm of ['xgboost', 'linear-learner'] as const) {
    const trained = await train(clients, silentReporter, {
      ...fixture.job,
      runId: newRunId(),
      ...(algorithm === 'xgboost' ? { algorithm } : {}),
    });
    expect(trained.jobs.map((j) => j.status)).toEqual(['Completed', 'Completed', 'Completed']);
    jobs[algorithm] = trained.jobs[0]!.name;
  }
}, 120_000);

afterAll(() => stop?.());

async function invokeOn(endpoint: string, location: string): Promise<{ body: string; price: number }> {
  const runtime = new SageMakerRuntimeClient(cloud.clientConfig());
  try {
    const features = (await testRow(await clients.s3(), BUCKET, location))!;
    const out = await runtime.send(
      new InvokeEndpointCommand({
        EndpointName: endpoint,
        TargetModel: `${location}/${location}.tar.gz`,
        ContentType: 'text/csv',
        Accept: 'application/json',
        Body: features,
      }),
    );
    const body = new TextDecoder().decode(out.Body);
    return { body, price: parsePredictions(body, out.ContentType)[0]! };
  } finally {
    runtime.destroy();
  }
}

describe('the workflow with --algorithm xgboost on the local cloud', () => {
  it('trains XGBoost with its own image, hyperparameters, channels and model prefix', async () => {
    const d = await (await clients.sageMaker()).send(new DescribeTrainingJobCommand({ TrainingJobName: jobs.xgboost }));
    expect(d.AlgorithmSpecification?.TrainingImage).toBe(
      '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1',
    );
    expect(d.HyperParameters).toMatchObject(algorithmSpec('xgboost').hyperparameters);
    expect(d.InputDataConfig?.map((c) => c.ContentType)).toEqual(['text/csv', 'text/csv']);
    expect(d.InputDataConfig?.[0]?.DataSource?.S3DataSource?.S3Uri).toContain(`/${PREFIX}/preprocessed/`);
    expect(d.ModelArtifacts?.S3ModelArtifacts).toContain(`/${PREFIX}/xgboost/model_artifacts/`);
    expect(d.FinalMetricDataList?.map((m) => m.MetricName).sort()).toEqual(['train:rmse', 'validation:rmse']);
  });

  it('deploys both algorithms side by side and each answers in its own format', async () => {
    for (const algorithm of ['xgboost', 'linear-learner'] as const) {
      const o = deployOptions(algorithm);
      const result = await applyDeploy(clients, silentReporter, await inspectDeploy(clients, o), o);
      expect(result.status).toBe('InService');
    }
    const xgbModel = await (
      await clients.sageMaker()
    ).send(
      new DescribeModelCommand({ ModelName: (await inspectDeploy(clients, deployOptions('xgboost'))).spec.modelName }),
    );
    // The preprocessor hands XGBoost CSV: SageMaker gives it the Accept through this variable.
    expect(xgbModel.Containers?.[0]?.Environment?.SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT).toBe('text/csv');
    expect(xgbModel.Containers?.[1]).toMatchObject({
      Image: '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1',
      Mode: 'MultiModel',
      ModelDataUrl: `s3://${BUCKET}/${PREFIX}/xgboost/multi_model_artifacts/`,
    });

    const xgb = await invokeOn('mme-xgboost', 'NewYork_NY');
    expect(xgb.body).toMatch(/^\[[\d.e+-]+\]$/); // the MME handler's bare array
    const ll = await invokeOn('mme-linear-learner', 'NewYork_NY');
    expect(ll.body).toMatch(/^\{"predictions":/);
    for (const price of [xgb.price, ll.price]) {
      expect(price).toBeGreaterThan(50_000);
      expect(price).toBeLessThan(5_000_000);
    }
  });

  it('add-model copies the held-out XGBoost model under its prefix and it answers', async () => {
    const target = algorithmTarget(PREFIX, 'xgboost');
    const added = await addModel(clients, silentReporter, {
      bucket: BUCKET,
      prefix: target.modelPrefix,
      endpoint: target.endpoint,
      location: 'Houston_TX',
      name: 'Houston_TX',
      force: false,
    });
    expect(added.source).toContain(`/${PREFIX}/xgboost/model_artifacts/Houston_TX/`);
    expect(added.invocation?.prediction).toBeGreaterThan(50_000);
  });
});
