/**
 * The approximate indexes against the exact one: recall@10 of faiss.IVFFlat and faiss.IVFPQ on
 * clustered data (the share of the exact 10 nearest neighbours they return), printed, with a
 * lower bound; and the dimension reductions keep enough of the geometry to classify
 * well-separated blobs.
 */
import { describe, expect, it } from 'vitest';
import { trainKnn, type KnnModel } from '../../../src/algorithms/knn/index.js';
import { predictKnn } from '../../../src/algorithms/knn/model.js';
import { blobs, labelledCsv } from './reference.js';

const DIM = 16;
const train = blobs(5000, DIM, 40, 21, 3);
// Same centres (same seed), points not in the index.
const fresh = blobs(5200, DIM, 40, 21, 3).x.slice(5000);
const csv = labelledCsv(train.x, train.reg);

function fit(extra: Record<string, string>): KnnModel {
  return trainKnn(
    { train: csv },
    { feature_dim: String(DIM), k: '10', predictor_type: 'regressor', sample_size: '5000', ...extra },
    { seed: 3 },
  ).model;
}

function neighbours(model: KnnModel, x: number[][]): number[][] {
  return predictKnn(model, x.flat(), x.length, true).map((p) => p.labels!);
}

/** recall@k by label value: labels are float32 sums of sines, unique per training point here. */
function recall(approx: number[][], exact: number[][]): number {
  let hit = 0;
  let total = 0;
  exact.forEach((row, i) => {
    const got = new Set(approx[i]);
    for (const l of row) if (got.has(l)) hit++;
    total += row.length;
  });
  return hit / total;
}

describe('approximate k-NN indexes', () => {
  expect(new Set(train.reg).size).toBe(train.reg.length);
  const exact = neighbours(fit({}), fresh);

  it('faiss.IVFFlat: recall@10 against faiss.Flat', () => {
    const model = fit({ index_type: 'faiss.IVFFlat' });
    expect(model.index.nlist).toBe(71); // auto = sqrt(5000)
    const r = recall(neighbours(model, fresh), exact);
    console.log(`IVFFlat nlist=71 nprobe=${model.index.nprobe}: recall@10 = ${r.toFixed(3)}`);
    expect(r).toBeGreaterThan(0.85);
  });

  it('faiss.IVFPQ: recall@10 against faiss.Flat', () => {
    const model = fit({ index_type: 'faiss.IVFPQ', faiss_index_pq_m: '8', faiss_index_ivf_nlists: '50' });
    expect(model.index.m).toBe(8);
    const r = recall(neighbours(model, fresh), exact);
    console.log(`IVFPQ nlist=50 m=8 nprobe=${model.index.nprobe}: recall@10 = ${r.toFixed(3)}`);
    expect(r).toBeGreaterThan(0.7);
  });

  it('faiss.IVFPQ pads a dimension faiss_index_pq_m does not divide', () => {
    const model = fit({ index_type: 'faiss.IVFPQ', faiss_index_pq_m: '12', faiss_index_ivf_nlists: '20' });
    expect(model.index.dim).toBe(24);
    const r = recall(neighbours(model, fresh), exact);
    console.log(`IVFPQ m=12 (16 padded to 24): recall@10 = ${r.toFixed(3)}`);
    expect(r).toBeGreaterThan(0.7);
  });
});

describe('dimension reduction', () => {
  const sep = blobs(2000, 64, 5, 31, 1);
  const test = blobs(2300, 64, 5, 31, 1);
  const testCsv = labelledCsv(test.x.slice(2000), test.cls.slice(2000));
  for (const type of ['sign', 'fjlt']) {
    it(`${type}: 64 → 8 dimensions still classifies separated blobs`, () => {
      const { model, finalMetrics, log } = trainKnn(
        { train: labelledCsv(sep.x, sep.cls), test: testCsv },
        {
          feature_dim: '64',
          k: '5',
          predictor_type: 'classifier',
          sample_size: '2000',
          dimension_reduction_type: type,
          dimension_reduction_target: '8',
        },
      );
      expect(model.index.dim).toBe(8);
      expect(model.meta.dimension_reduction).toMatchObject({ type, target_dim: 8, input_dim: 64 });
      console.log(`${type}: test:accuracy = ${finalMetrics['test:accuracy']}`);
      expect(finalMetrics['test:accuracy']).toBeGreaterThan(0.95);
      expect(log.at(-1)).toMatch(/^#test_score \(algo-1\) : \('accuracy', [01]\.\d+\)$/);
    });
  }

  it('IVFPQ raises the reduction target to a multiple of faiss_index_pq_m', () => {
    const { model } = trainKnn(
      { train: labelledCsv(sep.x, sep.cls) },
      {
        feature_dim: '64',
        k: '5',
        predictor_type: 'classifier',
        sample_size: '2000',
        dimension_reduction_type: 'sign',
        dimension_reduction_target: '10',
        index_type: 'faiss.IVFPQ',
        faiss_index_pq_m: '4',
      },
    );
    expect(model.meta.dimension_reduction?.target_dim).toBe(12);
    expect(model.index.dim).toBe(12);
  });
});
