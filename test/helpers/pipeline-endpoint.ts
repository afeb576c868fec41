/**
 * The reference workflow's endpoint on a local cloud, built directly with the SDK from real
 * trained artifacts (test/hosting/helpers.ts): the preprocessor and one linear learner per city
 * uploaded to a new bucket, then CreateModel (preprocessor → MultiModel linear learner),
 * CreateEndpointConfig and CreateEndpoint, as `mme deploy` asks for them, waited on until InService.
 */
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import {
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  waitUntilEndpointInService,
} from '@aws-sdk/client-sagemaker';
import type { Clients } from '../../src/aws/clients.js';
import {
  BUCKET,
  createFixture,
  LINEAR_LEARNER_IMAGE,
  MME_PREFIX,
  PREPROCESSOR_KEY,
  SKLEARN_IMAGE,
} from '../hosting/helpers.js';

export interface PipelineEndpointOptions {
  accountId: string;
  endpoint: string;
  /** City → price per square foot of its model, stored as `{City}/{City}.tar.gz` under MME_PREFIX. */
  cities: Record<string, number>;
}

/** Model `mme-pipeline` and config `mme-config` behind `endpoint`, InService. */
export async function createPipelineEndpoint(
  clients: Clients,
  { accountId, endpoint, cities }: PipelineEndpointOptions,
): Promise<void> {
  const s3 = await clients.s3();
  const fx = await createFixture();
  try {
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    await s3.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: PREPROCESSOR_KEY,
        Body: (await fx.store.readObject(BUCKET, PREPROCESSOR_KEY)).data,
      }),
    );
    for (const [city, perSqft] of Object.entries(cities)) {
      await s3.send(
        new PutObjectCommand({
          Bucket: BUCKET,
          Key: `${MME_PREFIX}${city}/${city}.tar.gz`,
          Body: await fx.cityTar(perSqft),
        }),
      );
    }
  } finally {
    await fx.cleanup();
  }
  const sm = await clients.sageMaker();
  await sm.send(
    new CreateModelCommand({
      ModelName: 'mme-pipeline',
      ExecutionRoleArn: `arn:aws:iam::${accountId}:role/mme-local-sagemaker-execution`,
      Containers: [
        {
          Image: SKLEARN_IMAGE,
          ModelDataUrl: `s3://${BUCKET}/${PREPROCESSOR_KEY}`,
          Environment: { SAGEMAKER_PROGRAM: 'sklearn_preprocessor.py' },
        },
        { Image: LINEAR_LEARNER_IMAGE, Mode: 'MultiModel', ModelDataUrl: `s3://${BUCKET}/${MME_PREFIX}` },
      ],
    }),
  );
  await sm.send(
    new CreateEndpointConfigCommand({
      EndpointConfigName: 'mme-config',
      ProductionVariants: [
        {
          VariantName: 'AllTraffic',
          ModelName: 'mme-pipeline',
          InstanceType: 'ml.m4.xlarge',
          InitialInstanceCount: 1,
          InitialVariantWeight: 1,
        },
      ],
    }),
  );
  await sm.send(new CreateEndpointCommand({ EndpointName: endpoint, EndpointConfigName: 'mme-config' }));
  await waitUntilEndpointInService(
    { client: sm, maxWaitTime: 30, minDelay: 1, maxDelay: 1 },
    { EndpointName: endpoint },
  );
}
