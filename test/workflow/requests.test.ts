import { describe, expect, it } from 'vitest';
import { ALL_LOCATIONS, jobTags } from '../../src/workflow/jobs.js';
import { planPreprocess, splitRows, type PreprocessOptions } from '../../src/workflow/preprocess.js';
import {
  layout,
  linearLearnerTrainingJob,
  preprocessModel,
  preprocessTrainingJob,
  transformJob,
} from '../../src/workflow/requests.js';
import { planTrain } from '../../src/workflow/train.js';
import { POLL } from '../../src/workflow/jobs.js';

const ROLE = 'arn:aws:iam::123456789012:role/SageMakerRole';
const SKLEARN = '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3';
const LL = '382416733822.dkr.ecr.us-east-1.amazonaws.com/linear-learner:1';
const TAGS = [{ Key: 'mme:step', Value: 'x' }];

describe('request builders (golden shapes)', () => {
  it('CreateTrainingJob for the scikit-learn preprocessor, as the Python SDK sends it', () => {
    const job = 'mme-preprocess-20250301-142501-9f3a';
    expect(
      preprocessTrainingJob({
        name: job,
        bucket: 'b',
        region: 'us-east-1',
        roleArn: ROLE,
        image: SKLEARN,
        instanceType: 'ml.c4.xlarge',
        tags: TAGS,
      }),
    ).toEqual({
      TrainingJobName: job,
      AlgorithmSpecification: { TrainingImage: SKLEARN, TrainingInputMode: 'File' },
      RoleArn: ROLE,
      HyperParameters: {
        // json.dumps of each value (Framework._json_encode_hyperparameters)
        sagemaker_program: '"sklearn_preprocessor.py"',
        sagemaker_submit_directory: `"s3://b/${job}/source/sourcedir.tar.gz"`,
        sagemaker_container_log_level: '20',
        sagemaker_job_name: `"${job}"`,
        sagemaker_region: '"us-east-1"',
      },
      InputDataConfig: [
        {
          ChannelName: 'train',
          DataSource: {
            S3DataSource: {
              S3DataType: 'S3Prefix',
              S3Uri: 's3://b/housing-data/',
              S3DataDistributionType: 'FullyReplicated',
            },
          },
          ContentType: 'text/csv',
        },
      ],
      OutputDataConfig: { S3OutputPath: 's3://b/' },
      ResourceConfig: { InstanceType: 'ml.c4.xlarge', InstanceCount: 1, VolumeSizeInGB: 30 },
      StoppingCondition: { MaxRuntimeInSeconds: 86400 },
      Tags: TAGS,
    });
  });

  it('CreateModel for the preprocessor: the serving container finds the script by its environment', () => {
    const job = 'mme-preprocess-1';
    expect(
      preprocessModel({
        name: job,
        job,
        bucket: 'b',
        region: 'eu-west-1',
        roleArn: ROLE,
        image: SKLEARN,
        modelDataUrl: `s3://b/${job}/output/model.tar.gz`,
        tags: TAGS,
      }),
    ).toEqual({
      ModelName: job,
      PrimaryContainer: {
        Image: SKLEARN,
        ModelDataUrl: `s3://b/${job}/output/model.tar.gz`,
        Environment: {
          SAGEMAKER_PROGRAM: 'sklearn_preprocessor.py',
          SAGEMAKER_SUBMIT_DIRECTORY: `s3://b/${job}/source/sourcedir.tar.gz`,
          SAGEMAKER_CONTAINER_LOG_LEVEL: '20',
          SAGEMAKER_REGION: 'eu-west-1',
        },
      },
      ExecutionRoleArn: ROLE,
      Tags: TAGS,
    });
  });

  it('CreateTransformJob per location: CSV lines in, CSV lines out', () => {
    expect(
      transformJob({
        name: 'mme-transform-Chicago-IL-1',
        modelName: 'mme-preprocess-1',
        bucket: 'b',
        location: 'Chicago_IL',
        instanceType: 'ml.c4.xlarge',
        tags: TAGS,
      }),
    ).toEqual({
      TransformJobName: 'mme-transform-Chicago-IL-1',
      ModelName: 'mme-preprocess-1',
      BatchStrategy: 'MultiRecord',
      TransformInput: {
        DataSource: {
          S3DataSource: { S3DataType: 'S3Prefix', S3Uri: 's3://b/housing-data/Chicago_IL/train/train.csv' },
        },
        ContentType: 'text/csv',
        SplitType: 'Line',
      },
      TransformOutput: { S3OutputPath: 's3://b/mme-transform-Chicago-IL-1/', Accept: 'text/csv', AssembleWith: 'Line' },
      TransformResources: { InstanceType: 'ml.c4.xlarge', InstanceCount: 1 },
      Tags: TAGS,
    });
  });

  it("CreateTrainingJob for the linear learner: the notebook's hyperparameters, label-first CSV channels", () => {
    const request = linearLearnerTrainingJob({
      name: 'mme-train-NewYork-NY-1',
      bucket: 'b',
      prefix: 'P',
      location: 'NewYork_NY',
      roleArn: ROLE,
      image: LL,
      instanceType: 'ml.c4.xlarge',
      tags: TAGS,
    });
    const channel = (name: string) => ({
      ChannelName: name,
      DataSource: {
        S3DataSource: {
          S3DataType: 'S3Prefix',
          S3Uri: `s3://b/P/preprocessed/NewYork_NY/${name}/`,
          S3DataDistributionType: 'FullyReplicated',
        },
      },
      ContentType: 'text/csv;label_size=1',
      InputMode: 'File',
    });
    expect(request).toEqual({
      TrainingJobName: 'mme-train-NewYork-NY-1',
      AlgorithmSpecification: { TrainingImage: LL, TrainingInputMode: 'File' },
      RoleArn: ROLE,
      HyperParameters: {
        feature_dim: '10',
        mini_batch_size: '100',
        predictor_type: 'regressor',
        epochs: '10',
        num_models: '32',
        loss: 'absolute_loss',
      },
      InputDataConfig: [channel('train'), channel('validation')],
      OutputDataConfig: { S3OutputPath: 's3://b/P/model_artifacts/NewYork_NY/' },
      ResourceConfig: { InstanceType: 'ml.c4.xlarge', InstanceCount: 1, VolumeSizeInGB: 30 },
      StoppingCondition: { MaxRuntimeInSeconds: 86400 },
      Tags: TAGS,
    });
    const tuned = linearLearnerTrainingJob({
      name: 'n',
      bucket: 'b',
      prefix: 'P',
      location: 'L',
      roleArn: ROLE,
      image: LL,
      instanceType: 'ml.m5.large',
      hyperparameters: { epochs: '3' },
      tags: [],
    });
    expect(tuned.HyperParameters).toMatchObject({ epochs: '3', feature_dim: '10' });
  });

  it('keeps the S3 layout of the reference workflow', () => {
    expect(layout.sourcedirKey('j')).toBe('j/source/sourcedir.tar.gz');
    expect(layout.transformOutputKey('t')).toBe('t/train.csv.out');
    expect(layout.preprocessedKey('P', 'L', 'validation')).toBe('P/preprocessed/L/validation/validation.csv');
    expect(layout.modelArtifactsPrefix('P', 'L')).toBe('P/model_artifacts/L/');
  });
});

