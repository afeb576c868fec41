/**
 * Endpoints: CreateEndpoint, DescribeEndpoint, UpdateEndpoint, DeleteEndpoint, ListEndpoints,
 * the control plane over the endpoint host (src/local/hosting), which does the serving.
 *
 * States as SageMaker has them: Creating → InService | Failed (with FailureReason); Updating
 * (the old deployment serves until the new one is InService; a failed update rolls back to
 * InService and reports why); Deleting (then gone). Deploying is fast locally, so Creating is
 * short; the SDK's waiters see InService on their first poll.
 *
 * Endpoint and endpoint-configuration documents live beside the other resources
 * (`{stateDir}/sagemaker/{endpoints,endpoint-configs}/`); the host's deployments do not survive a
 * restart, so `open()` deploys every endpoint again from its configuration.
 */
import { join } from 'node:path';
import type { ServiceCall } from '../../service.js';
import { DocumentStore } from '../../store/documents.js';
import type { EndpointStatus } from '../../../formats/endpoint-status.js';
import type { ContainerDefinition, EndpointHost } from '../../hosting/index.js';
import { sagemakerArn } from '../../../aws-names/arns.js';
import type { SageMakerContext } from './context.js';
import { endpointConfigNotFound, endpointConfigOperations, type EndpointConfigRecord } from './endpoint-configs.js';
import { listPage } from './listing.js';
import { modelContainers, modelNotFound } from './models.js';
import { Table, type Tag } from './state.js';
import { readTags } from './tags.js';
import { validationError, Validator, type Json } from './validation.js';

const STATUSES = [
  'OutOfService',
  'Creating',
  'Updating',
  'SystemUpdating',
  'RollingBack',
  'InService',
  'Deleting',
  'Failed',
  'UpdateRollbackFailed',
];

export interface EndpointRecord {
  describe: Json & {
    EndpointName: string;
    EndpointArn: string;
    EndpointConfigName: string;
    EndpointStatus: string;
    CreationTime: Date;
    LastModifiedTime: Date;
    FailureReason?: string;
  };
  tags: Tag[];
  /** The region the endpoint was created in (its ARN's), to deploy it again after a restart. */
  region: string;
  accountId: string;
}

export class EndpointControlPlane {
  readonly configs: Table<EndpointConfigRecord>;
  readonly endpoints: Table<EndpointRecord>;
  /** Deployments in progress, awaited by close() and by tests. */
  private readonly deploying = new Set<Promise<unknown>>();

  constructor(
    private readonly ctx: SageMakerContext,
    private readonly host: EndpointHost,
    stateDir: string,
  ) {
    const docs = new DocumentStore(join(stateDir, 'sagemaker'));
    const onError = (err: unknown) => ctx.log(`sagemaker state: ${(err as Error)?.message ?? err}`);
    this.configs = new Table(docs, 'endpoint-configs', (r) => r.describe.EndpointConfigName, onError);
    this.endpoints = new Table(docs, 'endpoints', (r) => r.describe.EndpointName, onError);
  }

  /** Load the documents and deploy every endpoint again (the host starts empty). */
  async open(): Promise<void> {
    await Promise.all([this.configs.load(), this.endpoints.load()]);
    for (const record of this.endpoints.values()) {
      if (record.describe.EndpointStatus === 'Deleting') {
        await this.endpoints.delete(record.describe.EndpointName);
      } else if (record.describe.EndpointStatus !== 'Failed') {
        this.startDeploy(
          record,
          record.describe.EndpointConfigName,
          record.describe.EndpointStatus === 'Creating' ? 'Creating' : 'InService',
        );
      }
    }
    await this.settled();
  }

  async settled(): Promise<void> {
    while (this.deploying.size > 0) await Promise.allSettled([...this.deploying]);
  }

  /** Let deployments and deletions in progress finish (the local cloud closes the host after). */
  async close(): Promise<void> {
    await this.settled();
  }

