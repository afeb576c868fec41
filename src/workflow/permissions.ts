/**
 * `mme permissions`: the least-privilege IAM policies of the workflow, generated from the
 * requests the commands send, so that they cannot drift from them:
 * - the caller's policy, per command or for all of them: each request (the same PlannedRequest
 *   values --dry-run prints, from the same builders where a command has them: planPreprocess,
 *   planTrain, deployRequests, grantRequests) maps to the IAM actions and resource ARNs AWS
 *   authorizes it on (`requirementsOf`), names generalised to the patterns the workflow names
 *   things by (`mme-train-*`, `{endpoint}-*`); statements group the actions that share resources;
 * - the execution role's policy: what SageMaker does as the role for those jobs and models
 *   (read and write the bucket, pull the images the requests name, write CloudWatch Logs and
 *   metrics), from the SageMaker Developer Guide's list of execution role permissions for
 *   CreateTrainingJob, CreateModel and CreateTransformJob (docs/aws-behaviour.md#permissions).
 * Pure: a scope in, documents out.
 */
import { ALGORITHM_NAMES, algorithmSpec, type AlgorithmName } from '../algorithms/registry.js';
import { logGroupArn, sagemakerArn } from '../aws-names/arns.js';
import { SAGEMAKER_PRINCIPAL, sagemakerTrustPolicy } from '../aws-names/execution-role.js';
import { partitionIdOf } from '../aws-names/partitions.js';
import { HOUSING_DATA_PREFIX } from './data.js';
import { DEFAULT_HOSTING_INSTANCE_TYPE, DEFAULT_INSTANCE_TYPE } from './defaults.js';
import { preprocessRequests, trainRequests, type PlannedRequest } from './dry-run.js';
import { deployRequests, hostingSpec, mmeLayout } from './endpoint-requests.js';
import { defaultRoleName, grantRequests, revokeRequests } from './grant-policies.js';
import { sklearnImages } from './image-uris.js';
import { planPreprocess } from './preprocess.js';
import { layout } from './requests.js';
import { planTrain } from './train.js';

export interface PermissionScope {
  region: string;
  /** The account id, or `*` when it cannot be known offline. */
  account: string;
  bucket: string;
  prefix: string;
  /** The one endpoint every algorithm is deployed on (--endpoint); absent: each algorithm's own (registry.ts). */
  endpoint?: string;
  /** The execution role the commands pass to SageMaker. */
  executionRoleArn: string;
}

interface PolicyStatement {
  Sid: string;
  Effect: 'Allow';
  Action: string[];
  Resource: string[];
  Condition?: Record<string, Record<string, string>>;
}

export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: PolicyStatement[];
}

/** The commands whose callers need permissions, in workflow order (`demo` runs the others). */
export const PERMISSION_COMMANDS = [
  'bootstrap',
  'data',
  'preprocess',
  'train',
  'deploy',
  'invoke',
  'add-model',
  'grant',
  'metrics',
  'status',
  'logs',
  'teardown',
] as const;
export type PermissionCommand = (typeof PERMISSION_COMMANDS)[number];

/** One thing IAM authorizes for a request: an action on a resource, maybe under a condition. */
interface Requirement {
  action: string;
  resource: string;
  condition?: PolicyStatement['Condition'];
  /** Needed only alongside another action on the same resource (AddTags with a Create): joins that statement. */
  companion?: boolean;
}

// ── the requests of each command ─────────────────────────────────────────────────────────

const SAMPLE_LOCATION = 'NewYork_NY';
const SAMPLE_RUN = '20260101-000000-0000';
const POLL = { initialDelayMs: 1, maxDelayMs: 1, timeoutMs: 1 };

const req = (
  service: PlannedRequest['service'],
  operation: string,
  input: Record<string, unknown>,
): PlannedRequest => ({
  service,
  operation,
  input,
});

/**
 * What the deploying commands act on: each built-in algorithm on its endpoint. One execution role
 * and one caller serve all of them (bootstrap makes one role), so the policies cover every
 * algorithm: its image, its model prefix, its endpoint.
 */
interface Serving {
  algorithm: AlgorithmName;
  endpoint: string;
}

function servings(s: Pick<PermissionScope, 'endpoint'>): Serving[] {
  return ALGORITHM_NAMES.map((algorithm) => ({
    algorithm,
    endpoint: s.endpoint ?? algorithmSpec(algorithm).defaultEndpoint,
  }));
}

