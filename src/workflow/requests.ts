/**
 * The SageMaker requests of the preprocess and train steps, built as plain values: the real run
 * and `--dry-run` send / print exactly these, and tests compare them with golden shapes. Pure (no
 * SDK at run time: the types only).
 *
 * Shapes follow what the reference notebook's SageMaker Python SDK sends (sagemaker v2,
 * estimator.py / sklearn/estimator.py / transformer.py), with mme's tags added:
 * - framework (scikit-learn) hyperparameters are JSON-encoded strings, as the SDK's
 *   Framework._json_encode_hyperparameters does (`json.dumps(v)`): the program and paths arrive
 *   quoted (`"\"sklearn_preprocessor.py\""`), the log level as `20`. The container json-decodes them.
 * - built-in algorithm hyperparameters are plain `str(v)` strings.
 * - the model's Environment carries the same settings, unquoted (SKLearnModel.prepare_container_def).
 */
import type {
  CreateModelInput,
  CreateTrainingJobRequest,
  CreateTransformJobRequest,
  S3DataDistribution,
  Tag,
  TrainingInstanceType,
  TransformInstanceType,
} from '@aws-sdk/client-sagemaker';
import { HOUSING_DATA_PREFIX } from './data.js';
import { algorithmSpec, type AlgorithmName } from '../algorithms/registry.js';

/** The script the scikit-learn container runs (python/ in the package). */
export const SKLEARN_PROGRAM = 'sklearn_preprocessor.py';
/** Python's logging.INFO: the SDK's default container_log_level. */
const CONTAINER_LOG_LEVEL = 20;
/** The SDK's defaults for a job: max_run 24 h, volume_size 30 GB. */
const MAX_RUNTIME_SECONDS = 86_400;
const VOLUME_SIZE_GB = 30;

/** One instance of the given type, its volume and its time limit: what every training job here asks for. */
function trainingResources(
  instanceType: string,
): Pick<CreateTrainingJobRequest, 'ResourceConfig' | 'StoppingCondition'> {
  return {
    // The service validates the instance type (the SDK's enum is a type only, and grows).
    ResourceConfig: {
      InstanceType: instanceType as TrainingInstanceType,
      InstanceCount: 1,
      VolumeSizeInGB: VOLUME_SIZE_GB,
    },
    StoppingCondition: { MaxRuntimeInSeconds: MAX_RUNTIME_SECONDS },
  };
}
/** The notebook's 70/30 train/validation split of each location's transformed data. */
export const DEFAULT_VALIDATION_FRACTION = 0.3;

/** The built-in algorithm's settings and channel content type: src/algorithms/registry.ts. */

/**
 * Where each step reads and writes in the bucket: the notebook's layout (docs/aws-behaviour.md#housing-data), plus
 * the linear learner's channels, which the notebook left implicit:
 *   housing-data/{LOC}/train/train.csv                          raw data (mme data generate)
 *   {preprocess job}/source/sourcedir.tar.gz                     the scikit-learn script
 *   {preprocess job}/output/model.tar.gz                         the fitted preprocessor
 *   {transform job}/train.csv.out                                PRICE + 10 features per row
 *   {prefix}/preprocessed/{LOC}/{train,validation}/{same}.csv    the 70/30 split (channels)
 *   {prefix}/model_artifacts/{LOC}/{train job}/output/model.tar.gz
 */
export const layout = {
  /** The sklearn job's source, as the SDK uploads it: `{job}/source/sourcedir.tar.gz`. */
  sourcedirKey: (job: string) => `${job}/source/sourcedir.tar.gz`,
  /** SageMaker writes `{S3OutputPath}{job}/output/model.tar.gz`. */
  modelArtifactKey: (outputKeyPrefix: string, job: string) => `${outputKeyPrefix}${job}/output/model.tar.gz`,
  rawTrainKey: (location: string) => `${HOUSING_DATA_PREFIX}/${location}/train/train.csv`,
  /** Batch transform names its output `{input key relative to the prefix}.out`. */
  transformOutputKey: (transformJob: string) => `${transformJob}/train.csv.out`,
  preprocessedPrefix: (prefix: string) => `${prefix}/preprocessed/`,
  preprocessedKey: (prefix: string, location: string, channel: 'train' | 'validation') =>
    `${prefix}/preprocessed/${location}/${channel}/${channel}.csv`,
  modelArtifactsPrefix: (prefix: string, location: string) => `${prefix}/model_artifacts/${location}/`,
};

export const s3 = (bucket: string, key: string) => `s3://${bucket}/${key}`;

export interface PreprocessJobInput {
  name: string;
  bucket: string;
  region: string;
  roleArn: string;
  image: string;
  instanceType: string;
  tags: Tag[];
}

