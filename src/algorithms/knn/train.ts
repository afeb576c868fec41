/**
 * k-NN training as the container does it (docs/aws-behaviour.md#k-nn): validate the
 * hyperparameters, read the `train` channel (text/csv;label_size=1: label first), keep a seeded
 * reservoir sample of `sample_size` points, reduce their dimension if asked, build the index.
 * An optional `test` channel is scored in batches of mini_batch_size: accuracy for a
 * classifier, mse for a regressor, logged as `#test_score (algo-1) : ('accuracy', 0.9866)` and
 * reported as the `test:accuracy` / `test:mse` metric.
 *
 * Pure and synchronous: the job runner calls it in a worker thread.
 */
import { AlgorithmClientError } from '../errors.js';
import { pythonFloat } from '../python-str.js';
import { parseTrainingCsv, type Dataset } from '../first-party/data.js';
import { createRandom } from '../random.js';
import { reservoirSample } from '../reservoir.js';
import { buildIndex } from './faiss.js';
import { parseKnnHyperparameters, type KnnHyperparameters } from './hyperparameters.js';
import { predictKnn, vectorizer, type KnnMetadata, type KnnModel } from './model.js';

export interface KnnChannels {
  /** CSV files of the train channel (label first). */
  train: string | readonly string[];
  test?: string | readonly string[];
  contentTypes?: { train?: string; test?: string };
}

export interface KnnTrainOptions {
  seed?: number;
  log?: (line: string) => void;
}

export interface KnnTrainResult {
  model: KnnModel;
  hyperparameters: KnnHyperparameters;
  log: string[];
  finalMetrics: Record<string, number>;
}

export const KNN_DEFAULT_SEED = 1;

export function trainKnn(
  channels: KnnChannels,
  hyperparameters: Record<string, string>,
  options: KnnTrainOptions = {},
): KnnTrainResult {
  const hp = parseKnnHyperparameters(hyperparameters);
  const seed = options.seed ?? KNN_DEFAULT_SEED;
  const log: string[] = [];
  const say = (line: string) => {
    log.push(line);
    options.log?.(line);
  };
  const train = parseTrainingCsv(channels.train, hp.featureDim, { contentType: channels.contentTypes?.train });
  const random = createRandom(seed);
  const sample = reservoirSample(train.rows, hp.sampleSize, random);
  if (sample.length < hp.k) {
    throw new AlgorithmClientError(
      `The train channel has ${sample.length} records, fewer than k (${hp.k}): k nearest neighbours cannot be found`,
    );
  }
  say(`#sampled ${sample.length} of ${train.rows} training records (sample_size=${hp.sampleSize})`);

  const reducedDim = hp.dimensionReduction?.target ?? hp.featureDim;
  const meta: KnnMetadata = {
    k: hp.k,
    predictor_type: hp.predictorType,
    ...(hp.dimensionReduction && {
      dimension_reduction: {
        type: hp.dimensionReduction.type,
        seed: random.int(2 ** 31),
        target_dim: reducedDim,
        input_dim: hp.featureDim,
      },
    }),
    normalize: hp.indexMetric === 'COSINE',
    version: '1.0',
    feature_dim: hp.featureDim,
    index_type: hp.indexType,
    index_metric: hp.indexMetric,
  };
  // faiss_index_pq_m must divide the dimension: zero padding (reduction targets were raised instead).
  const indexDim = hp.pqM ? Math.ceil(reducedDim / hp.pqM) * hp.pqM : reducedDim;
  const toVector = vectorizer(meta, indexDim);
  const vectors = new Float32Array(sample.length * indexDim);
  const labels = new Float32Array(sample.length);
  sample.forEach((row, i) => {
    vectors.set(toVector(train.features, row * hp.featureDim), i * indexDim);
    labels[i] = train.labels[row]!;
  });
  const nlist = Math.min(hp.ivfNlists, sample.length);
  const index = buildIndex(vectors, sample.length, indexDim, {
    kind: hp.indexType,
    metric: hp.indexMetric === 'L2' ? 'L2' : 'IP',
    nlist,
    nprobe: defaultNprobe(nlist),
    m: hp.pqM ?? 0,
    seed: random.int(2 ** 31),
  });
  const model: KnnModel = { meta, index, labels };
  say(`#built index ${hp.indexType} (${hp.indexMetric}) of ${sample.length} points, dimension ${indexDim}`);

  const finalMetrics: Record<string, number> = {};
  if (channels.test !== undefined) {
    const test = parseTrainingCsv(channels.test, hp.featureDim, {
      contentType: channels.contentTypes?.test,
      channel: 'test',
    });
    const [name, value] = testScore(model, test, hp.miniBatchSize);
    finalMetrics[`test:${name}`] = value;
    say(`#test_score (algo-1) : ('${name}', ${pythonFloat(value)})`);
  }
  return { model, hyperparameters: hp, log, finalMetrics };
}

/**
 * The guide does not say how many IVF lists a query scans (faiss's nprobe, default 1). mme
 * scans √nlist of them, which keeps recall@k high (measured in the k-NN tests) at about
 * √nlist/nlist of the exact cost.
 */
function defaultNprobe(nlist: number): number {
  return Math.max(1, Math.ceil(Math.sqrt(nlist)));
}

function testScore(model: KnnModel, test: Dataset, batch: number): ['accuracy' | 'mse', number] {
  let hits = 0;
  let squared = 0;
  for (let start = 0; start < test.rows; start += batch) {
    const rows = Math.min(batch, test.rows - start);
    const features = test.features.subarray(start * test.featureDim, (start + rows) * test.featureDim);
    predictKnn(model, features, rows).forEach((p, i) => {
      const y = test.labels[start + i]!;
      if (p.predicted_label === Math.fround(y)) hits++;
      squared += (p.predicted_label - y) ** 2;
    });
  }
  return model.meta.predictor_type === 'classifier' ? ['accuracy', hits / test.rows] : ['mse', squared / test.rows];
}
