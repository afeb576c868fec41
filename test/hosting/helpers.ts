/**
 * Fixtures for the hosting tests, built for real: a preprocessor fitted and a linear learner
 * trained on small synthetic housing data with the pure algorithms, packed into model.tar.gz with
 * the model-tar module (src/formats), and stored in an ObjectStore in a temp dir.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  fitPreprocessor,
  parseCsv,
  parseHyperparameters,
  serializeLinearLearner,
  serializePreprocessor,
  trainLinearLearner,
  transformRow,
  LINEAR_LEARNER_ARTIFACT_FILE,
  PREPROCESSOR_ARTIFACT_FILE,
  type Dataset,
  type PreprocessorModel,
} from '../../src/algorithms/index.js';
import { packModelTar } from '../../src/formats/model-tar.js';
import { EndpointHost, type EndpointHostOptions, type EndpointSpec } from '../../src/local/hosting/index.js';
import { ObjectStore } from '../../src/local/store/object-store.js';

export const BUCKET = 'hosting-test';
export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';
export const LINEAR_LEARNER_IMAGE = '382416733822.dkr.ecr.us-east-1.amazonaws.com/linear-learner:1';
export const SKLEARN_IMAGE = '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3';
export const MME_PREFIX = 'DEMO_MME_LINEAR_LEARNER/multi_model_artifacts/';
export const PREPROCESSOR_KEY = 'sklearn/output/model.tar.gz';

/** Headerless housing rows (8 features, PRICE last), price depending on `perSqft` and `perGarage`. */
export function housingCsv(rows: number, perSqft = 150, seed = 1, perGarage = 5_000): string {
  let out = '';
  for (let i = 0; i < rows; i++) {
    const k = i + seed * 7;
    const year = 1980 + (k % 40);
    const sqft = 1500 + ((k * 37) % 2000);
    const beds = 2 + (k % 5);
    const baths = 1 + (k % 5) / 2;
    const lot = 0.5 + ((k * 13) % 100) / 100;
    const garage = k % 4;
    const porch = k % 3 === 0 ? 'y' : 'n';
    const deck = k % 2 === 0 ? 'y' : 'n';
    const price = perSqft * sqft + 10_000 * beds + 15_000 * baths + perGarage * garage;
    out += `${year},${sqft},${beds},${baths},${lot},${garage},${porch},${deck},${price}\n`;
  }
  return out;
}

/** One unlabelled inference row, as `mme invoke` sends it. */
export const INFERENCE_ROW = '2005,2500,4,2.5,1.1,2,y,n';

function fitHousingPreprocessor(): PreprocessorModel {
  return fitPreprocessor(parseCsv(housingCsv(200)));
}

/** A linear learner trained on the preprocessor's features of one "city" (its price per sqft). */
function trainCityModel(pre: PreprocessorModel, perSqft: number): Uint8Array {
  const rows = parseCsv(housingCsv(200, perSqft)).map((r) => transformRow(pre, r));
  const featureDim = rows[0]!.features.length;
  const data: Dataset = {
    rows: rows.length,
    featureDim,
    features: Float64Array.from(rows.flatMap((r) => Array.from(r.features))),
    labels: Float64Array.from(rows, (r) => r.label!),
  };
  const hp = parseHyperparameters({
    feature_dim: String(featureDim),
    predictor_type: 'regressor',
    mini_batch_size: '20',
    epochs: '3',
    num_models: '2',
    loss: 'squared_loss',
  });
  return serializeLinearLearner(trainLinearLearner(hp, data).model);
}

export interface Fixture {
  dir: string;
  store: ObjectStore;
  preprocessor: PreprocessorModel;
  /** model.tar.gz bytes of a trained linear learner (by price per sqft). */
  cityTar(perSqft?: number): Promise<Buffer>;
  /** Put a linear learner under the MME prefix; returns its TargetModel. */
  putModel(targetModel: string, perSqft?: number): Promise<string>;
  host(options?: EndpointHostOptions): EndpointHost;
  cleanup(): Promise<void>;
}

