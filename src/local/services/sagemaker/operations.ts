/**
 * SageMaker's operations: each its X-Amz-Target name, the IAM action it is authorized as, the
 * resource (the ARN of the resource its input names, `*` for the listings, the ResourceArn of the
 * tag operations) and its handler. The handlers live with their resource (training-jobs.ts,
 * models.ts, …); the endpoint operations exist only when the local cloud hosts endpoints.
 */
import { sagemakerArn, type SagemakerResourceType } from '../../../aws-names/arns.js';
import type { Operation, OperationCall, OperationTable } from '../../protocols/operations.js';
import type { ServiceCall } from '../../service.js';
import type { Json } from './validation.js';

type Handler = (input: Json, call: ServiceCall) => Promise<unknown>;
type SageMakerOperation = Operation<OperationCall, Json, Json, unknown>;
export type SageMakerTable = OperationTable<OperationCall, Json, unknown>;

/** An operation on the resource its input names in `member` ('*' while the name is missing: validation says so next). */
function on(action: string, type: SagemakerResourceType, member: string, handler: Handler): SageMakerOperation {
  return {
    action,
    resource: (call, input) => {
      const name = input[member];
      return typeof name === 'string' ? sagemakerArn(call.region, call.principal.accountId, type, name) : '*';
    },
    run: (call, input) => handler(input, call),
  };
}

/** A listing: authorized on '*', as the Service Authorization Reference lists List* actions. */
function listing(action: string, handler: Handler): SageMakerOperation {
  return { action, resource: () => '*', run: (call, input) => handler(input, call) };
}

/** A tag operation: authorized on the ResourceArn it names. */
function tagging(action: string, handler: Handler): SageMakerOperation {
  return {
    action,
    resource: (_call, input) => (typeof input.ResourceArn === 'string' ? input.ResourceArn : '*'),
    run: (call, input) => handler(input, call),
  };
}

type Handlers<K extends string> = Record<K, Handler>;

export function sagemakerOperations(h: {
  training: Handlers<'CreateTrainingJob' | 'DescribeTrainingJob' | 'StopTrainingJob' | 'ListTrainingJobs'>;
  transform: Handlers<'CreateTransformJob' | 'DescribeTransformJob' | 'StopTransformJob' | 'ListTransformJobs'>;
  models: Handlers<'CreateModel' | 'DescribeModel' | 'DeleteModel' | 'ListModels'>;
  tags: Handlers<'AddTags' | 'ListTags' | 'DeleteTags'>;
  search: Handlers<'Search'>;
  endpoints?: Handlers<
    | 'CreateEndpointConfig'
    | 'DescribeEndpointConfig'
    | 'DeleteEndpointConfig'
    | 'ListEndpointConfigs'
    | 'CreateEndpoint'
    | 'DescribeEndpoint'
    | 'UpdateEndpoint'
    | 'DeleteEndpoint'
    | 'ListEndpoints'
  >;
}): SageMakerTable {
  const { training, transform, models, tags, search, endpoints: e } = h;
  return {
    CreateTrainingJob: on('sagemaker:CreateTrainingJob', 'training-job', 'TrainingJobName', training.CreateTrainingJob),
    DescribeTrainingJob: on(
      'sagemaker:DescribeTrainingJob',
      'training-job',
      'TrainingJobName',
      training.DescribeTrainingJob,
    ),
    StopTrainingJob: on('sagemaker:StopTrainingJob', 'training-job', 'TrainingJobName', training.StopTrainingJob),
    ListTrainingJobs: listing('sagemaker:ListTrainingJobs', training.ListTrainingJobs),
    // Search is authorized on '*' too: it reads across resources (Service Authorization Reference).
    Search: listing('sagemaker:Search', search.Search),
    CreateModel: on('sagemaker:CreateModel', 'model', 'ModelName', models.CreateModel),
    DescribeModel: on('sagemaker:DescribeModel', 'model', 'ModelName', models.DescribeModel),
    DeleteModel: on('sagemaker:DeleteModel', 'model', 'ModelName', models.DeleteModel),
    ListModels: listing('sagemaker:ListModels', models.ListModels),
    CreateTransformJob: on(
      'sagemaker:CreateTransformJob',
      'transform-job',
      'TransformJobName',
      transform.CreateTransformJob,
    ),
    DescribeTransformJob: on(
      'sagemaker:DescribeTransformJob',
      'transform-job',
      'TransformJobName',
      transform.DescribeTransformJob,
    ),
    StopTransformJob: on('sagemaker:StopTransformJob', 'transform-job', 'TransformJobName', transform.StopTransformJob),
    ListTransformJobs: listing('sagemaker:ListTransformJobs', transform.ListTransformJobs),
    AddTags: tagging('sagemaker:AddTags', tags.AddTags),
    ListTags: tagging('sagemaker:ListTags', tags.ListTags),
    DeleteTags: tagging('sagemaker:DeleteTags', tags.DeleteTags),
    ...(e && {
      CreateEndpointConfig: on(
        'sagemaker:CreateEndpointConfig',
        'endpoint-config',
        'EndpointConfigName',
        e.CreateEndpointConfig,
      ),
      DescribeEndpointConfig: on(
        'sagemaker:DescribeEndpointConfig',
        'endpoint-config',
        'EndpointConfigName',
        e.DescribeEndpointConfig,
      ),
      DeleteEndpointConfig: on(
        'sagemaker:DeleteEndpointConfig',
        'endpoint-config',
        'EndpointConfigName',
        e.DeleteEndpointConfig,
      ),
      ListEndpointConfigs: listing('sagemaker:ListEndpointConfigs', e.ListEndpointConfigs),
      CreateEndpoint: on('sagemaker:CreateEndpoint', 'endpoint', 'EndpointName', e.CreateEndpoint),
      DescribeEndpoint: on('sagemaker:DescribeEndpoint', 'endpoint', 'EndpointName', e.DescribeEndpoint),
      UpdateEndpoint: on('sagemaker:UpdateEndpoint', 'endpoint', 'EndpointName', e.UpdateEndpoint),
      DeleteEndpoint: on('sagemaker:DeleteEndpoint', 'endpoint', 'EndpointName', e.DeleteEndpoint),
      ListEndpoints: listing('sagemaker:ListEndpoints', e.ListEndpoints),
    }),
  };
}