  private arn(call: ServiceCall, name: string): string {
    return sagemakerArn(call.region, call.principal.accountId, 'endpoint', name);
  }

  private notFound(call: ServiceCall, name: string) {
    return validationError(`Could not find endpoint "${this.arn(call, name)}".`);
  }

  /** The host's spec for an endpoint configuration: each variant with its model's containers. */
  private spec(record: EndpointRecord, configName: string) {
    const config = this.configs.get(configName);
    if (!config)
      throw endpointConfigNotFound(sagemakerArn(record.region, record.accountId, 'endpoint-config', configName));
    return {
      name: record.describe.EndpointName,
      arn: record.describe.EndpointArn,
      variants: config.describe.ProductionVariants.map((pv) => {
        const model = this.ctx.state.models.get(pv.ModelName);
        if (!model) throw modelNotFound(sagemakerArn(record.region, record.accountId, 'model', pv.ModelName));
        return {
          ...pv,
          model: { name: pv.ModelName, containers: modelContainers(model) as unknown as ContainerDefinition[] },
        };
      }),
    };
  }

  /**
   * Deploy in the background; the record follows the host. `previous` is the status to return to
   * if an update fails (SageMaker rolls back to the serving configuration).
   */
  private startDeploy(
    record: EndpointRecord,
    configName: string,
    initial: 'Creating' | 'Updating' | 'InService',
  ): void {
    const d = record.describe;
    const spec = this.spec(record, configName);
    const run = this.host.deploy(spec).then(
      (status: EndpointStatus) =>
        this.settle(
          record,
          configName,
          status.state === 'InService' && !status.failureReason,
          status.failureReason,
          status.state,
        ),
      (err: unknown) =>
        this.settle(
          record,
          configName,
          false,
          (err as Error)?.message ?? String(err),
          d.EndpointStatus === 'Updating' ? 'InService' : 'Failed',
        ),
    );
    d.EndpointStatus = initial;
    this.deploying.add(run);
    void run.finally(() => this.deploying.delete(run));
  }

  private async settle(
    record: EndpointRecord,
    configName: string,
    ok: boolean,
    reason: string | undefined,
    state: string,
  ): Promise<void> {
    const d = record.describe;
    if (this.endpoints.get(d.EndpointName) !== record || d.EndpointStatus === 'Deleting') return;
    d.EndpointStatus = ok ? 'InService' : state;
    if (ok) {
      d.EndpointConfigName = configName;
      delete d.FailureReason;
    } else {
      d.FailureReason = reason;
    }
    d.LastModifiedTime = this.ctx.now();
    await this.endpoints.save(record);
  }

  private describe(record: EndpointRecord): Json {
    const status = this.host.status(record.describe.EndpointName);
    const config = this.configs.get(record.describe.EndpointConfigName);
    const variants = status?.variants.map((v) => {
      const pv = config?.describe.ProductionVariants.find((p) => p.VariantName === v.variantName);
      const model = pv && this.ctx.state.models.get(pv.ModelName);
      const images = model ? modelContainers(model).map((c) => c.Image as string) : [];
      return {
        VariantName: v.variantName,
        DeployedImages: images.map((image) => ({
          SpecifiedImage: image,
          ResolvedImage: image,
          ResolutionTime: record.describe.LastModifiedTime,
        })),
        CurrentWeight: v.weight,
        DesiredWeight: v.weight,
        CurrentInstanceCount: v.currentInstanceCount,
        DesiredInstanceCount: pv?.InitialInstanceCount ?? v.currentInstanceCount,
      };
    });
    return { ...record.describe, ...(variants && variants.length > 0 ? { ProductionVariants: variants } : {}) };
  }

