/**
 * Models and batch transform end to end, the reference workflow's way: fit the scikit-learn
 * preprocessor on every location's training CSV, transform one location's data with it, train
 * the linear learner on the result, then predict through a pipeline model.
 */
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import {
  CreateModelCommand,
  CreateTrainingJobCommand,
  CreateTransformJobCommand,
  DeleteModelCommand,
  DescribeModelCommand,
  DescribeTransformJobCommand,
  ListModelsCommand,
  ListTransformJobsCommand,
  StopTransformJobCommand,
  type CreateTransformJobCommandInput,
} from '@aws-sdk/client-sagemaker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unpackModelTar } from '../../src/formats/model-tar.js';
import { startTestCloud, type TestCloud } from '../helpers/local-cloud.js';
import {
  BUCKET,
  housingCsv,
  LINEAR_LEARNER_IMAGE,
  putObjects,
  rejection,
  SKLEARN_IMAGE,
  trainingJobInput,
  waitForTrainingJob,
  waitForTransformJob,
} from './fixtures.js';

let cloud: TestCloud;

beforeAll(async () => {
  cloud = await startTestCloud({
    sagemaker: { poolSize: 2, workerDelayMs: (_k, name) => (name.startsWith('slow-') ? 30_000 : undefined) },
  });
  await putObjects(cloud.s3(), {
    'housing-data/NewYork_NY/train/train.csv': housingCsv(40, 1),
    'housing-data/NewYork_NY/test/test.csv': housingCsv(5, 9).replace(/,\d+\n/g, '\n'), // unlabelled, 8 columns
    'housing-data/Chicago_IL/train/train.csv': housingCsv(30, 2),
    'housing-data/Chicago_IL/test/test.csv': housingCsv(5, 3).replace(/,\d+\n/g, '\n'),
    'sklearn-job/source/sourcedir.tar.gz': Buffer.from('not used by the local cloud'),
  });
});
afterAll(() => cloud?.stop());

async function readText(key: string): Promise<string> {
  const out = await cloud.s3().send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return out.Body!.transformToString();
}

function transformInput(
  name: string,
  modelName: string,
  s3Uri: string,
  overrides: Partial<CreateTransformJobCommandInput> = {},
): CreateTransformJobCommandInput {
  return {
    TransformJobName: name,
    ModelName: modelName,
    TransformInput: {
      DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: s3Uri } },
      ContentType: 'text/csv',
      SplitType: 'Line',
    },
    TransformOutput: { S3OutputPath: `s3://${BUCKET}/${name}`, Accept: 'text/csv', AssembleWith: 'Line' },
    TransformResources: { InstanceType: 'ml.m5.large', InstanceCount: 1 },
    ...overrides,
  };
}