/** The endpoints the policies name: --endpoint's, else each algorithm's own. */
function scopeEndpoints(s: Pick<PermissionScope, 'endpoint'>): string[] {
  return [...new Set(servings(s).map((t) => t.endpoint))];
}

/** The requests a command sends, for every algorithm, with sample names where a run makes new ones. */
export function commandRequests(command: PermissionCommand, s: PermissionScope): PlannedRequest[] {
  return servings(s).flatMap((t, i) => servingRequests(command, s, t, i === 0));
}

/**
 * One algorithm's share of a command's requests; `first` adds the requests that are the same for
 * every algorithm (the bucket, the data, the preprocessing, the metrics) once.
 */
function servingRequests(command: PermissionCommand, s: PermissionScope, t: Serving, first: boolean): PlannedRequest[] {
  const Bucket = s.bucket;
  const { algorithm } = t;
  const modelPrefix = algorithmSpec(algorithm).modelPrefix(s.prefix);
  const job = { bucket: s.bucket, prefix: s.prefix, region: s.region, roleArn: s.executionRoleArn, runId: SAMPLE_RUN };
  const trainPlan = planTrain({ ...job, algorithm, locations: [SAMPLE_LOCATION], instanceType: DEFAULT_INSTANCE_TYPE });
  const trainJob = trainPlan.jobs[0]!;
  // deploy, add-model, experiment and status find models with Search (workflow/trained-models.ts).
  const trainingJobs = [req('SageMaker', 'Search', { Resource: 'TrainingJob' })];
  const preprocessOptions = {
    ...job,
    locations: [SAMPLE_LOCATION],
    instanceType: DEFAULT_INSTANCE_TYPE,
    transformInstanceType: DEFAULT_INSTANCE_TYPE,
    seed: 1,
    validationFraction: 0.3,
    parallel: 1,
    poll: POLL,
  };
  const preprocessPlan = planPreprocess(preprocessOptions);
  const preprocessJob = preprocessPlan.fit.TrainingJobName!;
  const transformJob = preprocessPlan.transforms[0]!.request.TransformJobName!;
  const objectKey = mmeLayout.key(modelPrefix, SAMPLE_LOCATION);
  const endpoint = { EndpointName: t.endpoint };
  switch (command) {
    case 'bootstrap': {
      if (!first) return [];
      const RoleName = roleNameOf(s.executionRoleArn);
      return [
        req('S3', 'HeadBucket', { Bucket }),
        req('S3', 'CreateBucket', { Bucket }),
        req('IAM', 'GetRole', { RoleName }),
        req('IAM', 'CreateRole', { RoleName, AssumeRolePolicyDocument: sagemakerTrustPolicy() }),
        req('IAM', 'UpdateAssumeRolePolicy', { RoleName }),
        req('IAM', 'GetRolePolicy', { RoleName }),
        req('IAM', 'PutRolePolicy', { RoleName }),
      ];
    }
    case 'data':
      return first
        ? [
            req('S3', 'HeadBucket', { Bucket }),
            req('S3', 'PutObject', { Bucket, Key: `${HOUSING_DATA_PREFIX}/${SAMPLE_LOCATION}/train/train.csv` }),
          ]
        : [];
    case 'preprocess':
      return first
        ? [
            req('S3', 'ListObjectsV2', { Bucket, Prefix: `${HOUSING_DATA_PREFIX}/` }),
            ...preprocessRequests(preprocessPlan, preprocessOptions, 0),
          ]
        : [];
    case 'train':
      return trainRequests(
        trainPlan,
        { bucket: s.bucket, parallel: 1, wait: true },
        { [SAMPLE_LOCATION]: layout.preprocessedKey(s.prefix, SAMPLE_LOCATION, 'train') },
      );
    case 'deploy': {
      const spec = hostingSpec(t.endpoint, {
        region: s.region,
        bucket: s.bucket,
        prefix: modelPrefix,
        roleArn: s.executionRoleArn,
        preprocessor: {
          job: preprocessJob,
          image: sklearnImages(s.region).inference,
          modelDataUrl: `s3://${Bucket}/${preprocessJob}/output/model.tar.gz`,
        },
        algorithm,
        instanceType: DEFAULT_HOSTING_INSTANCE_TYPE,
        instanceCount: 1,
      });
      // Every branch the plan can take (create, update, re-create, supersede), from the plan's own builder.
      const writes = deployRequests(
        {
          endpoint: t.endpoint,
          copies: [
            {
              location: SAMPLE_LOCATION,
              trainingJob: trainJob.request.TrainingJobName!,
              source: trainJob.request.OutputDataConfig!.S3OutputPath!,
              key: objectKey,
              targetModel: mmeLayout.targetModel(SAMPLE_LOCATION),
              action: 'copy',
            },
          ],
          heldOut: [],
          stillServed: [],
          unknownHoldOut: [],
          preprocessorJob: preprocessJob,
          spec,
          createModel: true,
          createConfig: true,
          current: { status: 'Failed', configName: spec.configName },
          action: 'recreate',
          superseded: { configs: [spec.configName], models: [spec.modelName] },
        },
        { bucket: s.bucket, prefix: modelPrefix },
      );
      return [
        ...trainingJobs,
        req('SageMaker', 'DescribeModel', { ModelName: preprocessJob }),
        req('S3', 'ListObjectsV2', { Bucket, Prefix: mmeLayout.prefix(modelPrefix) }),
        req('S3', 'HeadObject', { Bucket, Key: objectKey }),
        req('SageMaker', 'DescribeEndpoint', endpoint),
        req('SageMaker', 'DescribeEndpointConfig', { EndpointConfigName: spec.configName }),
        ...writes,
        req('SageMaker', 'UpdateEndpoint', { ...endpoint, EndpointConfigName: spec.configName }),
      ];
    }
    case 'invoke':
      return [
        req('SageMakerRuntime', 'InvokeEndpoint', endpoint),
        // --role-arn: the session of a role `mme grant` made.
        req('STS', 'AssumeRole', { RoleArn: grantRoleArn(s, t.endpoint) }),
      ];
    case 'add-model':
      return [
        ...trainingJobs,
        req('S3', 'HeadObject', { Bucket, Key: objectKey }),
        req('S3', 'CopyObject', { Bucket, Key: objectKey, CopySource: `${Bucket}/${modelPrefix}/model.tar.gz` }),
        req('SageMakerRuntime', 'InvokeEndpoint', endpoint),
      ];
    case 'grant': {
      const roleName = defaultRoleName([SAMPLE_LOCATION], t.endpoint);
      return [
        ...grantRequests({
          roleName,
          prefixes: [SAMPLE_LOCATION],
          endpoint: t.endpoint,
          endpointArn: sagemakerArn(s.region, s.account, 'endpoint', t.endpoint),
          principal: '<caller>',
          callerMayBeSession: false,
        }),
        ...revokeRequests(roleName, t.endpoint),
      ];
    }
    case 'metrics':
      return first ? [req('CloudWatch', 'GetMetricData', {})] : [];
    case 'status':
      return [
        req('SageMaker', 'DescribeEndpoint', endpoint),
        req('SageMaker', 'DescribeEndpointConfig', { EndpointConfigName: `${t.endpoint}-0` }),
        req('SageMaker', 'DescribeModel', { ModelName: `${t.endpoint}-0` }),
        req('S3', 'ListObjectsV2', { Bucket, Prefix: mmeLayout.prefix(modelPrefix) }),
        ...trainingJobs,
      ];
    case 'logs':
      return [
        req('SageMaker', 'DescribeTrainingJob', { TrainingJobName: trainJob.request.TrainingJobName }),
        req('SageMaker', 'DescribeTransformJob', { TransformJobName: transformJob }),
        req('SageMaker', 'DescribeEndpoint', endpoint),
        req('CloudWatchLogs', 'DescribeLogStreams', { logGroupName: '/aws/sagemaker/TrainingJobs' }),
        req('CloudWatchLogs', 'FilterLogEvents', { logGroupName: '/aws/sagemaker/TrainingJobs' }),
        req('CloudWatchLogs', 'GetLogEvents', { logGroupName: '/aws/sagemaker/TrainingJobs' }),
      ];
    case 'teardown':
      return [
        req('SageMaker', 'DescribeEndpoint', endpoint),
        req('SageMaker', 'ListEndpointConfigs', {}),
        req('SageMaker', 'ListModels', {}),
        req('SageMaker', 'ListTransformJobs', {}),
        // --all finds the prefix's preprocess jobs by name (teardown.ts prefixJobs).
        req('SageMaker', 'ListTrainingJobs', {}),
        req('SageMaker', 'DescribeEndpointConfig', { EndpointConfigName: `${t.endpoint}-0` }),
        req('SageMaker', 'DescribeModel', { ModelName: `${t.endpoint}-0` }),
        req('SageMaker', 'DeleteEndpoint', endpoint),
        req('SageMaker', 'DeleteEndpointConfig', { EndpointConfigName: `${t.endpoint}-0` }),
        req('SageMaker', 'DeleteModel', { ModelName: `${t.endpoint}-0` }),
        // --all: the prefix's preprocess and transform jobs (their tags say which), their models and outputs.
        req('SageMaker', 'ListTags', { ResourceArn: sagemakerArn(s.region, s.account, 'training-job', preprocessJob) }),
        req('SageMaker', 'ListTags', { ResourceArn: sagemakerArn(s.region, s.account, 'transform-job', transformJob) }),
        req('SageMaker', 'DeleteModel', { ModelName: preprocessJob }),
        // --all: the objects under the prefix and the jobs' outputs.
        req('S3', 'ListObjectsV2', { Bucket, Prefix: `${s.prefix}/` }),
        req('S3', 'DeleteObjects', { Bucket, Keys: [objectKey] }),
      ];
  }
}