  operations() {
    const ctx = this.ctx;
    return {
      ...endpointConfigOperations(ctx, this.configs),

      CreateEndpoint: async (input: Json, call: ServiceCall) => {
        const v = new Validator();
        const name = v.name(input.EndpointName, 'endpointName') ?? '';
        const configName = v.name(input.EndpointConfigName, 'endpointConfigName') ?? '';
        const tags = readTags(v, input.Tags, 'tags');
        v.check();
        const arn = this.arn(call, name);
        if (this.endpoints.get(name)) throw validationError(`Cannot create already existing endpoint "${arn}".`);
        const at = ctx.now();
        const record: EndpointRecord = {
          tags,
          region: call.region,
          accountId: call.principal.accountId,
          describe: {
            EndpointName: name,
            EndpointArn: arn,
            EndpointConfigName: configName,
            EndpointStatus: 'Creating',
            CreationTime: at,
            LastModifiedTime: at,
          },
        };
        this.spec(record, configName); // unknown configuration or model: ValidationException now
        await this.endpoints.save(record);
        this.startDeploy(record, configName, 'Creating');
        return { EndpointArn: arn };
      },

      DescribeEndpoint: async (input: Json, call: ServiceCall) => {
        const v = new Validator();
        const name = v.name(input.EndpointName, 'endpointName') ?? '';
        v.check();
        const record = this.endpoints.get(name);
        if (!record) throw this.notFound(call, name);
        return this.describe(record);
      },

      UpdateEndpoint: async (input: Json, call: ServiceCall) => {
        const v = new Validator();
        const name = v.name(input.EndpointName, 'endpointName') ?? '';
        const configName = v.name(input.EndpointConfigName, 'endpointConfigName') ?? '';
        v.check();
        const record = this.endpoints.get(name);
        if (!record) throw this.notFound(call, name);
        const status = record.describe.EndpointStatus;
        if (status !== 'InService') {
          // SageMaker's wording for the cases it refuses.
          throw validationError(
            status === 'Failed'
              ? `Cannot update failed endpoint "${record.describe.EndpointArn}".`
              : `Cannot update in-progress endpoint "${record.describe.EndpointArn}".`,
          );
        }
        this.spec(record, configName);
        record.describe.LastModifiedTime = ctx.now();
        this.startDeploy(record, configName, 'Updating');
        await this.endpoints.save(record);
        return { EndpointArn: record.describe.EndpointArn };
      },

      DeleteEndpoint: async (input: Json, call: ServiceCall) => {
        const v = new Validator();
        const name = v.name(input.EndpointName, 'endpointName') ?? '';
        v.check();
        const record = this.endpoints.get(name);
        if (!record) throw this.notFound(call, name);
        record.describe.EndpointStatus = 'Deleting';
        record.describe.LastModifiedTime = ctx.now();
        await this.endpoints.save(record);
        // Serving stops at once; in-flight requests finish before the instances go.
        const run = this.host.undeploy(name).then(() => this.endpoints.delete(name));
        this.deploying.add(run);
        void run
          .finally(() => this.deploying.delete(run))
          .catch((err: unknown) => ctx.log(`DeleteEndpoint ${name}: ${String(err)}`));
        return {};
      },

      ListEndpoints: async (input: Json) => {
        const { page, nextToken } = listPage(
          this.endpoints.values(),
          (r) => ({
            name: r.describe.EndpointName,
            creationTime: r.describe.CreationTime,
            lastModifiedTime: r.describe.LastModifiedTime,
            status: r.describe.EndpointStatus,
          }),
          input,
          { sortBy: ['Name', 'CreationTime', 'Status'], statuses: STATUSES, lastModified: true },
        );
        return {
          Endpoints: page.map(({ describe: d }) => ({
            EndpointName: d.EndpointName,
            EndpointArn: d.EndpointArn,
            CreationTime: d.CreationTime,
            LastModifiedTime: d.LastModifiedTime,
            EndpointStatus: d.EndpointStatus,
          })),
          NextToken: nextToken,
        };
      },
    };
  }
}
