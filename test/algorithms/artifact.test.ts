import { describe, expect, it } from 'vitest';
import {
  deserializeLinearLearner,
  deserializePreprocessor,
  parseArtifact,
  serializeLinearLearner,
  serializePreprocessor,
} from '../../src/algorithms/artifact.js';
import { ArtifactError } from '../../src/algorithms/errors.js';
import type { LinearLearnerModel } from '../../src/algorithms/linear-learner/model.js';
import { fitPreprocessorFromCsv } from '../../src/algorithms/preprocessor.js';
import { housingRows } from './synthetic.js';

const model: LinearLearnerModel = {
  predictorType: 'multiclass_classifier',
  featureDim: 2,
  numClasses: 3,
  loss: 'softmax_loss',
  weights: Float64Array.of(0.1, 1 / 3, -2e-17, 5, Math.PI, -1),
  bias: Float64Array.of(1, 2, 3),
  threshold: 0.5,
};

describe('model artifacts', () => {
  it('round-trips a linear learner model exactly', () => {
    const bytes = serializeLinearLearner(model, { selected_model: 3 });
    const doc = JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
    expect(doc).toMatchObject({
      format: 'mme-linear-learner',
      version: 1,
      predictor_type: 'multiclass_classifier',
      feature_dim: 2,
    });
    expect(doc.weights).toEqual([
      [0.1, 1 / 3],
      [-2e-17, 5],
      [Math.PI, -1],
    ]);
    expect(deserializeLinearLearner(bytes)).toEqual(model);
    const artifact = parseArtifact(bytes);
    expect(artifact.kind === 'linear-learner' && artifact.training).toEqual({ selected_model: 3 });
  });

  it('round-trips a preprocessor exactly', () => {
    const pre = fitPreprocessorFromCsv([
      housingRows(1, 30)
        .map((r) => r.join(','))
        .join('\n'),
    ]);
    const bytes = serializePreprocessor(pre);
    expect(JSON.parse(new TextDecoder().decode(bytes))).toMatchObject({
      format: 'mme-sklearn-preprocessor',
      version: 1,
      label: 'PRICE',
    });
    expect(deserializePreprocessor(bytes)).toEqual(pre);
  });

  it('refuses unknown formats and versions, damaged documents and the wrong kind', () => {
    const bad = (doc: unknown) => () => parseArtifact(JSON.stringify(doc));
    expect(bad({ format: 'xgboost', version: 1 })).toThrow(/Unknown model artifact format "xgboost"/);
    expect(bad({ format: 'mme-linear-learner', version: 2 })).toThrow(
      /Unsupported mme-linear-learner artifact version 2; this mme reads version 1/,
    );
    expect(() => parseArtifact('not json')).toThrow(ArtifactError);
    const doc = JSON.parse(new TextDecoder().decode(serializeLinearLearner(model))) as Record<string, unknown>;
    expect(bad({ ...doc, weights: [[1, 2]] })).toThrow(/Invalid mme-linear-learner artifact: bad weights/);
    expect(() => deserializePreprocessor(serializeLinearLearner(model))).toThrow(
      /Expected a mme-sklearn-preprocessor artifact/,
    );
  });
});