describe('plans', () => {
  const options: PreprocessOptions = {
    bucket: 'b',
    prefix: 'P',
    region: 'us-east-1',
    roleArn: ROLE,
    runId: '20250301-142501-9f3a',
    locations: ['NewYork_NY', 'Chicago_IL'],
    instanceType: 'ml.c4.xlarge',
    transformInstanceType: 'ml.m5.large',
    seed: 42,
    validationFraction: 0.3,
    parallel: 4,
    poll: POLL.local,
  };

  it('preprocess: one fit over every location, one transform per location, all tagged', () => {
    const plan = planPreprocess(options);
    expect(plan.fit.TrainingJobName).toBe('mme-preprocess-20250301-142501-9f3a');
    expect(plan.fit.Tags).toEqual(
      jobTags({ step: 'preprocess', location: ALL_LOCATIONS, run: options.runId, prefix: 'P' }),
    );
    expect(plan.expectedModelDataUrl).toBe('s3://b/mme-preprocess-20250301-142501-9f3a/output/model.tar.gz');
    expect(plan.model(plan.expectedModelDataUrl).ModelName).toBe(plan.fit.TrainingJobName);
    expect(plan.transforms.map((t) => t.request.TransformJobName)).toEqual([
      'mme-transform-NewYork-NY-20250301-142501-9f3a',
      'mme-transform-Chicago-IL-20250301-142501-9f3a',
    ]);
    expect(plan.transforms[1]!.request.TransformResources?.InstanceType).toBe('ml.m5.large');
    expect(plan.transforms[1]!.request.Tags).toContainEqual({ Key: 'mme:location', Value: 'Chicago_IL' });
    expect(plan.transforms[1]!.train).toBe('P/preprocessed/Chicago_IL/train/train.csv');
  });

  it('train: one job per location, tagged with its location, step, run, prefix and preprocessor', () => {
    const plan = planTrain({ ...options, preprocessors: { NewYork_NY: 'mme-preprocess-x' } });
    expect(plan.jobs.map((j) => j.request.TrainingJobName)).toEqual([
      'mme-train-NewYork-NY-20250301-142501-9f3a',
      'mme-train-Chicago-IL-20250301-142501-9f3a',
    ]);
    expect(plan.jobs[0]!.request.Tags).toEqual([
      { Key: 'mme:location', Value: 'NewYork_NY' },
      { Key: 'mme:step', Value: 'train' },
      { Key: 'mme:run', Value: '20250301-142501-9f3a' },
      { Key: 'mme:prefix', Value: 'P' },
      { Key: 'mme:preprocessor', Value: 'mme-preprocess-x' },
    ]);
    expect(plan.jobs[1]!.request.Tags).toHaveLength(4);
  });
});

describe('splitRows', () => {
  const text = Array.from({ length: 100 }, (_, i) => `${i},0.5`).join('\n') + '\n';

  it('splits 70/30, seeded per location, losing and duplicating nothing', () => {
    const a = splitRows(text, 0.3, 42, 'NewYork_NY');
    expect([a.trainRows, a.validationRows]).toEqual([70, 30]);
    const all = [...a.train.trim().split('\n'), ...a.validation.trim().split('\n')]
      .map((l) => Number(l.split(',')[0]))
      .sort((x, y) => x - y);
    expect(all).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(splitRows(text, 0.3, 42, 'NewYork_NY')).toEqual(a);
    expect(splitRows(text, 0.3, 42, 'Chicago_IL').validation).not.toBe(a.validation);
    expect(splitRows(text, 0.3, 7, 'NewYork_NY').validation).not.toBe(a.validation);
  });

  it('keeps a row on each side of tiny inputs, and ignores blank lines', () => {
    expect(splitRows('1,2\n\n3,4\n', 0.3, 1, 'L')).toMatchObject({ trainRows: 1, validationRows: 1 });
    expect(splitRows('', 0.3, 1, 'L')).toEqual({ train: '', validation: '', trainRows: 0, validationRows: 0 });
  });
});