// ── requests → IAM ───────────────────────────────────────────────────────────────────────

/** The resource an operation acts on, by the name its operation ends with (EndpointConfig before Endpoint). */
const SAGEMAKER_RESOURCES: [suffix: string, key: string, type: Parameters<typeof sagemakerArn>[2]][] = [
  ['TrainingJob', 'TrainingJobName', 'training-job'],
  ['TransformJob', 'TransformJobName', 'transform-job'],
  ['EndpointConfig', 'EndpointConfigName', 'endpoint-config'],
  ['Endpoint', 'EndpointName', 'endpoint'],
  ['Model', 'ModelName', 'model'],
];

/**
 * A name as a policy matches it: the endpoint itself; what is named after it (`{endpoint}-{hash}`)
 * as `{endpoint}-*`; what a run names (`mme-train-…-{run}`, `mme-invoke-…`) as `mme-{step}-*`.
 */
function namePattern(name: string, s: PermissionScope): string {
  for (const endpoint of scopeEndpoints(s)) {
    if (name === endpoint) return name;
    if (name.startsWith(`${endpoint}-`)) return `${endpoint}-*`;
  }
  const step = /^(mme-[a-z]+)-/i.exec(name);
  return step ? `${step[1]}-*` : name;
}

function roleNameOf(arn: string): string {
  return arn.split('/').at(-1)!;
}

