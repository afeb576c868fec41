/**
 * The pure side of deploy / add-model: golden request shapes (container order, environment,
 * MultiModel prefix), content-hashed names, what a re-run does, hold-out, artifact keys, and the
 * hints of the AWS errors deploy meets.
 */
import { describe, expect, it } from 'vitest';
import { firstColumns, score } from '../../src/workflow/add-model.js';
import { selectModels, sharedPreprocessor } from '../../src/workflow/artifacts.js';
import type { DeployPlan } from '../../src/workflow/deploy.js';
import {
  contentHash,
  copyAction,
  deployRequests,
  endpointAction,
  hostingSpec,
  isHostingName,
  mmeLayout,
  suffixedName,
  type PipelineInput,
} from '../../src/workflow/endpoint-requests.js';
import { failureHint, hostingError } from '../../src/workflow/endpoint-waiter.js';
import type { TrainedModel } from '../../src/workflow/trained-models.js';

const ROLE = 'arn:aws:iam::123456789012:role/SageMakerRole';
const SKLEARN = '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3';
const LL = '382416733822.dkr.ecr.us-east-1.amazonaws.com/linear-learner:1';
const JOB = 'mme-preprocess-20250301-142501-9f3a';

const input = (over: Partial<PipelineInput> = {}): PipelineInput => ({
  region: 'us-east-1',
  bucket: 'my-bucket',
  prefix: 'DEMO_MME_LINEAR_LEARNER',
  roleArn: ROLE,
  preprocessor: { job: JOB, image: SKLEARN, modelDataUrl: `s3://my-bucket/${JOB}/output/model.tar.gz` },
  instanceType: 'ml.m4.xlarge',
  instanceCount: 1,
  ...over,
});

describe('hostingSpec: the pipeline model and its endpoint configuration', () => {
  const spec = hostingSpec('mme-linear-learner', input());

  it('CreateModel: scikit-learn first, then linear learner in MultiModel mode over the prefix', () => {
    expect(spec.model).toEqual({
      ModelName: spec.modelName,
      Containers: [
        {
          Image: SKLEARN,
          ModelDataUrl: `s3://my-bucket/${JOB}/output/model.tar.gz`,
          Environment: {
            SAGEMAKER_PROGRAM: 'sklearn_preprocessor.py',
            SAGEMAKER_SUBMIT_DIRECTORY: `s3://my-bucket/${JOB}/source/sourcedir.tar.gz`,
            SAGEMAKER_CONTAINER_LOG_LEVEL: '20',
            SAGEMAKER_REGION: 'us-east-1',
          },
        },
        {
          Image: LL,
          Mode: 'MultiModel',
          ModelDataUrl: 's3://my-bucket/DEMO_MME_LINEAR_LEARNER/multi_model_artifacts/',
        },
      ],
      ExecutionRoleArn: ROLE,
      Tags: [
        { Key: 'mme:step', Value: 'deploy' },
        { Key: 'mme:prefix', Value: 'DEMO_MME_LINEAR_LEARNER' },
        { Key: 'mme:preprocessor', Value: JOB },
      ],
    });
  });

  it('CreateEndpointConfig: one variant AllTraffic, weight 1, on that model', () => {
    expect(spec.config).toEqual({
      EndpointConfigName: spec.configName,
      ProductionVariants: [
        {
          VariantName: 'AllTraffic',
          ModelName: spec.modelName,
          InstanceType: 'ml.m4.xlarge',
          InitialInstanceCount: 1,
          InitialVariantWeight: 1,
        },
      ],
      Tags: spec.model.Tags,
    });
  });

  it('names are {endpoint}-{8 hex} of the content: stable, and new when the pipeline changes', () => {
    expect(spec.modelName).toMatch(/^mme-linear-learner-[0-9a-f]{8}$/);
    expect(spec.configName).toMatch(/^mme-linear-learner-[0-9a-f]{8}$/);
    expect(hostingSpec('mme-linear-learner', input())).toEqual(spec);
    // Instance type: same model, new configuration.
    const bigger = hostingSpec('mme-linear-learner', input({ instanceType: 'ml.m5.large' }));
    expect(bigger.modelName).toBe(spec.modelName);
    expect(bigger.configName).not.toBe(spec.configName);
    // Preprocessor or cache setting: a new model, hence a new configuration.
    for (const other of [
      input({
        preprocessor: {
          job: 'mme-preprocess-x',
          image: SKLEARN,
          modelDataUrl: 's3://my-bucket/mme-preprocess-x/output/model.tar.gz',
        },
      }),
      input({ cache: 'Disabled' }),
    ]) {
      const changed = hostingSpec('mme-linear-learner', other);
      expect(changed.modelName).not.toBe(spec.modelName);
      expect(changed.configName).not.toBe(spec.configName);
    }
  });

  it('--cache sets MultiModelConfig on the multi-model container only', () => {
    const containers = hostingSpec('e', input({ cache: 'Disabled' })).model.Containers!;
    expect(containers[0]).not.toHaveProperty('MultiModelConfig');
    expect(containers[1]!.MultiModelConfig).toEqual({ ModelCacheSetting: 'Disabled' });
  });

  it('a long endpoint name keeps names within 63 characters, and teardown recognises them', () => {
    const long = 'e'.repeat(63);
    const name = suffixedName(long, contentHash({ a: 1 }));
    expect(name).toHaveLength(63);
    expect(isHostingName(long, name)).toBe(true);
    expect(isHostingName('mme-linear-learner', spec.modelName)).toBe(true);
    expect(isHostingName('mme-linear-learner', 'mme-linear-learner-2-abcdef12')).toBe(false);
    expect(isHostingName('mme-linear-learner', 'mme-linear-learner-model')).toBe(false);
    expect(contentHash({ b: 1, a: [1, { d: 2, c: 3 }] })).toBe(contentHash({ a: [1, { c: 3, d: 2 }], b: 1 }));
  });
});

