/**
 * Endpoint configurations: CreateEndpointConfig, DescribeEndpointConfig, DeleteEndpointConfig,
 * ListEndpointConfigs. A configuration names, per production variant, a model, an instance type
 * and count, and a weight; CreateEndpoint and UpdateEndpoint (endpoints.ts) deploy it on the
 * endpoint host. As on AWS, the models must exist when the configuration is created, and a
 * configuration is immutable (an update deploys a new one).
 *
 * Kept as `{stateDir}/sagemaker/endpoint-configs/{name}.json` with the same Table as the other
 * resources (state.ts).
 */
import type { ServiceCall } from '../../service.js';
import { knownInstanceTypes } from '../../hosting/index.js';
import { sagemakerArn } from '../../../aws-names/arns.js';
import type { SageMakerContext } from './context.js';
import { listPage } from './listing.js';
import { modelNotFound } from './models.js';
import type { Table, Tag } from './state.js';
import { readTags } from './tags.js';
import { INSTANCE_TYPES, validationError, Validator, type Json } from './validation.js';

export interface EndpointConfigVariant extends Json {
  VariantName: string;
  ModelName: string;
  InstanceType: string;
  InitialInstanceCount: number;
  InitialVariantWeight: number;
}

export interface EndpointConfigRecord {
  describe: Json & {
    EndpointConfigName: string;
    EndpointConfigArn: string;
    ProductionVariants: EndpointConfigVariant[];
    CreationTime: Date;
  };
  tags: Tag[];
}

/** Hosting instance types: the training/transform table and the hosting table (ml.t2.* etc.). */
const HOSTING_INSTANCE_TYPES = [...new Set([...INSTANCE_TYPES, ...knownInstanceTypes()])].sort();

export function endpointConfigNotFound(arn: string) {
  return validationError(`Could not find endpoint configuration "${arn}".`);
}

function readVariants(v: Validator, value: unknown): EndpointConfigVariant[] {
  const list = v.list(value, 'productionVariants', { required: true, min: 1, max: 10 }) ?? [];
  return list.map((item, i) => {
    const at = `productionVariants.${i + 1}.member`;
    const pv = v.object(item, at, true) ?? {};
    const variantName = v.name(pv.VariantName, `${at}.variantName`) ?? '';
    const modelName = v.name(pv.ModelName, `${at}.modelName`) ?? '';
    if (pv.ServerlessConfig !== undefined)
      throw validationError(
        'ServerlessConfig is not supported by the mme local cloud; give InstanceType and InitialInstanceCount.',
      );
    const instanceType =
      v.string(pv.InstanceType, `${at}.instanceType`, { required: true, enum: HOSTING_INSTANCE_TYPES }) ?? '';
    const count = v.integer(pv.InitialInstanceCount, `${at}.initialInstanceCount`, { required: true, min: 1 }) ?? 1;
    let weight = 1;
    if (pv.InitialVariantWeight !== undefined) {
      if (typeof pv.InitialVariantWeight !== 'number' || !Number.isFinite(pv.InitialVariantWeight))
        v.fail(pv.InitialVariantWeight, `${at}.initialVariantWeight`, 'Member must be a number');
      else if (pv.InitialVariantWeight < 0)
        v.fail(
          pv.InitialVariantWeight,
          `${at}.initialVariantWeight`,
          'Member must have value greater than or equal to 0',
        );
      else weight = pv.InitialVariantWeight;
    }
    return {
      ...pv,
      VariantName: variantName,
      ModelName: modelName,
      InstanceType: instanceType,
      InitialInstanceCount: count,
      InitialVariantWeight: weight,
    };
  });
}

export function endpointConfigOperations(ctx: SageMakerContext, configs: Table<EndpointConfigRecord>) {
  const arnOf = (call: ServiceCall, name: string) =>
    sagemakerArn(call.region, call.principal.accountId, 'endpoint-config', name);

  return {
    async CreateEndpointConfig(input: Json, call: ServiceCall) {
      const v = new Validator();
      const name = v.name(input.EndpointConfigName, 'endpointConfigName') ?? '';
      const variants = readVariants(v, input.ProductionVariants);
      v.string(input.KmsKeyId, 'kmsKeyId', { max: 2048 });
      const tags = readTags(v, input.Tags, 'tags');
      v.check();
      if (input.AsyncInferenceConfig !== undefined)
        throw validationError('AsyncInferenceConfig is not supported by the mme local cloud.');
      const names = new Set<string>();
      for (const pv of variants) {
        if (names.has(pv.VariantName))
          throw validationError(`Duplicate VariantName ${pv.VariantName} in ProductionVariants.`);
        names.add(pv.VariantName);
      }
      const arn = arnOf(call, name);
      if (configs.get(name)) throw validationError(`Cannot create already existing endpoint configuration "${arn}".`);
      for (const pv of variants) {
        if (!ctx.state.models.get(pv.ModelName))
          throw modelNotFound(sagemakerArn(call.region, call.principal.accountId, 'model', pv.ModelName));
      }
      const { Tags: _tags, ...request } = input;
      await configs.save({
        tags,
        describe: {
          ...request,
          EndpointConfigName: name,
          EndpointConfigArn: arn,
          ProductionVariants: variants,
          CreationTime: ctx.now(),
        },
      });
      return { EndpointConfigArn: arn };
    },

    async DescribeEndpointConfig(input: Json, call: ServiceCall) {
      const v = new Validator();
      const name = v.name(input.EndpointConfigName, 'endpointConfigName') ?? '';
      v.check();
      const record = configs.get(name);
      if (!record) throw endpointConfigNotFound(arnOf(call, name));
      return record.describe;
    },

    async DeleteEndpointConfig(input: Json, call: ServiceCall) {
      const v = new Validator();
      const name = v.name(input.EndpointConfigName, 'endpointConfigName') ?? '';
      v.check();
      // AWS lets a configuration in use by an endpoint be deleted: the endpoint keeps running.
      if (!configs.get(name)) throw endpointConfigNotFound(arnOf(call, name));
      await configs.delete(name);
      return {};
    },

    async ListEndpointConfigs(input: Json) {
      const { page, nextToken } = listPage(
        configs.values(),
        (r) => ({ name: r.describe.EndpointConfigName, creationTime: r.describe.CreationTime }),
        input,
        { sortBy: ['Name', 'CreationTime'] },
      );
      return {
        EndpointConfigs: page.map(({ describe: d }) => ({
          EndpointConfigName: d.EndpointConfigName,
          EndpointConfigArn: d.EndpointConfigArn,
          CreationTime: d.CreationTime,
        })),
        NextToken: nextToken,
      };
    },
  };
}