function roleArnOf(s: PermissionScope, name: string): string {
  return `arn:${partitionIdOf(s.region)}:iam::${s.account}:role/${name}`;
}

function grantRoleArn(s: PermissionScope, endpoint: string): string {
  return roleArnOf(s, defaultRoleName([SAMPLE_LOCATION], endpoint));
}

/** What IAM authorizes one request on: AWS's Service Authorization Reference, per operation. */
export function requirementsOf(r: PlannedRequest, s: PermissionScope): Requirement[] {
  const partition = partitionIdOf(s.region);
  const input = r.input;
  const bucketArn = (bucket: unknown) => `arn:${partition}:s3:::${String(bucket)}`;
  // Objects: the whole bucket. The workflow writes under several key prefixes (housing-data/,
  // {prefix}/, each job's own output), and the bucket is the workflow's own.
  const objectsArn = (bucket: unknown) => `${bucketArn(bucket)}/*`;
  switch (r.service) {
    case 'S3':
      switch (r.operation) {
        case 'HeadBucket':
        case 'ListObjectsV2':
          return [{ action: 's3:ListBucket', resource: bucketArn(input.Bucket) }];
        case 'CreateBucket':
          return [{ action: 's3:CreateBucket', resource: bucketArn(input.Bucket) }];
        case 'HeadObject':
        case 'GetObject':
          return [{ action: 's3:GetObject', resource: objectsArn(input.Bucket) }];
        case 'PutObject':
          return [{ action: 's3:PutObject', resource: objectsArn(input.Bucket) }];
        case 'DeleteObject':
        case 'DeleteObjects':
          return [{ action: 's3:DeleteObject', resource: objectsArn(input.Bucket) }];
        case 'CopyObject':
          return [
            { action: 's3:GetObject', resource: objectsArn(String(input.CopySource).split('/')[0]) },
            { action: 's3:PutObject', resource: objectsArn(input.Bucket) },
          ];
      }
      break;
    case 'SageMaker':
    case 'SageMakerRuntime': {
      const action = `sagemaker:${r.operation}`;
      // List* and Search are authorized on no resource of their own.
      if ((r.operation.startsWith('List') && r.operation !== 'ListTags') || r.operation === 'Search')
        return [{ action, resource: '*' }];
      const resource =
        typeof input.ResourceArn === 'string'
          ? input.ResourceArn.replace(/[^/]+$/, (name) => namePattern(name, s))
          : sagemakerResource(r.operation, input, s);
      const out: Requirement[] = [{ action, resource }];
      // Tags on a Create request need sagemaker:AddTags too (SageMaker Developer Guide, "Provide
      // permissions for tagging SageMaker AI resources"); the local cloud does not check it.
      if (r.operation.startsWith('Create') && Array.isArray(input.Tags) && input.Tags.length > 0)
        out.push({ action: 'sagemaker:AddTags', resource, companion: true });
      const passed = input.RoleArn ?? input.ExecutionRoleArn;
      if (typeof passed === 'string' && r.operation.startsWith('Create'))
        out.push({
          action: 'iam:PassRole',
          resource: passed,
          condition: { StringEquals: { 'iam:PassedToService': SAGEMAKER_PRINCIPAL } },
        });
      return out;
    }
    case 'IAM': {
      const name = input.RoleName;
      if (typeof name !== 'string' || name.startsWith('<')) return [];
      const resource =
        name === roleNameOf(s.executionRoleArn) ? s.executionRoleArn : roleArnOf(s, namePattern(name, s));
      return [{ action: `iam:${r.operation}`, resource }];
    }
    case 'STS':
      // GetCallerIdentity needs no permission: "No permissions are required to perform this operation" (STS API reference).
      if (r.operation === 'AssumeRole')
        return [
          {
            action: 'sts:AssumeRole',
            resource: roleArnOf(s, namePattern(roleNameOf(String(input.RoleArn)), s)),
          },
        ];
      return [];
    case 'CloudWatch':
      // GetMetricData has no resource-level permissions (Service Authorization Reference: Resource *).
      return [{ action: `cloudwatch:${r.operation}`, resource: '*' }];
    case 'CloudWatchLogs':
      return [{ action: `logs:${r.operation}`, resource: `${logGroupArn(s.region, s.account, '/aws/sagemaker/')}*` }];
  }
  return [];
}

