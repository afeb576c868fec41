/**
 * Models: CreateModel, DescribeModel, DeleteModel, ListModels.
 *
 * A model is either one PrimaryContainer or a list of Containers (an inference pipeline of up to
 * 15, at most one of them Mode MultiModel). Each container's image must be one the local cloud
 * runs (images.ts). As on AWS, a single-model container's ModelDataUrl must name an object that
 * exists when the model is created; a MultiModel container's ModelDataUrl is a prefix, read
 * lazily at invocation time.
 *
 * Models are not jobs: their errors are ValidationExceptions, even for unknown names
 * ("Could not find model …"), as SageMaker answers.
 */
import type { ServiceCall } from '../../service.js';
import { parseS3Uri } from '../../../aws-names/s3-uri.js';
import { sagemakerArn } from '../../../aws-names/arns.js';
import { requireS3Form, s3Uri } from './channel-input.js';
import type { SageMakerContext } from './context.js';
import { requireRunnableImage } from '../../jobs/images.js';
import { listPage } from './listing.js';
import type { ModelRecord } from './state.js';
import { readTags } from './tags.js';
import { IMAGE_PATTERN, NAME_PATTERN, ROLE_ARN_PATTERN, validationError, Validator, type Json } from './validation.js';
import { checkExecutionRole } from './pass-role.js';

const MAX_CONTAINERS = 15;

interface ContainerInput {
  image: string | undefined;
  mode: string;
  modelDataUrl: string | undefined;
}

function readContainer(v: Validator, value: unknown, path: string): ContainerInput {
  const c = v.object(value, path, true) ?? {};
  v.string(c.ContainerHostname, `${path}.containerHostname`, { max: 63, pattern: NAME_PATTERN });
  const image = v.string(c.Image, `${path}.image`, { max: 255, pattern: IMAGE_PATTERN });
  const mode = v.string(c.Mode, `${path}.mode`, { enum: ['SingleModel', 'MultiModel'] }) ?? 'SingleModel';
  const modelDataUrl = s3Uri(v, c.ModelDataUrl, `${path}.modelDataUrl`, false);
  v.stringMap(c.Environment, `${path}.environment`, { maxEntries: 100, maxKey: 1024, maxValue: 1024 });
  const mmc = v.object(c.MultiModelConfig, `${path}.multiModelConfig`);
  v.string(mmc?.ModelCacheSetting, `${path}.multiModelConfig.modelCacheSetting`, { enum: ['Enabled', 'Disabled'] });
  return { image, mode, modelDataUrl };
}

/** The containers of a model record, in pipeline order. */
export function modelContainers(record: ModelRecord): Json[] {
  const d = record.describe;
  return d.PrimaryContainer ? [d.PrimaryContainer as Json] : ((d.Containers as Json[] | undefined) ?? []);
}

export function modelNotFound(arn: string) {
  return validationError(`Could not find model "${arn}".`);
}

export function modelOperations(ctx: SageMakerContext) {
  const models = ctx.state.models;

  async function checkContainers(containers: ContainerInput[], field: string): Promise<void> {
    if (containers.filter((c) => c.mode === 'MultiModel').length > 1) {
      throw validationError('An inference pipeline can have at most one container in MultiModel mode.');
    }
    for (const [i, c] of containers.entries()) {
      const where = containers.length === 1 && field === 'PrimaryContainer' ? field : `${field}[${i}]`;
      if (c.image === undefined)
        throw validationError(`${where}.Image is required by the mme local cloud (model packages are not supported).`);
      requireRunnableImage(c.image, `${where}.Image`);
      if (c.modelDataUrl === undefined) continue;
      requireS3Form(c.modelDataUrl, `${where}.ModelDataUrl`);
      if (c.mode === 'MultiModel') continue;
      const location = parseS3Uri(c.modelDataUrl)!;
      const exists =
        (await ctx.store.bucketExists(location.bucket)) &&
        (await ctx.store.headObject(location.bucket, location.key)) !== undefined;
      if (!exists) throw validationError(`Could not find model data at ${c.modelDataUrl}.`);
    }
  }

  return {
    async CreateModel(input: Json, call: ServiceCall) {
      const v = new Validator();
      const name = v.name(input.ModelName, 'modelName') ?? '';
      const primary =
        input.PrimaryContainer === undefined ? undefined : readContainer(v, input.PrimaryContainer, 'primaryContainer');
      const list = v.list(input.Containers, 'containers', { max: MAX_CONTAINERS });
      const containers = list?.map((c, i) => readContainer(v, c, `containers.${i + 1}.member`));
      v.string(input.ExecutionRoleArn, 'executionRoleArn', { min: 20, max: 2048, pattern: ROLE_ARN_PATTERN });
      const iec = v.object(input.InferenceExecutionConfig, 'inferenceExecutionConfig');
      if (iec) v.string(iec.Mode, 'inferenceExecutionConfig.mode', { required: true, enum: ['Serial', 'Direct'] });
      v.boolean(input.EnableNetworkIsolation, 'enableNetworkIsolation');
      const tags = readTags(v, input.Tags, 'tags');
      v.check();
      checkExecutionRole(ctx.roles, call, input.ExecutionRoleArn);

      if ((primary === undefined) === (containers === undefined || containers.length === 0)) {
        throw validationError('Exactly one of PrimaryContainer or Containers must be specified.');
      }
      const arn = sagemakerArn(call.region, call.principal.accountId, 'model', name);
      if (models.get(name)) throw validationError(`Cannot create already existing model "${arn}".`);
      await checkContainers(primary ? [primary] : containers!, primary ? 'PrimaryContainer' : 'Containers');

      const { Tags: _tags, ...request } = input;
      const record: ModelRecord = {
        tags,
        describe: {
          ...request,
          ModelName: name,
          ModelArn: arn,
          CreationTime: ctx.now(),
          EnableNetworkIsolation: input.EnableNetworkIsolation ?? false,
        },
      };
      await models.save(record);
      return { ModelArn: arn };
    },

    async DescribeModel(input: Json, call: ServiceCall) {
      const v = new Validator();
      const name = v.name(input.ModelName, 'modelName') ?? '';
      v.check();
      const record = models.get(name);
      if (!record) throw modelNotFound(sagemakerArn(call.region, call.principal.accountId, 'model', name));
      return record.describe;
    },

    async DeleteModel(input: Json, call: ServiceCall) {
      const v = new Validator();
      const name = v.name(input.ModelName, 'modelName') ?? '';
      v.check();
      if (!models.get(name)) throw modelNotFound(sagemakerArn(call.region, call.principal.accountId, 'model', name));
      await models.delete(name);
      return {};
    },

    async ListModels(input: Json) {
      const { page, nextToken } = listPage(
        models.values(),
        (r) => ({ name: r.describe.ModelName, creationTime: r.describe.CreationTime }),
        input,
        { sortBy: ['Name', 'CreationTime'] },
      );
      return {
        Models: page.map(({ describe: d }) => ({
          ModelName: d.ModelName,
          ModelArn: d.ModelArn,
          CreationTime: d.CreationTime,
        })),
        NextToken: nextToken,
      };
    },
  };
}