export function preprocessTrainingJob(p: PreprocessJobInput): CreateTrainingJobRequest {
  const json = (v: unknown) => JSON.stringify(v);
  return {
    TrainingJobName: p.name,
    AlgorithmSpecification: { TrainingImage: p.image, TrainingInputMode: 'File' },
    RoleArn: p.roleArn,
    HyperParameters: {
      sagemaker_program: json(SKLEARN_PROGRAM),
      sagemaker_submit_directory: json(s3(p.bucket, layout.sourcedirKey(p.name))),
      sagemaker_container_log_level: json(CONTAINER_LOG_LEVEL),
      sagemaker_job_name: json(p.name),
      sagemaker_region: json(p.region),
    },
    // ONE fit over every location's data (docs/aws-behaviour.md#preprocessing): the whole raw-data prefix.
    InputDataConfig: [
      {
        ChannelName: 'train',
        DataSource: {
          S3DataSource: {
            S3DataType: 'S3Prefix',
            S3Uri: s3(p.bucket, `${HOUSING_DATA_PREFIX}/`),
            S3DataDistributionType: 'FullyReplicated',
          },
        },
        ContentType: 'text/csv',
      },
    ],
    // The SDK's default output path, the bucket's root: the model lands at {job}/output/model.tar.gz.
    OutputDataConfig: { S3OutputPath: s3(p.bucket, '') },
    ...trainingResources(p.instanceType),
    Tags: p.tags,
  };
}

export interface PreprocessModelInput {
  name: string;
  bucket: string;
  region: string;
  roleArn: string;
  /** The inference image (may differ from the training image's list of versions). */
  image: string;
  /** The preprocess job's model.tar.gz. */
  modelDataUrl: string;
  /** The preprocess job's name: its sourcedir is the model's code too. */
  job: string;
  tags: Tag[];
}

/** The preprocessor as a model, for batch transform now and the pipeline's first container later. */
export function preprocessModel(p: PreprocessModelInput): CreateModelInput {
  return {
    ModelName: p.name,
    PrimaryContainer: {
      Image: p.image,
      ModelDataUrl: p.modelDataUrl,
      Environment: preprocessorEnvironment(p.bucket, p.job, p.region),
    },
    ExecutionRoleArn: p.roleArn,
    Tags: p.tags,
  };
}

/** What the scikit-learn serving container needs to find and run the script. */
export function preprocessorEnvironment(bucket: string, job: string, region: string): Record<string, string> {
  return {
    SAGEMAKER_PROGRAM: SKLEARN_PROGRAM,
    SAGEMAKER_SUBMIT_DIRECTORY: s3(bucket, layout.sourcedirKey(job)),
    SAGEMAKER_CONTAINER_LOG_LEVEL: String(CONTAINER_LOG_LEVEL),
    SAGEMAKER_REGION: region,
  };
}

export interface TransformJobInput {
  name: string;
  modelName: string;
  bucket: string;
  location: string;
  instanceType: string;
  tags: Tag[];
}

/** One location's raw training data through the fitted preprocessor, a CSV line per record. */
export function transformJob(p: TransformJobInput): CreateTransformJobRequest {
  return {
    TransformJobName: p.name,
    ModelName: p.modelName,
    // MultiRecord: many lines per request (up to 6 MB), as the notebook's whole-file transform.
    BatchStrategy: 'MultiRecord',
    TransformInput: {
      DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: s3(p.bucket, layout.rawTrainKey(p.location)) } },
      ContentType: 'text/csv',
      SplitType: 'Line',
    },
    TransformOutput: { S3OutputPath: s3(p.bucket, `${p.name}/`), Accept: 'text/csv', AssembleWith: 'Line' },
    TransformResources: { InstanceType: p.instanceType as TransformInstanceType, InstanceCount: 1 },
    Tags: p.tags,
  };
}

export interface LinearLearnerJobInput {
  name: string;
  bucket: string;
  prefix: string;
  location: string;
  roleArn: string;
  image: string;
  instanceType: string;
  /** Merged over the algorithm's hyperparameters (registry.ts). */
  hyperparameters?: Readonly<Record<string, string>>;
  tags: Tag[];
  /** Default: the linear learner. */
  algorithm?: AlgorithmName;
}

/** One location's training job of a built-in algorithm (the linear learner unless told otherwise). */
export function linearLearnerTrainingJob(p: LinearLearnerJobInput): CreateTrainingJobRequest {
  const spec = algorithmSpec(p.algorithm);
  const channel = (name: string, split: 'train' | 'validation', distribution: S3DataDistribution) => ({
    ChannelName: name,
    DataSource: {
      S3DataSource: {
        S3DataType: 'S3Prefix' as const,
        // The folder, with its slash: a bare key prefix would also match `train.csv.bak`.
        S3Uri: s3(p.bucket, layout.preprocessedKey(p.prefix, p.location, split).replace(/[^/]+$/, '')),
        S3DataDistributionType: distribution,
      },
    },
    ContentType: spec.trainingContentType,
    InputMode: 'File' as const,
  });
  const channels = [channel('train', 'train', spec.trainDistribution)];
  if (spec.evaluationChannel) channels.push(channel(spec.evaluationChannel, 'validation', 'FullyReplicated'));
  return {
    TrainingJobName: p.name,
    AlgorithmSpecification: { TrainingImage: p.image, TrainingInputMode: 'File' },
    RoleArn: p.roleArn,
    HyperParameters: { ...spec.hyperparameters, ...p.hyperparameters },
    InputDataConfig: channels,
    OutputDataConfig: {
      S3OutputPath: s3(p.bucket, layout.modelArtifactsPrefix(spec.modelPrefix(p.prefix), p.location)),
    },
    ...trainingResources(p.instanceType),
    Tags: p.tags,
  };
}