function sagemakerResource(operation: string, input: Record<string, unknown>, s: PermissionScope): string {
  const target = SAGEMAKER_RESOURCES.find(([suffix]) => operation.endsWith(suffix));
  const name = target && input[target[1]];
  return typeof name === 'string' ? sagemakerArn(s.region, s.account, target![2], namePattern(name, s)) : '*';
}

/** Actions that share their resources (and condition) go in one statement, in first-seen order. */
function statements(requirements: Requirement[]): PolicyStatement[] {
  const byAction = new Map<string, { resources: Set<string>; condition?: Requirement['condition'] }>();
  for (const r of requirements) {
    if (r.companion) continue;
    const entry = byAction.get(r.action) ?? { resources: new Set<string>(), condition: r.condition };
    entry.resources.add(r.resource);
    byAction.set(r.action, entry);
  }
  const groups = new Map<string, PolicyStatement>();
  for (const [action, { resources, condition }] of byAction) {
    const resource = [...resources].sort();
    const key = JSON.stringify([resource, condition ?? null]);
    const group = groups.get(key);
    if (group) group.Action.push(action);
    else
      groups.set(key, {
        Sid: '',
        Effect: 'Allow',
        Action: [action],
        Resource: resource,
        ...(condition ? { Condition: condition } : {}),
      });
  }
  for (const r of requirements) {
    if (!r.companion) continue;
    for (const st of groups.values())
      if (st.Resource.includes(r.resource) && !st.Action.includes(r.action)) st.Action.push(r.action);
  }
  const used = new Map<string, number>();
  return [...groups.values()].map((st) => {
    const base = sidOf(st);
    const n = (used.get(base) ?? 0) + 1;
    used.set(base, n);
    return { ...st, Sid: n === 1 ? base : `${base}${n}`, Action: st.Action.sort() };
  });
}