describe('the preprocessing → transform → training → pipeline flow', () => {
  it('runs end to end', async () => {
    const sm = cloud.sagemaker();

    // 1. One scikit-learn job over housing-data/: fitted on the train/ files of every location.
    await sm.send(
      new CreateTrainingJobCommand(
        trainingJobInput(cloud, 'sklearn-job', {
          AlgorithmSpecification: { TrainingImage: SKLEARN_IMAGE, TrainingInputMode: 'File' },
          HyperParameters: {
            sagemaker_program: '"sklearn_preprocessor.py"',
            sagemaker_submit_directory: `"s3://${BUCKET}/sklearn-job/source/sourcedir.tar.gz"`,
          },
          InputDataConfig: [
            {
              ChannelName: 'train',
              DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: `s3://${BUCKET}/housing-data/` } },
            },
          ],
          OutputDataConfig: { S3OutputPath: `s3://${BUCKET}/` },
        }),
      ),
    );
    const sk = await waitForTrainingJob(sm, 'sklearn-job');
    expect(sk.FailureReason).toBeUndefined();
    expect(sk.ModelArtifacts?.S3ModelArtifacts).toBe(`s3://${BUCKET}/sklearn-job/output/model.tar.gz`);
    const archive = await cloud
      .s3()
      .send(new GetObjectCommand({ Bucket: BUCKET, Key: 'sklearn-job/output/model.tar.gz' }));
    const files = await unpackModelTar(await archive.Body!.transformToByteArray());
    expect(files.map((f) => f.name)).toEqual(['preprocessor.json']);
    expect(JSON.parse(Buffer.from(files[0]!.data).toString('utf8'))).toMatchObject({
      format: 'mme-sklearn-preprocessor',
      n_samples_seen: 70,
    });

    // 2. The preprocessor as a model; a batch transform of one location's training data.
    await sm.send(
      new CreateModelCommand({
        ModelName: 'preprocessor',
        ExecutionRoleArn: cloud.executionRoleArn,
        PrimaryContainer: { Image: SKLEARN_IMAGE, ModelDataUrl: sk.ModelArtifacts!.S3ModelArtifacts },
      }),
    );
    await sm.send(
      new CreateTransformJobCommand(
        transformInput('transform-ny', 'preprocessor', `s3://${BUCKET}/housing-data/NewYork_NY/train/train.csv`),
      ),
    );
    const tj = await waitForTransformJob(sm, 'transform-ny');
    expect(tj.FailureReason).toBeUndefined();
    expect(tj.TransformJobStatus).toBe('Completed');
    expect(tj.TransformStartTime).toBeInstanceOf(Date);
    expect(tj.TransformEndTime).toBeInstanceOf(Date);
    const transformed = await readText('transform-ny/train.csv.out');
    const lines = transformed.trimEnd().split('\n');
    expect(lines).toHaveLength(40);
    expect(lines[0]!.split(',')).toHaveLength(11); // PRICE first, then 10 features

    // 3. Linear learner on the transformed rows (label first: text/csv;label_size=1).
    await sm.send(
      new CreateTrainingJobCommand(
        trainingJobInput(cloud, 'll-ny', {
          HyperParameters: {
            feature_dim: '10',
            predictor_type: 'regressor',
            mini_batch_size: '10',
            epochs: '5',
            num_models: '4',
            loss: 'absolute_loss',
          },
          InputDataConfig: [
            {
              ChannelName: 'train',
              ContentType: 'text/csv;label_size=1',
              DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: `s3://${BUCKET}/transform-ny/` } },
            },
          ],
        }),
      ),
    );
    const ll = await waitForTrainingJob(sm, 'll-ny');
    expect(ll.FailureReason).toBeUndefined();

    // 4. A pipeline model (preprocessor → linear learner) predicting unlabelled rows.
    await sm.send(
      new CreateModelCommand({
        ModelName: 'pipeline',
        ExecutionRoleArn: cloud.executionRoleArn,
        Containers: [
          { Image: SKLEARN_IMAGE, ModelDataUrl: sk.ModelArtifacts!.S3ModelArtifacts },
          { Image: LINEAR_LEARNER_IMAGE, ModelDataUrl: ll.ModelArtifacts!.S3ModelArtifacts },
        ],
        InferenceExecutionConfig: { Mode: 'Serial' },
      }),
    );
    await sm.send(
      new CreateTransformJobCommand(
        transformInput('predict-test', 'pipeline', `s3://${BUCKET}/housing-data/`, {
          TransformInput: {
            DataSource: {
              S3DataSource: { S3DataType: 'S3Prefix', S3Uri: `s3://${BUCKET}/housing-data/Chicago_IL/test` },
            },
            ContentType: 'text/csv',
            SplitType: 'Line',
          },
          TransformOutput: {
            S3OutputPath: `s3://${BUCKET}/predictions/`,
            Accept: 'application/jsonlines',
            AssembleWith: 'Line',
          },
          BatchStrategy: 'SingleRecord',
        }),
      ),
    );
    const pj = await waitForTransformJob(sm, 'predict-test');
    expect(pj.FailureReason).toBeUndefined();
    // Output named after the input key relative to the input prefix's directory.
    const predictions = (await readText('predictions/test/test.csv.out')).trimEnd().split('\n');
    expect(predictions).toHaveLength(5);
    expect(Number.isFinite((JSON.parse(predictions[0]!) as { score: number }).score)).toBe(true);
  });

  it('fails a transform whose records the model refuses, with the container message', async () => {
    const sm = cloud.sagemaker();
    await sm.send(
      new CreateTransformJobCommand(
        transformInput('bad-records', 'preprocessor', `s3://${BUCKET}/sklearn-job/source/`),
      ),
    );
    const d = await waitForTransformJob(sm, 'bad-records');
    expect(d.TransformJobStatus).toBe('Failed');
    expect(d.FailureReason).toMatch(/^ClientError: CSV row 1 has 1 columns; expected 8/);
    const listed = await sm.send(new ListTransformJobsCommand({ StatusEquals: 'Failed' }));
    expect(listed.TransformJobSummaries?.map((s) => s.TransformJobName)).toEqual(['bad-records']);
  });

  it('stops a transform job, and answers ResourceNotFound for unknown ones', async () => {
    const sm = cloud.sagemaker();
    await sm.send(
      new CreateTransformJobCommand(
        transformInput('slow-transform', 'preprocessor', `s3://${BUCKET}/housing-data/NewYork_NY/train/`),
      ),
    );
    await sm.send(new StopTransformJobCommand({ TransformJobName: 'slow-transform' }));
    expect((await waitForTransformJob(sm, 'slow-transform')).TransformJobStatus).toBe('Stopped');
    const out = await cloud.s3().send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'slow-transform/' }));
    expect(out.KeyCount ?? 0).toBe(0);
    const err = await rejection(sm.send(new DescribeTransformJobCommand({ TransformJobName: 'nope' })));
    expect(err.name).toBe('ResourceNotFound');
    const dup = await rejection(
      sm.send(new CreateTransformJobCommand(transformInput('slow-transform', 'preprocessor', `s3://${BUCKET}/x/`))),
    );
    expect(dup.name).toBe('ResourceInUse');
    const noModel = await rejection(
      sm.send(new CreateTransformJobCommand(transformInput('no-model', 'ghost', `s3://${BUCKET}/x/`))),
    );
    expect(noModel.message).toBe(
      `Could not find model "arn:aws:sagemaker:${cloud.region}:${cloud.accountId}:model/ghost".`,
    );
  });
});