describe('artifacts: keys, hold-out, one preprocessor', () => {
  const model = (location: string, preprocessor?: string): TrainedModel => ({
    location,
    jobName: `mme-train-${location}`,
    jobArn: `arn:${location}`,
    artifact: `s3://b/p/model_artifacts/${location}/x/output/model.tar.gz`,
    ...(preprocessor ? { preprocessor } : {}),
  });

  it('keys and TargetModel follow the notebook', () => {
    expect(mmeLayout.key('DEMO_MME_LINEAR_LEARNER', 'Chicago_IL')).toBe(
      'DEMO_MME_LINEAR_LEARNER/multi_model_artifacts/Chicago_IL/Chicago_IL.tar.gz',
    );
    expect(mmeLayout.targetModel('Chicago_IL')).toBe('Chicago_IL/Chicago_IL.tar.gz');
    expect(mmeLayout.prefix('P')).toBe('P/multi_model_artifacts/');
  });

  it('--hold-out keeps trained locations back and names the unknown ones', () => {
    const trained = ['Chicago_IL', 'Houston_TX', 'NewYork_NY'].map((l) => model(l, JOB));
    const s = selectModels(trained, ['Houston_TX', 'Boston_MA']);
    expect(s.deploy.map((m) => m.location)).toEqual(['Chicago_IL', 'NewYork_NY']);
    expect(s.heldOut).toEqual(['Houston_TX']);
    expect(s.unknownHoldOut).toEqual(['Boston_MA']);
  });

  it('models behind different (or unrecorded) preprocessors are refused, naming them', () => {
    expect(sharedPreprocessor([model('A', JOB), model('B', JOB)])).toBe(JOB);
    const mixed = () =>
      sharedPreprocessor([model('NewYork_NY', 'pre-1'), model('Chicago_IL', 'pre-2'), model('Dallas_TX', 'pre-1')]);
    expect(mixed).toThrow(/pre-1: NewYork_NY, Dallas_TX; pre-2: Chicago_IL/);
    expect(() => sharedPreprocessor([model('A')])).toThrow(/\(none recorded\): A/);
  });

  it('a copy is skipped when the key holds a copy of the same source', () => {
    expect(copyAction(undefined, 's3://b/k')).toBe('copy');
    expect(copyAction({ source: 's3://b/k' }, 's3://b/k')).toBe('unchanged');
    expect(copyAction({ source: 's3://b/old' }, 's3://b/k')).toBe('replace');
    expect(copyAction({}, 's3://b/k')).toBe('replace');
  });
});

