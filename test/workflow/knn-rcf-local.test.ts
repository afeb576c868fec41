/**
 * The workflow with `--algorithm knn` and `--algorithm rcf` end to end on the local cloud,
 * in-process, through the real SDK clients the CLI builds: data → preprocess → train each → the
 * k-NN job's own artifact against scikit-learn's brute force on the same preprocessed files →
 * deploy both (their own endpoints and multi-model prefixes) → invoke: k-NN's verbose answer
 * with its neighbours, RCF's score, an out-of-place house scoring higher → bad input as a Failed
 * job with the algorithm's FailureReason and as a ModelError with the container's 4xx. Needs the
 * built job worker; the scikit-learn comparison is skipped, with the reason printed, where
 * python3-sklearn is absent.
 */
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { DescribeTrainingJobCommand } from '@aws-sdk/client-sagemaker';
import { InvokeEndpointCommand, SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invokeKnn, readKnnArtifact } from '../../src/algorithms/knn/index.js';
import { algorithmSpec, type AlgorithmName } from '../../src/algorithms/registry.js';
import { unpackModelTar } from '../../src/formats/model-tar.js';
import { applyDeploy, inspectDeploy } from '../../src/workflow/deploy.js';
import { parseAnswers } from '../../src/workflow/answers.js';
import { newRunId } from '../../src/workflow/jobs.js';
import { silentReporter } from '../../src/workflow/reporter.js';
import { layout } from '../../src/workflow/requests.js';
import { train } from '../../src/workflow/train.js';
import type { Clients } from '../../src/aws/clients.js';
import type { TestCloud } from '../helpers/local-cloud.js';
import { preprocessedWorkflow, type PreprocessedWorkflow } from '../helpers/preprocessed-workflow.js';
import { python, sklearnNeighbours, warnIfNoPython } from '../algorithms/knn/reference.js';

warnIfNoPython('k-NN training job against scikit-learn');

const BUCKET = 'mme-knn-rcf-test';
const PREFIX = 'DEMO_MME';
const LOCATIONS = ['NewYork_NY', 'Chicago_IL'];
const TYPICAL = '1995,2100,3,2,0.25,2,y,n';
// Nothing like the houses of any city: a century older, ten times the floor area and the lot.
const ODD = '1900,40000,12,10,30,9,y,y';

let cloud: TestCloud;
let clients: Clients;
let deployOptions: PreprocessedWorkflow['deployOptions'];
let job: PreprocessedWorkflow['job'];
let stop: (() => Promise<void>) | undefined;
const artifacts: Partial<Record<AlgorithmName, string>> = {};
const jobNames: Partial<Record<AlgorithmName, string>> = {};

beforeAll(async () => {
  ({ cloud, clients, job, deployOptions, stop } = await preprocessedWorkflow({
    bucket: BUCKET,
    prefix: PREFIX,
    locations: LOCATIONS,
    rows: 300,
    seed: 5,
  }));
  for (const algorithm of ['knn', 'rcf'] as const) {
    const trained = await train(clients, silentReporter, { ...job, runId: newRunId(), algorithm });
    expect(trained.jobs.map((j) => j.status)).toEqual(['Completed', 'Completed']);
    jobNames[algorithm] = trained.jobs[0]!.name;
    artifacts[algorithm] = trained.jobs[0]!.artifact;
  }
}, 120_000);

afterAll(() => stop?.());

async function object(key: string): Promise<Uint8Array> {
  const out = await (await clients.s3()).send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return out.Body!.transformToByteArray();
}

/** A preprocessed split of the first location: the price and the 10 features of each row. */
async function split(name: 'train' | 'validation'): Promise<{ y: number[]; x: number[][]; csv: string }> {
  const csv = new TextDecoder().decode(await object(layout.preprocessedKey(PREFIX, LOCATIONS[0]!, name)));
  const rows = csv
    .trim()
    .split('\n')
    .map((l) => l.split(',').map(Number));
  return { y: rows.map((r) => r[0]!), x: rows.map((r) => r.slice(1)), csv };
}

async function invoke(algorithm: AlgorithmName, body: string) {
  const runtime = new SageMakerRuntimeClient(cloud.clientConfig());
  try {
    const location = LOCATIONS[0]!;
    const out = await runtime.send(
      new InvokeEndpointCommand({
        EndpointName: algorithmSpec(algorithm).defaultEndpoint,
        TargetModel: `${location}/${location}.tar.gz`,
        ContentType: 'text/csv',
        Accept: algorithmSpec(algorithm).accept,
        Body: body,
      }),
    );
    const text = new TextDecoder().decode(out.Body);
    return { text, answers: parseAnswers(text, out.ContentType) };
  } finally {
    runtime.destroy();
  }
}

