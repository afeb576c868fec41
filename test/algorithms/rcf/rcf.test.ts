/**
 * Random Cut Forest: on data with injected anomalies the anomalies score well above the normal
 * points, whose scores cluster around 1; AUC and recall at the mean + 3σ threshold are printed
 * and bounded; test:f1 on a labelled test channel; moving a point away from the data does not
 * lower its score; the same seed gives the same scores; the artifact round-trips; and the
 * hyperparameter, data and request errors.
 */
import { describe, expect, it } from 'vitest';
import { InferenceError } from '../../../src/algorithms/errors.js';
import {
  invokeRcf,
  parseRcfHyperparameters,
  readRcfArtifact,
  scoreForest,
  trainRcf,
  writeRcfArtifact,
} from '../../../src/algorithms/rcf/index.js';
import { mulberry32 } from '../../helpers/mulberry32.js';

const DIM = 5;

/** Two correlated clusters of normal points, and `anomalies` points scattered well outside them. */
function synthetic(normal: number, anomalies: number, seed: number) {
  const rand = mulberry32(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const rows: { x: number[]; anomaly: boolean }[] = [];
  for (let i = 0; i < normal; i++) {
    const c = rand() < 0.6 ? 0 : 8;
    const t = gauss();
    rows.push({ x: Array.from({ length: DIM }, (_, j) => c + t * (j + 1) * 0.5 + gauss() * 0.3), anomaly: false });
  }
  for (let i = 0; i < anomalies; i++) {
    // On the clusters' scale, but off their diagonal structure.
    rows.push({ x: Array.from({ length: DIM }, () => (rand() - 0.5) * 16 + 4), anomaly: true });
  }
  for (let i = rows.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [rows[i], rows[j]] = [rows[j]!, rows[i]!];
  }
  return rows;
}

const csv = (rows: { x: number[] }[]) => rows.map((r) => r.x.join(',')).join('\n') + '\n';
const labelled = (rows: { x: number[]; anomaly: boolean }[]) =>
  rows.map((r) => [r.anomaly ? 1 : 0, ...r.x].join(',')).join('\n') + '\n';

const HP = { feature_dim: String(DIM), num_trees: '100', num_samples_per_tree: '256' };
const train = synthetic(3000, 30, 1);
const test = synthetic(1000, 20, 2);
const result = trainRcf({ train: csv(train), test: labelled(test) }, HP, { seed: 7 });

function auc(scores: number[], positive: boolean[]): number {
  let wins = 0;
  let pairs = 0;
  scores.forEach((s, i) => {
    if (!positive[i]) return;
    scores.forEach((t, j) => {
      if (positive[j]) return;
      pairs++;
      wins += s > t ? 1 : s === t ? 0.5 : 0;
    });
  });
  return wins / pairs;
}

describe('RCF anomaly scores', () => {
  const scores = Array.from(
    scoreForest(
      result.model.forest,
      test.flatMap((r) => r.x),
      test.length,
    ),
  );
  const normal = scores.filter((_, i) => !test[i]!.anomaly).sort((a, b) => a - b);
  const anomalous = scores.filter((_, i) => test[i]!.anomaly);

  it('normal points score around 1, anomalies well above', () => {
    const median = normal[normal.length >> 1]!;
    const meanAnomaly = anomalous.reduce((s, v) => s + v, 0) / anomalous.length;
    console.log(`median normal score ${median.toFixed(3)}, mean anomaly score ${meanAnomaly.toFixed(3)}`);
    expect(median).toBeGreaterThan(0.5);
    expect(median).toBeLessThan(1.5);
    expect(meanAnomaly).toBeGreaterThan(2 * median);
  });

  it('AUC and recall at mean + 3σ of the training scores', () => {
    const a = auc(
      scores,
      test.map((r) => r.anomaly),
    );
    const { threshold, score_mean, score_std } = result.model.meta;
    const recall = anomalous.filter((s) => s > threshold).length / anomalous.length;
    const falseAlarms = normal.filter((s) => s > threshold).length / normal.length;
    console.log(
      `AUC ${a.toFixed(4)}; threshold ${threshold.toFixed(3)} (mean ${score_mean.toFixed(3)} + 3 × ${score_std.toFixed(3)}): ` +
        `recall ${recall.toFixed(3)}, false-alarm rate ${falseAlarms.toFixed(4)}`,
    );
    expect(a).toBeGreaterThan(0.95);
    expect(recall).toBeGreaterThan(0.6);
    expect(falseAlarms).toBeLessThan(0.03);
  });

  it('reports test:accuracy, precision, recall and f1 on the labelled test channel', () => {
    console.log(result.finalMetrics);
    expect(Object.keys(result.finalMetrics).sort()).toEqual([
      'test:accuracy',
      'test:f1',
      'test:precision',
      'test:recall',
    ]);
    expect(result.finalMetrics['test:f1']).toBeGreaterThan(0.6);
    expect(result.log.at(-1)).toMatch(/^#test_score \(algo-1\) : \('f1', [01]\.\d+\)$/);
    const only = trainRcf(
      { train: csv(train.slice(0, 500)), test: labelled(test) },
      { ...HP, eval_metrics: '["accuracy"]' },
    );
    expect(Object.keys(only.finalMetrics)).toEqual(['test:accuracy']);
  });

  it('moving a point farther from the data never lowers its score much', () => {
    const rand = mulberry32(5);
    for (let trial = 0; trial < 20; trial++) {
      const start = train[Math.floor(rand() * train.length)]!.x;
      const dir = Array.from({ length: DIM }, () => rand() - 0.5);
      const norm = Math.hypot(...dir);
      const path = Array.from({ length: 12 }, (_, step) => start.map((v, j) => v + (dir[j]! / norm) * step * 1.5));
      const s = scoreForest(result.model.forest, path.flat(), path.length);
      for (let i = 1; i < s.length; i++) expect(s[i]!).toBeGreaterThan(s[i - 1]! - 0.1);
      expect(s[s.length - 1]!).toBeGreaterThan(s[0]!);
    }
  });

  it('is reproducible from the seed', () => {
    const again = trainRcf({ train: csv(train) }, HP, { seed: 7 });
    // Buffer#equals: a deep toEqual over megabytes of bytes is slow.
    expect(Buffer.from(writeRcfArtifact(again.model)).equals(writeRcfArtifact(result.model))).toBe(true);
    const other = trainRcf({ train: csv(train) }, HP, { seed: 8 });
    expect(other.model.meta.score_mean).not.toBe(result.model.meta.score_mean);
  });
});

describe('RCF artifact and inference', () => {
  const body = csv(test.slice(0, 5));

  it('round-trips model_algo-1', () => {
    const bytes = writeRcfArtifact(result.model);
    // As model.tar.gz hands it over: a Buffer at an odd offset into the archive.
    const back = readRcfArtifact(Buffer.concat([Buffer.alloc(1), bytes]).subarray(1));
    expect(back.meta).toEqual(result.model.meta);
    expect(invokeRcf(back, body, 'text/csv', undefined)).toEqual(invokeRcf(result.model, body, 'text/csv', undefined));
    expect(() => readRcfArtifact(bytes.slice(0, bytes.length - 3))).toThrow(/truncated/);
    expect(() => readRcfArtifact(new Uint8Array(20))).toThrow(/not an mme Random Cut Forest model/);
  });

  it('answers {"scores":[{"score":…}]} and jsonlines, from csv, json and jsonlines', () => {
    const out = invokeRcf(result.model, body, 'text/csv', 'application/json');
    const parsed = JSON.parse(out.body) as { scores: { score: number }[] };
    expect(parsed.scores).toHaveLength(5);
    expect(Object.keys(parsed.scores[0]!)).toEqual(['score']);
    const json = JSON.stringify({ instances: test.slice(0, 5).map((r) => ({ features: r.x })) });
    expect(invokeRcf(result.model, json, 'application/json', undefined)).toEqual(out);
    const jl = invokeRcf(
      result.model,
      test
        .slice(0, 5)
        .map((r) => JSON.stringify({ features: r.x }))
        .join('\n'),
      'application/jsonlines',
      'application/jsonlines',
    );
    expect(jl.body).toBe(parsed.scores.map((s) => JSON.stringify(s)).join('\n') + '\n');
  });

  it('refuses bad requests with the status the container answers', () => {
    const err = (fn: () => unknown): InferenceError => {
      try {
        fn();
      } catch (e) {
        return e as InferenceError;
      }
      throw new Error('accepted');
    };
    expect(err(() => invokeRcf(result.model, '1,2,3', 'text/csv', undefined)).message).toMatch(
      /Feature size of csv inference data 3 is not consistent with feature size of trained model 5/,
    );
    expect(err(() => invokeRcf(result.model, '1,2,3,4,z', 'text/csv', undefined)).httpStatus).toBe(400);
    expect(err(() => invokeRcf(result.model, '1,2,3,4,5', 'image/png', undefined)).httpStatus).toBe(415);
  });
});

describe('RCF hyperparameters and data', () => {
  const message = (hp: Record<string, string>) => {
    try {
      parseRcfHyperparameters(hp);
    } catch (e) {
      return (e as Error).message;
    }
    throw new Error('accepted');
  };

  it('has the documented defaults and ranges', () => {
    expect(parseRcfHyperparameters({ feature_dim: '3', mini_batch_size: '1000' })).toEqual({
      featureDim: 3,
      numTrees: 100,
      numSamplesPerTree: 256,
      evalMetrics: ['accuracy', 'precision_recall_fscore'],
    });
    expect(message({})).toBe(
      "ClientError: No value(s) were specified for 'feature_dim' which are required hyperparameter(s) (caused by ValidationError)",
    );
    expect(message({ feature_dim: '3', num_trees: '49' })).toBe(
      "ClientError: The value '49' is not valid for the 'num_trees' hyperparameter which expects one of the following: an integer between 50 and 1000 (caused by ValidationError)",
    );
    expect(message({ feature_dim: '3', num_samples_per_tree: '2049' })).toMatch(/between 1 and 2048/);
    expect(message({ feature_dim: '3', eval_metrics: "['auc']" })).toMatch(/'auc' is not valid for the 'eval_metrics'/);
    expect(
      parseRcfHyperparameters({ feature_dim: '3', eval_metrics: "['precision_recall_fscore']" }).evalMetrics,
    ).toEqual(['precision_recall_fscore']);
  });

  it('trains on unlabelled CSV, or labelled CSV with the label ignored', () => {
    expect(() => trainRcf({ train: '1,2,3\n' }, { feature_dim: '2' })).toThrow(
      /found 3 columns, expected feature_dim=2/,
    );
    expect(() =>
      trainRcf({ train: '1,2\n', contentTypes: { train: 'text/csv;label_size=1' } }, { feature_dim: '2' }),
    ).toThrow(/found 2 columns, expected a label and feature_dim=2/);
    expect(() =>
      trainRcf({ train: '1,2\n', contentTypes: { train: 'text/csv;label_size=2' } }, { feature_dim: '2' }),
    ).toThrow(/label_size=2 is not supported/);
    const rows = Array.from({ length: 40 }, (_, i) => `${i % 7},${i % 5}`);
    const unlabelled = trainRcf({ train: rows.join('\n') }, { feature_dim: '2', num_trees: '50' });
    const labelled = trainRcf(
      { train: rows.map((r, i) => `${1000 + i},${r}`).join('\n'), contentTypes: { train: 'text/csv;label_size=1' } },
      { feature_dim: '2', num_trees: '50' },
    );
    expect(labelled.model.meta).toEqual(unlabelled.model.meta);
    expect(() => trainRcf({ train: '1,b\n' }, { feature_dim: '2' })).toThrow(/'b' is not a number/);
  });

  it('copes with fewer points than num_samples_per_tree, and with duplicates', () => {
    const { model } = trainRcf({ train: '1,1\n1,1\n1,1\n2,2\n' }, { feature_dim: '2', num_trees: '50' });
    expect(model.forest.trees[0]!.mass).toBe(4);
    const [dup, far] = scoreForest(model.forest, [1, 1, 10, 10], 2);
    expect(far!).toBeGreaterThan(dup!);
  });
});