describe('what a re-run does', () => {
  it.each([
    [undefined, 'create'],
    [{ status: 'InService', configName: 'c1' }, 'unchanged'],
    [{ status: 'InService', configName: 'c0' }, 'update'],
    [{ status: 'Failed', configName: 'c1', failureReason: 'x' }, 'recreate'],
    [{ status: 'Creating', configName: 'c1' }, 'wait'],
    [{ status: 'Updating', configName: 'c0' }, 'wait'],
    [{ status: 'Deleting', configName: 'c1' }, 'wait'],
  ] as const)('%j → %s', (current, action) => {
    expect(endpointAction(current, 'c1')).toBe(action);
  });

  const spec = hostingSpec('ep', input());
  const plan = (over: Partial<DeployPlan>): DeployPlan => ({
    endpoint: 'ep',
    copies: [],
    heldOut: [],
    stillServed: [],
    unknownHoldOut: [],
    preprocessorJob: JOB,
    spec,
    createModel: false,
    createConfig: false,
    action: 'unchanged',
    superseded: { configs: [], models: [] },
    ...over,
  });

  it('nothing changed: no request at all', () => {
    expect(
      deployRequests(plan({ current: { status: 'InService', configName: spec.configName } }), {
        bucket: 'b',
        prefix: 'p',
      }),
    ).toEqual([]);
  });

  it('a first deploy: copies, model, configuration, endpoint, then polling', () => {
    const copies = [
      {
        location: 'A',
        trainingJob: 'j',
        source: 's3://b/x/model.tar.gz',
        key: 'p/multi_model_artifacts/A/A.tar.gz',
        targetModel: 'A/A.tar.gz',
        action: 'copy' as const,
      },
    ];
    const requests = deployRequests(plan({ copies, createModel: true, createConfig: true, action: 'create' }), {
      bucket: 'b',
      prefix: 'p',
    });
    expect(requests.map((r) => r.operation)).toEqual([
      'CopyObject',
      'CreateModel',
      'CreateEndpointConfig',
      'CreateEndpoint',
      'DescribeEndpoint',
    ]);
    expect(requests[0]!.input).toMatchObject({
      Bucket: 'b',
      Key: 'p/multi_model_artifacts/A/A.tar.gz',
      CopySource: 'b/x/model.tar.gz',
      MetadataDirective: 'REPLACE',
    });
    expect(requests[3]!.input).toEqual({
      EndpointName: 'ep',
      EndpointConfigName: spec.configName,
      Tags: [{ Key: 'mme:prefix', Value: 'p' }],
    });
  });

  it('a changed pipeline: UpdateEndpoint, then the superseded configuration and model go', () => {
    const requests = deployRequests(
      plan({
        createModel: true,
        createConfig: true,
        action: 'update',
        current: { status: 'InService', configName: 'ep-old' },
        superseded: { configs: ['ep-old'], models: ['ep-oldmodel'] },
      }),
      { bucket: 'b', prefix: 'p' },
    );
    expect(requests.map((r) => r.operation)).toEqual([
      'CreateModel',
      'CreateEndpointConfig',
      'UpdateEndpoint',
      'DescribeEndpoint',
      'DeleteEndpointConfig',
      'DeleteModel',
    ]);
  });
});

describe('AWS errors and the add-model proof', () => {
  it('ResourceLimitExceeded names the quota and how to raise it', () => {
    const err = Object.assign(
      new Error(
        "The account-level service limit 'ml.m4.xlarge for endpoint usage' is 0 Instances, with current utilization of 0 Instances and a request delta of 1 Instances. Please use AWS Service Quotas to request an increase for this quota.",
      ),
      { name: 'ResourceLimitExceeded' },
    );
    const e = hostingError(err, 'creating endpoint ep', { instanceType: 'ml.m4.xlarge', roleArn: ROLE });
    expect(e).toMatchObject({
      code: 'ResourceLimitExceeded',
      exitCode: 6,
      detail: { quota: 'ml.m4.xlarge for endpoint usage' },
    });
    expect(e.hint).toContain('request-service-quota-increase');
    expect(e.hint).toContain('--instance-type');
  });

  it('AccessDenied on iam:PassRole says which permission, on which role', () => {
    const err = Object.assign(
      new Error(`User: arn:aws:iam::1:user/u is not authorized to perform: iam:PassRole on resource: ${ROLE}`),
      { name: 'AccessDeniedException' },
    );
    const e = hostingError(err, 'creating model m', { instanceType: 'ml.m4.xlarge', roleArn: ROLE });
    expect(e.exitCode).toBe(5);
    expect(e.hint).toContain(`iam:PassRole on ${ROLE}`);
    expect(e.hint).toContain('sagemaker.amazonaws.com');
  });

  it("a Failed endpoint's reason points at the fix", () => {
    expect(
      failureHint(
        'Failed to download model data for container "container_1" from URL: "s3://b/k". Please ensure that there is an object located at the URL and that the role has permissions',
      ),
    ).toContain('s3:GetObject');
    expect(failureHint(undefined)).toContain('mme deploy');
  });

  it("the proof row is the test row's 8 features, and the answer a regressor score", () => {
    expect(firstColumns('1995,3000.5,3,2.0,1.01,2,y,n,450000\n', 8)).toBe('1995,3000.5,3,2.0,1.01,2,y,n');
    expect(score('{"predictions":[{"score":439972.62}]}')).toBe(439972.62);
    expect(score('not json')).toBeUndefined();
  });
});