describe('models', () => {
  it('describes, lists, refuses duplicates and deletes', async () => {
    const sm = cloud.sagemaker();
    const arn = `arn:aws:sagemaker:${cloud.region}:${cloud.accountId}:model/mme-model`;
    await putObjects(cloud.s3(), { 'art/model.tar.gz': Buffer.from('x') });
    const created = await sm.send(
      new CreateModelCommand({
        ModelName: 'MME-Model',
        ExecutionRoleArn: cloud.executionRoleArn,
        PrimaryContainer: { Image: 'mme/linear-learner', Mode: 'MultiModel', ModelDataUrl: `s3://${BUCKET}/art/` },
      }),
    );
    expect(created.ModelArn).toBe(arn);
    const d = await sm.send(new DescribeModelCommand({ ModelName: 'mme-model' }));
    expect(d).toMatchObject({
      ModelName: 'MME-Model',
      ModelArn: arn,
      ExecutionRoleArn: cloud.executionRoleArn,
      EnableNetworkIsolation: false,
      PrimaryContainer: { Mode: 'MultiModel' },
    });
    expect(d.CreationTime).toBeInstanceOf(Date);

    const dup = await rejection(
      sm.send(
        new CreateModelCommand({
          ModelName: 'MME-Model',
          ExecutionRoleArn: cloud.executionRoleArn,
          PrimaryContainer: { Image: 'mme/linear-learner' },
        }),
      ),
    );
    expect(dup.name).toBe('ValidationException');
    expect(dup.message).toBe(`Cannot create already existing model "${arn}".`);

    const missingData = await rejection(
      sm.send(
        new CreateModelCommand({
          ModelName: 'no-data',
          ExecutionRoleArn: cloud.executionRoleArn,
          PrimaryContainer: { Image: 'mme/linear-learner', ModelDataUrl: `s3://${BUCKET}/nope/model.tar.gz` },
        }),
      ),
    );
    expect(missingData.message).toBe(`Could not find model data at s3://${BUCKET}/nope/model.tar.gz.`);

    const listed = await sm.send(
      new ListModelsCommand({ NameContains: 'mme', SortBy: 'Name', SortOrder: 'Ascending' }),
    );
    expect(listed.Models?.map((m) => m.ModelName)).toEqual(['MME-Model']);

    await sm.send(new DeleteModelCommand({ ModelName: 'MME-Model' }));
    for (const call of [
      sm.send(new DescribeModelCommand({ ModelName: 'MME-Model' })),
      sm.send(new DeleteModelCommand({ ModelName: 'MME-Model' })),
    ]) {
      const err = await rejection(call);
      expect(err.name).toBe('ValidationException');
      expect(err.message).toBe(`Could not find model "${arn}".`);
    }
  });

  it('refuses two MultiModel containers in a pipeline', async () => {
    const sm = cloud.sagemaker();
    const mm = { Image: 'mme/linear-learner', Mode: 'MultiModel' as const, ModelDataUrl: `s3://${BUCKET}/art/` };
    const err = await rejection(
      sm.send(
        new CreateModelCommand({ ModelName: 'two-mm', ExecutionRoleArn: cloud.executionRoleArn, Containers: [mm, mm] }),
      ),
    );
    expect(err.message).toBe('An inference pipeline can have at most one container in MultiModel mode.');
  });
});