export async function createFixture(): Promise<Fixture> {
  const dir = await mkdtemp(join(tmpdir(), 'mme-hosting-test-'));
  const store = new ObjectStore(join(dir, 's3'));
  await store.createBucket(BUCKET);
  const preprocessor = fitHousingPreprocessor();
  await store.putObject(
    BUCKET,
    PREPROCESSOR_KEY,
    await packModelTar([{ name: PREPROCESSOR_ARTIFACT_FILE, data: serializePreprocessor(preprocessor) }]),
  );
  const tars = new Map<number, Buffer>();
  const hosts: EndpointHost[] = [];
  const cityTar = async (perSqft = 150) => {
    let tar = tars.get(perSqft);
    if (!tar)
      tars.set(
        perSqft,
        (tar = await packModelTar([
          { name: LINEAR_LEARNER_ARTIFACT_FILE, data: trainCityModel(preprocessor, perSqft) },
        ])),
      );
    return tar;
  };
  return {
    dir,
    store,
    preprocessor,
    cityTar,
    async putModel(targetModel, perSqft = 150) {
      await store.putObject(BUCKET, MME_PREFIX + targetModel, await cityTar(perSqft));
      return targetModel;
    },
    host(options = {}) {
      const host = new EndpointHost(store, {
        workDir: join(dir, `host-${hosts.length}`),
        modelOverheadBytes: 0,
        ...options,
      });
      hosts.push(host);
      return host;
    },
    async cleanup() {
      for (const h of hosts) await h.close();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The reference workflow's endpoint: preprocessor → MultiModel linear learner. */
export function pipelineEndpoint(
  name = 'mme-ep',
  overrides: { instances?: number; cacheSetting?: 'Enabled' | 'Disabled'; instanceType?: string } = {},
): EndpointSpec {
  return {
    name,
    arn: `arn:aws:sagemaker:${REGION}:${ACCOUNT}:endpoint/${name.toLowerCase()}`,
    variants: [
      {
        VariantName: 'AllTraffic',
        InstanceType: overrides.instanceType ?? 'ml.m4.xlarge',
        InitialInstanceCount: overrides.instances ?? 1,
        model: {
          name: 'mme-model',
          containers: [
            {
              Image: SKLEARN_IMAGE,
              ModelDataUrl: `s3://${BUCKET}/${PREPROCESSOR_KEY}`,
              Environment: { SAGEMAKER_PROGRAM: 'sklearn_preprocessor.py' },
            },
            {
              Image: LINEAR_LEARNER_IMAGE,
              Mode: 'MultiModel',
              ModelDataUrl: `s3://${BUCKET}/${MME_PREFIX}`,
              ...(overrides.cacheSetting ? { MultiModelConfig: { ModelCacheSetting: overrides.cacheSetting } } : {}),
            },
          ],
        },
      },
    ],
  };
}

export function invokeRequest(
  endpointName: string,
  targetModel?: string,
  overrides: Partial<Parameters<EndpointHost['serve']>[0]> = {},
) {
  return {
    endpointName,
    body: Buffer.from(INFERENCE_ROW),
    contentType: 'text/csv',
    targetModel,
    accountId: ACCOUNT,
    region: REGION,
    requestId: 'req-1',
    ...overrides,
  };
}

export function seriesTotal(host: EndpointHost, metricName: string, endpointName = 'mme-ep') {
  return host.metrics.snapshot(endpointName).series.find((s) => s.metricName === metricName);
}

export function captureLogger() {
  const lines: string[] = [];
  return {
    lines,
    logger: { info: (m: string) => lines.push(`info: ${m}`), warn: (m: string) => lines.push(`warn: ${m}`) },
  };
}

/** EndpointHost.serve as a promise: its synchronous throws become rejections, as InvokeEndpoint's caller sees them. */
export async function invoke(host: EndpointHost, request: Parameters<EndpointHost['serve']>[0]) {
  return host.serve(request);
}