describe('the workflow with --algorithm knn and rcf on the local cloud', () => {
  it('trains each with its image, channels and model prefix', async () => {
    const sm = await clients.sageMaker();
    const knn = await sm.send(new DescribeTrainingJobCommand({ TrainingJobName: jobNames.knn }));
    expect(knn.AlgorithmSpecification?.TrainingImage).toBe('382416733822.dkr.ecr.us-east-1.amazonaws.com/knn:1');
    expect(knn.InputDataConfig?.map((c) => c.ChannelName)).toEqual(['train', 'test']);
    expect(knn.ModelArtifacts?.S3ModelArtifacts).toContain(`/${PREFIX}/knn/model_artifacts/`);
    expect(knn.FinalMetricDataList?.map((m) => m.MetricName)).toEqual(['test:mse']);
    const rcf = await sm.send(new DescribeTrainingJobCommand({ TrainingJobName: jobNames.rcf }));
    expect(rcf.AlgorithmSpecification?.TrainingImage).toBe(
      '382416733822.dkr.ecr.us-east-1.amazonaws.com/randomcutforest:1',
    );
    expect(rcf.InputDataConfig).toHaveLength(1);
    expect(rcf.InputDataConfig?.[0]?.DataSource?.S3DataSource?.S3DataDistributionType).toBe('ShardedByS3Key');
  });

  it.skipIf(!python)("the k-NN job's artifact predicts what scikit-learn's brute force does", async () => {
    const [trainSplit, validation] = [await split('train'), await split('validation')];
    const files = await unpackModelTar(await object(artifacts.knn!.replace(`s3://${BUCKET}/`, '')));
    const model = readKnnArtifact(Object.fromEntries(files.map((f) => [f.name, f.data])));
    const queries = validation.x;
    const { body } = invokeKnn(model, queries.map((q) => q.join(',')).join('\n'), 'text/csv', 'application/json');
    const ours = (JSON.parse(body) as { predictions: { predicted_label: number }[] }).predictions;
    const ref = await sklearnNeighbours({
      x: trainSplit.x,
      y: trainSplit.y,
      queries,
      k: Number(algorithmSpec('knn').hyperparameters.k),
      predictor_type: 'regressor',
      metric: 'euclidean',
    });
    expect(ours).toHaveLength(queries.length);
    // The labels are stored as float32, as the artifact's np.float32 labels file holds them.
    ours.forEach((p, i) => expect(p.predicted_label / ref.predictions[i]!).toBeCloseTo(1, 6));
  });

  it('deploys both; k-NN answers with its neighbours, RCF scores an odd house above a typical one', async () => {
    for (const algorithm of ['knn', 'rcf'] as const) {
      const o = deployOptions(algorithm);
      const result = await applyDeploy(clients, silentReporter, await inspectDeploy(clients, o), o);
      expect(result.status).toBe('InService');
    }
    const knn = await invoke('knn', TYPICAL);
    const [answer] = knn.answers;
    expect(answer!.neighbours).toHaveLength(5);
    const labels = answer!.neighbours!.map((n) => n.label);
    expect(answer!.value).toBeCloseTo(labels.reduce((a, b) => a + b, 0) / labels.length, 0);
    const distances = answer!.neighbours!.map((n) => n.distance);
    expect(distances).toEqual([...distances].sort((a, b) => a - b));

    const rcf = await invoke('rcf', `${TYPICAL}\n${ODD}`);
    expect(rcf.text).toMatch(/^\{"scores":\[\{"score":/);
    const [typical, odd] = rcf.answers.map((a) => a.value!);
    expect(odd!).toBeGreaterThan(2 * typical!);
  });

  it('bad input: a Failed job with the FailureReason, a ModelError with the 4xx', async () => {
    const failed = await train(clients, silentReporter, {
      ...job,
      locations: [LOCATIONS[0]!],
      runId: newRunId(),
      algorithm: 'knn',
      hyperparameters: { sample_size: '3' },
    });
    expect(failed.jobs[0]!.status).toBe('Failed');
    expect(failed.jobs[0]!.failureReason).toMatch(/^ClientError: .*k must not be greater than sample_size \(3\)/);

    const runtime = new SageMakerRuntimeClient(cloud.clientConfig());
    try {
      // Seven features where the pipeline's preprocessor expects eight: it answers 4xx first.
      const err = await runtime
        .send(
          new InvokeEndpointCommand({
            EndpointName: 'mme-rcf',
            TargetModel: `${LOCATIONS[0]}/${LOCATIONS[0]}.tar.gz`,
            ContentType: 'application/json',
            Body: '{"instances":[{"features":[1,2,3]}]}',
          }),
        )
        .catch(
          (e: unknown) => e as { name: string; OriginalStatusCode?: number; $metadata: { httpStatusCode?: number } },
        );
      expect(err).toMatchObject({ name: 'ModelError' });
      expect((err as { OriginalStatusCode?: number }).OriginalStatusCode).toBeGreaterThanOrEqual(400);
      expect((err as { OriginalStatusCode?: number }).OriginalStatusCode).toBeLessThan(500);
    } finally {
      runtime.destroy();
    }
  });
});
