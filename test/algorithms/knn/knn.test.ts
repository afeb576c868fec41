/**
 * k-NN's contract with its callers: the hyperparameter errors a training job fails with, the
 * artifact files (written, read back, edited), the inference formats and their errors, the
 * reservoir sample and determinism for a seed.
 */
import { describe, expect, it } from 'vitest';
import { InferenceError } from '../../../src/algorithms/errors.js';
import {
  invokeKnn,
  parseKnnHyperparameters,
  readKnnArtifact,
  trainKnn,
  writeKnnArtifact,
  KNN_INDEX_FILE,
  KNN_LABELS_FILE,
  KNN_METADATA_FILE,
} from '../../../src/algorithms/knn/index.js';
import { blobs, featuresCsv, labelledCsv } from './reference.js';

const REQUIRED = { feature_dim: '4', k: '3', predictor_type: 'classifier', sample_size: '100' };
// The same blobs for training (first 300) and queries (last 20).
const all = blobs(320, 4, 3, 5, 1);
const data = { x: all.x.slice(0, 300), cls: all.cls.slice(0, 300), reg: all.reg.slice(0, 300) };
const csv = labelledCsv(data.x, data.cls);
const queries = all.x.slice(300);

function failure(hp: Record<string, string>): string {
  try {
    parseKnnHyperparameters(hp);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('accepted');
}

describe('k-NN hyperparameters', () => {
  it('resolves the defaults', () => {
    expect(parseKnnHyperparameters(REQUIRED)).toEqual({
      featureDim: 4,
      k: 3,
      predictorType: 'classifier',
      sampleSize: 100,
      indexType: 'faiss.Flat',
      indexMetric: 'L2',
      ivfNlists: 10,
      miniBatchSize: 5000,
    });
  });

  it('refuses what SageMaker refuses, in the first-party wording', () => {
    expect(failure({ k: '3', predictor_type: 'regressor' })).toBe(
      "ClientError: No value(s) were specified for 'feature_dim', 'sample_size' which are required hyperparameter(s) (caused by ValidationError)",
    );
    expect(failure({ ...REQUIRED, predictor_type: 'ranker' })).toBe(
      "ClientError: The value 'ranker' is not valid for the 'predictor_type' hyperparameter which accepts one of the following: 'classifier', 'regressor' (caused by ValidationError)",
    );
    expect(failure({ ...REQUIRED, k: '0' })).toMatch(/The value '0' is not valid for the 'k' hyperparameter/);
    expect(failure({ ...REQUIRED, epochs: '3' })).toMatch(
      /Additional hyperparameters are not allowed \('epochs' was unexpected\)/,
    );
    expect(failure({ ...REQUIRED, k: '101' })).toMatch(/k must not be greater than sample_size \(100\)/);
    expect(failure({ ...REQUIRED, index_type: 'faiss.IVFPQ', index_metric: 'COSINE' })).toMatch(
      /'COSINE' is not valid for the 'index_metric' hyperparameter when 'index_type' is 'faiss.IVFPQ'/,
    );
    expect(failure({ ...REQUIRED, index_type: 'faiss.IVFPQ', index_metric: 'INNER_PRODUCT' })).toMatch(/not supported/);
    expect(failure({ ...REQUIRED, dimension_reduction_type: 'sign' })).toMatch(
      /No value\(s\) were specified for 'dimension_reduction_target'/,
    );
    expect(failure({ ...REQUIRED, dimension_reduction_type: 'fjlt', dimension_reduction_target: '4' })).toMatch(
      /less than feature_dim \(4\)/,
    );
    expect(failure({ ...REQUIRED, faiss_index_pq_m: '5' })).toMatch(
      /accepts one of the following: '1', '2', '3', '4', '8'/,
    );
    expect(failure({ ...REQUIRED, faiss_index_ivf_nlists: 'many' })).toMatch(/pattern '\^auto\$'/);
    expect(parseKnnHyperparameters({ ...REQUIRED, _kvstore: 'local', faiss_index_ivf_nlists: '7' }).ivfNlists).toBe(7);
  });

  it('fails training on bad data with the reason', () => {
    expect(() => trainKnn({ train: '1,2,3\n' }, REQUIRED)).toThrow(/found 3 columns, expected 5/);
    expect(() => trainKnn({ train: '1,2,x,4,5\n' }, REQUIRED)).toThrow(/'x' is not a number/);
    expect(() => trainKnn({ train: '1,2,3,4,5\n0,1,2,3,4\n' }, REQUIRED)).toThrow(
      /ClientError: The train channel has 2 records, fewer than k \(3\)/,
    );
  });
});

describe('k-NN training', () => {
  it('keeps a seeded reservoir sample of sample_size points', () => {
    const a = trainKnn({ train: csv }, { ...REQUIRED, sample_size: '50' }, { seed: 9 }).model;
    const b = trainKnn({ train: csv }, { ...REQUIRED, sample_size: '50' }, { seed: 9 }).model;
    const c = trainKnn({ train: csv }, { ...REQUIRED, sample_size: '50' }, { seed: 10 }).model;
    expect(a.index.ntotal).toBe(50);
    expect(writeKnnArtifact(a)).toEqual(writeKnnArtifact(b));
    expect(a.index.vectors).not.toEqual(c.index.vectors);
  });

  it('reports test:accuracy (classifier) and test:mse (regressor)', () => {
    const test = labelledCsv(queries, all.cls.slice(300));
    expect(trainKnn({ train: csv, test }, REQUIRED).finalMetrics['test:accuracy']).toBeGreaterThan(0.9);
    const reg = trainKnn(
      { train: labelledCsv(data.x, data.reg), test: labelledCsv(queries, all.reg.slice(300)) },
      { ...REQUIRED, predictor_type: 'regressor' },
    );
    expect(reg.finalMetrics['test:mse']).toBeGreaterThan(0);
    expect(reg.log.at(-1)).toMatch(/^#test_score \(algo-1\) : \('mse', /);
  });
});

describe('k-NN artifact', () => {
  for (const index_type of ['faiss.Flat', 'faiss.IVFFlat', 'faiss.IVFPQ']) {
    it(`${index_type}: written and read back, it predicts the same`, () => {
      const { model } = trainKnn({ train: csv }, { ...REQUIRED, index_type, faiss_index_pq_m: '2' });
      const files = writeKnnArtifact(model);
      expect(Object.keys(files).sort()).toEqual([KNN_INDEX_FILE, KNN_METADATA_FILE, KNN_LABELS_FILE]);
      expect(files[KNN_LABELS_FILE]!.byteLength).toBe(100 * 4);
      // As model.tar.gz hands them over: Buffers at odd offsets into one archive.
      const unaligned = Object.fromEntries(
        Object.entries(files).map(([name, b]) => [name, Buffer.concat([Buffer.alloc(1), b]).subarray(1)]),
      );
      const back = readKnnArtifact(unaligned);
      const body = featuresCsv(queries);
      expect(invokeKnn(back, body, 'text/csv', 'application/json; verbose=true')).toEqual(
        invokeKnn(model, body, 'text/csv', 'application/json; verbose=true'),
      );
    });
  }

  it('has the documented metadata, and an edited k or predictor_type takes effect', () => {
    const files = writeKnnArtifact(trainKnn({ train: csv }, REQUIRED).model);
    const meta = JSON.parse(new TextDecoder().decode(files[KNN_METADATA_FILE])) as Record<string, unknown>;
    expect(meta).toMatchObject({ k: 3, predictor_type: 'classifier', normalize: false, version: '1.0' });
    const edited = {
      ...files,
      [KNN_METADATA_FILE]: new TextEncoder().encode(JSON.stringify({ ...meta, k: 7, predictor_type: 'regressor' })),
    };
    const out = JSON.parse(
      invokeKnn(readKnnArtifact(edited), '0,0,0,0', 'text/csv', 'application/json; verbose=true').body,
    );
    const p = out.predictions[0] as { predicted_label: number; labels: number[] };
    expect(p.labels).toHaveLength(7);
    expect(p.predicted_label).toBeCloseTo(p.labels.reduce((s, v) => s + v, 0) / 7, 12);
  });

  it('refuses damaged artifacts', () => {
    const files = writeKnnArtifact(trainKnn({ train: csv }, REQUIRED).model);
    expect(() => readKnnArtifact({ ...files, [KNN_LABELS_FILE]: new Uint8Array(8) })).toThrow(
      /holds 2 labels for 100 points/,
    );
    expect(() => readKnnArtifact({ ...files, [KNN_INDEX_FILE]: files[KNN_INDEX_FILE]!.slice(0, 100) })).toThrow(
      /truncated/,
    );
    expect(() => readKnnArtifact({ [KNN_INDEX_FILE]: files[KNN_INDEX_FILE] })).toThrow(/has no model_algo-1.json/);
  });
});

describe('k-NN inference', () => {
  const { model } = trainKnn({ train: csv }, REQUIRED);
  const row = queries[0]!;

  it('answers text/csv, application/json and application/jsonlines the same', () => {
    const fromCsv = invokeKnn(model, featuresCsv(queries.slice(0, 2)), 'text/csv', undefined);
    expect(fromCsv.contentType).toBe('application/json');
    const json = JSON.stringify({ instances: queries.slice(0, 2).map((features) => ({ features })) });
    expect(invokeKnn(model, json, 'application/json', 'application/json')).toEqual(fromCsv);
    const dense = JSON.stringify({
      instances: queries.slice(0, 2).map((values) => ({ data: { features: { values } } })),
    });
    expect(invokeKnn(model, dense, 'application/json', 'application/json')).toEqual(fromCsv);
    const lines = queries
      .slice(0, 2)
      .map((features) => JSON.stringify({ features }))
      .join('\n');
    const jl = invokeKnn(model, lines, 'application/jsonlines', 'application/jsonlines');
    const preds = (JSON.parse(fromCsv.body) as { predictions: unknown[] }).predictions;
    expect(jl).toEqual({
      body: preds.map((p) => JSON.stringify(p)).join('\n') + '\n',
      contentType: 'application/jsonlines',
    });
    expect(Object.keys(preds[0]!)).toEqual(['predicted_label']);
  });

  it("verbose=true adds sorted distances and the neighbours' labels", () => {
    const out = JSON.parse(invokeKnn(model, row.join(','), 'text/csv', 'application/json; verbose=true').body);
    const p = out.predictions[0] as { predicted_label: number; distances: number[]; labels: number[] };
    expect(p.distances).toHaveLength(3);
    expect([...p.distances].sort((a, b) => a - b)).toEqual(p.distances);
    expect(p.labels).toHaveLength(3);
    const jl = invokeKnn(model, row.join(','), 'text/csv', 'application/jsonlines; verbose=true').body;
    expect(Object.keys(JSON.parse(jl) as object)).toEqual(['predicted_label', 'distances', 'labels']);
  });

  it('INNER_PRODUCT ranks by the largest inner product', () => {
    const ip = trainKnn({ train: csv }, { ...REQUIRED, index_metric: 'INNER_PRODUCT', k: '1' }).model;
    const out = JSON.parse(invokeKnn(ip, row.join(','), 'text/csv', 'application/json; verbose=true').body);
    const best = Math.max(...(ip.index.vectors.length ? chunks(ip.index.vectors, 4).map((v) => dot(v, row)) : []));
    expect(out.predictions[0].distances[0]).toBeCloseTo(best, 4);
  });

  it('refuses bad requests with the status the container answers', () => {
    const status = (fn: () => unknown): [number, string] => {
      try {
        fn();
      } catch (err) {
        expect(err).toBeInstanceOf(InferenceError);
        return [(err as InferenceError).httpStatus, (err as Error).message];
      }
      throw new Error('accepted');
    };
    expect(status(() => invokeKnn(model, '1,2,3', 'text/csv', undefined))).toEqual([
      400,
      'Unable to evaluate payload provided: Feature size of csv inference data 3 is not consistent with feature size of trained model 4',
    ]);
    expect(status(() => invokeKnn(model, '1,2,x,4', 'text/csv', undefined))).toEqual([
      400,
      "CSV row 1, feature 3: 'x' is not a number",
    ]);
    expect(
      status(() => invokeKnn(model, '{"instances":[{"features":[1,2,"a",4]}]}', 'application/json', undefined))[0],
    ).toBe(400);
    expect(status(() => invokeKnn(model, '1,2,3,4', 'application/x-npy', undefined))[0]).toBe(415);
    expect(status(() => invokeKnn(model, '1,2,3,4', 'text/csv', 'text/csv'))[0]).toBe(406);
  });
});

function chunks(v: Float32Array, dim: number): number[][] {
  return Array.from({ length: v.length / dim }, (_, i) => Array.from(v.subarray(i * dim, i * dim + dim)));
}
function dot(a: number[], b: number[]): number {
  return a.reduce((s, x, i) => s + x * b[i]!, 0);
}
