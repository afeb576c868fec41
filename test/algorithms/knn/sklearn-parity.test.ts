/**
 * k-NN against scikit-learn's brute force (KNeighborsRegressor / KNeighborsClassifier,
 * algorithm="brute"): with every training point kept (sample_size ≥ rows) and the exact
 * faiss.Flat index, mme's predictions are scikit-learn's, for L2 and COSINE, and its verbose
 * distances are scikit-learn's (squared for L2, 1 − similarity for COSINE). Vote ties are
 * frequent with k=6 and 4 classes; both pick the smallest tied label. Skipped, with the reason
 * printed, where python3-sklearn is absent.
 */
import { describe, expect, it } from 'vitest';
import { invokeKnn, trainKnn } from '../../../src/algorithms/knn/index.js';
import type { KnnPrediction } from '../../../src/algorithms/knn/model.js';
import { blobs, featuresCsv, labelledCsv, python, sklearnNeighbours, warnIfNoPython } from './reference.js';

warnIfNoPython('k-NN parity with scikit-learn');

const train = blobs(800, 6, 4, 11, 3);
const queries = blobs(150, 6, 4, 12, 3).x;

const CASES = [
  { predictor_type: 'regressor', metric: 'L2', k: 5 },
  { predictor_type: 'classifier', metric: 'L2', k: 6 },
  { predictor_type: 'regressor', metric: 'COSINE', k: 4 },
  { predictor_type: 'classifier', metric: 'COSINE', k: 8 },
] as const;

describe.skipIf(!python)('k-NN faiss.Flat = scikit-learn brute force', () => {
  for (const c of CASES) {
    it(`${c.predictor_type}, ${c.metric}, k=${c.k}`, async () => {
      const y = c.predictor_type === 'classifier' ? train.cls : train.reg;
      const { model } = trainKnn(
        { train: labelledCsv(train.x, y) },
        {
          feature_dim: '6',
          k: String(c.k),
          predictor_type: c.predictor_type,
          sample_size: '1000',
          index_metric: c.metric,
        },
      );
      const { body } = invokeKnn(model, featuresCsv(queries), 'text/csv', 'application/json; verbose=true');
      const ours = (JSON.parse(body) as { predictions: KnnPrediction[] }).predictions;
      const ref = await sklearnNeighbours({
        x: train.x,
        y,
        queries,
        k: c.k,
        predictor_type: c.predictor_type,
        metric: c.metric === 'L2' ? 'euclidean' : 'cosine',
      });
      let ties = 0;
      ours.forEach((p, i) => {
        if (c.predictor_type === 'classifier') {
          expect(p.predicted_label).toBe(ref.predictions[i]);
          const counts = new Map<number, number>();
          for (const l of p.labels!) counts.set(l, (counts.get(l) ?? 0) + 1);
          const top = Math.max(...counts.values());
          if ([...counts.values()].filter((n) => n === top).length > 1) ties++;
        } else {
          expect(p.predicted_label).toBeCloseTo(ref.predictions[i]!, 5);
        }
        expect(p.labels).toEqual(ref.indices[i]!.map((j) => y[j]));
        const expected = ref.distances[i]!.map((d) => (c.metric === 'L2' ? d * d : 1 - d));
        p.distances!.forEach((d, j) => expect(d).toBeCloseTo(expected[j]!, 4));
      });
      if (c.predictor_type === 'classifier') console.log(`${c.metric} k=${c.k}: ${ties} of ${ours.length} votes tied`);
    });
  }
});