/** A readable statement id (letters and digits only, as IAM requires): the service and the resource's kind. */
function sidOf(st: PolicyStatement): string {
  const resource = st.Resource[0]!;
  const service = resource === '*' ? st.Action[0]!.split(':')[0]! : resource.split(':')[2]!;
  const kind =
    resource === '*'
      ? 'Any'
      : service === 's3'
        ? resource.includes('/')
          ? 'Objects'
          : 'Bucket'
        : resource.split(':').slice(5).join(':').split(/[/:]/)[0]!;
  const words = `${service}-${kind}`.split(/[^a-zA-Z0-9]+/).filter(Boolean);
  return words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
}

/** The caller's policy for these commands (all of them when none are named). */
export function callerPolicy(commands: readonly PermissionCommand[], s: PermissionScope): PolicyDocument {
  const chosen = commands.length > 0 ? commands : PERMISSION_COMMANDS;
  const requirements = chosen.flatMap((c) => commandRequests(c, s).flatMap((r) => requirementsOf(r, s)));
  return { Version: '2012-10-17', Statement: statements(requirements) };
}

/** The ECR repositories of the images the workflow's jobs and models name. */
function imageRepositories(s: PermissionScope): string[] {
  const images = new Set<string>();
  for (const c of ['preprocess', 'train', 'deploy'] as const) {
    for (const r of commandRequests(c, s)) {
      const input = r.input as {
        AlgorithmSpecification?: { TrainingImage?: string };
        Containers?: { Image?: string }[];
        PrimaryContainer?: { Image?: string };
      };
      for (const image of [
        input.AlgorithmSpecification?.TrainingImage,
        input.PrimaryContainer?.Image,
        ...(input.Containers ?? []).map((c) => c.Image),
      ])
        if (image) images.add(image);
    }
  }
  const partition = partitionIdOf(s.region);
  const arns = [...images].flatMap((uri) => {
    const m = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.[^/]+\/([^:@]+)/.exec(uri);
    return m ? [`arn:${partition}:ecr:${m[2]}:${m[1]}:repository/${m[3]}`] : [];
  });
  return [...new Set(arns)].sort();
}

/**
 * The execution role's permissions: what SageMaker does as the role (SageMaker Developer Guide,
 * "How to use SageMaker AI execution roles", the permissions CreateTrainingJob, CreateModel and
 * CreateTransformJob need), scoped to the bucket, the images' repositories and SageMaker's log groups.
 */
export function executionRolePolicy(s: PermissionScope): PolicyDocument {
  const partition = partitionIdOf(s.region);
  const bucketArn = `arn:${partition}:s3:::${s.bucket}`;
  return {
    Version: '2012-10-17',
    Statement: [
      { Sid: 'S3Bucket', Effect: 'Allow', Action: ['s3:ListBucket'], Resource: [bucketArn] },
      { Sid: 'S3Objects', Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: [`${bucketArn}/*`] },
      // GetAuthorizationToken has no resource-level permissions (Service Authorization Reference).
      { Sid: 'EcrToken', Effect: 'Allow', Action: ['ecr:GetAuthorizationToken'], Resource: ['*'] },
      {
        Sid: 'EcrPull',
        Effect: 'Allow',
        Action: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
        Resource: imageRepositories(s),
      },
      {
        Sid: 'Logs',
        Effect: 'Allow',
        Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:DescribeLogStreams', 'logs:PutLogEvents'],
        Resource: [`${logGroupArn(s.region, s.account, '/aws/sagemaker/')}*`],
      },
      {
        Sid: 'Metrics',
        Effect: 'Allow',
        Action: ['cloudwatch:PutMetricData'],
        Resource: ['*'],
        Condition: { StringLike: { 'cloudwatch:namespace': '/aws/sagemaker/*' } },
      },
    ],
  };
}

/** IAM counts a policy's size without whitespace (IAM quotas). */
export function policySize(doc: PolicyDocument): number {
  return JSON.stringify(doc).length;
}
